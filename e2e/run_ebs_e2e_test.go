package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// The service definition's managed EBS volume goes to RunTask with the termination
// policy --[no-]ebs-delete-on-termination chose; the sandbox shows it on the task's
// AmazonElasticBlockStorage attachment.
func TestRunE2EEBSDeleteOnTermination(t *testing.T) {
	e := runProject(t)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"desiredCount": 1,`, `"desiredCount": 1,
  "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"roleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole", "sizeInGiB": 20, "volumeType": "gp3"}}],`, 1))
	e.write("app/ecs-task-def.json", strings.Replace(e.read("app/ecs-task-def.json"), `"essential": true,`,
		`"essential": true, "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}],`, 1))
	e.write("app/ecs-task-def.json", strings.Replace(e.read("app/ecs-task-def.json"), `"cpu": "256",`, `"volumes": [{"name": "data", "configuredAtLaunch": true}], "cpu": "256",`, 1))
	e.setenv("IMAGE", "nginx:forever")

	deleteOnTermination := func(args ...string) map[string]string {
		t.Helper()
		out, _ := e.must(0, "app", append([]string{"run", "--no-wait"}, args...)...)
		arns := strings.Fields(out)
		if len(arns) != 1 {
			t.Fatalf("started %q", out)
		}
		d, err := e.ecs.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: aws.String("e2e"), Tasks: arns})
		if err != nil || len(d.Tasks) != 1 {
			t.Fatalf("describe: %v", err)
		}
		for _, at := range d.Tasks[0].Attachments {
			if aws.ToString(at.Type) == "AmazonElasticBlockStorage" {
				m := map[string]string{}
				for _, kv := range at.Details {
					m[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
				}
				return m
			}
		}
		t.Fatalf("no EBS attachment: %+v", d.Tasks[0].Attachments)
		return nil
	}
	if got := deleteOnTermination(); got["deleteOnTermination"] != "true" || got["volumeName"] != "data" || got["volumeSizeInGiB"] != "20" {
		t.Errorf("default: %v", got)
	}
	if got := deleteOnTermination("--no-ebs-delete-on-termination"); got["deleteOnTermination"] != "false" {
		t.Errorf("--no-ebs-delete-on-termination: %v", got)
	}
	if got := deleteOnTermination("--ebs-delete-on-termination"); got["deleteOnTermination"] != "true" {
		t.Errorf("--ebs-delete-on-termination: %v", got)
	}
}
