package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// CodeDeployContinueAPI is what `continue` uses on a CODE_DEPLOY service.
type CodeDeployContinueAPI interface {
	ListDeployments(context.Context, *codedeploy.ListDeploymentsInput, ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
	ContinueDeployment(context.Context, *codedeploy.ContinueDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.ContinueDeploymentOutput, error)
	StopDeployment(context.Context, *codedeploy.StopDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.StopDeploymentOutput, error)
}

// CodeDeployContinued is what ContinueCodeDeploy did.
type CodeDeployContinued struct {
	DeploymentID string `json:"deploymentId"`
	// Action is ContinueDeployment (traffic rerouted) or StopDeployment (stopped with
	// automatic rollback).
	Action string `json:"action"`
}

// ContinueCodeDeploy answers the group's deployment that waits for traffic to be
// rerouted (status Ready: the deployment group's DeploymentReadyOption
// STOP_DEPLOYMENT): ContinueDeployment with deploymentWaitType READY_WAIT reroutes
// traffic to the replacement task set (API_ContinueDeployment.html); with rollback,
// StopDeployment with autoRollbackEnabled stops it and CodeDeploy rolls back
// (API_StopDeployment.html). It changes nothing when no deployment is Ready.
func ContinueCodeDeploy(ctx context.Context, c CodeDeployContinueAPI, g CodeDeployGroup, rollback bool) (*CodeDeployContinued, error) {
	ls, err := c.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{
		ApplicationName: aws.String(g.Application), DeploymentGroupName: aws.String(g.DeploymentGroup),
		IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusReady},
	})
	if err != nil {
		return nil, fmt.Errorf("list ready deployments of %s/%s: %w", g.Application, g.DeploymentGroup, err)
	}
	if len(ls.Deployments) == 0 {
		return nil, diag.WithHint(fmt.Errorf("no CodeDeploy deployment of %s/%s waits for traffic to be rerouted", g.Application, g.DeploymentGroup),
			"'doppio wait' follows a deployment in progress; only a deployment group with a deployment ready option of STOP_DEPLOYMENT waits for 'continue'")
	}
	id := ls.Deployments[0]
	if rollback {
		if _, err := c.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)}); err != nil {
			return nil, fmt.Errorf("stop CodeDeploy deployment %s: %w", id, err)
		}
		return &CodeDeployContinued{DeploymentID: id, Action: "StopDeployment"}, nil
	}
	if _, err := c.ContinueDeployment(ctx, &codedeploy.ContinueDeploymentInput{DeploymentId: aws.String(id), DeploymentWaitType: cdtypes.DeploymentWaitTypeReadyWait}); err != nil {
		return nil, fmt.Errorf("continue CodeDeploy deployment %s: %w", id, err)
	}
	return &CodeDeployContinued{DeploymentID: id, Action: "ContinueDeployment"}, nil
}

var _ CodeDeployContinueAPI = (*codedeploy.Client)(nil)
