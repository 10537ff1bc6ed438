package sandbox_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The place<N> rule: one RunTask places at most N tasks and reports the rest as
// failures, with the EC2 reason for an EC2 launch.
func TestRunTaskPlacesOnlyWhatFits(t *testing.T) {
	f := newFixture(t)
	out, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("job"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:v1"), Memory: aws.Int32(128)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: out.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(3),
		Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"),
			Environment: []types.KeyValuePair{{Name: aws.String("SANDBOX_BEHAVIOUR"), Value: aws.String("place2")}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Tasks) != 2 || len(run.Failures) != 1 || aws.ToString(run.Failures[0].Reason) != "RESOURCE:MEMORY" {
		t.Errorf("tasks %d, failures %+v", len(run.Tasks), run.Failures)
	}
}

// RunTask's managed EBS volumes show on the task as an AmazonElasticBlockStorage
// attachment carrying the termination policy; a volume without its role is refused.
func TestRunTaskEBSVolumeAttachment(t *testing.T) {
	f := newFixture(t)
	out, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("job"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:forever"), Memory: aws.Int32(128)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	vol := func(role string, del bool) []types.TaskVolumeConfiguration {
		return []types.TaskVolumeConfiguration{{Name: aws.String("data"), ManagedEBSVolume: &types.TaskManagedEBSVolumeConfiguration{
			RoleArn: aws.String(role), SizeInGiB: aws.Int32(8), TerminationPolicy: &types.TaskManagedEBSVolumeTerminationPolicy{DeleteOnTermination: aws.Bool(del)}}}}
	}
	if _, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: out.TaskDefinition.TaskDefinitionArn, VolumeConfigurations: vol("", true)}); err == nil {
		t.Error("a managed EBS volume without roleArn was accepted")
	}
	run, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: out.TaskDefinition.TaskDefinitionArn, VolumeConfigurations: vol("arn:aws:iam::1:role/ebs", false)})
	if err != nil {
		t.Fatal(err)
	}
	details := map[string]string{}
	for _, a := range f.describeTask(aws.ToString(run.Tasks[0].TaskArn)).Attachments {
		if aws.ToString(a.Type) == "AmazonElasticBlockStorage" {
			for _, kv := range a.Details {
				details[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
			}
		}
	}
	if details["deleteOnTermination"] != "false" || details["volumeName"] != "data" || details["volumeSizeInGiB"] != "8" || details["volumeId"] == "" {
		t.Errorf("EBS attachment details %v", details)
	}
}
