package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// Rendering the simulated state at an instant: rollout states, counts, and the
// DescribeServices overlay on moto's service.

// rolloutState follows Deployment.rolloutState in the API reference: IN_PROGRESS,
// then COMPLETED at steady state, or FAILED when the circuit breaker trips.
func (d *deployment) rolloutState(now time.Time) (string, string) {
	switch {
	case after(now, d.failedAt) && d.failReason != "":
		return "FAILED", d.failReason
	case after(now, d.failedAt):
		return "FAILED", "ECS deployment circuit breaker: tasks failed to start."
	case after(now, d.completedAt) && d.earlyReason != "":
		return "COMPLETED", d.earlyReason
	case after(now, d.completedAt):
		return "COMPLETED", "ECS deployment " + d.id + " completed."
	case d.rollbackTo != nil:
		return "IN_PROGRESS", "ECS deployment circuit breaker: rolling back to deploymentId " + d.rollbackTo.id + "."
	}
	return "IN_PROGRESS", "ECS deployment " + d.id + " in progress."
}

// counts reports the deployment's running, pending and failed tasks at now.
func (s *service) counts(d *deployment, now time.Time) (running, pending, failed int) {
	for _, t := range s.tasks {
		if t.dep != d {
			continue
		}
		switch t.lastStatus(now) {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING":
			pending++
		}
		if t.failed(now) {
			failed++
		}
	}
	return
}

// visibleDeployments are the deployments DescribeServices lists at now: the PRIMARY
// and the ACTIVE ones still draining.
func (s *service) visibleDeployments(now time.Time) []*deployment {
	P := s.primary(now)
	var out []*deployment
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if d.createdAt.After(now) || (d != P && after(now, d.inactiveAt)) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (s *service) deploymentJSON(d *deployment, now time.Time, primary bool) wireDeployment {
	running, pending, failed := s.counts(d, now)
	state, reason := d.rolloutState(now)
	status, desired := "ACTIVE", running+pending
	if primary {
		status, desired = "PRIMARY", s.desired
	}
	updated := d.createdAt
	for _, t := range []time.Time{d.completedAt, d.failedAt} {
		if after(now, t) && t.After(updated) {
			updated = t
		}
	}
	for _, t := range s.tasks {
		if t.dep != d {
			continue
		}
		for _, x := range []time.Time{t.createdAt, t.runningAt, t.stoppedAt()} {
			if after(now, x) && x.After(updated) {
				updated = x
			}
		}
	}
	o := wireDeployment{
		ID:                 d.id,
		Status:             status,
		TaskDefinition:     d.taskDef,
		DesiredCount:       desired,
		PendingCount:       pending,
		RunningCount:       running,
		FailedTasks:        failed,
		CreatedAt:          epoch(d.createdAt),
		UpdatedAt:          epoch(updated),
		RolloutState:       state,
		RolloutStateReason: reason,
		LaunchType:         d.launchType,
		PlatformVersion:    d.platformVersion,
		deploymentCfg:      d.cfg.forDeployment(),
	}
	if d.platformVersion != "" {
		o.PlatformFamily = "Linux"
	}
	return o
}

// render overlays the simulated state on a service object from moto.
func (s *service) render(svc obj, now time.Time) {
	for k, v := range s.attrs {
		if v == nil {
			delete(svc, k)
			continue
		}
		svc[k] = clone(v)
	}
	if _, ok := s.attrs["capacityProviderStrategy"]; ok && len(list(s.attrs, "capacityProviderStrategy")) > 0 {
		// A service uses a launch type or a capacity provider strategy, not both
		// (CreateService API reference, launchType).
		delete(svc, "launchType")
	}
	delete(svc, "serviceConnectConfiguration")
	delete(svc, "volumeConfigurations")
	svc["desiredCount"] = s.desired
	svc["createdAt"] = epoch(s.createdAt)
	if s.usesTaskSets() {
		s.renderTaskSets(svc, now) // ecs_tasksets.go
		return
	}
	deps := s.visibleDeployments(now)
	P := s.primary(now)
	out := make([]wireDeployment, 0, len(deps))
	for _, d := range deps {
		out = append(out, s.deploymentJSON(d, now, d == P))
	}
	svc["deployments"] = out
	s.renderTaskCounts(svc, now)
	if P != nil {
		svc["taskDefinition"] = P.taskDef
	}
	s.renderEvents(svc, now) // ecs_tasksets.go
	if sd := s.currentSD(now); sd != nil {
		svc["currentServiceDeployment"] = sd.arn
	}
	var revs []wireRevisionSummary
	for _, d := range deps {
		r, p, _ := s.counts(d, now)
		revs = append(revs, wireRevisionSummary{Arn: s.revisionArn(d), RequestedTaskCount: r + p, RunningTaskCount: r, PendingTaskCount: p})
	}
	if revs != nil {
		svc["currentServiceRevisions"] = revs
	}
}

func (s *service) revisionArn(d *deployment) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:service-revision/%s/%s/%s", s.region, accountOfArn(s.arn), s.cluster, s.name, d.revision)
}

func (s *service) currentSD(now time.Time) *serviceDeployment {
	for i := len(s.sds) - 1; i >= 0; i-- {
		if !s.sds[i].createdAt.After(now) {
			return s.sds[i]
		}
	}
	return nil
}

func accountOfArn(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return DefaultAccount
	}
	return parts[4]
}
