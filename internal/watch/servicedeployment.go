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
	if r.sdOff {
		return
	}
	if r.ourARN == "" && ours != nil && aws.ToString(ours.Status) == "PRIMARY" && aws.ToString(svc.CurrentServiceDeployment) != "" {
		// The service's current ServiceDeployment is our PRIMARY deployment's in the
		// same reply: no need to list; the describe below confirms it was created
		// after our update.
		r.ourARN, r.arnGuessed = aws.ToString(svc.CurrentServiceDeployment), true
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
				// An older deployment after all: find ours by listing.
				r.ourARN, r.arnGuessed = "", false
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
