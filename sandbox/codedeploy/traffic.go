package codedeploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ELB is the part of the ELBv2 client the fake drives: a deployment group names its
// target groups by name (TargetGroupInfo.name, API reference), which the fake turns
// into ARNs for ECS, and CodeDeploy reroutes traffic by rewriting the forward action
// of the listeners of the group's production and test traffic routes ("What happens
// during an Amazon ECS deployment", CodeDeploy User Guide).
type ELB interface {
	DescribeTargetGroups(ctx context.Context, in *elb.DescribeTargetGroupsInput, optFns ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
	ModifyListener(ctx context.Context, in *elb.ModifyListenerInput, optFns ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
}

// elb returns the account's ELBv2 client, or nil when there is none.
func (q *request) elb() ELB {
	if q.elbBackend == nil && q.newELB != nil {
		q.elbBackend = q.newELB(q.acct.id)
	}
	return q.elbBackend
}

// resolveTargetGroups looks the group's two target groups up by name and returns
// their ARNs in the order of the deployment group's pair.
func resolveTargetGroups(ctx context.Context, c ELB, names [2]string) ([2]string, error) {
	var arns [2]string
	if names[0] == "" || names[1] == "" {
		return arns, fmt.Errorf("the deployment group's target group pair names no target groups")
	}
	ctx, cancel := context.WithTimeout(ctx, ecsTimeout)
	defer cancel()
	out, err := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: names[:]})
	if err != nil {
		return arns, fmt.Errorf("DescribeTargetGroups %s, %s: %w", names[0], names[1], err)
	}
	for _, tg := range out.TargetGroups {
		for i, n := range names {
			if aws.ToString(tg.TargetGroupName) == n {
				arns[i] = aws.ToString(tg.TargetGroupArn)
			}
		}
	}
	for i, a := range arns {
		if a == "" {
			return arns, fmt.Errorf("target group %s not found", names[i])
		}
	}
	return arns, nil
}

// route points every listener at blue and green with the given weight (percent) on
// green. All-at-once is a weight of 0 or 100; canary and linear configurations pass
// the steps in between.
func route(ctx context.Context, c ELB, listeners []string, blue, green string, greenWeight float64) error {
	ctx, cancel := context.WithTimeout(ctx, ecsTimeout)
	defer cancel()
	g := int32(greenWeight + 0.5)
	for _, l := range listeners {
		_, err := c.ModifyListener(ctx, &elb.ModifyListenerInput{
			ListenerArn: aws.String(l),
			DefaultActions: []elbtypes.Action{{
				Type: elbtypes.ActionTypeEnumForward,
				ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
					{TargetGroupArn: aws.String(blue), Weight: aws.Int32(100 - g)},
					{TargetGroupArn: aws.String(green), Weight: aws.Int32(g)},
				}},
			}},
		})
		if err != nil {
			return fmt.Errorf("ModifyListener %s: %w", l, err)
		}
	}
	return nil
}

// listeners returns the production and test listener ARNs of the deployment's group.
func (d *deployment) listeners() (prod, test []string) {
	if d.lb == nil || len(d.lb.TargetGroupPairInfoList) == 0 {
		return nil, nil
	}
	p := d.lb.TargetGroupPairInfoList[0]
	if p.ProdTrafficRoute != nil {
		prod = p.ProdTrafficRoute.ListenerArns
	}
	if p.TestTrafficRoute != nil {
		test = p.TestTrafficRoute.ListenerArns
	}
	return prod, test
}

// eventReached reports whether the lifecycle event has started (or finished) in v.
func (v view) eventReached(name string) bool {
	for _, ev := range v.events {
		if ev.LifecycleEventName == name {
			return ev.Status == leInProgress || ev.Status == leSucceeded
		}
	}
	return false
}
