package sandbox

import (
	"fmt"
	"time"
)

// Managed Daemons ("Amazon ECS managed daemons" in the Developer Guide): a daemon
// runs one task per container instance of its capacity providers, from its own
// daemon task definition, and rolls a new revision instance by instance, with a
// circuit breaker that rolls back. This file is the pure state machine on the
// account's clock; daemon.go parses requests and renders replies.
//
// Sandbox simplifications (written down, not hidden): every capacity provider has
// daemonInstancesPerProvider container instances; instances are replaced one at a
// time, each taking daemonStep of simulated time; a revision whose image is
// `crashloop` or `pullfail` fails on the first instance it reaches, and the
// circuit breaker (threshold 1) rolls back at once.

const daemonInstancesPerProvider = 3

// daemonState is the account's daemons, their task definitions, revisions and
// deployments. It is guarded by the account's mutex.
type daemonState struct {
	daemons     map[string]*daemon // daemon ARN
	tds         map[string]obj     // daemon task definition ARN → description
	latest      map[string]int     // family → latest revision
	revisions   map[string]*daemonRevision
	deployments map[string]*daemonDeployment
	seq         int
}

func newDaemonState() *daemonState {
	return &daemonState{daemons: map[string]*daemon{}, tds: map[string]obj{}, latest: map[string]int{},
		revisions: map[string]*daemonRevision{}, deployments: map[string]*daemonDeployment{}}
}

type daemon struct {
	arn, name, cluster, clusterArn, region string
	createdAt, updatedAt                   time.Time
	cps                                    []any
	attrs                                  obj // critical, deploymentConfiguration, enableECSManagedTags, enableExecuteCommand, propagateTags, tags
	deployments                            []*daemonDeployment
	deletedAt                              time.Time
}

type daemonRevision struct {
	arn, tdArn string
	createdAt  time.Time
	attrs      obj
	images     []any
	crash      bool
}

type daemonDeployment struct {
	arn              string
	d                *daemon
	source, target   *daemonRevision
	createdAt        time.Time
	step             time.Duration
	instances        int
	stoppedAt        time.Time // superseded by a newer deployment
	stopReason       string
	deploymentConfig obj
}

// phase is what the deployment is at time now: its status, the instances running
// the target revision, the time it ended (zero while in flight) and the reason.
func (x *daemonDeployment) phase(now time.Time) (status string, onTarget int, ended time.Time, reason string) {
	el := now.Sub(x.createdAt)
	if x.target.crash {
		failAt := x.createdAt.Add(x.step)
		switch {
		case now.Before(failAt):
			if !x.stoppedAt.IsZero() && !now.Before(x.stoppedAt) {
				return "STOPPED", 0, x.stoppedAt, x.stopReason
			}
			return "IN_PROGRESS", 0, time.Time{}, ""
		case x.source == nil:
			return "STOPPED", 0, failAt, "circuit breaker: the daemon task failed to start on its first instance; no previous revision to roll back to"
		case now.Before(failAt.Add(x.step)):
			return "ROLLBACK_IN_PROGRESS", 0, time.Time{}, "circuit breaker: the daemon task failed to start on its first instance"
		default:
			return "ROLLBACK_SUCCESSFUL", 0, failAt.Add(x.step), "circuit breaker: the daemon task failed to start on its first instance"
		}
	}
	n := min(x.instances, int(el/x.step))
	done := x.createdAt.Add(time.Duration(x.instances) * x.step)
	if !x.stoppedAt.IsZero() && x.stoppedAt.Before(done) && !now.Before(x.stoppedAt) {
		return "STOPPED", min(x.instances, int(x.stoppedAt.Sub(x.createdAt)/x.step)), x.stoppedAt, x.stopReason
	}
	if n >= x.instances {
		return "SUCCESSFUL", x.instances, done, ""
	}
	return "IN_PROGRESS", n, time.Time{}, ""
}

// current is the revision the daemon runs on most instances at now, and the
// deployment in flight (nil when none).
func (dm *daemon) current(now time.Time) (*daemonRevision, *daemonDeployment) {
	var rev *daemonRevision
	for _, x := range dm.deployments {
		st, _, _, _ := x.phase(now)
		switch st {
		case "SUCCESSFUL", "IN_PROGRESS":
			rev = x.target
		case "ROLLBACK_SUCCESSFUL", "ROLLBACK_IN_PROGRESS":
			rev = x.source
		}
		if st == "IN_PROGRESS" || st == "ROLLBACK_IN_PROGRESS" || st == "PENDING" {
			return rev, x
		}
	}
	return rev, nil
}

func (x *daemonDeployment) revisionJSON(r *daemonRevision, running, draining int) obj {
	if r == nil {
		return nil
	}
	return obj{"arn": r.arn, "totalRunningInstanceCount": running, "totalDrainingInstanceCount": draining,
		"totalWithoutDaemonInstanceCount": x.instances - running - draining,
		"capacityProviders":               x.providerCounts(running)}
}

func (x *daemonDeployment) providerCounts(running int) []any {
	var out []any
	for _, cp := range x.d.cps {
		r := min(running, daemonInstancesPerProvider)
		running -= r
		out = append(out, obj{"arn": cp, "runningInstanceCount": r, "drainingInstanceCount": 0, "withoutDaemonInstanceCount": daemonInstancesPerProvider - r})
	}
	return out
}

// JSON renders the DaemonDeployment at now.
func (x *daemonDeployment) JSON(now time.Time) obj {
	st, n, ended, reason := x.phase(now)
	o := obj{
		"daemonDeploymentArn": x.arn, "clusterArn": x.d.clusterArn, "status": st, "createdAt": epoch(x.createdAt), "startedAt": epoch(x.createdAt),
		"circuitBreaker": obj{"status": "MONITORING", "threshold": 1, "failureCount": 0},
	}
	if x.deploymentConfig != nil {
		o["deploymentConfiguration"] = clone(x.deploymentConfig)
	}
	if reason != "" {
		o["statusReason"] = reason
	}
	if !ended.IsZero() {
		o["finishedAt"] = epoch(ended)
		if st == "STOPPED" {
			o["stoppedAt"] = epoch(ended)
		}
	}
	if x.target.crash && st != "IN_PROGRESS" {
		o["circuitBreaker"] = obj{"status": "TRIGGERED", "threshold": 1, "failureCount": 1}
		if x.source != nil {
			o["rollback"] = obj{"reason": reason, "rollbackTargetDaemonRevisionArn": x.source.arn, "startedAt": epoch(x.createdAt.Add(x.step))}
		}
	}
	o["targetDaemonRevision"] = x.revisionJSON(x.target, n, 0)
	if x.source != nil {
		o["sourceDaemonRevisions"] = []any{x.revisionJSON(x.source, x.instances-n, 0)}
	}
	return o
}

// JSON renders the DaemonDetail at now.
func (dm *daemon) JSON(now time.Time) obj {
	status := "ACTIVE"
	if !dm.deletedAt.IsZero() {
		status = "DELETE_IN_PROGRESS"
	}
	o := obj{"daemonArn": dm.arn, "clusterArn": dm.clusterArn, "status": status, "createdAt": epoch(dm.createdAt), "updatedAt": epoch(dm.updatedAt)}
	if len(dm.deployments) > 0 {
		o["deploymentArn"] = dm.deployments[len(dm.deployments)-1].arn
	}
	rev, inflight := dm.current(now)
	var revs []any
	total := len(dm.cps) * daemonInstancesPerProvider
	if inflight != nil {
		st, n, _, _ := inflight.phase(now)
		if st == "ROLLBACK_IN_PROGRESS" {
			n = 0
		}
		if inflight.source != nil {
			revs = append(revs, obj{"arn": inflight.source.arn, "totalRunningCount": total - n, "totalWithoutDaemonCount": 0, "capacityProviders": dm.providers(total - n)})
		}
		revs = append(revs, obj{"arn": inflight.target.arn, "totalRunningCount": n, "totalWithoutDaemonCount": 0, "capacityProviders": dm.providers(n)})
	} else if rev != nil {
		revs = append(revs, obj{"arn": rev.arn, "totalRunningCount": total, "totalWithoutDaemonCount": 0, "capacityProviders": dm.providers(total)})
	}
	if revs != nil {
		o["currentRevisions"] = revs
	}
	return o
}

// JSON renders the DaemonRevision.
func (r *daemonRevision) JSON(dm *daemon) obj {
	o := obj{"daemonRevisionArn": r.arn, "daemonArn": dm.arn, "clusterArn": dm.clusterArn, "daemonTaskDefinitionArn": r.tdArn,
		"createdAt": epoch(r.createdAt), "containerImages": clone(r.images)}
	for _, k := range []string{"critical", "enableECSManagedTags", "enableExecuteCommand", "propagateTags"} {
		if v, ok := r.attrs[k]; ok {
			o[k] = clone(v)
		}
	}
	return o
}

func (s *daemonState) nextID() string {
	s.seq++
	return fmt.Sprintf("%016x", s.seq*7919)
}

// providers renders DaemonCapacityProvider counts for running tasks of a revision.
func (dm *daemon) providers(running int) []any {
	var out []any
	for _, cp := range dm.cps {
		r := min(running, daemonInstancesPerProvider)
		running -= r
		out = append(out, obj{"arn": cp, "runningCount": r, "withoutDaemonCount": 0})
	}
	return out
}
