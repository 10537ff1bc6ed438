package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// ContinueECS is the part of the ECS API `continue` uses; *ecs.Client satisfies it.
type ContinueECS interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListServiceDeployments(context.Context, *ecs.ListServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	DescribeServiceDeployments(context.Context, *ecs.DescribeServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
	ContinueServiceDeployment(context.Context, *ecs.ContinueServiceDeploymentInput, ...func(*ecs.Options)) (*ecs.ContinueServiceDeploymentOutput, error)
}

// Continued is what Continue did: enough to follow the deployment afterwards.
type Continued struct {
	ServiceDeploymentARN string    `json:"serviceDeploymentArn"`
	DeploymentID         string    `json:"deploymentId,omitempty"` // the PRIMARY (green) deployment
	TaskDefinition       string    `json:"taskDefinitionArn,omitempty"`
	HookID               string    `json:"hookId"`
	Stage                string    `json:"lifecycleStage"`
	Action               string    `json:"action"` // CONTINUE or ROLLBACK
	At                   time.Time `json:"at"`
}

// Continue answers the PAUSE lifecycle hook the service's in-flight deployment waits
// at with ContinueServiceDeployment: CONTINUE, or ROLLBACK when rollback is set. It
// fails without changing anything when no deployment waits at a PAUSE hook.
func Continue(ctx context.Context, c ContinueECS, cluster, service string, rollback bool, now func() time.Time) (*Continued, error) {
	svc, err := LiveService(ctx, c, cluster, service)
	if err != nil {
		return nil, err
	}
	return continueOn(ctx, c, cluster, service, svc, rollback, now)
}

// continueOn is Continue on the service as already described (nil: not found).
func continueOn(ctx context.Context, c ContinueECS, cluster, service string, svc *types.Service, rollback bool, now func() time.Time) (*Continued, error) {
	if svc == nil {
		return nil, &NotFoundError{What: "service", Name: service, Cluster: cluster}
	}
	ls, err := c.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(cluster), Service: aws.String(service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentStatusPending},
	})
	if err != nil {
		return nil, fmt.Errorf("list service deployments of %q: %w", service, err)
	}
	var arns []string
	for _, b := range ls.ServiceDeployments {
		arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
	}
	noPause := diag.WithHint(fmt.Errorf("no deployment of service %q is waiting at a PAUSE lifecycle hook", service),
		"'doppio status' shows the service's deployments; PAUSE hooks are set in deploymentConfiguration.lifecycleHooks")
	if len(arns) == 0 {
		return nil, noPause
	}
	dd, err := c.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
	if err != nil {
		return nil, fmt.Errorf("describe service deployments of %q: %w", service, err)
	}
	for _, sd := range dd.ServiceDeployments {
		for _, h := range sd.LifecycleHookDetails {
			if h.TargetType != types.DeploymentLifecycleHookTargetTypePause || h.Status != types.DeploymentLifecycleHookStatusAwaitingAction {
				continue
			}
			action := types.DeploymentLifecycleHookActionContinue
			if rollback {
				action = types.DeploymentLifecycleHookActionRollback
			}
			res := &Continued{ServiceDeploymentARN: aws.ToString(sd.ServiceDeploymentArn), HookID: aws.ToString(h.HookId),
				Stage: string(sd.LifecycleStage), Action: string(action), At: now()}
			if _, err := c.ContinueServiceDeployment(ctx, &ecs.ContinueServiceDeploymentInput{
				ServiceDeploymentArn: sd.ServiceDeploymentArn, HookId: h.HookId, Action: action,
			}); err != nil {
				return nil, fmt.Errorf("continue service deployment %s at hook %s: %w", res.ServiceDeploymentARN, res.HookID, err)
			}
			for _, d := range svc.Deployments {
				if aws.ToString(d.Status) == "PRIMARY" {
					res.DeploymentID, res.TaskDefinition = aws.ToString(d.Id), aws.ToString(d.TaskDefinition)
				}
			}
			return res, nil
		}
	}
	return nil, noPause
}

// trafficShifting reports whether the service deploys with BLUE_GREEN, LINEAR or CANARY.
func trafficShifting(svc *types.Service) bool {
	return svc != nil && svc.DeploymentConfiguration != nil && ecsdef.TrafficShifting(svc.DeploymentConfiguration.Strategy)
}

var _ ContinueECS = (*ecs.Client)(nil)
