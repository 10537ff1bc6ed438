package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// run is the state of one Wait: the I/O side (clients, backoff, events, progress)
// around the pure decider.
type run struct {
	decider
	p       *Poller
	started time.Time
	since   time.Time // events before this are not shown; zero until our deployment is known
	// firstNewest is the newest event of the first reply, the fallback start of the
	// timeline when our deployment never shows.
	firstNewest time.Time
	interval    time.Duration

	ourARN     string
	ourTD      string
	ourCreated time.Time

	sdOff     bool // ServiceDeployment APIs unavailable: DescribeServices only
	listTries int
	sdKey     string // DescribeServices state when sd was fetched

	seen    map[string]bool
	snap    Snapshot
	snapped bool
	svc     *types.Service // last reply

	bakeSeen time.Time // when we first saw our deployment in BAKE_TIME

	moved     bool // this poll showed something new (an event, a changed snapshot)
	throttled bool // this poll backed off
	// arnGuessed: ourARN is the service's currentServiceDeployment, taken without
	// listing; the first describe confirms it.
	arnGuessed bool
	// guessRejected is a currentServiceDeployment the describe showed to be older
	// than our update; it is not guessed again.
	guessRejected string
	quiet         int // polls in a row that showed nothing new
	// hurry: in a fleet (see fleet), our end looks imminent: the next poll comes
	// on the half-interval grid.
	hurry bool
	// polledAt is when the last poll started: a fleet's next poll is due an
	// interval after it (see delayOnGrid).
	polledAt time.Time
}

// quietPolls is how many polls in a row may show nothing new while a deployed
// service settles before polling backs off.
const quietPolls = 3

func newRun(p *Poller, t Target) *run {
	now := p.o.Now()
	r := &run{
		decider:  decider{t: t, ourID: t.DeploymentID},
		p:        p,
		started:  now,
		interval: p.o.Interval,
		ourARN:   t.DeploymentARN,
		ourTD:    t.TaskDefinition,
		seen:     map[string]bool{},
	}
	return r
}

func (r *run) backoff() {
	r.throttled = true
	r.interval = min(r.interval*2, r.p.o.MaxInterval)
}

// adapt sets the next interval after a poll that got an answer: short while things
// move or completion looks imminent, one Interval longer per quiet poll up to
// IdleInterval.
func (r *run) adapt(ours *types.Deployment) {
	r.hurry = false
	if r.throttled {
		return
	}
	if r.moved {
		r.quiet = 0
	} else {
		r.quiet++
	}
	near := r.imminent(ours)
	if !near && r.fleet() && starting(ours) {
		// A fleet member whose tasks are still starting polls every two
		// intervals, moving or not: the counts move but the end is not near (a
		// failure shows as failed tasks, which poll at Interval again), and the
		// idle backoff's longer gaps could skip the "all tasks running" stretch
		// before the end, where the imminent pacing below starts.
		r.interval = 2 * r.p.o.Interval
		return
	}
	if r.moved || near {
		r.interval = r.p.o.Interval
		if near && r.fleet() {
			r.hurry, r.interval = true, r.p.o.Interval/2
			if r.tail() {
				r.interval = r.p.o.Interval / 4
			}
		}
		return
	}
	r.interval = min(max(r.interval, r.p.o.Interval)+r.p.o.Interval, r.p.o.IdleInterval)
}

// Waiters is implemented by a fleet's batching client: how many waits share it.
type Waiters interface {
	// AddWaiting adds delta (1 when a wait starts, -1 when it ends) and returns
	// how many waits are in progress and how many ever started.
	AddWaiting(delta int) (waiting, started int)
}

// FirstPollHolder is implemented by a fleet's batching client: a fleet member's
// first poll waits until the fleet's apply phase is over (every member has applied
// its change or ended), so that every member's first poll goes out in the same
// batched rounds, however long applying hundreds of changes at the rate budget took.
type FirstPollHolder interface {
	// HoldFirstPoll returns once the first poll may go, or with ctx's error; it
	// calls held first when it has to wait.
	HoldFirstPoll(ctx context.Context, held func()) error
}

// HoldObserver is what an Observer may also implement: Held is called when the
// wait's first poll is held for the fleet (FirstPollHolder), so users see why
// nothing moves yet.
type HoldObserver interface {
	Held(cluster, service string)
}

// holdFirstPoll waits, in a fleet, until the first poll may go; false when ctx
// ended first.
func (r *run) holdFirstPoll(ctx context.Context) bool {
	h, ok := r.p.c.(FirstPollHolder)
	if !ok || !r.fleet() {
		return true
	}
	return h.HoldFirstPoll(ctx, func() {
		if o, ok := r.p.o.Observer.(HoldObserver); ok {
			o.Held(r.t.Cluster, r.t.Service)
		}
	}) == nil
}

// fleet reports whether this wait is one of a fleet's: its polls are aligned to the
// fleet's grid and batched with the other members' (an Epoch and a Waiters client).
// A fleet member whose end looks imminent polls on the half-interval grid: the
// fleet ends with its slowest service, which is known only once it ended, and the
// imminent members' polls share batched calls (10 services a call), so a round
// costs ceil(imminent/10) calls and only while some member is about to finish.
func (r *run) fleet() bool {
	_, ok := r.p.c.(Waiters)
	return ok && !r.p.o.Epoch.IsZero()
}

// TailWaits bounds a fleet's tail: its last tenth of waits, at most this many (they
// fit in one DescribeServices call). A wait in the tail whose end looks imminent
// polls on the quarter-interval grid: what is left of the fleet is one call a round,
// and the fleet's exit waits for exactly these last services.
const TailWaits = 10

// tail reports whether this wait is one of a fleet's last few.
func (r *run) tail() bool {
	w, ok := r.p.c.(Waiters)
	if !ok || r.p.o.Epoch.IsZero() {
		return false
	}
	waiting, started := w.AddWaiting(0)
	return waiting <= min(TailWaits, max(1, started/10))
}

// imminent reports whether our deployment looks about to finish, so the next poll
// should come soon: all its tasks run and the rollout is still in progress, or it
// is deployed and the service settles (see quietPolls). A traffic-shifting (blue/green,
// linear, canary) deployment runs all its tasks for most of its life, so for it
// only the CLEAN_UP stage counts.
func (r *run) imminent(ours *types.Deployment) bool {
	if ours == nil {
		return false
	}
	if r.deployed {
		// Deployed, waiting for the service to settle: near while the old tasks
		// drain, or once they run no task (ECS only has to drop them). Old tasks
		// that wait out a load balancer's deregistration delay (300 s by default)
		// move nothing for minutes: after quietPolls polls polling backs off, and
		// comes back when their counts move.
		return r.quiet < quietPolls || r.svc == nil || othersDrained(r.svc, ours)
	}
	if sd := r.sd; sd != nil && !sdFinal(sd.Status) && r.svc != nil {
		if st := strategyOf(r.svc); st != "" && st != types.DeploymentStrategyRolling {
			// A traffic-shifting deployment runs all its tasks from SCALE_UP on,
			// through test traffic, traffic steps, hooks and bake time: only
			// CLEAN_UP says the end is near (and a PAUSE hook waits for a person).
			if _, ok := paused(sd, r.t.ContinuedHook); ok {
				return false
			}
			return sd.LifecycleStage == types.ServiceDeploymentLifecycleStageCleanUp
		}
	}
	return ours.RolloutState == types.DeploymentRolloutStateInProgress && ours.DesiredCount > 0 &&
		ours.RunningCount >= ours.DesiredCount && ours.PendingCount == 0
}

// starting reports whether our rolling deployment is in progress with tasks still
// to start and none failed.
func starting(ours *types.Deployment) bool {
	return ours != nil && ours.RolloutState == types.DeploymentRolloutStateInProgress && ours.FailedTasks == 0 &&
		(ours.RunningCount < ours.DesiredCount || ours.PendingCount > 0)
}

// othersDrained reports whether every deployment other than ours runs no task.
func othersDrained(svc *types.Service, ours *types.Deployment) bool {
	for _, d := range svc.Deployments {
		if aws.ToString(d.Id) != aws.ToString(ours.Id) && (d.RunningCount > 0 || d.PendingCount > 0) {
			return false
		}
	}
	return true
}

// poll makes one round of calls and decides. done reports an outcome.
func (r *run) poll(ctx context.Context) (out Outcome, done bool, err error) {
	r.polls++
	r.polledAt = r.p.o.Now()
	r.moved, r.throttled = false, false
	svc, err := r.describeService(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Outcome{}, false, nil
		}
		if throttled(err) || transient(err) {
			r.backoff()
			return Outcome{}, false, nil
		}
		return Outcome{}, false, err
	}
	r.svc = svc
	if r.polls == 1 || r.firstNewest.IsZero() {
		r.firstNewest = newestEvent(svc.Events)
	}
	if st := aws.ToString(svc.Status); st == "INACTIVE" || st == "DRAINING" {
		return Outcome{Kind: Failed, Reason: fmt.Sprintf("service %s is %s", r.t.Service, st)}, true, nil
	}
	ours := r.identify(svc)
	if ours != nil {
		r.ourSeen = true
		r.ourID = aws.ToString(ours.Id)
		r.ourTD = aws.ToString(ours.TaskDefinition)
		r.ourCreated = aws.ToTime(ours.CreatedAt)
	}
	// Our ServiceDeployment first: when our deployment came and went unseen, its
	// creation time is where our events start.
	r.serviceDeployment(ctx, svc, ours)
	r.timeline(ours)
	r.emitEvents(svc.Events) // also when ctx ended meanwhile: this reply's events are shown
	if ctx.Err() != nil {
		return Outcome{}, false, nil
	}
	r.progress(svc, ours)
	out, done = r.decide(svc, ours)
	r.adapt(ours)
	return out, done, nil
}

// finish fills the common fields and, for failures, explains them with stopped tasks.
func (r *run) finish(ctx context.Context, o Outcome) Outcome {
	if o.Kind == RolledBack || o.Kind == Failed {
		o.StoppedTasks = r.stoppedTasks(ctx)
	}
	if o.Kind == RolledBack && o.RolledBackTo == "" {
		o.RolledBackTo = r.rolledBackTo(ctx)
	}
	o.DeploymentID, o.DeploymentARN = r.ourID, r.ourARN
	o.Started, o.Finished = r.started, r.p.o.Now()
	return o
}

// ctxOutcome reports a wait ended by its context. A rollback already under way is
// still reported as RolledBack, since that is what happened to our deployment.
func (r *run) ctxOutcome(ctx context.Context) Outcome {
	o := Outcome{Kind: Interrupted, Pending: r.pending()}
	deadline := errors.Is(ctx.Err(), context.DeadlineExceeded)
	switch {
	case deadline && r.rb != nil:
		o = r.rolledBack()
		o.Pending = "rollback still in progress: " + r.pending()
	case deadline:
		o.Kind = TimedOut
		o.Reason = fmt.Sprintf("timed out waiting for %s to be %s; nothing was changed, resume with `doppio wait`", r.name(), r.t.Until)
	default:
		o.Reason = fmt.Sprintf("interrupted while waiting for %s; nothing was changed, resume with `doppio wait`", r.name())
	}
	o.DeploymentID, o.DeploymentARN = r.ourID, r.ourARN
	o.Started, o.Finished = r.started, r.p.o.Now()
	return o
}

func (r *run) name() string {
	if r.ourID != "" {
		return "deployment " + r.ourID
	}
	return "the deployment of service " + r.t.Service
}

// pending describes what was still outstanding at the last poll.
func (r *run) pending() string {
	if r.svc == nil {
		return "no reply from ECS yet"
	}
	ours := findDeployment(r.svc.Deployments, r.ourID)
	if r.ourID == "" || ours == nil {
		return "our deployment is not visible in the service yet"
	}
	var parts []string
	parts = append(parts, fmt.Sprintf("%d of %d tasks running", ours.RunningCount, ours.DesiredCount))
	if ours.PendingCount > 0 {
		parts = append(parts, fmt.Sprintf("%d pending", ours.PendingCount))
	}
	if ours.FailedTasks > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", ours.FailedTasks))
	}
	if ours.RolloutState != "" {
		parts = append(parts, "rollout "+string(ours.RolloutState))
	}
	if r.sd != nil {
		s := "service deployment " + string(r.sd.Status)
		if r.sd.LifecycleStage != "" {
			s += " at " + string(r.sd.LifecycleStage)
		}
		parts = append(parts, s)
	}
	if r.deployed && !steady(r.svc) {
		parts = append(parts, fmt.Sprintf("service not steady yet (%d deployments, %d running of %d desired, %d pending)",
			len(r.svc.Deployments), r.svc.RunningCount, r.svc.DesiredCount, r.svc.PendingCount))
	}
	return strings.Join(parts, ", ")
}

// timeline sets where the events worth showing start, on ECS's own clock: at our
// deployment's createdAt as ECS reports it, never at the local time of our call, so
// clock skew can neither hide our events nor replay older ones. While our deployment
// is not visible yet nothing is shown; if it never shows, events after the newest
// one of the first reply are shown.
func (r *run) timeline(ours *types.Deployment) {
	switch {
	case r.since.IsZero() && r.t.NewEventsOnly:
		r.since = r.firstNewest.Add(time.Nanosecond)
	case ours != nil && ours.CreatedAt != nil && r.t.NewEventsOnly:
	case ours != nil && ours.CreatedAt != nil:
		if r.since.IsZero() || ours.CreatedAt.Before(r.since) {
			r.since = *ours.CreatedAt
		}
	case ours == nil && r.sd != nil && r.sd.CreatedAt != nil && !r.t.NewEventsOnly:
		// Our deployment came and went between two polls: its ServiceDeployment
		// was created with it.
		if r.since.IsZero() || r.sd.CreatedAt.Before(r.since) {
			r.since = *r.sd.CreatedAt
		}
	case r.since.IsZero() && r.polls >= unidentifiedPolls:
		r.since = r.firstNewest.Add(time.Nanosecond)
	}
}

// newestEvent returns the creation time of the newest event (zero when none).
func newestEvent(evs []types.ServiceEvent) time.Time {
	var t time.Time
	for _, e := range evs {
		if at := aws.ToTime(e.CreatedAt); at.After(t) {
			t = at
		}
	}
	return t
}

// emitEvents passes new events (from since on, not seen before) to the observer,
// oldest first. ECS returns them newest first.
func (r *run) emitEvents(evs []types.ServiceEvent) {
	if r.since.IsZero() {
		return // our deployment is not visible yet: keep them for a later poll
	}
	var fresh []ServiceEvent
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		at := aws.ToTime(e.CreatedAt)
		id := aws.ToString(e.Id)
		if id == "" {
			id = at.String() + aws.ToString(e.Message)
		}
		if at.Before(r.since) || r.seen[id] {
			continue
		}
		r.seen[id] = true
		fresh = append(fresh, ServiceEvent{ID: aws.ToString(e.Id), CreatedAt: at, Message: aws.ToString(e.Message)})
	}
	slices.SortStableFunc(fresh, func(a, b ServiceEvent) int { return a.CreatedAt.Compare(b.CreatedAt) })
	if r.p.o.Observer == nil {
		r.moved = r.moved || len(fresh) > 0
		return
	}
	r.moved = r.moved || len(fresh) > 0
	for _, e := range fresh {
		r.p.o.Observer.Event(e)
	}
}

// progress sends a snapshot when it differs from the last one sent.
func (r *run) progress(svc *types.Service, ours *types.Deployment) {
	s := Snapshot{
		// On ECS's clock, like the events: when the deployment last changed.
		At:           progressTime(r.sd, ours, r.p.o.Now()),
		Cluster:      r.t.Cluster,
		Service:      r.t.Service,
		DeploymentID: r.ourID,
		FromStart:    !r.t.StartedAt.IsZero(),
		Desired:      svc.DesiredCount,
		Running:      svc.RunningCount,
		Pending:      svc.PendingCount,
	}
	if ours != nil {
		s.RolloutState = string(ours.RolloutState)
		s.RolloutStateReason = aws.ToString(ours.RolloutStateReason)
		s.EarlySuccess = earlySuccess(svc, ours)
	}
	s.Strategy = string(strategyOf(svc))
	if r.sd != nil {
		s.Status = string(r.sd.Status)
		s.LifecycleStage = string(r.sd.LifecycleStage)
		if tr := r.sd.TargetServiceRevision; tr != nil && strategyOf(svc) != types.DeploymentStrategyRolling {
			s.ProductionTraffic, s.TestTraffic = tr.RequestedProductionTrafficWeight, tr.RequestedTestTrafficWeight
		}
		for _, h := range r.sd.LifecycleHookDetails {
			s.Hooks = append(s.Hooks, Hook{ID: aws.ToString(h.HookId), Type: string(h.TargetType), Target: aws.ToString(h.TargetArn),
				Status: string(h.Status), ExpiresAt: aws.ToTime(h.ExpiresAt), TimeoutAction: string(h.TimeoutAction)})
		}
		if r.sd.LifecycleStage == types.ServiceDeploymentLifecycleStageBakeTime && !sdFinal(r.sd.Status) {
			if r.bakeSeen.IsZero() {
				r.bakeSeen = s.At
			}
			if dc := r.sd.DeploymentConfiguration; dc != nil && dc.BakeTimeInMinutes != nil {
				s.BakeEnds = r.bakeSeen.Add(time.Duration(*dc.BakeTimeInMinutes) * time.Minute)
			}
		}
	}
	for _, d := range orderDeployments(svc.Deployments) {
		s.Deployments = append(s.Deployments, DeploymentState{
			ID:             aws.ToString(d.Id),
			Status:         aws.ToString(d.Status),
			TaskDefinition: aws.ToString(d.TaskDefinition),
			RolloutState:   string(d.RolloutState),
			Desired:        d.DesiredCount,
			Running:        d.RunningCount,
			Pending:        d.PendingCount,
			Failed:         d.FailedTasks,
			Ours:           r.ourID != "" && aws.ToString(d.Id) == r.ourID,
		})
	}
	if r.snapped && s.equal(r.snap) {
		return
	}
	r.moved = true
	r.snap, r.snapped = s, true
	if r.p.o.Observer != nil {
		r.p.o.Observer.Progress(s)
	}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
