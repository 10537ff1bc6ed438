package watch

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

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

// serviceDeployment finds our ServiceDeployment ARN (List, only until known) and
// describes it when that adds information. Errors other than throttling switch the
// ServiceDeployment APIs off for the rest of the wait, so a missing API costs one
// failed call, not one per poll.
func (r *run) serviceDeployment(ctx context.Context, svc *types.Service, ours *types.Deployment) {
	r.sdAsk = false
	if r.sdOff {
		return
	}
	if cur := aws.ToString(svc.CurrentServiceDeployment); r.ourARN == "" && ours != nil && aws.ToString(ours.Status) == "PRIMARY" &&
		cur != "" && cur != r.guessRejected {
		// The service's current ServiceDeployment is our PRIMARY deployment's in the
		// same reply: no need to list; the describe below confirms it was created
		// after our update.
		r.ourARN, r.arnGuessed = cur, true
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
			sd := &out.ServiceDeployments[i]
			if r.arnGuessed && !r.t.StartedAt.IsZero() && sd.CreatedAt != nil && sd.CreatedAt.Before(r.t.StartedAt.Add(-createdSlack)) {
				// An older deployment after all (currentServiceDeployment lags
				// behind): never guess this one again; find ours by listing, now
				// (the guess is not repeated, so this recurses once at most).
				r.guessRejected, r.ourARN, r.arnGuessed = r.ourARN, "", false
				r.serviceDeployment(ctx, svc, ours)
				return
			}
			r.arnGuessed = false
			r.sd = sd
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
		r.sdAsk = r.sd == nil // no answer yet, but the next poll may get one
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
	if ours == nil && !r.t.StartedAt.IsZero() {
		// Our deployment came and went between two polls (or is not listed any
		// more): ours is the ServiceDeployment of our task definition created
		// closest to StartedAt.
		return r.closestToStart(r.oursByTaskDefinition(ctx, cands)), nil
	}
	return "", nil
}

// oursByTaskDefinition keeps the candidates whose target service revision runs our
// task definition, when there is a choice and DescribeServiceRevisions can tell;
// otherwise it returns cands unchanged.
func (r *run) oursByTaskDefinition(ctx context.Context, cands []types.ServiceDeploymentBrief) []types.ServiceDeploymentBrief {
	if len(cands) < 2 || r.t.TaskDefinition == "" {
		return cands
	}
	var arns []string
	for _, b := range cands {
		if a := aws.ToString(b.TargetServiceRevisionArn); a != "" && len(arns) < 20 { // the API's limit
			arns = append(arns, a)
		}
	}
	tds, ok := r.revisionTaskDefinitions(ctx, arns)
	if !ok {
		return cands
	}
	var mine []types.ServiceDeploymentBrief
	for _, b := range cands {
		if tds[aws.ToString(b.TargetServiceRevisionArn)] == r.t.TaskDefinition {
			mine = append(mine, b)
		}
	}
	return mine
}

// closestToStart returns the ARN of the candidate created closest to StartedAt.
func (r *run) closestToStart(cands []types.ServiceDeploymentBrief) string {
	best, bestGap := "", time.Duration(0)
	for _, b := range cands {
		gap := aws.ToTime(b.CreatedAt).Sub(r.t.StartedAt).Abs()
		if best == "" || gap < bestGap {
			best, bestGap = aws.ToString(b.ServiceDeploymentArn), gap
		}
	}
	return best
}

// revisionTaskDefinitions maps service revision ARNs to their task definitions
// (DescribeServiceRevisions, when the client offers it). ok is false when it could
// not ask or the call failed; a failure here only makes us guess by time, so it
// switches nothing off.
func (r *run) revisionTaskDefinitions(ctx context.Context, arns []string) (map[string]string, bool) {
	rc, ok := r.p.c.(RevisionClient)
	if !ok || len(arns) == 0 {
		return nil, false
	}
	out, err := rc.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: arns})
	if err != nil {
		return nil, false
	}
	tds := map[string]string{}
	for _, sr := range out.ServiceRevisions {
		tds[aws.ToString(sr.ServiceRevisionArn)] = aws.ToString(sr.TaskDefinition)
	}
	return tds, true
}

// rolledBackTo names the task definition our rollback restored, from the
// ServiceDeployment's rollback revision, when DescribeServices no longer shows the
// deployment that restored it.
func (r *run) rolledBackTo(ctx context.Context) string {
	if r.sd == nil || r.sd.Rollback == nil || aws.ToString(r.sd.Rollback.ServiceRevisionArn) == "" {
		return ""
	}
	arn := aws.ToString(r.sd.Rollback.ServiceRevisionArn)
	tds, _ := r.revisionTaskDefinitions(ctx, []string{arn})
	return tds[arn]
}

// needSD reports whether describing our ServiceDeployment adds information.
func (r *run) needSD(svc *types.Service, ours *types.Deployment, key string) bool {
	if r.sd != nil && sdFinal(r.sd.Status) {
		return false // final states do not change
	}
	if r.arnGuessed {
		// Confirm the guess before we report it; in a fleet (polls on a shared grid)
		// not at the first poll while ours is merely in progress, but at the next,
		// where every service's confirmation shares one call.
		inProgress := ours != nil && ours.RolloutState == types.DeploymentRolloutStateInProgress
		return r.p.o.Epoch.IsZero() || r.polls > 1 || !inProgress
	}
	if s := strategyOf(svc); s != "" && s != types.DeploymentStrategyRolling {
		return true // lifecycle stages and hooks live only there
	}
	if ours == nil || ours.RolloutState == "" {
		return true // DescribeServices cannot tell us how it is going
	}
	if r.sd == nil && aws.ToString(ours.Status) == "PRIMARY" && ours.RolloutState == types.DeploymentRolloutStateInProgress && r.rb == nil {
		// A rolling deployment in progress as ours: DescribeServices says all the
		// ServiceDeployment would; it is described once something goes wrong (a
		// FAILED rollout, ours replaced or gone).
		return false
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
