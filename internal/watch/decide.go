package watch

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	// unidentifiedPolls is how many polls may pass without our deployment in
	// DescribeServices before events are shown from the first reply's newest on.
	unidentifiedPolls = 3
	// maxStoppedTasks bounds the stopped tasks an Outcome carries.
	maxStoppedTasks = 5
)

// decider is the pure part of a wait: from what the replies said (DescribeServices,
// our ServiceDeployment) it decides whether the wait is over and how. It makes no
// call and reads no clock, so it is tested on recorded replies.
type decider struct {
	t     Target
	polls int

	ourID   string
	ourSeen bool
	sd      *types.ServiceDeployment

	failedPolls int
	deployed    bool
	rb          *rollback
	// sdAsk: the ServiceDeployment APIs have not answered about our deployment
	// yet (throttled, or a wrong guess) but may on a later poll, so a deployment
	// that left the list unseen is not called superseded yet.
	sdAsk bool
}

// identify finds our deployment in DescribeServices' deployments: by id, else by
// creation time close to our ServiceDeployment's, else by task definition and
// creation after StartedAt (the earliest such: later ones superseded it).
func (r *decider) identify(svc *types.Service) *types.Deployment {
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
func (r *decider) decide(svc *types.Service, ours *types.Deployment) (Outcome, bool) {
	primary := primaryOf(svc)
	if sd := r.sd; sd != nil {
		reason := sdReason(sd)
		switch sd.Status {
		case types.ServiceDeploymentStatusSuccessful:
			r.deployed = true
		case types.ServiceDeploymentStatusRollbackRequested, types.ServiceDeploymentStatusRollbackInProgress:
			r.noteRollback(reason, r.restoring(primary))
		case types.ServiceDeploymentStatusRollbackSuccessful:
			r.noteRollback(reason, r.restoring(primary))
			return r.rolledBack(), true
		case types.ServiceDeploymentStatusRollbackFailed:
			return Outcome{Kind: Failed, Reason: join("rollback failed", reason)}, true
		case types.ServiceDeploymentStatusStopped:
			if sup := r.superseder(primary); sup != nil && r.rb == nil {
				return r.superseded(sup), true
			}
			return Outcome{Kind: Failed, Reason: join("deployment stopped", reason)}, true
		case types.ServiceDeploymentStatusPending, types.ServiceDeploymentStatusInProgress:
			if r.t.Stage != "" && stageReached(sd.LifecycleStage, r.t.Stage) {
				return Outcome{Kind: Succeeded, Reason: fmt.Sprintf("reached lifecycle stage %s (now at %s)", r.t.Stage, sd.LifecycleStage)}, true
			}
			if o, ok := paused(sd, r.t.ContinuedHook); ok && !r.t.WaitOnPause {
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
				r.noteRollback(aws.ToString(ours.RolloutStateReason), r.restoring(primary))
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
	case r.ourSeen || (r.t.DeploymentID != "" && r.polls > 1) || (r.sd != nil && sdFinal(r.sd.Status)):
		// Our deployment has left the list (or came and went unseen): replaced
		// and drained. Our ServiceDeployment, when found, decided above whether it
		// was rolled back; without it (and no answer to wait for) the deployment
		// that replaced ours superseded it.
		if r.rb == nil && !r.sdAsk {
			if sup := r.superseder(primary); sup != nil && r.createdSinceStart(sup) {
				return r.superseded(sup), true
			}
		}
	}

	if r.rb != nil {
		return r.rollbackDone(svc, primary)
	}
	if r.deployed && (r.t.Until == Deployed || steady(svc)) {
		return Outcome{Kind: Succeeded, Reason: r.successReason(svc, ours)}, true
	}
	return Outcome{}, false
}

func (r *decider) successReason(svc *types.Service, ours *types.Deployment) string {
	if ours != nil && ours.RolloutStateReason != nil {
		return join(aws.ToString(ours.RolloutStateReason), earlySuccess(svc, ours))
	}
	if r.sd != nil {
		return aws.ToString(r.sd.StatusReason)
	}
	return ""
}

func (r *decider) createdSinceStart(d *types.Deployment) bool {
	return r.t.StartedAt.IsZero() || (d.CreatedAt != nil && !d.CreatedAt.Before(r.t.StartedAt.Add(-createdSlack)))
}

// noteRollback records a rollback of ours; primary, when it is not ours, is the
// deployment restoring the previous revision.
func (r *decider) noteRollback(reason string, primary *types.Deployment) {
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
func (r *decider) rollbackDone(svc *types.Service, primary *types.Deployment) (Outcome, bool) {
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

func (r *decider) rollbackReason() string { return strings.Join(r.rb.reasons, "; ") }

func (r *decider) rolledBack() Outcome {
	o := Outcome{Kind: RolledBack, Reason: r.rollbackReason()}
	if r.rb.toTD != "" {
		o.RolledBackTo = r.rb.toTD
	}
	return o
}

// superseder returns the PRIMARY deployment when it is not ours. Without our
// deployment's id, only a PRIMARY created after our ServiceDeployment is another.
func (r *decider) superseder(primary *types.Deployment) *types.Deployment {
	if primary == nil || aws.ToString(primary.Id) == r.ourID {
		return nil
	}
	if r.ourID == "" && (r.sd == nil || r.sd.CreatedAt == nil || primary.CreatedAt == nil ||
		!primary.CreatedAt.After(r.sd.CreatedAt.Add(createdSlack))) {
		return nil
	}
	return primary
}

// restoring returns the deployment restoring the previous revision in a rollback
// of ours: the PRIMARY, unless it was created after the rollback started (someone
// deployed again since; ECS creates the rollback deployment as the rollback
// starts). A blue/green rollback shifts traffic back to the blue revision, created
// long before.
func (r *decider) restoring(primary *types.Deployment) *types.Deployment {
	if primary == nil || r.sd == nil || r.sd.Rollback == nil || r.sd.Rollback.StartedAt == nil || primary.CreatedAt == nil {
		return primary
	}
	if primary.CreatedAt.After(r.sd.Rollback.StartedAt.Add(createdSlack)) {
		return nil
	}
	return primary
}

func (r *decider) superseded(by *types.Deployment) Outcome {
	id := aws.ToString(by.Id)
	reason := fmt.Sprintf("deployment %s with task definition %s replaced ours", id, aws.ToString(by.TaskDefinition))
	if by.CreatedAt != nil {
		reason += " at " + by.CreatedAt.UTC().Format(time.RFC3339)
	}
	return Outcome{Kind: Superseded, Reason: reason, SupersededBy: id}
}

// paused reports a PAUSE lifecycle hook awaiting action (other than skip, a hook we
// just continued).
func paused(sd *types.ServiceDeployment, skip string) (Outcome, bool) {
	for _, h := range sd.LifecycleHookDetails {
		if h.TargetType != types.DeploymentLifecycleHookTargetTypePause || h.Status != types.DeploymentLifecycleHookStatusAwaitingAction {
			continue
		}
		if skip != "" && aws.ToString(h.HookId) == skip {
			continue
		}
		reason := fmt.Sprintf("paused at lifecycle stage %s awaiting action on hook %s", sd.LifecycleStage, aws.ToString(h.HookId))
		if h.ExpiresAt != nil {
			reason += fmt.Sprintf("; at %s ECS will %s", h.ExpiresAt.UTC().Format(time.RFC3339), strings.ToLower(string(h.TimeoutAction)))
		}
		return Outcome{Kind: Paused, Reason: reason, Hook: aws.ToString(h.HookId)}, true
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
	for _, h := range sd.LifecycleHookDetails {
		if h.Status == types.DeploymentLifecycleHookStatusFailed || h.Status == types.DeploymentLifecycleHookStatusTimedOut {
			what := string(h.TargetType)
			if arn := aws.ToString(h.TargetArn); arn != "" {
				what += " " + shortARN(arn)
			}
			add(fmt.Sprintf("lifecycle hook %s (%s) %s at %s", aws.ToString(h.HookId), what, h.Status, sd.LifecycleStage))
		}
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

// shortARN shortens an ARN for people: the part after the last "/" (task-definition/web:3
// becomes web:3), or after the last ":" when there is no "/" (a Lambda function).
func shortARN(arn string) string {
	if !strings.HasPrefix(arn, "arn:") {
		return arn
	}
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn[strings.LastIndexByte(arn, ':')+1:]
}
