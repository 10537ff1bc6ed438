package deploy

import (
	"context"
	"fmt"
	"github.com/doppio-ecs/doppio/internal/ecsdef"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/goccy/go-yaml"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// CodeDeployRollbackAPI is what a CodeDeploy rollback uses.
type CodeDeployRollbackAPI interface {
	CodeDeploy
	ListDeployments(context.Context, *codedeploy.ListDeploymentsInput, ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error)
	GetDeployment(context.Context, *codedeploy.GetDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
	StopDeployment(context.Context, *codedeploy.StopDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.StopDeploymentOutput, error)
}

// CodeDeployRollback is what RollbackCodeDeploy did.
type CodeDeployRollback struct {
	// Stopped is the in-flight deployment stopped with automatic rollback ("" when
	// none was in flight).
	Stopped string `json:"stoppedDeploymentId,omitempty"`
	// DeploymentID is the deployment to follow: the new one deploying Target, or the
	// stopped one (whose rollback CodeDeploy starts).
	DeploymentID string `json:"deploymentId"`
	// From is the task definition rolled away from; Target the one deployed (empty
	// when CodeDeploy's own rollback restores the original task set).
	From   string `json:"fromTaskDefinitionArn,omitempty"`
	Target string `json:"taskDefinitionArn,omitempty"`
}

// RollbackCodeDeploy rolls a CODE_DEPLOY service back as ecspresso does: an
// in-flight deployment is stopped with automatic rollback; otherwise a new
// deployment of the previous ACTIVE revision (older than runs, the one the service
// runs; "" falls back to the one the last deployment deployed) is created with the
// same AppSpec settings. After CodeDeploy rolled a failed deployment back, the
// service runs the revision before it, so the rollback goes one further back, as
// ecspresso's does.
func RollbackCodeDeploy(ctx context.Context, c CodeDeployRollbackAPI, revs *Revisions, g CodeDeployGroup, sd *ecs.CreateServiceInput, hooks any, runs string) (*CodeDeployRollback, error) {
	ls, err := c.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{ApplicationName: aws.String(g.Application), DeploymentGroupName: aws.String(g.DeploymentGroup)})
	if err != nil {
		return nil, fmt.Errorf("list deployments of %s/%s: %w", g.Application, g.DeploymentGroup, err)
	}
	if len(ls.Deployments) == 0 {
		return nil, diag.WithHint(fmt.Errorf("deployment group %s/%s has no deployment to roll back", g.Application, g.DeploymentGroup), "")
	}
	var latest *cdtypes.DeploymentInfo
	for _, id := range ls.Deployments {
		d, err := c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
		if err != nil {
			return nil, fmt.Errorf("get CodeDeploy deployment %s: %w", id, err)
		}
		if d.DeploymentInfo != nil && d.DeploymentInfo.Creator != cdtypes.DeploymentCreatorCodeDeployRollback &&
			(latest == nil || aws.ToTime(d.DeploymentInfo.CreateTime).After(aws.ToTime(latest.CreateTime))) {
			latest = d.DeploymentInfo
		}
	}
	if latest == nil {
		return nil, fmt.Errorf("deployment group %s/%s: no deployment found", g.Application, g.DeploymentGroup)
	}
	res := &CodeDeployRollback{From: appSpecTaskDefinition(latest.Revision)}
	if runs != "" {
		res.From = runs
	}
	switch latest.Status {
	case cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued, cdtypes.DeploymentStatusInProgress,
		cdtypes.DeploymentStatusReady, cdtypes.DeploymentStatusBaking:
		id := aws.ToString(latest.DeploymentId)
		if _, err := c.StopDeployment(ctx, &codedeploy.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)}); err != nil {
			return nil, fmt.Errorf("stop CodeDeploy deployment %s: %w", id, err)
		}
		res.Stopped, res.DeploymentID = id, id
		return res, nil
	}
	if res.From == "" {
		return nil, fmt.Errorf("CodeDeploy deployment %s: cannot read the task definition from its revision", aws.ToString(latest.DeploymentId))
	}
	family, current, ok := ecsdef.ParseTaskDefinitionRef(res.From)
	if !ok {
		return nil, fmt.Errorf("cannot read the revision of task definition %q", res.From)
	}
	list, err := revs.List(ctx, family)
	if err != nil {
		return nil, err
	}
	if res.Target, err = previousRevision(list, family, current); err != nil { // rollback.go
		return nil, err
	}
	spec, err := BuildAppSpec(res.Target, sd, hooks)
	if err != nil {
		return nil, err
	}
	if res.DeploymentID, err = CreateCodeDeployment(ctx, c, g, spec, nil, "doppio rollback to "+res.Target); err != nil {
		return nil, err
	}
	return res, nil
}

// RollbackDeploymentOf returns the deployment CodeDeploy started to roll id back
// ("" while there is none yet).
func RollbackDeploymentOf(ctx context.Context, c CodeDeployRollbackAPI, id string) (string, error) {
	d, err := c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("get CodeDeploy deployment %s: %w", id, err)
	}
	if ri := d.DeploymentInfo.RollbackInfo; ri != nil {
		return aws.ToString(ri.RollbackDeploymentId), nil
	}
	return "", nil
}

// appSpecTaskDefinition reads the task definition of an AppSpecContent revision.
func appSpecTaskDefinition(r *cdtypes.RevisionLocation) string {
	if r == nil || r.AppSpecContent == nil {
		return ""
	}
	var spec struct {
		Resources []map[string]struct {
			Properties struct {
				TaskDefinition string `yaml:"TaskDefinition"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal([]byte(aws.ToString(r.AppSpecContent.Content)), &spec); err != nil {
		return ""
	}
	for _, res := range spec.Resources {
		for _, v := range res {
			return v.Properties.TaskDefinition
		}
	}
	return ""
}
