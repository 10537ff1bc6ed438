package deploy

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Result is what Apply did: enough to follow the deployment it started.
type Result struct {
	TaskDefinitionARN string `json:"taskDefinitionArn"`
	Registered        bool   `json:"registered"`
	Created           bool   `json:"created"`
	// DeploymentID is the ecs-svc/… id of the deployment our call started ("" when
	// none started).
	DeploymentID string    `json:"deploymentId,omitempty"`
	StartedAt    time.Time `json:"startedAt"`
	// Service is the service as the CreateService/UpdateService response returned it.
	Service *types.Service `json:"-"`
}

// Apply executes the plan: register (if needed), then exactly one CreateService or
// UpdateService, then tags and auto scaling. It returns after the API calls; waiting
// is the caller's choice.
func (dp *Deployer) Apply(ctx context.Context, p *Plan) (*Result, error) {
	res := &Result{TaskDefinitionARN: p.TaskDefinition.ARN}
	if p.TaskDefinition.Action == TDRegister {
		registered, err := dp.Register(ctx, p.TaskDefinition.Input)
		if err != nil {
			return nil, err
		}
		arn := aws.ToString(registered.TaskDefinitionArn)
		res.TaskDefinitionARN, res.Registered = arn, true
		p.TaskDefinition.ARN = arn
	}
	switch {
	case p.create != nil:
		in := *p.create
		in.TaskDefinition = aws.String(res.TaskDefinitionARN)
		res.StartedAt = dp.d.Now()
		out, err := dp.d.ECS.CreateService(ctx, &in)
		if err != nil {
			return nil, fmt.Errorf("create service %q in cluster %q: %w", p.Service, p.Cluster, err)
		}
		res.Created, res.Service = true, out.Service
		res.DeploymentID = primaryDeployment(out.Service, res.TaskDefinitionARN)
		dp.d.Log.Info("created service", "service", p.Service, "cluster", p.Cluster, "taskDefinition", res.TaskDefinitionARN)
	case p.update != nil:
		in := *p.update
		in.TaskDefinition = aws.String(res.TaskDefinitionARN)
		res.StartedAt = dp.d.Now()
		out, err := dp.d.ECS.UpdateService(ctx, &in)
		if err != nil {
			return nil, fmt.Errorf("update service %q in cluster %q: %w", p.Service, p.Cluster, err)
		}
		res.Service = out.Service
		if p.StartsDeployment {
			res.DeploymentID = primaryDeployment(out.Service, res.TaskDefinitionARN)
		}
		dp.d.Log.Info("updated service", "service", p.Service, "cluster", p.Cluster, "taskDefinition", res.TaskDefinitionARN)
	}
	if err := dp.applyTags(ctx, p, res); err != nil {
		return res, err
	}
	if p.AutoScaling != nil {
		if err := dp.applyScaling(ctx, p.Cluster, p.Service, p.AutoScaling); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Register registers a task definition and returns its ARN.
func (dp *Deployer) Register(ctx context.Context, td *ecs.RegisterTaskDefinitionInput) (*types.TaskDefinition, error) {
	in := *td
	if len(in.Tags) == 0 {
		in.Tags = nil // an empty list is rejected by the API
	}
	out, err := dp.d.ECS.RegisterTaskDefinition(ctx, &in)
	if err != nil {
		return nil, fmt.Errorf("register task definition %q: %w", aws.ToString(td.Family), err)
	}
	dp.d.Log.Info("registered task definition", "arn", aws.ToString(out.TaskDefinition.TaskDefinitionArn))
	return out.TaskDefinition, nil
}

func (dp *Deployer) applyTags(ctx context.Context, p *Plan, res *Result) error {
	if len(p.TagsAdd) == 0 && len(p.TagsRemove) == 0 {
		return nil
	}
	arn := ""
	if res.Service != nil {
		arn = aws.ToString(res.Service.ServiceArn)
	}
	if arn == "" && p.live != nil {
		arn = aws.ToString(p.live.ServiceArn)
	}
	if len(p.TagsAdd) > 0 {
		if _, err := dp.d.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: p.TagsAdd}); err != nil {
			return fmt.Errorf("tag service %s: %w", arn, err)
		}
	}
	if len(p.TagsRemove) > 0 {
		if _, err := dp.d.ECS.UntagResource(ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: p.TagsRemove}); err != nil {
			return fmt.Errorf("untag service %s: %w", arn, err)
		}
	}
	return nil
}

// primaryDeployment returns the id of the PRIMARY deployment running taskDef in an
// UpdateService/CreateService response (which already lists the new deployment).
func primaryDeployment(s *types.Service, taskDef string) string {
	if s == nil {
		return ""
	}
	for _, d := range s.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" && (taskDef == "" || aws.ToString(d.TaskDefinition) == taskDef) {
			return aws.ToString(d.Id)
		}
	}
	return ""
}
