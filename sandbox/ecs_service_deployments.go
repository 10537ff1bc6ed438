package sandbox

import (
	"slices"
	"strings"
	"time"
)

// status derives a ServiceDeployment's status at now. States and transitions follow
// "View service history using Amazon ECS service deployments" (Developer Guide):
// PENDING → IN_PROGRESS → SUCCESSFUL, or STOPPED, or ROLLBACK_REQUESTED →
// ROLLBACK_IN_PROGRESS → ROLLBACK_SUCCESSFUL/ROLLBACK_FAILED.
func (sd *serviceDeployment) status(now time.Time) (status, reason string, finished time.Time) {
	d := sd.target
	switch {
	case after(now, sd.stoppedAt):
		return "STOPPED", sd.stopReason, sd.stoppedAt
	case after(now, sd.rollbackAt) && !sd.rollbackDone.IsZero():
		// Blue/green: traffic goes back to the blue revision, which kept running.
		if after(now, sd.rollbackDone) {
			return "ROLLBACK_SUCCESSFUL", sd.rollbackReason, sd.rollbackDone
		}
		if sd.manual && now.Before(sd.rollbackAt.Add(d.dur/10)) {
			return "ROLLBACK_REQUESTED", sd.rollbackReason, time.Time{}
		}
		return "ROLLBACK_IN_PROGRESS", sd.rollbackReason, time.Time{}
	case after(now, sd.rollbackAt):
		R := sd.rollbackDep
		if R != nil && after(now, R.completedAt) {
			return "ROLLBACK_SUCCESSFUL", sd.rollbackReason, R.completedAt
		}
		if R == nil {
			return "ROLLBACK_FAILED", "No completed service revision to roll back to.", sd.rollbackAt
		}
		if sd.manual && now.Before(sd.rollbackAt.Add(R.dur/10)) {
			return "ROLLBACK_REQUESTED", sd.rollbackReason, time.Time{}
		}
		return "ROLLBACK_IN_PROGRESS", sd.rollbackReason, time.Time{}
	case after(now, d.failedAt):
		return "STOPPED", "ECS deployment circuit breaker: tasks failed to start.", d.failedAt
	case after(now, d.completedAt):
		return "SUCCESSFUL", "", d.completedAt
	case now.Before(sd.startedAt()):
		return "PENDING", "", time.Time{}
	}
	return "IN_PROGRESS", "", time.Time{}
}

// startedAt is when the service deployment leaves PENDING (unless it stops first).
func (sd *serviceDeployment) startedAt() time.Time { return sd.createdAt.Add(sd.target.dur / 10) }

// sdHead is the head of sd's ServiceDeployment and ServiceDeploymentBrief.
func (s *service) sdHead(sd *serviceDeployment) wireSDHead {
	return wireSDHead{ServiceDeploymentArn: sd.arn, ServiceArn: s.arn, ClusterArn: s.clusterArn, CreatedAt: epoch(sd.createdAt)}
}

func (s *service) revisionSummary(d *deployment, now time.Time, requested int) wireRevisionSummary {
	r, p, _ := s.counts(d, now)
	return wireRevisionSummary{Arn: s.revisionArn(d), RequestedTaskCount: requested, RunningTaskCount: r, PendingTaskCount: p}
}

func (s *service) sdJSON(sd *serviceDeployment, now time.Time) wireServiceDeployment {
	status, reason, finished := sd.status(now)
	d := sd.target
	requested := d.desired
	if s.primary(now) == d {
		requested = s.desired
	}
	o := wireServiceDeployment{
		wireSDHead:               s.sdHead(sd),
		UpdatedAt:                epoch(sd.createdAt),
		Status:                   status,
		StatusReason:             reason,
		TargetServiceRevision:    s.revisionSummary(d, now, requested),
		SourceServiceRevisions:   make([]wireRevisionSummary, 0, len(sd.sources)),
		DeploymentConfiguration:  clone(sub(s.attrs, "deploymentConfiguration")),
		LifecycleStage:           "RECONCILE_SERVICE",
		DeploymentCircuitBreaker: wireCircuitBreaker{Status: "DISABLED", Threshold: d.threshold},
		Alarms:                   wireAlarms{Status: "DISABLED"},
	}
	if status != "PENDING" {
		o.StartedAt = epoch(sd.startedAt())
		o.UpdatedAt = o.StartedAt
	}
	if !finished.IsZero() {
		o.FinishedAt, o.UpdatedAt, o.LifecycleStage = epoch(finished), epoch(finished), "CLEAN_UP"
	}
	if status == "STOPPED" {
		o.StoppedAt = epoch(finished)
	}
	for _, sdep := range sd.sources {
		o.SourceServiceRevisions = append(o.SourceServiceRevisions, s.revisionSummary(sdep, now, 0))
	}
	if after(now, sd.rollbackAt) {
		o.Rollback = &wireRollback{Reason: sd.rollbackReason, StartedAt: epoch(sd.rollbackAt)}
		if sd.rollbackDep != nil {
			o.Rollback.ServiceRevisionArn = s.revisionArn(sd.rollbackDep)
		}
	}
	if d.breaker {
		cb := &o.DeploymentCircuitBreaker
		_, _, cb.FailureCount = s.counts(d, now)
		switch {
		case after(now, d.failedAt):
			cb.Status = "TRIGGERED"
		case after(now, d.completedAt), after(now, sd.stoppedAt):
			cb.Status = "MONITORING_COMPLETE"
		default:
			cb.Status = "MONITORING"
		}
	}
	if d.bg != nil {
		s.bgSDJSON(&o, d, now) // ecs_bluegreen_plan.go
	}
	return o
}

// findSD locates a service deployment by ARN.
// visibleSD is findSD as of now: a deployment created after now (on the account's
// clock) does not exist yet. It is the one "does this ServiceDeployment exist" rule
// of the Describe, Stop and Continue calls.
func (a *account) visibleSD(arn string, now time.Time) (*service, *serviceDeployment) {
	s, sd := a.findSD(arn)
	if sd == nil || sd.createdAt.After(now) {
		return nil, nil
	}
	return s, sd
}

func (a *account) findSD(arn string) (*service, *serviceDeployment) {
	for _, s := range a.services {
		for _, sd := range s.sds {
			if sd.arn == arn {
				return s, sd
			}
		}
	}
	return nil, nil
}

// listServiceDeployments follows the ListServiceDeployments API reference: filters
// by status and createdAt, newest first, maxResults up to 100 (default 20).
func (e *ecsCall) listServiceDeployments(req obj, now time.Time) {
	s := e.existingService(req)
	if s == nil {
		return
	}
	var want []string
	for _, v := range list(req, "status") {
		if st, ok := v.(string); ok {
			want = append(want, st)
		}
	}
	ca := sub(req, "createdAt")
	var arns []string
	byArn := map[string]wireSDSummary{}
	for i := len(s.sds) - 1; i >= 0; i-- {
		sd := s.sds[i]
		if sd.createdAt.After(now) {
			continue
		}
		st, _, finished := sd.status(now)
		if len(want) > 0 && !slices.Contains(want, st) {
			continue
		}
		if !inRange(sd.createdAt, ca) {
			continue
		}
		o := wireSDSummary{
			wireSDHead:               s.sdHead(sd),
			Status:                   st,
			TargetServiceRevisionArn: s.revisionArn(sd.target),
		}
		if st != "PENDING" {
			o.StartedAt = epoch(sd.startedAt())
		}
		if !finished.IsZero() {
			o.FinishedAt = epoch(finished)
		}
		arns = append(arns, sd.arn)
		byArn[sd.arn] = o
	}
	items, next, ok := e.page(req, arns, 20)
	if !ok {
		return
	}
	res := struct {
		ServiceDeployments []wireSDSummary `json:"serviceDeployments"`
		NextToken          string          `json:"nextToken,omitempty"`
	}{ServiceDeployments: make([]wireSDSummary, len(items)), NextToken: next}
	for i, arn := range items {
		res.ServiceDeployments[i] = byArn[arn]
	}
	e.ok(res)
}

func inRange(t time.Time, r obj) bool {
	if r == nil {
		return true
	}
	if v, ok := r["after"]; ok {
		if at, ok := epochValue(v); ok && t.Before(at) {
			return false
		}
	}
	if v, ok := r["before"]; ok {
		if bt, ok := epochValue(v); ok && t.After(bt) {
			return false
		}
	}
	return true
}

func epochValue(v any) (time.Time, bool) {
	n, ok := num(obj{"v": v}, "v")
	if !ok {
		return time.Time{}, false
	}
	if f, err := toFloat(v); err == nil {
		return time.UnixMilli(int64(f * 1000)), true
	}
	return time.Unix(int64(n), 0), true
}

func (e *ecsCall) describeServiceDeployments(req obj, now time.Time) {
	var res struct {
		ServiceDeployments []wireServiceDeployment `json:"serviceDeployments"`
		Failures           []wireFailure           `json:"failures"`
	}
	res.ServiceDeployments, res.Failures = describeEach(list(req, "serviceDeploymentArns"), func(arn string) (wireServiceDeployment, bool) {
		s, sd := e.a.visibleSD(arn, now)
		if sd == nil {
			return wireServiceDeployment{}, false
		}
		return s.sdJSON(sd, now), true
	})
	e.ok(res)
}

// requestedSD is the service deployment arn names as of T, or nil after answering
// ServiceDeploymentNotFoundException. The caller holds a.mu.
func (e *ecsCall) requestedSD(arn string, T time.Time) (*service, *serviceDeployment) {
	s, sd := e.a.visibleSD(arn, T)
	if sd == nil {
		e.fail("ServiceDeploymentNotFoundException", "The service deployment does not exist.")
	}
	return s, sd
}

// stopServiceDeployment follows "Stopping Amazon ECS service deployments": a PENDING
// or IN_PROGRESS deployment moves to ROLLBACK_REQUESTED and rolls back to the previous
// service revision; deployments already stopping or rolling back continue.
func (e *ecsCall) stopServiceDeployment(req obj, T time.Time) {
	arn := str(req, "serviceDeploymentArn")
	stopType := str(req, "stopType")
	if stopType == "" {
		stopType = "ROLLBACK"
	}
	if stopType != "ROLLBACK" && stopType != "ABORT" {
		e.failf("InvalidParameterException", "Invalid stopType %q.", stopType)
		return
	}
	a := e.a
	s, sd := e.requestedSD(arn, T)
	if sd == nil {
		return
	}
	st, _, _ := sd.status(T)
	switch st {
	case "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS":
		e.ok(wireSDArn{ServiceDeploymentArn: arn})
		return
	case "PENDING", "IN_PROGRESS":
	default:
		e.failf("ConflictException", "The service deployment is %s and can't be stopped.", st)
		return
	}
	P := sd.target
	if P.bg != nil && stopType == "ROLLBACK" {
		s.bgDecide(a, T, P, bgDecision{at: T, rollback: true}) // ecs_bluegreen_api.go
		e.ok(wireSDArn{ServiceDeploymentArn: arn})
		return
	}
	s.truncate(a, T)
	if stopType == "ABORT" {
		sd.stoppedAt, sd.stopReason = T, "Service deployment stopped by a StopServiceDeployment request."
		s.plan(a, T) // keeps the tasks already started; nothing new is scheduled
		e.ok(wireSDArn{ServiceDeploymentArn: arn})
		return
	}
	var prev *deployment
	for _, d := range s.deployments {
		if d != P && !d.completedAt.IsZero() && d.completedAt.Before(P.createdAt) {
			prev = d
		}
	}
	sd.rollbackAt, sd.manual = T, true
	sd.rollbackReason = "Service deployment rolled back because of a StopServiceDeployment request."
	if prev == nil {
		e.ok(wireSDArn{ServiceDeploymentArn: arn}) // ROLLBACK_FAILED: nothing to roll back to
		return
	}
	R := a.cloneDeployment(prev, T)
	R.rollbackTo, R.sd = prev, sd
	sd.rollbackDep = R
	s.deployments = append(s.deployments, R)
	s.addEvent(a, T, "rolling back to deployment %s.", prev.id)
	s.plan(a, T)
	e.ok(wireSDArn{ServiceDeploymentArn: arn})
}

// describeServiceRevisions returns the configuration each deployment ran with
// (ServiceRevision in the API reference).
func (e *ecsCall) describeServiceRevisions(req obj, now time.Time) {
	var res struct {
		ServiceRevisions []wireServiceRevision `json:"serviceRevisions"`
		Failures         []wireFailure         `json:"failures"`
	}
	res.ServiceRevisions, res.Failures = describeEach(list(req, "serviceRevisionArns"), func(arn string) (wireServiceRevision, bool) {
		for _, s := range e.a.services {
			for _, d := range s.deployments {
				if s.revisionArn(d) == arn && !d.createdAt.After(now) {
					return s.revisionJSON(d), true
				}
			}
		}
		return wireServiceRevision{}, false
	})
	e.ok(res)
}

func (s *service) revisionJSON(d *deployment) wireServiceRevision {
	o := wireServiceRevision{
		ServiceRevisionArn: s.revisionArn(d),
		ServiceArn:         s.arn,
		ClusterArn:         s.clusterArn,
		TaskDefinition:     d.taskDef,
		CreatedAt:          epoch(d.createdAt),
		LaunchType:         d.launchType,
		PlatformVersion:    d.platformVersion,
		revisionCfg:        d.cfg.clone(),
	}
	if d.platformVersion != "" {
		o.PlatformFamily = "Linux"
	}
	for _, c := range d.specs {
		o.ContainerImages = append(o.ContainerImages, wireContainerImage{ContainerName: c.name, Image: c.image, ImageDigest: "sha256:" + strings.Repeat("0", 64)})
	}
	return o
}
