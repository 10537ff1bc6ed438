// Package task runs one-off ECS tasks and works with running ones: run (plan, start,
// wait with log following and exit codes), tasks (list, find, stop, trace, logs),
// exec (ECS Exec sessions handed to session-manager-plugin), and the failure
// explainer that deploy shares. It prints nothing itself except the log lines and
// prompts it is given a writer for; results are values.
package task

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// ECS is the part of the ECS API this package uses; *ecs.Client satisfies it.
type ECS interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	RunTask(context.Context, *ecs.RunTaskInput, ...func(*ecs.Options)) (*ecs.RunTaskOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	StopTask(context.Context, *ecs.StopTaskInput, ...func(*ecs.Options)) (*ecs.StopTaskOutput, error)
	ExecuteCommand(context.Context, *ecs.ExecuteCommandInput, ...func(*ecs.Options)) (*ecs.ExecuteCommandOutput, error)
}

// Logs is the CloudWatch Logs call log following needs.
type Logs interface {
	GetLogEvents(context.Context, *cloudwatchlogs.GetLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// TargetHealth is the Elastic Load Balancing v2 call the explainer uses.
type TargetHealth interface {
	DescribeTargetHealth(context.Context, *elbv2.DescribeTargetHealthInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// Deps are the clients a Runner uses. Logs returns a client for a region (an awslogs
// group may live in another region than the cluster); TargetHealth may be nil.
type Deps struct {
	ECS          ECS
	Logs         func(ctx context.Context, region string) (Logs, error)
	TargetHealth TargetHealth
	Now          func() time.Time
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// ID returns the task id of a task ARN (the last path segment); an id stays as it is.
func ID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// shortID is the first 8 characters of a task id, for log prefixes.
func shortID(arn string) string {
	id := ID(arn)
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// timer waits d or until ctx is done; it reports false when ctx ended first.
func timer(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
