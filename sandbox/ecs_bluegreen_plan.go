package sandbox

import (
	"time"
)

// Glue between the pure blue/green timeline (ecs_bluegreen.go) and the rollout
// simulation (ecs_rollout.go): the tasks, events and deployment states a timeline implies.

// timeline evaluates d's blue/green timeline with the decisions taken so far.
func (d *deployment) timeline() *bgTimeline {
	return bgTimelineOf(*d.bg, d.createdAt, d.dur, d.beh.crash, d.decisions)
}

// bgActive reports whether d is a traffic-shifting deployment still under way at T
// (a decision at T that ends it is still planned here).
func (d *deployment) bgActive(T time.Time) bool {
	return d.bg != nil && !d.timeline().end.Before(T)
}

// planBlueGreen writes the future of a traffic-shifting deployment from T on. The
// green tasks start at SCALE_UP beside the blue ones; on success the blue tasks stop
// at CLEAN_UP; on a rollback traffic returns to the blue revision, which kept running,
// and the green tasks stop (Developer Guide, "Amazon ECS blue/green service
// deployments", rollback).
func (s *service) planBlueGreen(a *account, T time.Time, P *deployment) {
	tl := P.timeline()
	mine, others := s.aliveSplit(T, P)
	if L := tl.scaleUp.start; len(mine) == 0 && !L.IsZero() && !L.Before(T) && (tl.success || tl.end.After(L)) {
		mine = s.startGreen(a, P, L)
	}
	// future: an event at at is still to be written (the deployment's first plan
	// writes them all).
	future := func(at time.Time) bool { return at.After(T) || T.Equal(P.createdAt) }
	if tl.success {
		s.bgComplete(a, P, tl, others, future)
		return
	}
	s.bgRollback(a, P, tl, mine, future)
}

// startGreen starts the green revision's tasks at L, RUNNING one after another over
// the rolling pace (a crashing revision's tasks exit halfway through the unit).
func (s *service) startGreen(a *account, P *deployment, L time.Time) []*task {
	D := P.dur
	N := max(s.desired, 1)
	var started []*task
	for i := range N {
		R := L.Add(time.Duration(float64(D) * (rollingPace.firstUp + rollingPace.upSpan*float64(i+1)/float64(N))))
		t := a.newServiceTask(s, P, L, R)
		if P.beh.crash {
			t.exitAt = L.Add(D / 2)
			t.stopSpan = D / 20
		}
		started = append(started, t)
	}
	s.addEvent(a, L, "has started %d tasks: %s.", len(started), taskList(started))
	return started
}

// bgComplete plans a successful traffic shift: the blue tasks stop at CLEAN_UP, the
// deployment completes at the end of the timeline and the others leave the list.
func (s *service) bgComplete(a *account, P *deployment, tl *bgTimeline, blueTasks []*task, future func(time.Time) bool) {
	cleanUp := tl.end.Add(-P.dur / 10)
	for _, t := range blueTasks {
		schedStop(t, cleanUp, P)
	}
	if len(blueTasks) > 0 && future(cleanUp) {
		s.stopEvents(a, blueTasks)
	}
	P.completedAt = tl.end
	for _, d := range s.deployments {
		if d != P && (d.inactiveAt.IsZero() || d.inactiveAt.After(tl.end)) {
			d.inactiveAt = tl.end
		}
	}
	if future(tl.end) {
		s.addEvent(a, tl.end, "(deployment %s) deployment completed.", P.id)
		s.addEvent(a, tl.end, "has reached a steady state.")
	}
}

// bgRollback plans a rolled-back traffic shift: P stops being PRIMARY at the end of
// the timeline, traffic returns to the blue revision (the last completed one) and
// the green tasks stop.
func (s *service) bgRollback(a *account, P *deployment, tl *bgTimeline, green []*task, future func(time.Time) bool) {
	D, R := P.dur, tl.end
	var blue *deployment
	for _, d := range s.deployments {
		if d != P && !d.completedAt.IsZero() && d.completedAt.Before(P.createdAt) {
			blue = d
		}
	}
	P.revokedAt, P.failedAt, P.failReason = R, R, tl.reason
	P.inactiveAt = R.Add(D / 5)
	var stopped []*task
	for _, t := range green {
		if st, _ := t.stop(); st.IsZero() || st.After(R.Add(D/10)) {
			schedStop(t, R.Add(D/10), P)
			stopped = append(stopped, t)
		}
	}
	if sd := P.sd; sd != nil {
		sd.rollbackAt, sd.rollbackReason, sd.rollbackDep, sd.manual = R, tl.reason, blue, tl.manual
		sd.rollbackDone = R.Add(D / 5)
	}
	if future(R) && blue != nil {
		s.addEvent(a, R, "(deployment %s) rolling back to deployment %s: %s", P.id, blue.id, tl.reason)
	}
	if len(stopped) > 0 && future(R.Add(D/10)) {
		s.stopEvents(a, stopped)
	}
}

// bgSDJSON adds the blue/green part of a ServiceDeployment (API reference,
// ServiceDeployment: lifecycleStage, lifecycleHookDetails, alarms).
func (s *service) bgSDJSON(o *wireServiceDeployment, d *deployment, now time.Time) {
	tl := d.timeline()
	// ServiceRevisionSummary.requestedProductionTrafficWeight and
	// requestedTestTrafficWeight (API reference): the traffic split between the
	// target (green) and source (blue) revisions.
	prod, test := tl.trafficAt(now), 0.0
	if !tl.test.IsZero() && after(now, tl.test) && (tl.success || now.Before(tl.end)) {
		test = 100
	}
	blueProd, blueTest := 100-prod, 100-test
	o.TargetServiceRevision.RequestedProductionTrafficWeight, o.TargetServiceRevision.RequestedTestTrafficWeight = &prod, &test
	for i := range o.SourceServiceRevisions {
		sr := &o.SourceServiceRevisions[i]
		sr.RequestedProductionTrafficWeight, sr.RequestedTestTrafficWeight = &blueProd, &blueTest
	}
	if st := tl.stageAt(now); st != "" {
		o.LifecycleStage = st
	}
	// updatedAt: "The time that the service deployment was last updated" — the last
	// stage change, hook status change or traffic step so far.
	if u := tl.updatedAt(now); !u.IsZero() && !after(now, tl.end) {
		o.UpdatedAt = epoch(u)
	}
	// lifecycleHookDetails: "The details of the lifecycle hooks for the current service
	// deployment" (API reference, ServiceDeployment): every hook run so far, so the
	// final status of a stage's hooks is still there once the next stage began.
	for _, h := range tl.hooks {
		if now.Before(h.start) {
			continue
		}
		hj := wireHookDetail{HookID: h.id, Status: h.status(now)}
		if h.pause {
			hj.TargetType, hj.ExpiresAt, hj.TimeoutAction = "PAUSE", epoch(h.expires), h.action
		} else {
			target := h.target
			hj.TargetType, hj.TargetArn = "AWS_LAMBDA", &target
		}
		o.LifecycleHookDetails = append(o.LifecycleHookDetails, hj)
	}
	if len(d.bg.alarms) > 0 {
		o.Alarms = wireAlarms{Status: "MONITORING", AlarmNames: d.bg.alarms}
		switch {
		case !tl.alarmAt.IsZero() && after(now, tl.alarmAt) && tl.end.Equal(tl.alarmAt):
			o.Alarms.Status = "TRIGGERED"
			o.Alarms.TriggeredAlarmNames = []string{tl.alarmName}
		case after(now, tl.end):
			o.Alarms.Status = "MONITORING_COMPLETE"
		}
	}
}
