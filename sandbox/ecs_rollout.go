package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The rollout simulation. Every mutation (CreateService, UpdateService,
// StopServiceDeployment, StopTask, DeleteService) happens at one simulated instant T:
// it first truncates the service's planned future (everything scheduled after T) and
// then writes a new plan — tasks with their start/running/stop times, events, and the
// deployments' completion or failure times. Reads render that timeline at clock.Now(),
// so what a client sees is a pure function of the clock, however often it polls.

// breakerThreshold follows ServiceDeploymentCircuitBreaker.threshold in the API
// reference: 0.5 × desired task count, at least 3 and at most 200.
func breakerThreshold(desired int) int {
	th := (desired + 1) / 2
	return min(max(th, 3), 200)
}

func (a *account) scaled(d time.Duration, b behaviour) time.Duration {
	if b.slow {
		return time.Duration(float64(d) * a.opts.SlowFactor)
	}
	return d
}

// primary is the newest deployment created at or before now.
func (s *service) primary(now time.Time) *deployment {
	for i := len(s.deployments) - 1; i >= 0; i-- {
		if !now.Before(s.deployments[i].createdAt) && !after(now, s.deployments[i].revokedAt) {
			return s.deployments[i]
		}
	}
	return nil
}

// truncate drops everything planned after T, keeping the past intact.
func (s *service) truncate(a *account, T time.Time) {
	s.events = slices.DeleteFunc(s.events, func(e event) bool { return e.at.After(T) })
	s.tasks = slices.DeleteFunc(s.tasks, func(t *task) bool {
		if t.createdAt.After(T) {
			delete(a.tasks, t.arn)
			return true
		}
		return false
	})
	a.taskList = slices.DeleteFunc(a.taskList, func(t *task) bool { _, ok := a.tasks[t.arn]; return !ok })
	for _, t := range s.tasks {
		if t.stopAt.After(T) && t.stopCause == stopScheduler {
			t.stopAt, t.stopCause, t.stopReason = time.Time{}, stopNone, ""
		}
		if t.exitAt.After(T) && t.dep != nil && !t.dep.beh.crash {
			t.exitAt = time.Time{}
		}
	}
	s.deployments = slices.DeleteFunc(s.deployments, func(d *deployment) bool { return d.createdAt.After(T) })
	for _, d := range s.deployments {
		if d.revokedAt.After(T) {
			d.revokedAt, d.failReason = time.Time{}, ""
		}
		for _, tp := range []*time.Time{&d.completedAt, &d.failedAt, &d.inactiveAt} {
			if tp.After(T) {
				*tp = time.Time{}
			}
		}
	}
	s.sds = slices.DeleteFunc(s.sds, func(sd *serviceDeployment) bool { return sd.createdAt.After(T) })
	for _, sd := range s.sds {
		if sd.stoppedAt.After(T) {
			sd.stoppedAt, sd.stopReason = time.Time{}, ""
		}
		if sd.rollbackAt.After(T) {
			sd.rollbackAt, sd.rollbackReason, sd.rollbackDep, sd.rollbackDone = time.Time{}, "", nil, time.Time{}
		}
	}
}

func (s *service) addEvent(a *account, at time.Time, format string, args ...any) {
	s.events = append(s.events, event{id: a.uuid(), at: at, msg: fmt.Sprintf("(service %s) ", s.name) + fmt.Sprintf(format, args...)})
}

func taskList(ts []*task) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "(task " + t.id + ")"
	}
	return strings.Join(parts, " ")
}

func frac(T time.Time, d time.Duration, f float64) time.Time {
	return T.Add(time.Duration(float64(d) * f))
}

// newServiceTask creates a task of deployment d launched at L that is RUNNING at R.
func (a *account) newServiceTask(s *service, d *deployment, L, R time.Time) *task {
	id := a.hex(32)
	t := &task{
		arn:             fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", s.region, a.id, s.cluster, id),
		id:              id,
		region:          s.region,
		cluster:         s.cluster,
		tdArn:           d.taskDef,
		td:              d.td,
		specs:           d.specs,
		group:           "service:" + s.name,
		startedBy:       d.id,
		launchType:      d.launchType,
		platformVersion: d.platformVersion,
		service:         s,
		dep:             d,
		createdAt:       L,
		pendingAt:       L.Add(R.Sub(L) / 4),
		runningAt:       R,
		stopSpan:        d.dur / 20,
		failStartReason: pullFailure(d.specs),
	}
	t.cpu, t.memory = str(d.td, "cpu"), str(d.td, "memory")
	a.addNetwork(t, d.cfg.network())
	a.tasks[t.arn] = t
	a.taskList = append(a.taskList, t)
	s.tasks = append(s.tasks, t)
	return t
}

// schedStop asks the scheduler to stop t at at (ECS's replacement of old tasks: the
// stoppedReason "Scaling activity initiated by (deployment …)").
func schedStop(t *task, at time.Time, d *deployment) {
	if s, _ := t.stop(); !s.IsZero() && !s.After(at) {
		return
	}
	t.stopAt, t.stopCause = at, stopScheduler
	t.stopReason = "Scaling activity initiated by (deployment " + d.id + ")"
}

// stopEvents groups tasks by stop time into "has stopped N running tasks" events.
func (s *service) stopEvents(a *account, ts []*task) {
	byTime := map[time.Time][]*task{}
	var times []time.Time
	for _, t := range ts {
		at, _ := t.stop()
		if _, ok := byTime[at]; !ok {
			times = append(times, at)
		}
		byTime[at] = append(byTime[at], t)
	}
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	for _, at := range times {
		group := byTime[at]
		s.addEvent(a, at, "has stopped %d running tasks: %s.", len(group), taskList(group))
	}
}

// rollingPace is the rolling update's timeline as fractions of the deployment's
// duration D from the instant T it is planned at: new tasks launch at launch·D and
// become RUNNING one after another between (firstUp+upSpan/n)·D and
// (firstUp+upSpan)·D; the service is steady at D.
var rollingPace = struct{ launch, firstUp, upSpan float64 }{launch: 0.1, firstUp: 0.2, upSpan: 0.6}

// plan writes the future of the service from T on, for its current PRIMARY.
//
// Rolling update (Developer Guide, "Deploy Amazon ECS services by replacing tasks"):
// with the default minimumHealthyPercent 100 / maximumPercent 200 the scheduler starts
// the new tasks first and stops an old task each time a new one is running; the
// deployment is COMPLETED when the service reaches a steady state, and the old
// deployments then disappear from DescribeServices.
func (s *service) plan(a *account, T time.Time) {
	P := s.primary(T)
	switch {
	case P == nil:
	case P.bgActive(T):
		s.planBlueGreen(a, T, P) // ecs_bluegreen_plan.go
	case P.beh.crash:
		s.planCrash(a, T, P)
	default:
		s.planRolling(a, T, P)
	}
}

// rollingPlan is one rolling update being planned at T.
type rollingPlan struct {
	s       *service
	a       *account
	P       *deployment
	T, L    time.Time // planned at, new tasks launch
	done    time.Time // steady state
	mine    []*task   // P's tasks alive at T, then those started
	others  []*task   // other deployments' tasks alive at T
	early   time.Time // early success (ecs_earlysuccess.go), if isEarly
	isEarly bool
	changed bool
	desired int
}

func (s *service) planRolling(a *account, T time.Time, P *deployment) {
	r := &rollingPlan{s: s, a: a, P: P, T: T, L: frac(T, P.dur, rollingPace.launch), done: T.Add(P.dur), desired: s.desired}
	r.changed = P.completedAt.IsZero()
	r.split()
	r.scale()
	r.earlySuccess()
	r.replaceOthers()
	if r.changed {
		r.complete()
	}
}

// split sorts the tasks alive at T into P's and the others'.
func (r *rollingPlan) split() { r.mine, r.others = r.s.aliveSplit(r.T, r.P) }

// aliveSplit sorts the service's tasks alive at T into P's and the others'.
func (s *service) aliveSplit(T time.Time, P *deployment) (mine, others []*task) {
	for _, t := range s.tasks {
		if !t.alive(T) {
			continue
		}
		if t.dep == P {
			mine = append(mine, t)
		} else {
			others = append(others, t)
		}
	}
	return mine, others
}

// scale starts P's missing tasks or stops its surplus at L.
func (r *rollingPlan) scale() {
	s, a, P, L := r.s, r.a, r.P, r.L
	if need := r.desired - len(r.mine); need > 0 {
		var started []*task
		for i := range need {
			R := frac(r.T, P.dur, rollingPace.firstUp+rollingPace.upSpan*float64(i+1)/float64(need))
			started = append(started, a.newServiceTask(s, P, L, R))
		}
		s.addEvent(a, L, "has started %d tasks: %s.", len(started), taskList(started))
		r.mine = append(r.mine, started...)
		r.changed = true
	} else if need < 0 {
		extra := r.mine[len(r.mine)+need:]
		for _, t := range extra {
			schedStop(t, L, P)
		}
		s.stopEvents(a, extra)
		r.changed = true
	}
}

// earlySuccess finds when P's early success criteria are met, if it has any.
func (r *rollingPlan) earlySuccess() {
	if r.P.early == nil || !r.P.completedAt.IsZero() {
		return
	}
	var healthy []time.Time
	for _, t := range r.mine {
		if st, _ := t.stop(); st.IsZero() || st.After(t.runningAt) {
			healthy = append(healthy, later(t.runningAt, r.T))
		}
	}
	r.early, r.isEarly = r.P.early.at(healthy, r.desired, r.L, r.done)
}

// replaceOthers stops the other deployments' tasks as P's come up (min healthy
// 100%), oldest first, the surplus at once.
func (r *rollingPlan) replaceOthers() {
	var ups []time.Time
	for _, t := range r.mine {
		if st, _ := t.stop(); t.runningAt.After(r.T) && (st.IsZero() || st.After(t.runningAt)) {
			ups = append(ups, t.runningAt)
		}
	}
	slices.SortFunc(ups, func(x, y time.Time) int { return x.Compare(y) })
	slices.SortFunc(r.others, func(x, y *task) int { return x.createdAt.Compare(y.createdAt) })
	for j, t := range r.others {
		at := r.L
		if j < len(ups) && ups[j].After(r.L) {
			at = ups[j]
		}
		if r.isEarly && r.P.early.blocking && at.After(r.early) {
			at = r.early // BLOCKING: the source tasks go before the deployment completes
		}
		schedStop(t, at, r.P)
	}
	if len(r.others) > 0 {
		r.s.stopEvents(r.a, r.others)
		r.changed = true
	}
}

// complete marks P completed (at steady state, or earlier on early success), retires
// the other deployments and writes the steady-state event.
func (r *rollingPlan) complete() {
	s, P := r.s, r.P
	gone := r.done // when the other deployments leave the list
	if P.completedAt.IsZero() {
		completed := r.done
		P.earlyReason = ""
		if r.isEarly {
			completed = r.early
			if P.early.blocking {
				for _, t := range r.others {
					completed = later(t.stoppedAt(), completed)
				}
			}
			if completed.Before(r.done) {
				P.earlyReason = P.early.reason(P.id, r.desired)
				if P.early.blocking {
					gone = completed
				}
			} else {
				completed = r.done
			}
		}
		P.completedAt = completed
		s.addEvent(r.a, completed, "(deployment %s) deployment completed.", P.id)
	}
	for _, d := range s.deployments {
		if d != P && (d.inactiveAt.IsZero() || d.inactiveAt.After(gone)) {
			d.inactiveAt = gone
		}
	}
	s.addEvent(r.a, r.done, "has reached a steady state.")
}

// crashPace is a crash loop's timeline: waves of N tasks every waveTenths tenths of
// the deployment's duration from rollingPace.launch on; within a wave (W) the tasks
// are RUNNING at runningTenths/10 W, exit at exitTenths/10 W and take stopTenths/10 W
// to stop; at most maxWaves waves are planned.
var crashPace = struct{ waveTenths, runningTenths, exitTenths, stopTenths, maxWaves int }{4, 3, 5, 1, 60}

// crashWaves plans crashing waves of n tasks of P from T until the circuit breaker
// (if on) counts P.threshold failures; it returns when it trips (zero: never).
func (s *service) crashWaves(a *account, T time.Time, P *deployment, n, failures int) time.Time {
	W := P.dur * time.Duration(crashPace.waveTenths) / 10
	tenths := func(k int) time.Duration { return W * time.Duration(k) / 10 }
	for k := 0; k < crashPace.maxWaves; k++ {
		Lk := frac(T, P.dur, rollingPace.launch).Add(time.Duration(k) * W)
		var wave []*task
		for range n {
			t := a.newServiceTask(s, P, Lk, Lk.Add(tenths(crashPace.runningTenths)))
			t.exitAt = Lk.Add(tenths(crashPace.exitTenths))
			t.stopSpan = tenths(crashPace.stopTenths)
			wave = append(wave, t)
		}
		s.addEvent(a, Lk, "has started %d tasks: %s.", len(wave), taskList(wave))
		failures += len(wave)
		if P.breaker && failures >= P.threshold {
			return wave[0].stoppedAt()
		}
	}
	return time.Time{}
}

// planCrash plans a deployment whose tasks keep exiting. ECS keeps replacing them; with
// the deployment circuit breaker on (Developer Guide, "How the Amazon ECS deployment
// circuit breaker detects failures") the deployment turns FAILED once failedTasks
// reaches the threshold and, with rollback, ECS starts a deployment of the last
// COMPLETED one. Old tasks keep running meanwhile, as new ones never become healthy.
func (s *service) planCrash(a *account, T time.Time, P *deployment) {
	failures := 0
	for _, t := range s.tasks {
		if t.dep == P && t.failed(T) {
			failures++
		}
	}
	N := max(s.desired, 1)
	if s.desired == 0 {
		return
	}
	tripAt := s.crashWaves(a, T, P, N, failures)
	if tripAt.IsZero() {
		return
	}
	P.failedAt = tripAt
	s.addEvent(a, tripAt, "(deployment %s) deployment failed: tasks failed to start.", P.id)
	if !P.rollback {
		return
	}
	var prev *deployment
	for _, d := range s.deployments {
		if d != P && !d.completedAt.IsZero() && d.completedAt.Before(P.createdAt) {
			prev = d
		}
	}
	if prev == nil {
		return
	}
	R := a.cloneDeployment(prev, tripAt)
	R.rollbackTo = prev
	R.sd = P.sd
	if P.sd != nil {
		P.sd.rollbackAt = tripAt
		P.sd.rollbackReason = "Service deployment rolled back because the circuit breaker threshold was exceeded."
		P.sd.rollbackDep = R
	}
	s.deployments = append(s.deployments, R)
	s.addEvent(a, tripAt, "rolling back to deployment %s.", prev.id)
	s.plan(a, tripAt)
}

// cloneDeployment starts a new deployment at T with the configuration of d (used for
// rollbacks, which redeploy the last completed service revision).
func (a *account) cloneDeployment(d *deployment, T time.Time) *deployment {
	n := *d
	n.id = a.deploymentID()
	n.createdAt = T
	n.completedAt, n.failedAt, n.inactiveAt = time.Time{}, time.Time{}, time.Time{}
	n.rollbackTo, n.sd = nil, nil
	return &n
}
