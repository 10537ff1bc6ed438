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
	daemons     map[string]*daemon                   // daemon ARN
	tds         map[string]*wireDaemonTaskDefinition // daemon task definition ARN
	latest      map[string]int                       // family → latest revision
	revisions   map[string]*daemonRevision
	deployments map[string]*daemonDeployment
	seq         int
}

func newDaemonState() *daemonState {
	return &daemonState{daemons: map[string]*daemon{}, tds: map[string]*wireDaemonTaskDefinition{}, latest: map[string]int{},
		revisions: map[string]*daemonRevision{}, deployments: map[string]*daemonDeployment{}}
}

type daemon struct {
	arn, name, cluster, clusterArn, region string
	createdAt, updatedAt                   time.Time
	cps                                    []string
	settings                               daemonSettings
	tags                                   []any
	deployments                            []*daemonDeployment
	deletedAt                              time.Time
}

type daemonRevision struct {
	arn, tdArn string
	createdAt  time.Time
	settings   daemonSettings
	images     []wireDaemonImage
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
	deploymentConfig *wireDaemonDeploymentConf
}

// daemonPhase is one stretch of a deployment's timeline, from its start until the
// next phase's: the status, the instances on the target revision (rolling: one
// more every step since the deployment began), when the deployment ended (zero
// while in flight) and why.
type daemonPhase struct {
	from     time.Time
	status   string
	onTarget int
	rolling  bool
	ended    time.Time
	reason   string
}

const daemonBreakerReason = "circuit breaker: the daemon task failed to start on its first instance"

// timeline is the deployment's phases in time order. A healthy revision rolls
// instance by instance to SUCCESSFUL, unless a newer deployment stops it first; a
// crashing one fails on its first instance and rolls back (or stops, with nothing
// to roll back to). A stop before the failure only shows until the failure.
func (x *daemonDeployment) timeline() []daemonPhase {
	stopped := func(n int) daemonPhase {
		return daemonPhase{from: x.stoppedAt, status: "STOPPED", onTarget: n, ended: x.stoppedAt, reason: x.stopReason}
	}
	phases := []daemonPhase{{from: x.createdAt, status: "IN_PROGRESS", rolling: !x.target.crash}}
	if x.target.crash {
		failAt := x.createdAt.Add(x.step)
		if !x.stoppedAt.IsZero() && x.stoppedAt.Before(failAt) {
			phases = append(phases, stopped(0))
		}
		if x.source == nil {
			return append(phases, daemonPhase{from: failAt, status: "STOPPED", ended: failAt, reason: daemonBreakerReason + "; no previous revision to roll back to"})
		}
		return append(phases, daemonPhase{from: failAt, status: "ROLLBACK_IN_PROGRESS", reason: daemonBreakerReason},
			daemonPhase{from: failAt.Add(x.step), status: "ROLLBACK_SUCCESSFUL", ended: failAt.Add(x.step), reason: daemonBreakerReason})
	}
	done := x.createdAt.Add(time.Duration(x.instances) * x.step)
	if !x.stoppedAt.IsZero() && x.stoppedAt.Before(done) {
		return append(phases, stopped(min(x.instances, int(x.stoppedAt.Sub(x.createdAt)/x.step))))
	}
	return append(phases, daemonPhase{from: done, status: "SUCCESSFUL", onTarget: x.instances, ended: done})
}

// phase is what the deployment is at time now: its status, the instances running
// the target revision, the time it ended (zero while in flight) and the reason.
func (x *daemonDeployment) phase(now time.Time) (status string, onTarget int, ended time.Time, reason string) {
	phases := x.timeline()
	p := phases[0]
	for _, q := range phases[1:] {
		if q.from.After(now) {
			break
		}
		p = q
	}
	if p.rolling {
		p.onTarget = min(x.instances, int(now.Sub(x.createdAt)/x.step))
	}
	return p.status, p.onTarget, p.ended, p.reason
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

// revisionJSON renders what a deployment has of one revision at now.
func (x *daemonDeployment) revisionJSON(r *daemonRevision, running, draining int) *wireDaemonDeploymentRevision {
	if r == nil {
		return nil
	}
	return &wireDaemonDeploymentRevision{Arn: r.arn, TotalRunningInstanceCount: running, TotalDrainingInstanceCount: draining,
		TotalWithoutDaemonInstanceCount: x.instances - running - draining, CapacityProviders: x.providerCounts(running)}
}

func (x *daemonDeployment) providerCounts(running int) []wireDaemonDeploymentProv {
	var out []wireDaemonDeploymentProv
	for _, r := range spread(x.d.cps, running) {
		out = append(out, wireDaemonDeploymentProv{Arn: r.arn, RunningInstanceCount: r.running, WithoutDaemonInstanceCount: daemonInstancesPerProvider - r.running})
	}
	return out
}

// providerShare is how many of a revision's tasks run on one capacity provider.
type providerShare struct {
	arn     string
	running int
}

// spread fills the capacity providers in order, daemonInstancesPerProvider each.
func spread(cps []string, running int) []providerShare {
	var out []providerShare
	for _, cp := range cps {
		r := min(running, daemonInstancesPerProvider)
		running -= r
		out = append(out, providerShare{cp, r})
	}
	return out
}

// circuitBreaker is the deployment's DaemonCircuitBreaker for status st.
func (x *daemonDeployment) circuitBreaker(st string) wireDaemonCircuitBreaker {
	if x.target.crash && st != "IN_PROGRESS" {
		return wireDaemonCircuitBreaker{Status: "TRIGGERED", Threshold: 1, FailureCount: 1}
	}
	return wireDaemonCircuitBreaker{Status: "MONITORING", Threshold: 1}
}

// JSON renders the DaemonDeployment at now.
func (x *daemonDeployment) JSON(now time.Time) wireDaemonDeployment {
	st, n, ended, reason := x.phase(now)
	o := wireDaemonDeployment{
		DaemonDeploymentArn: x.arn, ClusterArn: x.d.clusterArn, Status: st, StatusReason: reason,
		CreatedAt: epoch(x.createdAt), StartedAt: epoch(x.createdAt),
		CircuitBreaker: x.circuitBreaker(st), DeploymentConfiguration: x.deploymentConfig,
		TargetDaemonRevision: x.revisionJSON(x.target, n, 0),
	}
	if !ended.IsZero() {
		o.FinishedAt = epoch(ended)
		if st == "STOPPED" {
			o.StoppedAt = epoch(ended)
		}
	}
	if x.source != nil {
		if x.target.crash && st != "IN_PROGRESS" {
			o.Rollback = &wireDaemonRollback{Reason: reason, RollbackTargetDaemonRevisionArn: x.source.arn, StartedAt: epoch(x.createdAt.Add(x.step))}
		}
		o.SourceDaemonRevisions = []*wireDaemonDeploymentRevision{x.revisionJSON(x.source, x.instances-n, 0)}
	}
	return o
}

// status is the daemon's DaemonStatus.
func (dm *daemon) status() string {
	if !dm.deletedAt.IsZero() {
		return "DELETE_IN_PROGRESS"
	}
	return "ACTIVE"
}

// JSON renders the DaemonDetail at now.
func (dm *daemon) JSON(now time.Time) wireDaemonDetail {
	o := wireDaemonDetail{DaemonArn: dm.arn, ClusterArn: dm.clusterArn, Status: dm.status(), CreatedAt: epoch(dm.createdAt), UpdatedAt: epoch(dm.updatedAt)}
	if len(dm.deployments) > 0 {
		o.DeploymentArn = dm.deployments[len(dm.deployments)-1].arn
	}
	rev, inflight := dm.current(now)
	total := len(dm.cps) * daemonInstancesPerProvider
	if inflight != nil {
		st, n, _, _ := inflight.phase(now)
		if st == "ROLLBACK_IN_PROGRESS" {
			n = 0
		}
		if inflight.source != nil {
			o.CurrentRevisions = append(o.CurrentRevisions, dm.revisionDetail(inflight.source, total-n))
		}
		o.CurrentRevisions = append(o.CurrentRevisions, dm.revisionDetail(inflight.target, n))
	} else if rev != nil {
		o.CurrentRevisions = append(o.CurrentRevisions, dm.revisionDetail(rev, total))
	}
	return o
}

// revisionDetail is the DaemonRevisionDetail of r with running tasks.
func (dm *daemon) revisionDetail(r *daemonRevision, running int) wireDaemonRevisionDetail {
	return wireDaemonRevisionDetail{Arn: r.arn, TotalRunningCount: running, CapacityProviders: dm.providers(running)}
}

// JSON renders the DaemonRevision.
func (r *daemonRevision) JSON(dm *daemon) wireDaemonRevision {
	return wireDaemonRevision{DaemonRevisionArn: r.arn, DaemonArn: dm.arn, ClusterArn: dm.clusterArn, DaemonTaskDefinitionArn: r.tdArn,
		CreatedAt: epoch(r.createdAt), ContainerImages: r.images,
		Critical: r.settings.Critical, EnableECSManagedTags: r.settings.EnableECSManagedTags,
		EnableExecuteCommand: r.settings.EnableExecuteCommand, PropagateTags: r.settings.PropagateTags}
}

func (s *daemonState) nextID() string {
	s.seq++
	return fmt.Sprintf("%016x", s.seq*7919)
}

// providers renders DaemonCapacityProvider counts for running tasks of a revision.
func (dm *daemon) providers(running int) []wireDaemonCapacityProv {
	var out []wireDaemonCapacityProv
	for _, r := range spread(dm.cps, running) {
		out = append(out, wireDaemonCapacityProv{Arn: r.arn, RunningCount: r.running})
	}
	return out
}
