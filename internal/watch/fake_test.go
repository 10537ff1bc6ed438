package watch

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// fakeECS is a stateful, in-memory ECS for one service whose rollout advances
// with the clock (virtual inside a synctest bubble): one step every 10 s. It
// answers DescribeServices, the ServiceDeployment APIs, ListTasks and
// DescribeTasks from the same state, so replies are consistent with each other.
//
// What it mimics (AWS docs: "Rolling update", "Deployment circuit breaker",
// "View service history using Amazon ECS service deployments"):
//   - UpdateService creates a PRIMARY deployment (rolloutState IN_PROGRESS) and a
//     ServiceDeployment; the previous PRIMARY becomes ACTIVE.
//   - A healthy deployment starts tasks (PENDING, then RUNNING a step later); when
//     all desired tasks run it is COMPLETED and the ServiceDeployment SUCCESSFUL;
//     ACTIVE deployments then drain one task per step and leave the list.
//   - An unhealthy deployment's tasks stop (exit code 1). At the circuit-breaker
//     threshold its rolloutState becomes FAILED and it launches nothing more. With
//     rollback on, a new PRIMARY deployment restores the last completed task
//     definition, ours turns ACTIVE, and its ServiceDeployment goes
//     ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL when the restore completes.
//     Without rollback the ServiceDeployment is STOPPED.
//   - A newer UpdateService makes ours ACTIVE (superseded).
//   - With a PAUSE lifecycle hook (BLUE_GREEN), the ServiceDeployment stops at
//     POST_SCALE_UP with the hook AWAITING_ACTION.
//   - Events are returned newest first, at most 100.
type fakeECS struct {
	mu   sync.Mutex
	step time.Duration
	last time.Time

	cluster, service string
	desired          int32
	strategy         types.DeploymentStrategy
	noSD             bool // ServiceDeployment APIs answer UnknownOperationException
	rollback         bool // circuit breaker rolls back
	threshold        int32
	pauseHook        bool
	// bake: BLUE_GREEN bake time: with all tasks running the ServiceDeployment
	// stays in BAKE_TIME this long before it completes.
	bake time.Duration
	// drainHold: old deployments keep their tasks this long after the PRIMARY
	// completes before they drain (a load balancer's deregistration delay).
	drainHold time.Duration
	// settle: a rolling deployment whose tasks all run completes this much later
	// (ECS stopping the old tasks): the "about to finish" stretch.
	settle time.Duration
	// early: earlySuccessCriteria (rolling): ECS completes the deployment once
	// this share of its tasks runs and starts the rest afterwards.
	early *types.DeploymentEarlySuccessCriteria
	// staleCurrent: DescribeServices' currentServiceDeployment lags behind and
	// still names this ServiceDeployment.
	staleCurrent string

	deps     []*fdep
	sds      []*types.ServiceDeployment
	revTD    map[string]string // service revision ARN → task definition
	lastGood *fdep
	events   []types.ServiceEvent // oldest first
	tasks    []types.Task
	seq      int
	at       []scheduled

	calls map[string]int
	dsAt  []time.Time // when each DescribeServices call happened
	fault func(op string, n int) error
}

type fdep struct {
	id, td, status string
	rollout        types.DeploymentRolloutState
	reason         string
	desired        int32
	running        int32
	pending        int32
	failed         int32
	created        time.Time
	healthy        bool
	sd             *types.ServiceDeployment
	restores       *fdep // for a rollback deployment: the deployment it rolls back
	settling       bool  // completion scheduled after settle
}

type scheduled struct {
	at time.Time
	fn func(f *fakeECS, now time.Time)
}

const (
	opDSR   = "DescribeServiceRevisions"
	opDS    = "DescribeServices"
	opLSD   = "ListServiceDeployments"
	opDSD   = "DescribeServiceDeployments"
	opLT    = "ListTasks"
	opDT    = "DescribeTasks"
	fakeAcc = "arn:aws:ecs:us-east-1:123456789012:"
)

// newFake returns a service "web" in cluster "prod" whose deployment ecs-svc/1
// (task definition app:1) completed an hour ago with 3 tasks running.
func newFake() *fakeECS {
	now := time.Now()
	f := &fakeECS{
		step: 10 * time.Second, last: now,
		cluster: "prod", service: "web", desired: 3,
		rollback: true, threshold: 3,
		calls: map[string]int{}, revTD: map[string]string{},
	}
	d := &fdep{id: "ecs-svc/1", td: f.tdARN("app:1"), status: "PRIMARY", rollout: types.DeploymentRolloutStateCompleted,
		reason: "ECS deployment ecs-svc/1 completed.", desired: 3, running: 3, created: now.Add(-time.Hour), healthy: true}
	d.sd = f.newSD(d.created, nil)
	f.revTD[aws.ToString(d.sd.TargetServiceRevision.Arn)] = d.td
	d.sd.Status = types.ServiceDeploymentStatusSuccessful
	f.deps = []*fdep{d}
	f.lastGood = d
	f.event(now.Add(-10*time.Minute), "(service web) has reached a steady state.")
	return f
}

func (f *fakeECS) tdARN(name string) string { return fakeAcc + "task-definition/" + name }

func (f *fakeECS) newSD(at time.Time, source *fdep) *types.ServiceDeployment {
	f.seq++
	sd := &types.ServiceDeployment{
		ServiceDeploymentArn: aws.String(fmt.Sprintf("%sservice-deployment/prod/web/sd%04d", fakeAcc, f.seq)),
		ClusterArn:           aws.String(fakeAcc + "cluster/prod"),
		ServiceArn:           aws.String(fakeAcc + "service/prod/web"),
		CreatedAt:            aws.Time(at),
		StartedAt:            aws.Time(at),
		Status:               types.ServiceDeploymentStatusInProgress,
		TargetServiceRevision: &types.ServiceRevisionSummary{
			Arn: aws.String(fmt.Sprintf("%sservice-revision/prod/web/r%04d", fakeAcc, f.seq)),
		},
		DeploymentCircuitBreaker: &types.ServiceDeploymentCircuitBreaker{Status: types.ServiceDeploymentRollbackMonitorsStatusMonitoring, Threshold: f.threshold},
	}
	if source != nil && source.sd != nil {
		sd.SourceServiceRevisions = []types.ServiceRevisionSummary{{Arn: source.sd.TargetServiceRevision.Arn}}
	}
	if f.strategy == types.DeploymentStrategyBlueGreen {
		sd.LifecycleStage = types.ServiceDeploymentLifecycleStageScaleUp
	}
	f.sds = append(f.sds, sd)
	return sd
}

func (f *fakeECS) event(at time.Time, msg string) {
	f.seq++
	f.events = append(f.events, types.ServiceEvent{
		Id: aws.String(fmt.Sprintf("ev-%04d", f.seq)), CreatedAt: aws.Time(at), Message: aws.String(msg),
	})
}

// update is what UpdateService with a new task definition does; it returns the new
// deployment's id and ServiceDeployment ARN.
func (f *fakeECS) update(td string, healthy bool) (id, arn string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	f.advance(now)
	return f.updateLocked(now, td, healthy)
}

func (f *fakeECS) updateLocked(now time.Time, td string, healthy bool) (id, arn string) {
	f.seq++
	prev := f.primary()
	d := &fdep{id: fmt.Sprintf("ecs-svc/%d", 1000+f.seq), td: f.tdARN(td), status: "PRIMARY",
		rollout: types.DeploymentRolloutStateInProgress, reason: "ECS deployment in progress.",
		desired: f.desired, created: now, healthy: healthy}
	if prev != nil {
		prev.status = "ACTIVE"
		if prev.sd != nil && !sdFinal(prev.sd.Status) {
			// A newer deployment replaces one still in progress.
			prev.sd.Status = types.ServiceDeploymentStatusStopped
			prev.sd.StoppedAt = aws.Time(now)
		}
	}
	d.sd = f.newSD(now, prev)
	f.revTD[aws.ToString(d.sd.TargetServiceRevision.Arn)] = d.td
	f.deps = append([]*fdep{d}, f.deps...)
	return d.id, aws.ToString(d.sd.ServiceDeploymentArn)
}

// after schedules fn at now+d (fake time).
func (f *fakeECS) after(d time.Duration, fn func(f *fakeECS, now time.Time)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at = append(f.at, scheduled{at: time.Now().Add(d), fn: fn})
}

func (f *fakeECS) primary() *fdep {
	for _, d := range f.deps {
		if d.status == "PRIMARY" {
			return d
		}
	}
	return nil
}

// advance runs every step due by now.
func (f *fakeECS) advance(now time.Time) {
	for !f.last.Add(f.step).After(now) {
		f.last = f.last.Add(f.step)
		for i := 0; i < len(f.at); {
			if f.at[i].at.After(f.last) {
				i++
				continue
			}
			s := f.at[i]
			f.at = slices.Delete(f.at, i, i+1)
			s.fn(f, f.last)
		}
		f.tick(f.last)
	}
}

func (f *fakeECS) tick(at time.Time) {
	p := f.primary()
	if p != nil && p.rollout == types.DeploymentRolloutStateInProgress && !f.awaiting(p) {
		switch {
		case p.pending > 0 && p.healthy:
			p.pending--
			p.running++
		case p.pending > 0:
			p.pending--
			p.failed++
			f.stopTask(p, at)
			if p.failed >= f.threshold {
				f.breaker(p, at)
			}
		case p.running < p.desired:
			p.pending++
			f.event(at, fmt.Sprintf("(service web) has started 1 tasks: (task t%04d).", f.seq+1))
		}
		if p.healthy && f.done(p) && p.rollout == types.DeploymentRolloutStateInProgress {
			f.completeOrPause(p, at)
		}
		return
	}
	// After an early success the rest of the tasks start outside the deployment.
	if p != nil && p.healthy && p.rollout == types.DeploymentRolloutStateCompleted && p.running < p.desired {
		if p.pending > 0 {
			p.pending--
			p.running++
		} else {
			p.pending++
		}
	}
	// Drain ACTIVE deployments once the PRIMARY runs all its tasks (a FAILED
	// deployment without rollback leaves the old tasks running).
	if p == nil || p.running < p.desired {
		return
	}
	if p.sd != nil && p.sd.FinishedAt != nil && at.Before(p.sd.FinishedAt.Add(f.drainHold)) {
		return
	}
	drained := false
	for _, d := range f.deps {
		if d.status != "ACTIVE" {
			continue
		}
		if d.running > 0 {
			d.running--
		}
		if d.pending > 0 {
			d.pending--
		}
		if d.running == 0 && d.pending == 0 {
			d.status = "INACTIVE"
			drained = true
		}
	}
	if drained {
		f.deps = slices.DeleteFunc(f.deps, func(d *fdep) bool { return d.status == "INACTIVE" })
		if len(f.deps) == 1 {
			f.event(at, "(service web) has reached a steady state.")
		}
	}
}

// done reports whether p runs enough tasks to complete: all of them, or with early
// success criteria healthyPercent of them ("Complete Amazon ECS rolling deployments
// early with early success criteria").
func (f *fakeECS) done(p *fdep) bool {
	if es := f.early; es != nil && es.Enable && es.HealthyPercent != nil {
		return p.running*100 >= p.desired*(*es.HealthyPercent)
	}
	return p.running == p.desired
}

func (f *fakeECS) awaiting(p *fdep) bool {
	if p.sd == nil {
		return false
	}
	for _, h := range p.sd.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusAwaitingAction {
			return true
		}
	}
	return false
}

func (f *fakeECS) completeOrPause(p *fdep, at time.Time) {
	if f.bake > 0 && p.restores == nil {
		if p.sd.LifecycleStage == types.ServiceDeploymentLifecycleStageBakeTime {
			return // completes when the bake time is over
		}
		p.sd.LifecycleStage = types.ServiceDeploymentLifecycleStageBakeTime
		p.sd.DeploymentConfiguration = &types.DeploymentConfiguration{BakeTimeInMinutes: aws.Int32(int32(f.bake / time.Minute))}
		f.at = append(f.at, scheduled{at: at.Add(f.bake), fn: func(f *fakeECS, now time.Time) {
			p.sd.LifecycleStage = types.ServiceDeploymentLifecycleStageCleanUp
			f.complete(p, now)
		}})
		return
	}
	if f.settle > 0 && p.restores == nil && f.bake == 0 {
		if !p.settling {
			p.settling = true
			f.at = append(f.at, scheduled{at: at.Add(f.settle), fn: func(f *fakeECS, now time.Time) { f.complete(p, now) }})
		}
		return
	}
	if f.pauseHook && p.restores == nil {
		p.sd.LifecycleStage = types.ServiceDeploymentLifecycleStagePostScaleUp
		p.sd.LifecycleHookDetails = []types.DeploymentLifecycleHookDetail{{
			HookId: aws.String("hook-approve"), TargetType: types.DeploymentLifecycleHookTargetTypePause,
			Status: types.DeploymentLifecycleHookStatusAwaitingAction, ExpiresAt: aws.Time(at.Add(time.Hour)),
			TimeoutAction: types.DeploymentLifecycleHookActionRollback,
		}}
		return
	}
	f.complete(p, at)
}

func (f *fakeECS) complete(p *fdep, at time.Time) {
	p.rollout = types.DeploymentRolloutStateCompleted
	p.reason = fmt.Sprintf("ECS deployment %s completed.", p.id)
	f.event(at, fmt.Sprintf("(service web) (deployment %s) deployment completed.", p.id))
	if p.restores != nil {
		p.sd.Status = types.ServiceDeploymentStatusRollbackSuccessful
	} else {
		p.sd.Status = types.ServiceDeploymentStatusSuccessful
		f.lastGood = p
	}
	p.sd.FinishedAt = aws.Time(at)
}

func (f *fakeECS) stopTask(p *fdep, at time.Time) {
	f.seq++
	arn := fmt.Sprintf("%stask/prod/t%04d", fakeAcc, f.seq)
	f.tasks = append(f.tasks, types.Task{
		TaskArn: aws.String(arn), TaskDefinitionArn: aws.String(p.td), StartedBy: aws.String(p.id),
		LastStatus: aws.String("STOPPED"), DesiredStatus: aws.String("STOPPED"),
		StopCode: types.TaskStopCodeEssentialContainerExited, StoppedAt: aws.Time(at),
		StoppedReason: aws.String("Essential container in task exited"),
		Containers: []types.Container{
			{Name: aws.String("app"), ExitCode: aws.Int32(1), Reason: aws.String("")},
			{Name: aws.String("log_router"), ExitCode: aws.Int32(0)},
		},
	})
	f.event(at, fmt.Sprintf("(service web) has stopped 1 running tasks: (task t%04d).", f.seq))
}

func (f *fakeECS) breaker(p *fdep, at time.Time) {
	p.rollout = types.DeploymentRolloutStateFailed
	p.reason = "ECS deployment circuit breaker: tasks failed to start."
	f.event(at, fmt.Sprintf("(service web) (deployment %s) deployment failed: tasks failed to start.", p.id))
	p.sd.DeploymentCircuitBreaker.Status = types.ServiceDeploymentRollbackMonitorsStatusTriggered
	p.sd.DeploymentCircuitBreaker.FailureCount = p.failed
	if !f.rollback || f.lastGood == nil {
		p.sd.Status = types.ServiceDeploymentStatusStopped
		p.sd.StatusReason = aws.String("ECS deployment circuit breaker: tasks failed to start.")
		p.sd.StoppedAt = aws.Time(at)
		return
	}
	f.seq++
	good := f.lastGood
	rb := &fdep{id: fmt.Sprintf("ecs-svc/%d", 1000+f.seq), td: good.td, status: "PRIMARY",
		rollout: types.DeploymentRolloutStateInProgress,
		reason:  fmt.Sprintf("ECS deployment circuit breaker: rolling back to deploymentId %s.", good.id),
		desired: f.desired, created: at, healthy: true, sd: p.sd, restores: p}
	p.status = "ACTIVE"
	p.sd.Status = types.ServiceDeploymentStatusRollbackInProgress
	p.sd.Rollback = &types.Rollback{
		Reason:             aws.String("Service deployment rolled back because the circuit breaker threshold was exceeded."),
		StartedAt:          aws.Time(at),
		ServiceRevisionArn: good.sd.TargetServiceRevision.Arn,
	}
	f.deps = append([]*fdep{rb}, f.deps...)
	f.event(at, fmt.Sprintf("(service web) (deployment %s) rolling back to %s.", p.id, good.id))
}

func (f *fakeECS) begin(ctx context.Context, op string) error {
	f.calls[op]++
	now := time.Now()
	if op == opDS {
		f.dsAt = append(f.dsAt, now)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.advance(now)
	if f.fault != nil {
		if err := f.fault(op, f.calls[op]); err != nil {
			return err
		}
	}
	if f.noSD && (op == opLSD || op == opDSD || op == opDSR) {
		return &smithy.GenericAPIError{Code: "UnknownOperationException", Message: "not implemented", Fault: smithy.FaultClient}
	}
	return nil
}

func (f *fakeECS) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opDS); err != nil {
		return nil, err
	}
	if aws.ToString(in.Cluster) != f.cluster || len(in.Services) != 1 || in.Services[0] != f.service {
		return &ecs.DescribeServicesOutput{Failures: []types.Failure{{Reason: aws.String("MISSING")}}}, nil
	}
	svc := types.Service{
		ServiceName: aws.String(f.service), ServiceArn: aws.String(fakeAcc + "service/prod/web"),
		Status: aws.String("ACTIVE"), DesiredCount: f.desired,
		DeploymentConfiguration: &types.DeploymentConfiguration{Strategy: f.strategy, EarlySuccessCriteria: f.early},
	}
	if f.strategy == "" {
		svc.DeploymentConfiguration.Strategy = types.DeploymentStrategyRolling
	}
	for _, d := range f.deps {
		svc.RunningCount += d.running
		svc.PendingCount += d.pending
		svc.Deployments = append(svc.Deployments, types.Deployment{
			Id: aws.String(d.id), Status: aws.String(d.status), TaskDefinition: aws.String(d.td),
			DesiredCount: d.desired, RunningCount: d.running, PendingCount: d.pending, FailedTasks: d.failed,
			RolloutState: d.rollout, RolloutStateReason: aws.String(d.reason),
			CreatedAt: aws.Time(d.created), UpdatedAt: aws.Time(f.last),
		})
		if d.status == "PRIMARY" {
			svc.TaskDefinition = aws.String(d.td)
			if !f.noSD && d.sd != nil {
				svc.CurrentServiceDeployment = d.sd.ServiceDeploymentArn
				if f.staleCurrent != "" {
					svc.CurrentServiceDeployment = aws.String(f.staleCurrent)
				}
			}
		}
	}
	for i := len(f.events) - 1; i >= 0 && len(svc.Events) < 100; i-- {
		svc.Events = append(svc.Events, f.events[i])
	}
	return &ecs.DescribeServicesOutput{Services: []types.Service{svc}}, nil
}

func (f *fakeECS) ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opLSD); err != nil {
		return nil, err
	}
	out := &ecs.ListServiceDeploymentsOutput{}
	for i := len(f.sds) - 1; i >= 0; i-- {
		sd := f.sds[i]
		if in.CreatedAt != nil && in.CreatedAt.After != nil && sd.CreatedAt.Before(*in.CreatedAt.After) {
			continue
		}
		out.ServiceDeployments = append(out.ServiceDeployments, types.ServiceDeploymentBrief{
			ServiceDeploymentArn: sd.ServiceDeploymentArn, CreatedAt: sd.CreatedAt, Status: sd.Status,
			StatusReason: sd.StatusReason, TargetServiceRevisionArn: sd.TargetServiceRevision.Arn,
		})
	}
	return out, nil
}

func (f *fakeECS) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opDSD); err != nil {
		return nil, err
	}
	out := &ecs.DescribeServiceDeploymentsOutput{}
	for _, arn := range in.ServiceDeploymentArns {
		found := false
		for _, sd := range f.sds {
			if aws.ToString(sd.ServiceDeploymentArn) == arn {
				c := *sd
				c.LifecycleHookDetails = slices.Clone(sd.LifecycleHookDetails)
				if sd.DeploymentCircuitBreaker != nil {
					cb := *sd.DeploymentCircuitBreaker
					c.DeploymentCircuitBreaker = &cb
				}
				out.ServiceDeployments = append(out.ServiceDeployments, c)
				found = true
			}
		}
		if !found {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (f *fakeECS) DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opDSR); err != nil {
		return nil, err
	}
	if len(in.ServiceRevisionArns) > 20 {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "too many service revisions"}
	}
	out := &ecs.DescribeServiceRevisionsOutput{}
	for _, arn := range in.ServiceRevisionArns {
		td, ok := f.revTD[arn]
		if !ok {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
			continue
		}
		out.ServiceRevisions = append(out.ServiceRevisions, types.ServiceRevision{
			ServiceRevisionArn: aws.String(arn), TaskDefinition: aws.String(td),
		})
	}
	return out, nil
}

func (f *fakeECS) ListTasks(ctx context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opLT); err != nil {
		return nil, err
	}
	out := &ecs.ListTasksOutput{}
	for _, t := range f.tasks {
		if in.StartedBy != nil && aws.ToString(t.StartedBy) != *in.StartedBy {
			continue
		}
		if in.DesiredStatus != "" && aws.ToString(t.DesiredStatus) != string(in.DesiredStatus) {
			continue
		}
		out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
	}
	return out, nil
}

func (f *fakeECS) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(ctx, opDT); err != nil {
		return nil, err
	}
	if len(in.Tasks) > 100 {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "too many tasks"}
	}
	out := &ecs.DescribeTasksOutput{}
	for _, arn := range in.Tasks {
		for _, t := range f.tasks {
			if aws.ToString(t.TaskArn) == arn {
				out.Tasks = append(out.Tasks, t)
			}
		}
	}
	return out, nil
}

var _ Client = (*fakeECS)(nil)
