package cli

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// ecsClient returns an ECS client on the project's shared AWS config.
func (p *project) ecsClient(ctx context.Context) (*ecs.Client, error) {
	cfg, err := p.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return ecs.NewFromConfig(cfg), nil
}

// autoScalingClient returns an Application Auto Scaling client.
func (p *project) autoScalingClient(ctx context.Context) (*applicationautoscaling.Client, error) {
	cfg, err := p.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return applicationautoscaling.NewFromConfig(cfg), nil
}
