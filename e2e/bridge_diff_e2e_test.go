package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestE2EBridgeServiceDeployThenDiff: a bridge-mode EC2 service whose live
// description carries "networkConfiguration": {} (created by another tool that sent
// an empty object, as ECS reports for bridge services created without one) and whose
// files have no networkConfiguration at all: deploy, then diff --exit-code right
// after finds nothing (issue 7 item 6). Also for a service deploy itself created.
func TestE2EBridgeServiceDeployThenDiff(t *testing.T) {
	e := startE2E(t)
	e.cluster("e2e")
	e.sb.Clock().SetSpeed(40)
	td := `{
  "family": "worker",
  "networkMode": "bridge",
  "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [{"name": "worker", "image": "nginx:1.27", "memory": 128,
    "portMappings": [{"containerPort": 80, "hostPort": 0}]}]
}`
	for _, svc := range []string{"worker", "created"} {
		e.write(svc+"/ecspresso.yml", "region: us-east-1\ncluster: e2e\nservice: "+svc+"\nservice_definition: ecs-service-def.json\ntask_definition: ecs-task-def.json\ntimeout: 2m\n")
		e.write(svc+"/ecs-service-def.json", `{"launchType": "EC2", "desiredCount": 1}`)
		e.write(svc+"/ecs-task-def.json", td)
	}
	arn := e.register(&ecs.RegisterTaskDefinitionInput{Family: aws.String("worker"), NetworkMode: types.NetworkModeBridge,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("worker"), Image: aws.String("nginx:1.26"), Memory: aws.Int32(128),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}}}}})
	e.createService(&ecs.CreateServiceInput{Cluster: aws.String("e2e"), ServiceName: aws.String("worker"), TaskDefinition: aws.String(arn),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeEc2, NetworkConfiguration: &types.NetworkConfiguration{}})
	if out, err := e.ecs.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: aws.String("e2e"), Services: []string{"worker"}}); err != nil ||
		out.Services[0].NetworkConfiguration == nil {
		t.Fatalf("the live service should report an empty networkConfiguration: %v", err)
	}
	for _, svc := range []string{"worker", "created"} {
		_, errs := e.must(0, svc, "deploy", poll)
		if !strings.Contains(errs, "deployment succeeded") {
			t.Errorf("%s: deploy:\n%s", svc, errs)
		}
		if out, errs := e.must(0, svc, "diff", "--exit-code"); out != "" {
			t.Errorf("%s: diff right after deploy is not empty:\n%s\n%s", svc, out, errs)
		}
	}
}
