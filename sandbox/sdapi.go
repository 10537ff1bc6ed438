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
	case now.Before(sd.createdAt.Add(d.dur / 10)):
		return "PENDING", "", time.Time{}
	}
	return "IN_PROGRESS", "", time.Time{}
}

func (s *service) revisionSummary(d *deployment, now time.Time, requested int) obj {
	r, p, _ := s.counts(d, now)
	return obj{"arn": s.revisionArn(d), "requestedTaskCount": requested, "runningTaskCount": r, "pendingTaskCount": p}
}

func (s *service) sdJSON(sd *serviceDeployment, now time.Time) obj {
	status, reason, finished := sd.status(now)
	d := sd.target
	o := obj{
		"serviceDeploymentArn": sd.arn,
		"serviceArn":           s.arn,
		"clusterArn":           s.clusterArn,
		"createdAt":            epoch(sd.createdAt),
		"updatedAt":            epoch(sd.createdAt),
		"status":               status,
		"targetServiceRevision": s.revisionSummary(d, now, func() int {
			if s.primary(now) == d {
				return s.desired
			}
			return d.desired
		}()),
		"deploymentConfiguration": clone(sub(s.attrs, "deploymentConfiguration")),
		"lifecycleStage":          "RECONCILE_SERVICE",
	}
	if status != "PENDING" {
		started := sd.createdAt.Add(d.dur / 10)
		o["startedAt"] = epoch(started)
		o["updatedAt"] = epoch(started)
	}
	if !finished.IsZero() {
		o["finishedAt"] = epoch(finished)
		o["updatedAt"] = epoch(finished)
		o["lifecycleStage"] = "CLEAN_UP"
	}
	if status == "STOPPED" {
		o["stoppedAt"] = epoch(finished)
	}
	if reason != "" {
		o["statusReason"] = reason
	}
	src := make([]any, 0, len(sd.sources))
	for _, sdep := range sd.sources {
		src = append(src, s.revisionSummary(sdep, now, 0))
	}
	o["sourceServiceRevisions"] = src
	if after(now, sd.rollbackAt) {
		rb := obj{"reason": sd.rollbackReason, "startedAt": epoch(sd.rollbackAt)}
		if sd.rollbackDep != nil {
			rb["serviceRevisionArn"] = s.revisionArn(sd.rollbackDep)
		}
		o["rollback"] = rb
	}
	cb := obj{"status": "DISABLED", "failureCount": 0, "threshold": d.threshold}
	if d.breaker {
		_, _, failed := s.counts(d, now)
		cb["failureCount"] = failed
		switch {
		case after(now, d.failedAt):
			cb["status"] = "TRIGGERED"
		case after(now, d.completedAt), after(now, sd.stoppedAt):
			cb["status"] = "MONITORING_COMPLETE"
		default:
			cb["status"] = "MONITORING"
		}
	}
	o["deploymentCircuitBreaker"] = cb
	o["alarms"] = obj{"status": "DISABLED"}
	if d.bg != nil {
		s.bgSDJSON(o, d, now) // bluegreen_plan.go
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
func (e *ecsCall) listServiceDeployments() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.services[serviceKey(e.c.Region, lastSegment(str(req, "cluster"), "default"), lastSegment(str(req, "service"), ""))]
	if s == nil {
		e.fail("ServiceNotFoundException", "Service not found.")
		return
	}
	now := a.clock.Now()
	var want []string
	for _, v := range list(req, "status") {
		if st, ok := v.(string); ok {
			want = append(want, st)
		}
	}
	ca := sub(req, "createdAt")
	var arns []string
	byArn := map[string]obj{}
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
		o := obj{
			"serviceDeploymentArn":     sd.arn,
			"serviceArn":               s.arn,
			"clusterArn":               s.clusterArn,
			"createdAt":                epoch(sd.createdAt),
			"status":                   st,
			"targetServiceRevisionArn": s.revisionArn(sd.target),
		}
		if st != "PENDING" {
			o["startedAt"] = epoch(sd.createdAt.Add(sd.target.dur / 10))
		}
		if !finished.IsZero() {
			o["finishedAt"] = epoch(finished)
		}
		arns = append(arns, sd.arn)
		byArn[sd.arn] = o
	}
	items, next, ok := e.page(req, arns, 20)
	if !ok {
		return
	}
	out := make([]any, len(items))
	for i, arn := range items {
		out[i] = byArn[arn]
	}
	res := obj{"serviceDeployments": out}
	if next != "" {
		res["nextToken"] = next
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

func (e *ecsCall) describeServiceDeployments() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	out, failures := []any{}, []any{}
	for _, v := range list(req, "serviceDeploymentArns") {
		arn, _ := v.(string)
		s, sd := a.visibleSD(arn, now)
		if sd == nil {
			failures = append(failures, obj{"arn": arn, "reason": "MISSING"})
			continue
		}
		out = append(out, s.sdJSON(sd, now))
	}
	e.ok(obj{"serviceDeployments": out, "failures": failures})
}

// stopServiceDeployment follows "Stopping Amazon ECS service deployments": a PENDING
// or IN_PROGRESS deployment moves to ROLLBACK_REQUESTED and rolls back to the previous
// service revision; deployments already stopping or rolling back continue.
func (e *ecsCall) stopServiceDeployment() {
	req, ok := e.request()
	if !ok {
		return
	}
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
	a.mu.Lock()
	defer a.mu.Unlock()
	T := a.clock.Now()
	s, sd := a.visibleSD(arn, T)
	if sd == nil {
		e.fail("ServiceDeploymentNotFoundException", "The service deployment does not exist.")
		return
	}
	st, _, _ := sd.status(T)
	switch st {
	case "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS":
		e.ok(obj{"serviceDeploymentArn": arn})
		return
	case "PENDING", "IN_PROGRESS":
	default:
		e.failf("ConflictException", "The service deployment is %s and can't be stopped.", st)
		return
	}
	P := sd.target
	if P.bg != nil && stopType == "ROLLBACK" {
		s.bgDecide(a, T, P, bgDecision{at: T, rollback: true}) // bluegreen_api.go
		e.ok(obj{"serviceDeploymentArn": arn})
		return
	}
	s.truncate(a, T)
	if stopType == "ABORT" {
		sd.stoppedAt, sd.stopReason = T, "Service deployment stopped by a StopServiceDeployment request."
		s.plan(a, T) // keeps the tasks already started; nothing new is scheduled
		e.ok(obj{"serviceDeploymentArn": arn})
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
		e.ok(obj{"serviceDeploymentArn": arn}) // ROLLBACK_FAILED: nothing to roll back to
		return
	}
	R := a.cloneDeployment(prev, T)
	R.rollbackTo, R.sd = prev, sd
	sd.rollbackDep = R
	s.deployments = append(s.deployments, R)
	s.addEvent(a, T, "rolling back to deployment %s.", prev.id)
	s.plan(a, T)
	e.ok(obj{"serviceDeploymentArn": arn})
}

// describeServiceRevisions returns the configuration each deployment ran with
// (ServiceRevision in the API reference).
func (e *ecsCall) describeServiceRevisions() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	out, failures := []any{}, []any{}
	for _, v := range list(req, "serviceRevisionArns") {
		arn, _ := v.(string)
		var found obj
		for _, s := range a.services {
			for _, d := range s.deployments {
				if s.revisionArn(d) == arn && !d.createdAt.After(now) && found == nil {
					found = s.revisionJSON(d)
				}
			}
		}
		if found == nil {
			failures = append(failures, obj{"arn": arn, "reason": "MISSING"})
			continue
		}
		out = append(out, found)
	}
	e.ok(obj{"serviceRevisions": out, "failures": failures})
}

func (s *service) revisionJSON(d *deployment) obj {
	o := obj{
		"serviceRevisionArn": s.revisionArn(d),
		"serviceArn":         s.arn,
		"clusterArn":         s.clusterArn,
		"taskDefinition":     d.taskDef,
		"createdAt":          epoch(d.createdAt),
		"guardDutyEnabled":   false,
	}
	if d.launchType != "" {
		o["launchType"] = d.launchType
	}
	if d.platformVersion != "" {
		o["platformVersion"] = d.platformVersion
		o["platformFamily"] = "Linux"
	}
	for _, k := range []string{"networkConfiguration", "capacityProviderStrategy", "serviceConnectConfiguration", "volumeConfigurations", "loadBalancers", "serviceRegistries", "vpcLatticeConfigurations"} {
		if v, ok := d.cfg[k]; ok && v != nil {
			o[k] = clone(v)
		}
	}
	var imgs []any
	for _, c := range d.specs {
		imgs = append(imgs, obj{"containerName": c.name, "image": c.image, "imageDigest": "sha256:" + strings.Repeat("0", 64)})
	}
	if imgs != nil {
		o["containerImages"] = imgs
	}
	return o
}
