package cli

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// RegisterCmd registers the rendered task definition.
type RegisterCmd struct {
	DryRun bool `help:"Print the task definition that would be registered; change nothing."`
	// PrintDefinition is ecspresso's "register --output" (a bool there): Main
	// rewrites a bare --output after register to this flag.
	PrintDefinition bool `name:"print-definition" help:"Print the registered task definition as JSON (ecspresso's 'register --output')."`
	imageFlags
}

// Run registers and prints the new ARN (text) or the registered definition (json).
func (c *RegisterCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	td, err := p.taskDefinition(ctx)
	if err != nil {
		return err
	}
	if td, err = c.imageFlags.apply(td); err != nil {
		return err
	}
	if c.DryRun {
		b, err := ecsdef.Marshal(td)
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(p.renderer.Redact(b))
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	if err := a.beforeChange(ctx); err != nil {
		return err
	}
	registered, err := deploy.New(deploy.Deps{ECS: client, Log: a.log}).Register(ctx, td)
	if err != nil {
		return err
	}
	arn := aws.ToString(registered.TaskDefinitionArn)
	a.record(arn, "registered")
	if c.PrintDefinition {
		b, err := ecsdef.Marshal(registered)
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(p.renderer.Redact(b))
		return err
	}
	return view.Write(a.stdout, a.g.Output, view.Registered{Family: aws.ToString(td.Family), TaskDefinitionARN: arn})
}

// ScaleCmd changes the desired count and auto scaling, keeping the task definition.
type ScaleCmd struct {
	DryRun bool  `help:"Print the plan and stop."`
	Tasks  int32 `help:"Desired count (-1 keeps the current count)." default:"-1"`
	scalingFlags
	waitFlags
}

// Validate checks the scaling and wait flags.
func (c *ScaleCmd) Validate() error {
	if err := checkTasks(c.Tasks); err != nil {
		return err
	}
	if _, err := c.scalingFlags.change(); err != nil {
		return err
	}
	return c.waitFlags.Validate()
}

// Run scales and waits until the service is stable.
func (c *ScaleCmd) Run(ctx context.Context, a *app) error {
	scaling, err := c.scalingFlags.change()
	if err != nil {
		return err
	}
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	w := c.waitFlags
	w.WaitUntil = "stable" // a scale starts no deployment: wait for running == desired
	return notFoundHint(a.planAndApply(ctx, p, deploy.Options{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Tasks: tasksFlag(c.Tasks),
		SkipTaskDefinition: true, AutoScaling: scaling, ServiceOnly: true,
	}, c.DryRun, w, false, false))
}

// RefreshCmd forces a new deployment of the current task definition.
type RefreshCmd struct {
	DryRun bool `help:"Print the plan and stop."`
	waitFlags
}

// Run starts a forced deployment and waits for it.
func (c *RefreshCmd) Run(ctx context.Context, a *app) error {
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	return notFoundHint(a.planAndApply(ctx, p, deploy.Options{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, SkipTaskDefinition: true, ForceNewDeployment: true, ServiceOnly: true,
	}, c.DryRun, c.waitFlags, false, false))
}
