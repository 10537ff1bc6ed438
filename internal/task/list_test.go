package task

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// goldenTasks are three tasks as DescribeTasks returns them: a Fargate service task
// running and healthy, an EC2 one-off task stopped with a multi-line reason, and one
// still provisioning (no start time).
func goldenTasks() []types.Task {
	at := func(s string) *time.Time {
		t, _ := time.Parse(time.RFC3339, s) // constants below
		return &t
	}
	return []types.Task{
		{
			TaskArn:           aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
			TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/web:42"),
			LastStatus:        aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"),
			CreatedAt: at("2026-03-01T09:00:00Z"), StartedAt: at("2026-03-01T09:00:41Z"),
			Group: aws.String("service:web"), LaunchType: types.LaunchTypeFargate, HealthStatus: types.HealthStatusHealthy,
		},
		{
			TaskArn:              aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/ffeeddccbbaa99887766554433221100"),
			TaskDefinitionArn:    aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7"),
			ContainerInstanceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:container-instance/prod/2ee1c1317f6143ab884a379e668d31fb"),
			LastStatus:           aws.String("STOPPED"), DesiredStatus: aws.String("STOPPED"),
			CreatedAt: at("2026-03-01T08:55:00Z"), StartedAt: at("2026-03-01T08:55:20Z"),
			Group: aws.String("family:migrate"), LaunchType: types.LaunchTypeEc2, HealthStatus: types.HealthStatusUnknown,
			StoppedReason: aws.String("Essential container in task exited\n(exit code 3)"),
		},
		{
			TaskArn:           aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/11112222333344445555666677778888"),
			TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/web:42"),
			LastStatus:        aws.String("PROVISIONING"), DesiredStatus: aws.String("RUNNING"),
			CreatedAt: at("2026-03-01T09:01:00Z"),
			Group:     aws.String("service:web"), LaunchType: types.LaunchTypeFargate, HealthStatus: types.HealthStatusUnknown,
		},
	}
}

// TestWriteTasksGolden pins the tasks list in each of ecspresso's shapes; times are
// shown in a fixed zone (+09:00) so the files do not depend on the machine's.
func TestWriteTasksGolden(t *testing.T) {
	loc := time.FixedZone("JST", 9*3600)
	for _, format := range []string{"table", "tsv", "json"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTasksIn(&b, format, goldenTasks(), loc); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", "tasks."+format+".golden"), b.Bytes())
		})
	}
}
