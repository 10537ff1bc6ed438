package task

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// scripted is one fake task: its life is a function of the time since the fake
// started, so tests in testing/synctest see it progress on the virtual clock.
type scripted struct {
	arn       string
	running   time.Duration // RUNNING from this offset (0: never)
	exit      time.Duration // the container exits at this offset (0: never)
	code      int32
	failStart string        // stopped before running, with this reason
	logs      []fakeLine    // container output
	stopSpan  time.Duration // STOPPED this long after the exit
}

type fakeLine struct {
	at  time.Duration
	msg string
}

// fake is a stateful ECS and CloudWatch Logs for one run; it counts calls.
type fake struct {
	mu    sync.Mutex
	start time.Time
	tasks []*scripted
	calls map[string]int
	td    *types.TaskDefinition
	// failures are the tasks RunTask reports it could not place.
	failures []types.Failure
}

func newFake(tasks ...*scripted) *fake {
	return &fake{start: time.Now(), tasks: tasks, calls: map[string]int{}}
}

func (f *fake) deps() Deps {
	return Deps{ECS: f, Logs: func(context.Context, string) (Logs, error) { return f, nil }}
}

func (f *fake) count(op string) { f.mu.Lock(); f.calls[op]++; f.mu.Unlock() }

func (f *fake) task(s *scripted) types.Task {
	now := time.Since(f.start)
	t := types.Task{TaskArn: aws.String(s.arn), TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:1:task-definition/job:1"),
		LastStatus: aws.String("PENDING"), DesiredStatus: aws.String("RUNNING")}
	c := types.Container{Name: aws.String("app")}
	switch {
	case s.failStart != "" && now >= s.running:
		t.LastStatus, t.DesiredStatus, t.StopCode, t.StoppedReason = aws.String("STOPPED"), aws.String("STOPPED"), types.TaskStopCodeTaskFailedToStart, aws.String(s.failStart)
		c.Reason = aws.String(s.failStart)
	case s.exit > 0 && now >= s.exit:
		t.LastStatus, t.DesiredStatus = aws.String("DEPROVISIONING"), aws.String("STOPPED")
		if now >= s.exit+s.stopSpan {
			t.LastStatus = aws.String("STOPPED")
		}
		t.StopCode, t.StoppedReason = types.TaskStopCodeEssentialContainerExited, aws.String("Essential container in task exited")
		c.ExitCode = aws.Int32(s.code)
	case s.running > 0 && now >= s.running:
		t.LastStatus = aws.String("RUNNING")
		st := f.start.Add(s.running)
		t.StartedAt = &st
	}
	t.Containers = []types.Container{c}
	return t
}

func (f *fake) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	f.count("DescribeTasks")
	out := &ecs.DescribeTasksOutput{}
	for _, a := range in.Tasks {
		for _, s := range f.tasks {
			if s.arn == a {
				out.Tasks = append(out.Tasks, f.task(s))
			}
		}
	}
	return out, nil
}

// GetLogEvents pages one event at a time so following must use the tokens.
func (f *fake) GetLogEvents(_ context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	f.count("GetLogEvents")
	now := time.Since(f.start)
	for _, s := range f.tasks {
		if !strings.HasSuffix(aws.ToString(in.LogStreamName), "/"+ID(s.arn)) {
			continue
		}
		var visible []fakeLine
		for _, l := range s.logs {
			if l.at <= now {
				visible = append(visible, l)
			}
		}
		if len(visible) == 0 {
			return nil, &cwtypes.ResourceNotFoundException{Message: aws.String("The specified log stream does not exist.")}
		}
		i := 0
		if in.NextToken != nil {
			fmt.Sscanf(aws.ToString(in.NextToken), "f/%d", &i)
		}
		out := &cloudwatchlogs.GetLogEventsOutput{NextForwardToken: aws.String(fmt.Sprintf("f/%d", i))}
		if !aws.ToBool(in.StartFromHead) { // the tail
			n := int(aws.ToInt32(in.Limit))
			for _, l := range visible[max(0, len(visible)-n):] {
				out.Events = append(out.Events, cwtypes.OutputLogEvent{Message: aws.String(l.msg), Timestamp: aws.Int64(f.start.Add(l.at).UnixMilli())})
			}
			return out, nil
		}
		if i < len(visible) {
			l := visible[i]
			out.Events = []cwtypes.OutputLogEvent{{Message: aws.String(l.msg), Timestamp: aws.Int64(f.start.Add(l.at).UnixMilli())}}
			out.NextForwardToken = aws.String(fmt.Sprintf("f/%d", i+1))
		}
		return out, nil
	}
	return nil, &cwtypes.ResourceNotFoundException{Message: aws.String("no stream")}
}

func (f *fake) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.count("DescribeTaskDefinition")
	if f.td == nil {
		return nil, &types.ClientException{Message: aws.String("Unable to describe task definition.")}
	}
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: f.td}, nil
}

func (f *fake) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	f.count("RegisterTaskDefinition")
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: &types.TaskDefinition{TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:1:task-definition/" + aws.ToString(in.Family) + ":2")}}, nil
}

func (f *fake) RunTask(_ context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	f.count("RunTask")
	out := &ecs.RunTaskOutput{Failures: f.failures}
	for _, s := range f.tasks {
		out.Tasks = append(out.Tasks, types.Task{TaskArn: aws.String(s.arn)})
	}
	return out, nil
}

func (f *fake) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.count("DescribeServices")
	return &ecs.DescribeServicesOutput{}, nil
}

func (f *fake) ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	f.count("ListTasks")
	return &ecs.ListTasksOutput{}, nil
}

func (f *fake) StopTask(context.Context, *ecs.StopTaskInput, ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	f.count("StopTask")
	return &ecs.StopTaskOutput{}, nil
}

func (f *fake) ExecuteCommand(context.Context, *ecs.ExecuteCommandInput, ...func(*ecs.Options)) (*ecs.ExecuteCommandOutput, error) {
	f.count("ExecuteCommand")
	return &ecs.ExecuteCommandOutput{}, nil
}
