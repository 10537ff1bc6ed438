package sandbox_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

func (f *fixture) runTask(image string, exec bool) types.Task {
	f.t.Helper()
	out, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("job"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(image), Memory: aws.Int32(128)}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	run, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: out.TaskDefinition.TaskDefinitionArn, EnableExecuteCommand: exec})
	if err != nil {
		f.t.Fatal(err)
	}
	return run.Tasks[0]
}

func (f *fixture) describeTask(arn string) types.Task {
	f.t.Helper()
	dt, err := f.ecs.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{arn}})
	if err != nil || len(dt.Tasks) != 1 {
		f.t.Fatalf("DescribeTasks: %v", err)
	}
	return dt.Tasks[0]
}

func TestPullFailureStopsBeforeTheContainerRuns(t *testing.T) {
	f := newFixture(t)
	task := f.runTask("nginx:pullfail", false)
	f.env.Clock().Advance(10 * time.Second)
	task = f.describeTask(aws.ToString(task.TaskArn))
	c := task.Containers[0]
	if aws.ToString(task.LastStatus) != "STOPPED" || task.StopCode != types.TaskStopCodeTaskFailedToStart || task.StartedAt != nil ||
		!strings.HasPrefix(aws.ToString(task.StoppedReason), "CannotPullContainerError") || c.ExitCode != nil || !strings.HasPrefix(aws.ToString(c.Reason), "CannotPullContainerError") {
		t.Errorf("task %s %s %q started %v; container exit %v reason %q", aws.ToString(task.LastStatus), task.StopCode, aws.ToString(task.StoppedReason), task.StartedAt, c.ExitCode, aws.ToString(c.Reason))
	}
}

func TestExecuteCommandAndStartSession(t *testing.T) {
	f := newFixture(t)
	on := f.runTask("app:forever", true)
	off := f.runTask("app:forever", false)
	in := func(tk types.Task) *ecs.ExecuteCommandInput {
		return &ecs.ExecuteCommandInput{Cluster: aws.String("c"), Task: tk.TaskArn, Command: aws.String("sh"), Interactive: true}
	}
	// Not RUNNING yet, then disabled, then a session.
	if _, err := f.ecs.ExecuteCommand(f.ctx, in(on)); err == nil {
		t.Error("ExecuteCommand on a PROVISIONING task succeeded")
	}
	f.env.Clock().Advance(10 * time.Second)
	var ae smithy.APIError
	if _, err := f.ecs.ExecuteCommand(f.ctx, in(off)); !errors.As(err, &ae) || !strings.Contains(ae.ErrorMessage(), "execute command was not enabled") {
		t.Errorf("ExecuteCommand without ECS Exec: %v", err)
	}
	out, err := f.ecs.ExecuteCommand(f.ctx, in(on))
	if err != nil || out.Session == nil || !strings.HasPrefix(aws.ToString(out.Session.StreamUrl), "wss://ssmmessages.") || aws.ToString(out.ContainerName) != "app" {
		t.Fatalf("ExecuteCommand: %v %+v", err, out)
	}
	task := f.describeTask(aws.ToString(on.TaskArn))
	target := "ecs:c_" + aws.ToString(task.TaskArn)[strings.LastIndexByte(aws.ToString(task.TaskArn), '/')+1:] + "_" + aws.ToString(task.Containers[0].RuntimeId)
	s := ssm.NewFromConfig(f.env.AWSConfig(f.ctx))
	ss, err := s.StartSession(f.ctx, &ssm.StartSessionInput{Target: aws.String(target), DocumentName: aws.String("AWS-StartPortForwardingSession")})
	if err != nil || aws.ToString(ss.SessionId) == "" || aws.ToString(ss.TokenValue) == "" {
		t.Errorf("StartSession %s: %v %+v", target, err, ss)
	}
	if _, err := s.StartSession(f.ctx, &ssm.StartSessionInput{Target: aws.String("ecs:c_nope_nope")}); !errors.As(err, &ae) || ae.ErrorCode() != "TargetNotConnected" {
		t.Errorf("StartSession to no task: %v", err)
	}
}

func TestDescribeTargetHealthUnknownGroup(t *testing.T) {
	f := newFixture(t)
	lb := elbv2.NewFromConfig(f.env.AWSConfig(f.ctx))
	_, err := lb.DescribeTargetHealth(f.ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/none/0123456789abcdef")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.ErrorCode(), "TargetGroupNotFound") {
		t.Errorf("DescribeTargetHealth of a missing group: %v", err)
	}
}
