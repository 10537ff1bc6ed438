// Package deploy computes what a deploy would change (a Plan) and applies it: one
// RegisterTaskDefinition when the task definition really changed, then one
// CreateService or one UpdateService carrying every changed attribute, tag changes,
// and Application Auto Scaling changes. Waiting is internal/watch's job.
package deploy

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// ECS is the part of the ECS API a deploy uses; *ecs.Client satisfies it.
type ECS interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	CreateService(context.Context, *ecs.CreateServiceInput, ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	TagResource(context.Context, *ecs.TagResourceInput, ...func(*ecs.Options)) (*ecs.TagResourceOutput, error)
	UntagResource(context.Context, *ecs.UntagResourceInput, ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error)
}

// AutoScaling is the part of Application Auto Scaling a deploy uses.
type AutoScaling interface {
	DescribeScalableTargets(context.Context, *applicationautoscaling.DescribeScalableTargetsInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error)
	RegisterScalableTarget(context.Context, *applicationautoscaling.RegisterScalableTargetInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.RegisterScalableTargetOutput, error)
}

// Deps are the clients and clock a Deployer uses.
type Deps struct {
	ECS         ECS
	AutoScaling AutoScaling // may be nil when no auto-scaling flag is used
	Now         func() time.Time
	Log         *slog.Logger
	// Protect, when set, is called with the local and the live task definition as
	// soon as the live one is read, before anything about it is logged, so that live
	// values sitting where the local file uses secrets are redacted too.
	Protect func(local, live *ecs.RegisterTaskDefinitionInput)
}

// Deployer plans and applies deploys for one service.
type Deployer struct {
	d Deps
}

// New returns a Deployer.
func New(d Deps) *Deployer {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Deployer{d: d}
}
