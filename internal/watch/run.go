package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const (
	// createdSlack tolerates clock skew between us and ECS, and the delay between
	// the UpdateService reply and the ServiceDeployment's createdAt, when matching by
	// creation time.
	createdSlack = 5 * time.Second
	// maxListTries bounds how many polls look for our ServiceDeployment ARN before
	// we settle for DescribeServices alone.
	maxListTries = 6
	// failedGrace is how many polls a FAILED deployment that is still PRIMARY may
	// wait for ECS to start its rollback before we call it Failed. ECS creates the
	// rollback deployment as it marks ours FAILED, but the two may straddle a poll.
	failedGrace = 2
	// maxStoppedTasks bounds the stopped tasks an Outcome carries.
	maxStoppedTasks = 5
)

// run is the state of one Wait.
type run struct {
	p        *Poller
	t        Target
	started  time.Time
	since    time.Time // events before this are not shown
	interval time.Duration
	polls    int

	ourID      string
	ourARN     string
	ourTD      string
	ourCreated time.Time
	ourSeen    bool

	sdOff     bool // ServiceDeployment APIs unavailable: DescribeServices only
	listTries int
	sd        *types.ServiceDeployment
	sdKey     string // DescribeServices state when sd was fetched

	seen    map[string]bool
	snap    Snapshot
	snapped bool
	svc     *types.Service // last reply

	failedPolls int
	deployed    bool
	rb          *rollback
}

// rollback is what we know about a rollback of our deployment.
type rollback struct {
	reasons []string
	toID    string // the deployment restoring the previous revision
	toTD    string
}

func (rb *rollback) addReason(s string) {
	s = clean(s)
	if s != "" && !slices.Contains(rb.reasons, s) {
		rb.reasons = append(rb.reasons, s)
	}
}

func newRun(p *Poller, t Target) *run {
	now := p.o.Now()
	r := &run{
		p:        p,
		t:        t,
		started:  now,
		since:    t.StartedAt,
		interval: p.o.Interval,
		ourID:    t.DeploymentID,
		ourARN:   t.DeploymentARN,
		ourTD:    t.TaskDefinition,
		seen:     map[string]bool{},
	}
	if r.since.IsZero() {
		r.since = now
	}
	return r
}

func (r *run) backoff() { r.interval = min(r.interval*2, r.p.o.MaxInterval) }

func (r *run) recover() { r.interval = max(r.interval/2, r.p.o.Interval) }

// poll makes one round of calls and decides. done reports an outcome.
func (r *run) poll(ctx context.Context) (out Outcome, done bool, err error) {
	r.polls++
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
	r.recover()
	r.svc = svc
	r.emitEvents(svc.Events)
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
	r.serviceDeployment(ctx, svc, ours)
	if ctx.Err() != nil {
		return Outcome{}, false, nil
	}
	r.progress(svc, ours)
	out, done = r.decide(svc, ours)
	return out, done, nil
}

func (r *run) describeService(ctx context.Context) (*types.Service, error) {
	out, err := r.p.c.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  nonEmpty(r.t.Cluster),
		Services: []string{r.t.Service},
	})
	if err != nil {
		return nil, fmt.Errorf("describe service %q in cluster %q: %w", r.t.Service, r.t.Cluster, err)
	}
	for _, s := range out.Services {
		if aws.ToString(s.ServiceName) == r.t.Service || aws.ToString(s.ServiceArn) == r.t.Service || len(out.Services) == 1 {
			return &s, nil
		}
	}
	reason := "MISSING"
	if len(out.Failures) > 0 {
		reason = aws.ToString(out.Failures[0].Reason)
	}
	return nil, fmt.Errorf("describe service %q in cluster %q: %s", r.t.Service, r.t.Cluster, reason)
}

// identify finds our deployment in DescribeServices' deployments: by id, else by
// creation time close to our ServiceDeployment's, else by task definition and
// creation after StartedAt (the earliest such: later ones superseded it).
func (r *run) identify(svc *types.Service) *types.Deployment {
	deps := svc.Deployments
	if r.ourID != "" {
		return findDeployment(deps, r.ourID)
	}
	if r.sd != nil && r.sd.CreatedAt != nil {
		var best *types.Deployment
		var bestGap time.Duration
		for i := range deps {
			d := &deps[i]
			if d.CreatedAt == nil {
				continue
			}
			gap := d.CreatedAt.Sub(*r.sd.CreatedAt).Abs()
			if gap <= createdSlack && (best == nil || gap < bestGap) {
				best, bestGap = d, gap
			}
		}
		if best != nil {
			return best
		}
	}
	var best *types.Deployment
	for i := range deps {
		d := &deps[i]
		if r.t.TaskDefinition != "" && aws.ToString(d.TaskDefinition) != r.t.TaskDefinition {
			continue
		}
		if r.t.StartedAt.IsZero() {
			// Resuming: the current deployment (of our task definition, if given).
			if aws.ToString(d.Status) == "PRIMARY" {
				return d
			}
			continue
		}
		if d.CreatedAt == nil || d.CreatedAt.Before(r.t.StartedAt.Add(-createdSlack)) {
			continue
		}
		if best == nil || d.CreatedAt.Before(*best.CreatedAt) {
			best = d
		}
	}
	return best
}

// serviceDeployment finds our ServiceDeployment ARN (List, only until known) and
// describes it when that adds information. Errors other than throttling switch the
// ServiceDeployment APIs off for the rest of the wait, so a missing API costs one
// failed call, not one per poll.
func (r *run) serviceDeployment(ctx context.Context, svc *types.Service, ours *types.Deployment) {
	if r.sdOff {
		return
	}
	if r.ourARN == "" {
		if r.listTries >= maxListTries {
			return
		}
		r.listTries++
		arn, err := r.findARN(ctx, svc, ours)
		if err != nil {
			r.sdErr(ctx, err)
			return
		}
		if arn == "" {
			return
		}
		r.ourARN = arn
	}
	key := stateKey(svc, ours)
	if !r.needSD(svc, ours, key) {
		return
	}
	out, err := r.p.c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{
		ServiceDeploymentArns: []string{r.ourARN},
	})
	if err != nil {
		r.sdErr(ctx, err)
		return
	}
	for i := range out.ServiceDeployments {
		if aws.ToString(out.ServiceDeployments[i].ServiceDeploymentArn) == r.ourARN {
			r.sd = &out.ServiceDeployments[i]
			r.sdKey = key
			return
		}
	}
	// A MISSING failure (revisions older than the API) or an empty reply: the
	// API cannot help with this deployment.
	r.sdOff = true
}

func (r *run) sdErr(ctx context.Context, err error) {
	switch {
	case ctx.Err() != nil:
	case throttled(err):
		r.backoff()
	default:
		r.sdOff = true
	}
}

// findARN lists ServiceDeployments created since StartedAt and picks ours: the
// service's currentServiceDeployment while our deployment is PRIMARY in the same
// reply, else the one created closest to our deployment.
func (r *run) findARN(ctx context.Context, svc *types.Service, ours *types.Deployment) (string, error) {
	in := &ecs.ListServiceDeploymentsInput{
		Cluster:    nonEmpty(r.t.Cluster),
		Service:    aws.String(r.t.Service),
		MaxResults: aws.Int32(20),
	}
	if !r.t.StartedAt.IsZero() {
		in.CreatedAt = &types.CreatedAt{After: aws.Time(r.t.StartedAt.Add(-createdSlack))}
	}
	out, err := r.p.c.ListServiceDeployments(ctx, in)
	if err != nil {
		return "", err
	}
	var cands []types.ServiceDeploymentBrief
	for _, b := range out.ServiceDeployments {
		if !r.t.StartedAt.IsZero() && b.CreatedAt != nil && b.CreatedAt.Before(r.t.StartedAt.Add(-createdSlack)) {
			continue
		}
		cands = append(cands, b)
	}
	if len(cands) == 0 {
		return "", nil
	}
	if cur := aws.ToString(svc.CurrentServiceDeployment); cur != "" && ours != nil && aws.ToString(ours.Status) == "PRIMARY" {
		for _, b := range cands {
			if aws.ToString(b.ServiceDeploymentArn) == cur {
				return cur, nil
			}
		}
	}
	if ours != nil && ours.CreatedAt != nil {
		best, bestGap := "", time.Duration(0)
		for _, b := range cands {
			if b.CreatedAt == nil {
				continue
			}
			gap := b.CreatedAt.Sub(*ours.CreatedAt).Abs()
			if gap <= createdSlack && (best == "" || gap < bestGap) {
				best, bestGap = aws.ToString(b.ServiceDeploymentArn), gap
			}
		}
		return best, nil
	}
	if ours == nil && len(cands) == 1 && !r.t.StartedAt.IsZero() {
		return aws.ToString(cands[0].ServiceDeploymentArn), nil
	}
	return "", nil
}

// needSD reports whether describing our ServiceDeployment adds information.
func (r *run) needSD(svc *types.Service, ours *types.Deployment, key string) bool {
	if r.sd != nil && sdFinal(r.sd.Status) {
		return false // final states do not change
	}
	if s := strategyOf(svc); s != "" && s != types.DeploymentStrategyRolling {
		return true // lifecycle stages and hooks live only there
	}
	if ours == nil || ours.RolloutState == "" {
		return true // DescribeServices cannot tell us how it is going
	}
	if r.rb != nil && r.rb.toID == "" {
		return true // a rollback DescribeServices does not show
	}
	if r.sd != nil && key == r.sdKey {
		return false // nothing moved since the last describe
	}
	if aws.ToString(ours.Status) == "PRIMARY" && ours.RolloutState == types.DeploymentRolloutStateCompleted {
		return false // DescribeServices already says it succeeded
	}
	return true
}

// stateKey summarises what in DescribeServices can change our deployment's
// ServiceDeployment status; counts are left out on purpose.
func stateKey(svc *types.Service, ours *types.Deployment) string {
	var b strings.Builder
	if ours != nil {
		fmt.Fprintf(&b, "%s/%s", aws.ToString(ours.Status), ours.RolloutState)
	}
	if p := primaryOf(svc); p != nil {
		fmt.Fprintf(&b, "|%s/%s", aws.ToString(p.Id), p.RolloutState)
	}
	fmt.Fprintf(&b, "|%d|%s", len(svc.Deployments), aws.ToString(svc.CurrentServiceDeployment))
	return b.String()
}

// decide turns what we know into an outcome, or reports that we must keep waiting.
func (r *run) decide(svc *types.Service, ours *types.Deployment) (Outcome, bool) {
	primary := primaryOf(svc)
	if sd := r.sd; sd != nil {
		reason := sdReason(sd)
		switch sd.Status {
		case types.ServiceDeploymentStatusSuccessful:
			r.deployed = true
		case types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusRollbackInProgress:
			r.noteRollback(reason, primary)
		case types.ServiceDeploymentStatusRollbackSuccessful:
			r.noteRollback(reason, primary)
			return r.rolledBack(), true
		case types.ServiceDeploymentStatusRollbackFailed:
			return Outcome{Kind: Failed, Reason: join("rollback failed", reason)}, true
		case types.ServiceDeploymentStatusStopped:
			if sup := r.superseder(primary); sup != nil && r.rb == nil {
				return r.superseded(sup), true
			}
			return Outcome{Kind: Failed, Reason: join("deployment stopped", reason)}, true
		case types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress:
			if o, ok := paused(sd); ok {
				return o, true
			}
		}
	}

	switch {
	case ours != nil:
		isPrimary := aws.ToString(ours.Status) == "PRIMARY"
		switch ours.RolloutState {
		case types.DeploymentRolloutStateFailed:
			if primary != nil && aws.ToString(primary.Id) != r.ourID {
				// FAILED and replaced: the circuit breaker (or an alarm) rolled it back.
				r.noteRollback(aws.ToString(ours.RolloutStateReason), primary)
			} else if r.rb == nil {
				r.failedPolls++
				if r.failedPolls > failedGrace {
					return Outcome{Kind: Failed, Reason: join("deployment failed", aws.ToString(ours.RolloutStateReason))}, true
				}
			}
		case types.DeploymentRolloutStateCompleted:
			if isPrimary {
				r.deployed = true
			}
		case "":
			// No rolloutState (Classic Load Balancer, or a controller that does not
			// report one) and nothing from the ServiceDeployment: steady means done.
			if isPrimary && r.sd == nil && steady(svc) {
				r.deployed = true
			}
		}
		if !isPrimary && ours.RolloutState != types.DeploymentRolloutStateFailed && r.rb == nil {
			if sup := r.superseder(primary); sup != nil {
				return r.superseded(sup), true
			}
		}
	case r.ourSeen || (r.t.DeploymentID != "" && r.polls > 1):
		// Our deployment has left the list: replaced and drained.
		if r.rb == nil {
			if sup := r.superseder(primary); sup != nil && r.createdSinceStart(sup) {
				return r.superseded(sup), true
			}
		}
	}

	if r.rb != nil {
		return r.rollbackDone(svc, primary)
	}
	if r.deployed && (r.t.Until == Deployed || steady(svc)) {
		return Outcome{Kind: Succeeded, Reason: r.successReason(ours)}, true
	}
	return Outcome{}, false
}

func (r *run) successReason(ours *types.Deployment) string {
	if ours != nil && ours.RolloutStateReason != nil {
		return aws.ToString(ours.RolloutStateReason)
	}
	if r.sd != nil {
		return aws.ToString(r.sd.StatusReason)
	}
	return ""
}

func (r *run) createdSinceStart(d *types.Deployment) bool {
	return r.t.StartedAt.IsZero() || (d.CreatedAt != nil && !d.CreatedAt.Before(r.t.StartedAt.Add(-createdSlack)))
}

// noteRollback records a rollback of ours; primary, when it is not ours, is the
// deployment restoring the previous revision.
func (r *run) noteRollback(reason string, primary *types.Deployment) {
	if r.rb == nil {
		r.rb = &rollback{}
	}
	r.rb.addReason(reason)
	if primary != nil && aws.ToString(primary.Id) != r.ourID && r.rb.toID == "" {
		r.rb.toID = aws.ToString(primary.Id)
		r.rb.toTD = aws.ToString(primary.TaskDefinition)
	}
}

// rollbackDone waits for the rollback deployment to finish so the message is final.
func (r *run) rollbackDone(svc *types.Service, primary *types.Deployment) (Outcome, bool) {
	if r.rb.toID == "" {
		return Outcome{}, false // only the ServiceDeployment can tell; see needSD
	}
	d := findDeployment(svc.Deployments, r.rb.toID)
	switch {
	case d == nil:
		// Replaced in turn (someone deployed again); ours is rolled back regardless.
		return r.rolledBack(), true
	case d.RolloutState == types.DeploymentRolloutStateFailed:
		return Outcome{Kind: Failed, Reason: join("rollback failed", r.rollbackReason(), aws.ToString(d.RolloutStateReason))}, true
	case d.RolloutState == types.DeploymentRolloutStateCompleted,
		d.RolloutState == "" && steady(svc):
		return r.rolledBack(), true
	}
	return Outcome{}, false
}

func (r *run) rollbackReason() string { return strings.Join(r.rb.reasons, "; ") }

func (r *run) rolledBack() Outcome {
	o := Outcome{Kind: RolledBack, Reason: r.rollbackReason()}
	if r.rb.toTD != "" {
		o.RolledBackTo = r.rb.toTD
	}
	return o
}

// superseder returns the PRIMARY deployment when it is not ours.
func (r *run) superseder(primary *types.Deployment) *types.Deployment {
	if primary == nil || aws.ToString(primary.Id) == r.ourID || r.ourID == "" {
		return nil
	}
	return primary
}

func (r *run) superseded(by *types.Deployment) Outcome {
	id := aws.ToString(by.Id)
	reason := fmt.Sprintf("deployment %s with task definition %s replaced ours", id, aws.ToString(by.TaskDefinition))
	if by.CreatedAt != nil {
		reason += " at " + by.CreatedAt.UTC().Format(time.RFC3339)
	}
	return Outcome{Kind: Superseded, Reason: reason, SupersededBy: id}
}

// paused reports a PAUSE lifecycle hook awaiting action.
func paused(sd *types.ServiceDeployment) (Outcome, bool) {
	for _, h := range sd.LifecycleHookDetails {
		if h.TargetType != types.DeploymentLifecycleHookTargetTypePause || h.Status != types.DeploymentLifecycleHookStatusAwaitingAction {
			continue
		}
		reason := fmt.Sprintf("paused at lifecycle stage %s awaiting action on hook %s", sd.LifecycleStage, aws.ToString(h.HookId))
		if h.ExpiresAt != nil {
			reason += fmt.Sprintf("; at %s ECS will %s", h.ExpiresAt.UTC().Format(time.RFC3339), strings.ToLower(string(h.TimeoutAction)))
		}
		return Outcome{Kind: Paused, Reason: reason}, true
	}
	return Outcome{}, false
}

// sdReason collects why a ServiceDeployment is where it is: rollback reason,
// status reason, and which monitor fired.
func sdReason(sd *types.ServiceDeployment) string {
	var parts []string
	add := func(s string) {
		s = clean(s)
		if s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	if sd.Rollback != nil {
		add(aws.ToString(sd.Rollback.Reason))
	}
	add(aws.ToString(sd.StatusReason))
	if cb := sd.DeploymentCircuitBreaker; cb != nil && cb.Status == types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		add(fmt.Sprintf("circuit breaker triggered after %d failed tasks (threshold %d)", cb.FailureCount, cb.Threshold))
	}
	if al := sd.Alarms; al != nil && al.Status == types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		add("alarms triggered: " + strings.Join(al.TriggeredAlarmNames, ", "))
	}
	return strings.Join(parts, "; ")
}

func sdFinal(s types.ServiceDeploymentStatus) bool {
	switch s {
	case types.ServiceDeploymentStatusSuccessful, types.ServiceDeploymentStatusStopped,
		types.ServiceDeploymentStatusRollbackSuccessful, types.ServiceDeploymentStatusRollbackFailed:
		return true
	}
	return false
}

// finish fills the common fields and, for failures, explains them with stopped tasks.
func (r *run) finish(ctx context.Context, o Outcome) Outcome {
	if o.Kind == RolledBack || o.Kind == Failed {
		o.StoppedTasks = r.stoppedTasks(ctx)
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

// stoppedTasks returns up to maxStoppedTasks of our deployment's most recently
// stopped tasks. It explains a failure, so its own errors are ignored.
func (r *run) stoppedTasks(ctx context.Context) []StoppedTask {
	if r.ourID == "" || ctx.Err() != nil {
		return nil
	}
	lt, err := r.p.c.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster:       nonEmpty(r.t.Cluster),
		StartedBy:     aws.String(r.ourID),
		DesiredStatus: types.DesiredStatusStopped,
	})
	if err != nil || len(lt.TaskArns) == 0 {
		return nil
	}
	arns := lt.TaskArns[:min(len(lt.TaskArns), 100)] // DescribeTasks takes at most 100
	dt, err := r.p.c.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: nonEmpty(r.t.Cluster), Tasks: arns})
	if err != nil {
		return nil
	}
	tasks := dt.Tasks
	slices.SortStableFunc(tasks, func(a, b types.Task) int {
		return aws.ToTime(b.StoppedAt).Compare(aws.ToTime(a.StoppedAt))
	})
	var out []StoppedTask
	for _, t := range tasks[:min(len(tasks), maxStoppedTasks)] {
		st := StoppedTask{
			TaskARN:        aws.ToString(t.TaskArn),
			TaskDefinition: aws.ToString(t.TaskDefinitionArn),
			StoppedReason:  aws.ToString(t.StoppedReason),
			StopCode:       string(t.StopCode),
			StoppedAt:      aws.ToTime(t.StoppedAt),
		}
		for _, c := range t.Containers {
			st.Containers = append(st.Containers, ContainerExit{Name: aws.ToString(c.Name), ExitCode: c.ExitCode, Reason: aws.ToString(c.Reason)})
		}
		out = append(out, st)
	}
	return out
}

// emitEvents passes new events (newer than StartedAt, not seen before) to the
// observer, oldest first. ECS returns them newest first.
func (r *run) emitEvents(evs []types.ServiceEvent) {
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
		return
	}
	for _, e := range fresh {
		r.p.o.Observer.Event(e)
	}
}

// progress sends a snapshot when it differs from the last one sent.
func (r *run) progress(svc *types.Service, ours *types.Deployment) {
	s := Snapshot{
		At:           r.p.o.Now(),
		Cluster:      r.t.Cluster,
		Service:      r.t.Service,
		DeploymentID: r.ourID,
		Desired:      svc.DesiredCount,
		Running:      svc.RunningCount,
		Pending:      svc.PendingCount,
	}
	if ours != nil {
		s.RolloutState = string(ours.RolloutState)
		s.RolloutStateReason = aws.ToString(ours.RolloutStateReason)
	}
	if r.sd != nil {
		s.Status = string(r.sd.Status)
		s.LifecycleStage = string(r.sd.LifecycleStage)
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
	r.snap, r.snapped = s, true
	if r.p.o.Observer != nil {
		r.p.o.Observer.Progress(s)
	}
}

// orderDeployments returns PRIMARY first, then the others newest first.
func orderDeployments(deps []types.Deployment) []types.Deployment {
	out := slices.Clone(deps)
	slices.SortStableFunc(out, func(a, b types.Deployment) int {
		ap, bp := aws.ToString(a.Status) == "PRIMARY", aws.ToString(b.Status) == "PRIMARY"
		if ap != bp {
			if ap {
				return -1
			}
			return 1
		}
		return aws.ToTime(b.CreatedAt).Compare(aws.ToTime(a.CreatedAt))
	})
	return out
}

func findDeployment(deps []types.Deployment, id string) *types.Deployment {
	if id == "" {
		return nil
	}
	for i := range deps {
		if aws.ToString(deps[i].Id) == id {
			return &deps[i]
		}
	}
	return nil
}

func primaryOf(svc *types.Service) *types.Deployment {
	for i := range svc.Deployments {
		if aws.ToString(svc.Deployments[i].Status) == "PRIMARY" {
			return &svc.Deployments[i]
		}
	}
	return nil
}

func strategyOf(svc *types.Service) types.DeploymentStrategy {
	if svc.DeploymentConfiguration == nil {
		return ""
	}
	return svc.DeploymentConfiguration.Strategy
}

// steady is the SDK's ServicesStable condition plus nothing pending.
func steady(svc *types.Service) bool {
	return len(svc.Deployments) == 1 && svc.RunningCount == svc.DesiredCount && svc.PendingCount == 0
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = clean(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ": ")
}

// clean trims a reason for joining: ECS ends its messages with a full stop.
func clean(s string) string {
	return strings.TrimSuffix(strings.TrimSpace(s), ".")
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
