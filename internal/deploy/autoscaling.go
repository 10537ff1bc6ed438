package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

// ScalingChange is a change to the service's Application Auto Scaling target:
// suspend or resume scaling activities, and the min/max capacity.
type ScalingChange struct {
	Suspend *bool  `json:"suspend,omitempty"`
	Min     *int32 `json:"min,omitempty"`
	Max     *int32 `json:"max,omitempty"`
}

func (dp *Deployer) applyScaling(ctx context.Context, cluster, service string, c *ScalingChange) error {
	if dp.d.AutoScaling == nil {
		return fmt.Errorf("auto scaling change requested but no Application Auto Scaling client configured")
	}
	id := fmt.Sprintf("service/%s/%s", clusterName(cluster), service)
	out, err := dp.d.AutoScaling.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceIds: []string{id},
		ScalableDimension: astypes.ScalableDimensionECSServiceDesiredCount,
	})
	if err != nil {
		return fmt.Errorf("describe scalable target %s: %w", id, err)
	}
	if len(out.ScalableTargets) == 0 {
		dp.d.Log.Warn("no scalable target registered for the service; auto scaling flags ignored", "resourceId", id)
		return nil
	}
	in := &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceId: aws.String(id),
		ScalableDimension: astypes.ScalableDimensionECSServiceDesiredCount,
		MinCapacity:       c.Min, MaxCapacity: c.Max,
	}
	if c.Suspend != nil {
		in.SuspendedState = &astypes.SuspendedState{
			DynamicScalingInSuspended: c.Suspend, DynamicScalingOutSuspended: c.Suspend, ScheduledScalingSuspended: c.Suspend,
		}
	}
	if _, err := dp.d.AutoScaling.RegisterScalableTarget(ctx, in); err != nil {
		return fmt.Errorf("update scalable target %s: %w", id, err)
	}
	dp.d.Log.Info("updated auto scaling", "resourceId", id)
	return nil
}

// clusterName returns the name part of a cluster ARN (or the name itself).
func clusterName(c string) string {
	for i := len(c) - 1; i >= 0; i-- {
		if c[i] == '/' {
			return c[i+1:]
		}
	}
	return c
}
