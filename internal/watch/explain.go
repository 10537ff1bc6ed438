package watch

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Explainer explains a failed or rolled-back deployment with its stopped tasks. The
// default lists and describes the deployment's stopped tasks; a caller may plug in a
// richer explainer (logs, image pull errors) through Options.Explainer.
type Explainer interface {
	StoppedTasks(ctx context.Context, cluster, deploymentID string) []StoppedTask
}

// TaskExplainer is the default Explainer: ListTasks (startedBy the deployment,
// STOPPED) and one DescribeTasks.
type TaskExplainer struct {
	ECS interface {
		ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
		DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	}
}

func (r *run) stoppedTasks(ctx context.Context) []StoppedTask {
	if r.ourID == "" || ctx.Err() != nil {
		return nil
	}
	return r.p.o.Explainer.StoppedTasks(ctx, r.t.Cluster, r.ourID)
}

// StoppedTasks returns up to maxStoppedTasks of the deployment's most recently
// stopped tasks. It explains a failure, so its own errors are ignored.
func (x TaskExplainer) StoppedTasks(ctx context.Context, cluster, deploymentID string) []StoppedTask {
	lt, err := x.ECS.ListTasks(ctx, &ecs.ListTasksInput{
		Cluster:       nonEmpty(cluster),
		StartedBy:     aws.String(deploymentID),
		DesiredStatus: types.DesiredStatusStopped,
	})
	if err != nil || len(lt.TaskArns) == 0 {
		return nil
	}
	arns := lt.TaskArns[:min(len(lt.TaskArns), 100)] // DescribeTasks takes at most 100
	dt, err := x.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: nonEmpty(cluster), Tasks: arns})
	if err != nil {
		return nil
	}
	tasks := dt.Tasks
	slices.SortStableFunc(tasks, func(a, b types.Task) int {
		return aws.ToTime(b.StoppedAt).Compare(aws.ToTime(a.StoppedAt))
	})
	var out []StoppedTask
	for _, t := range tasks[:min(len(tasks), maxStoppedTasks)] {
		st := StoppedTask{
			TaskARN:        aws.ToString(t.TaskArn),
			TaskDefinition: aws.ToString(t.TaskDefinitionArn),
			StoppedReason:  aws.ToString(t.StoppedReason),
			StopCode:       string(t.StopCode),
			StoppedAt:      aws.ToTime(t.StoppedAt),
		}
		for _, c := range t.Containers {
			st.Containers = append(st.Containers, ContainerExit{Name: aws.ToString(c.Name), ExitCode: c.ExitCode, Reason: aws.ToString(c.Reason)})
		}
		out = append(out, st)
	}
	return out
}
