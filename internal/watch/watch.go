// Package watch follows one Amazon ECS deployment — the one our UpdateService or
// CreateService started — until it reaches a typed outcome: succeeded, rolled back,
// failed, superseded, paused at a hook, timed out or interrupted.
//
// One poller both reports progress and decides: each poll makes at most one
// DescribeServices call, and uses the ServiceDeployment APIs only when they add
// information (finding our deployment's ARN once, then rollback, circuit-breaker,
// alarm and lifecycle-hook details). Progress and service events go to an Observer;
// nothing is printed.
package watch

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Client is the narrow ECS API the poller needs; *ecs.Client satisfies it.
// ListTasks and DescribeTasks are used only to explain failures.
type Client interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListServiceDeployments(ctx context.Context, in *ecs.ListServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

// RevisionClient is what a Client may also offer (*ecs.Client does): the poller uses
// it only when our deployment came and went between two polls, to tell our
// ServiceDeployment from a later one by its task definition and to name the task
// definition a rollback restored. Without it those are decided by creation time
// alone, and RolledBackTo may stay empty.
type RevisionClient interface {
	DescribeServiceRevisions(ctx context.Context, in *ecs.DescribeServiceRevisionsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceRevisionsOutput, error)
}

// Until says when a deployment counts as done.
type Until int

const (
	// Deployed ends when our deployment is done: its ServiceDeployment is SUCCESSFUL
	// or its rolloutState is COMPLETED. Old tasks may still be draining.
	Deployed Until = iota
	// Stable additionally waits until the service is steady: a single deployment,
	// running == desired and nothing pending.
	Stable
)

// String returns the flag spelling of u.
func (u Until) String() string {
	if u == Stable {
		return "stable"
	}
	return "deployed"
}

// Target names the deployment to follow.
type Target struct {
	Cluster string
	Service string
	// DeploymentID is the ecs-svc/… id of the PRIMARY deployment in the
	// UpdateService or CreateService response, when known.
	DeploymentID string
	// DeploymentARN is the service-deployment ARN, when known.
	DeploymentARN string
	// TaskDefinition is the task definition ARN our update set.
	TaskDefinition string
	// StartedAt is taken just before our UpdateService. Events before it are not
	// shown, and it bounds the createdAt of our deployment when its id is unknown.
	// Zero means "now" for events and disables matching by createdAt, which suits
	// resuming a wait on the current deployment.
	StartedAt time.Time
	// Until says when the deployment counts as done.
	Until Until
	// Stage, when set, ends the wait with Succeeded as soon as our traffic-shifting
	// deployment reaches this lifecycle stage (--wait-until ecs:<STAGE>); a rollback
	// before it is RolledBack as usual.
	Stage types.ServiceDeploymentLifecycleStage
	// WaitOnPause keeps waiting at a PAUSE hook (its expiry is shown in progress)
	// instead of ending with Paused.
	WaitOnPause bool
	// ContinuedHook is a hook we just answered with ContinueServiceDeployment: it is
	// not reported as a pause while ECS catches up.
	ContinuedHook string
	// NewEventsOnly shows only events newer than those in the first reply (resuming
	// a wait on a deployment whose earlier events were already shown).
	NewEventsOnly bool
}

// Options tune a Poller. The zero value is usable.
type Options struct {
	// Interval between polls while something moves; default 5s.
	Interval time.Duration
	// IdleInterval is the ceiling of the adaptive backoff: while a poll shows
	// nothing new (no event, no count or state change) and completion does not look
	// imminent, the next poll comes one Interval later than the last, up to this;
	// default 3×Interval.
	IdleInterval time.Duration
	// MaxInterval is the backoff ceiling while throttled or on transient errors;
	// default 30s.
	MaxInterval time.Duration
	// Epoch, when set, aligns polls to a grid of Interval steps from it, so the
	// waits of a fleet sharing one batching client poll together and their
	// DescribeServices calls coalesce.
	Epoch time.Time
	// Observer receives events and progress; nil means none.
	Observer Observer
	// Now returns the current time; default time.Now.
	Now func() time.Time
	// Explainer explains failures; default TaskExplainer on the poller's client.
	Explainer Explainer
}

// Observer receives what the poller sees. Calls come from the goroutine running
// Wait, one at a time.
type Observer interface {
	// Event receives each service event newer than Target.StartedAt once, oldest
	// first.
	Event(ServiceEvent)
	// Progress receives a snapshot whenever something in it changed.
	Progress(Snapshot)
}

// ServiceEvent is one entry of the service's event stream.
type ServiceEvent struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	Message   string    `json:"message"`
}

// Snapshot is the state of a service deployment as of one poll.
type Snapshot struct {
	At           time.Time
	Cluster      string
	Service      string
	DeploymentID string // ours; "" until identified
	// FromStart says we followed our deployment from the call that started it
	// (Target.StartedAt set), so every lifecycle stage before the first one a poll
	// saw passed while we watched.
	FromStart bool
	// RolloutState and RolloutStateReason are those of our deployment in
	// DescribeServices.
	RolloutState       string
	RolloutStateReason string
	// EarlySuccess explains a rolling deployment ECS completed under its early
	// success criteria (fewer than the desired tasks running, or older deployments
	// still draining); "" otherwise.
	EarlySuccess string
	// Status and LifecycleStage come from our ServiceDeployment, when known.
	Status         string
	LifecycleStage string
	// Strategy is the service's deployment strategy (ROLLING, BLUE_GREEN, ...).
	Strategy string
	// Hooks are the lifecycle hooks of the current stage, from our ServiceDeployment.
	Hooks []Hook
	// ProductionTraffic and TestTraffic are the percentages our (target) revision
	// gets, from the ServiceDeployment's targetServiceRevision; nil when not reported.
	ProductionTraffic, TestTraffic *float64
	// BakeEnds is when the bake time of our deployment ends, while in BAKE_TIME
	// (computed from the configured bake time and when we first saw the stage).
	BakeEnds time.Time
	// Service-level counts.
	Desired, Running, Pending int32
	// Deployments lists every deployment of the service, PRIMARY first.
	Deployments []DeploymentState
}

func eqPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// Hook is one lifecycle hook of our ServiceDeployment.
type Hook struct {
	ID            string    `json:"hookId"`
	Type          string    `json:"targetType"` // AWS_LAMBDA or PAUSE
	Target        string    `json:"targetArn,omitempty"`
	Status        string    `json:"status"` // AWAITING_ACTION, IN_PROGRESS, SUCCEEDED, FAILED, TIMED_OUT
	ExpiresAt     time.Time `json:"expiresAt,omitzero"`
	TimeoutAction string    `json:"timeoutAction,omitempty"`
}

// DeploymentState is one entry of DescribeServices' deployments.
type DeploymentState struct {
	ID             string
	Status         string // PRIMARY, ACTIVE or INACTIVE
	TaskDefinition string
	RolloutState   string
	Desired        int32
	Running        int32
	Pending        int32
	Failed         int32
	Ours           bool
}

func (s Snapshot) equal(o Snapshot) bool {
	if s.Cluster != o.Cluster || s.Service != o.Service || s.DeploymentID != o.DeploymentID ||
		s.RolloutState != o.RolloutState || s.RolloutStateReason != o.RolloutStateReason || s.EarlySuccess != o.EarlySuccess ||
		s.Status != o.Status || s.LifecycleStage != o.LifecycleStage ||
		s.Strategy != o.Strategy || !s.BakeEnds.Equal(o.BakeEnds) || !slices.Equal(s.Hooks, o.Hooks) ||
		!eqPtr(s.ProductionTraffic, o.ProductionTraffic) || !eqPtr(s.TestTraffic, o.TestTraffic) ||
		s.Desired != o.Desired || s.Running != o.Running || s.Pending != o.Pending ||
		len(s.Deployments) != len(o.Deployments) {
		return false
	}
	for i := range s.Deployments {
		if s.Deployments[i] != o.Deployments[i] {
			return false
		}
	}
	return true
}

// Kind classifies how a wait ended.
type Kind int

const (
	// Succeeded: our deployment completed (and the service is steady for Until Stable).
	Succeeded Kind = iota
	// RolledBack: the circuit breaker, an alarm or a stop request rolled our
	// deployment back.
	RolledBack
	// Failed: our deployment failed or was stopped and nothing rolled it back, or its
	// rollback failed.
	Failed
	// Superseded: another deployment, not a rollback of ours, replaced ours.
	Superseded
	// Paused: our deployment waits at a PAUSE lifecycle hook for someone to act.
	Paused
	// TimedOut: the context deadline passed first; nothing was changed.
	TimedOut
	// Interrupted: the context was canceled first; nothing was changed.
	Interrupted
)

// String returns a lower-case description such as "rolled back".
func (k Kind) String() string {
	switch k {
	case Succeeded:
		return "succeeded"
	case RolledBack:
		return "rolled back"
	case Failed:
		return "failed"
	case Superseded:
		return "superseded"
	case Paused:
		return "paused"
	case TimedOut:
		return "timed out"
	case Interrupted:
		return "interrupted"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Outcome is how a wait ended. Outcomes are values, not errors.
type Outcome struct {
	Kind Kind
	// Reason explains the outcome: circuit-breaker or alarm reason, rolloutStateReason,
	// the superseding deployment, the hook we are paused at, or a resume hint.
	Reason        string
	DeploymentID  string
	DeploymentARN string
	// Hook is the PAUSE hook a Paused deployment waits at (for ContinueServiceDeployment).
	Hook string
	// SupersededBy is the id of the deployment that replaced ours.
	SupersededBy string
	// RolledBackTo is the task definition the rollback restored.
	RolledBackTo string
	// StoppedTasks are recent stopped tasks of our deployment, for failures.
	StoppedTasks []StoppedTask
	// Pending says what was still outstanding, for TimedOut (and for a RolledBack
	// outcome whose rollback had not finished).
	Pending  string
	Started  time.Time
	Finished time.Time
}

// StoppedTask explains why one task of our deployment stopped.
type StoppedTask struct {
	TaskARN        string          `json:"taskArn"`
	TaskDefinition string          `json:"taskDefinitionArn"`
	StoppedReason  string          `json:"stoppedReason"`
	StopCode       string          `json:"stopCode,omitempty"`
	StoppedAt      time.Time       `json:"stoppedAt"`
	Containers     []ContainerExit `json:"containers"`
}

// ContainerExit is one container of a stopped task.
type ContainerExit struct {
	Name     string `json:"name"`
	ExitCode *int32 `json:"exitCode"` // nil when the container never ran or the code is unknown
	Reason   string `json:"reason,omitempty"`
}

// ExitCode maps the outcome to the CLI exit code (see diag).
func (o Outcome) ExitCode() int {
	switch o.Kind {
	case Succeeded:
		return diag.ExitOK
	case RolledBack, Failed, Superseded:
		return diag.ExitFailed
	case TimedOut:
		return diag.ExitTimeout
	case Paused:
		return diag.ExitPaused
	case Interrupted:
		return diag.ExitInterrupted
	}
	return diag.ExitError
}

// Duration is how long the wait took.
func (o Outcome) Duration() time.Duration { return o.Finished.Sub(o.Started) }

// Poller follows deployments. It holds no per-wait state, so one Poller may serve
// several concurrent Waits.
type Poller struct {
	c Client
	o Options
}

const (
	defaultInterval    = 5 * time.Second
	defaultMaxInterval = 30 * time.Second
)

// New returns a Poller using c, with defaults filled into o.
func New(c Client, o Options) *Poller {
	if o.Interval <= 0 {
		o.Interval = defaultInterval
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = defaultMaxInterval
	}
	if o.MaxInterval < o.Interval {
		o.MaxInterval = o.Interval
	}
	if o.IdleInterval <= 0 {
		o.IdleInterval = 3 * o.Interval
	}
	o.IdleInterval = min(max(o.IdleInterval, o.Interval), o.MaxInterval)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Explainer == nil {
		o.Explainer = TaskExplainer{ECS: c}
	}
	return &Poller{c: c, o: o}
}

// Wait polls until our deployment reaches an outcome or ctx ends. A ctx deadline
// gives TimedOut and a cancellation Interrupted; neither changes anything in ECS.
// The error is non-nil only for unexpected, non-retryable API errors.
func (p *Poller) Wait(ctx context.Context, t Target) (Outcome, error) {
	r := newRun(p, t)
	if w, ok := p.c.(Waiters); ok {
		w.AddWaiting(1)
		defer w.AddWaiting(-1)
	}
	if !p.o.Epoch.IsZero() {
		// In a fleet the first poll waits until every member has applied its
		// change (run.holdFirstPoll), so all members' first polls share a round.
		if !r.holdFirstPoll(ctx) {
			return r.ctxOutcome(ctx), nil
		}
		// In a fleet even the first poll waits for the grid, a fifth of an interval
		// at most (soon after the update, before a fast failure can come and go),
		// so the first polls of services updated together are batched too.
		if !r.sleepFor(ctx, r.delayOnGrid(0, p.o.Interval/5)) {
			return r.ctxOutcome(ctx), nil
		}
	}
	for {
		out, done, err := r.poll(ctx)
		if ctx.Err() != nil && !done {
			return r.ctxOutcome(ctx), nil
		}
		if err != nil {
			return Outcome{}, err
		}
		if done {
			return r.finish(ctx, out), nil
		}
		if !r.sleep(ctx) {
			return r.ctxOutcome(ctx), nil
		}
	}
}

// sleep waits for the current interval (on the Epoch grid when set) or ctx,
// whichever ends first; it reports whether the interval passed.
func (r *run) sleep(ctx context.Context) bool { return r.sleepFor(ctx, r.nextDelay()) }

func (r *run) sleepFor(ctx context.Context, d time.Duration) bool {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// nextDelay is the current interval, moved to the nearest point of the Epoch grid
// (never now or earlier) when an Epoch is set.
func (r *run) nextDelay() time.Duration {
	if r.p.o.Epoch.IsZero() {
		return r.interval
	}
	if r.hurry {
		return r.delayOnGrid(r.interval, r.interval)
	}
	return r.delayOnGrid(r.interval, r.p.o.Interval)
}

// delayOnGrid returns how long until the first point of the Epoch grid of the given
// step at or after from+d (within a tenth of a step), and after now. from is when
// the last poll started (now before the first, and after a throttled poll, whose
// backoff counts from its reply): how long the reply took does not push the next
// poll to a later grid point, so a fleet polling every 1.25 s against replies
// that take a few hundred milliseconds still polls every 1.25 s.
func (r *run) delayOnGrid(d, step time.Duration) time.Duration {
	e := r.p.o.Epoch
	now := r.p.o.Now()
	from := now
	if !r.polledAt.IsZero() && !r.throttled && r.polledAt.Before(now) {
		from = r.polledAt
	}
	step = max(step, time.Millisecond)
	// The first grid point at or after from+d, with a tenth of a step of slack so
	// a poll that ran a little late (the batching window) keeps its place: never
	// sooner than d minus that slack.
	tol := step / 10
	off := from.Add(d - tol).Sub(e)
	k := off / step
	if off > 0 && off%step != 0 {
		k++
	}
	wake := e.Add(k * step)
	for !wake.After(now) {
		wake = wake.Add(step)
	}
	return wake.Sub(now)
}

var (
	_ Client         = (*ecs.Client)(nil)
	_ RevisionClient = (*ecs.Client)(nil)
)
