package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cd "github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"github.com/doppio-ecs/doppio/sandbox"
)

// Project fixtures several e2e files share. Each writes or creates exactly what the
// tests that call it used to write inline; the assertions stay in the tests.

// webAccount starts the test's sandbox account with cluster e2e and returns the
// default VPC's subnets and security group for awsvpc services.
func webAccount(t *testing.T) (e *e2e, subnets []string, sg string) {
	t.Helper()
	e = startE2E(t)
	e.cluster("e2e")
	subnets, sg = e.network()
	return e, subnets, sg
}

// fastProject starts the test's sandbox account with cluster e2e, runs its clock
// 40 times faster (a 5 s simulated rollout takes a fraction of a second) and writes
// app/config (the project's config file, e.g. ecspresso.yml) and app/def.
func fastProject(t *testing.T, config, configText, def, defText string) *e2e {
	t.Helper()
	e := startE2E(t)
	e.cluster("e2e")
	e.sb.Clock().SetSpeed(40)
	e.write("app/"+config, configText)
	e.write("app/"+def, defText)
	return e
}

// fargateWebProject is webAccount with its clock 40 times faster and project app/:
// webConfig("2m"), the task definition taskDef and a Fargate service of desired
// tasks in the first two subnets (no public IP). before and after are further
// members of the service definition (each line indented and ending in ",\n" or,
// for after, starting with ",\n"), written around networkConfiguration.
func fargateWebProject(t *testing.T, desired int, before, after, taskDef string) *e2e {
	t.Helper()
	e, subnets, sg := webAccount(t)
	e.sb.Clock().SetSpeed(40)
	e.write("app/ecspresso.yml", webConfig("2m"))
	e.write("app/ecs-service-def.json", fmt.Sprintf(`{
  "launchType": "FARGATE",
  "desiredCount": %d,
%s  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q, %q], "securityGroups": [%q], "assignPublicIp": "DISABLED"}}%s
}`, desired, before, subnets[0], subnets[1], sg, after))
	e.write("app/ecs-task-def.json", taskDef)
	return e
}

// fargateOnSubnetA is the launch settings of an ecschedule rule: Fargate, awsvpc in
// the subnet $SUBNET_A.
const fargateOnSubnetA = `  launch_type: FARGATE
  network_configuration:
    aws_vpc_configuration:
      subnets: [{{ must_env "SUBNET_A" }}]
`

// webConfig is the ecspresso.yml of service web in cluster e2e (service and task
// definition files ecs-service-def.json and ecs-task-def.json) with the given timeout.
func webConfig(timeout string) string {
	return "region: us-east-1\ncluster: e2e\nservice: web\nservice_definition: ecs-service-def.json\ntask_definition: ecs-task-def.json\ntimeout: " + timeout + "\n"
}

// webTaskDef is the Fargate task definition of family web: one essential container
// "web" whose image comes from $IMAGE, listening on 8080.
const webTaskDef = `{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "{{ must_env ` + "`IMAGE`" + ` }}", "essential": true,
    "portMappings": [{"containerPort": 8080}]}]
}`

// deployedProject is deployProject with nginx:1.27 deployed (exit 0).
func deployedProject(t *testing.T) *e2e {
	t.Helper()
	e := deployProject(t)
	e.setenv("IMAGE", "nginx:1.27")
	e.must(0, "app", "deploy", poll)
	return e
}

// writeFleetMembers writes the two fleet members that join an Express Mode project
// (expressProject's app/): a Managed Daemon "agent" in daemon/ and a plain Fargate
// service "web" (nginx:1.27) in web/.
func (e *e2e) writeFleetMembers() {
	e.t.Helper()
	subnets, sg := e.network()
	e.write("daemon/doppio.yml", "region: us-east-1\ncluster: e2e\nservice: agent\ndaemon_definition: ecs-daemon-def.json\ntimeout: 2m\n")
	e.write("daemon/ecs-daemon-def.json", `{"capacityProviderArns": ["arn:aws:ecs:us-east-1:123456789012:capacity-provider/ec2"],
  "taskDefinition": {"family": "agent", "containerDefinitions": [{"name": "agent", "image": "agent:1", "memory": 64}]}}`)
	e.write("web/ecspresso.yml", webConfig("2m"))
	e.write("web/ecs-service-def.json", fmt.Sprintf(`{"launchType": "FARGATE", "desiredCount": 1,
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q], "securityGroups": [%q]}}}`, subnets[0], sg))
	e.write("web/ecs-task-def.json", `{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "essential": true}]}`)
}

// codeDeployServiceDef is the service definition of a CODE_DEPLOY service of two
// Fargate tasks behind target group tg, in the first two of subnets.
func codeDeployServiceDef(tg string, subnets []string, sg string) string {
	return fmt.Sprintf(`{
  "launchType": "FARGATE",
  "desiredCount": 2,
  "deploymentController": {"type": "CODE_DEPLOY"},
  "loadBalancers": [{"targetGroupArn": %q, "containerName": "web", "containerPort": 8080}],
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q, %q], "securityGroups": [%q], "assignPublicIp": "DISABLED"}}
}`, tg, subnets[0], subnets[1], sg)
}

// codeDeployGroup creates CodeDeploy application web-app and its blue/green
// deployment group web-dg (traffic control, target groups web-blue and web-green,
// the listeners given, automatic rollback on failure) for service web of cluster e2e.
// more, when not nil, sets the rest of the input.
func (e *e2e) codeDeployGroup(ctx context.Context, prodListener string, more func(*cd.CreateDeploymentGroupInput)) {
	e.t.Helper()
	cdc := cd.NewFromConfig(e.sb.AWSConfig(ctx))
	if _, err := cdc.CreateApplication(ctx, &cd.CreateApplicationInput{ApplicationName: aws.String("web-app"), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		e.t.Fatal(err)
	}
	in := &cd.CreateDeploymentGroupInput{
		ApplicationName: aws.String("web-app"), DeploymentGroupName: aws.String("web-dg"),
		ServiceRoleArn:       aws.String("arn:aws:iam::123456789012:role/codedeploy"),
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSAllAtOnce"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:          []cdtypes.ECSService{{ClusterName: aws.String("e2e"), ServiceName: aws.String("web")}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     []cdtypes.TargetGroupInfo{{Name: aws.String("web-blue")}, {Name: aws.String("web-green")}},
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{prodListener}},
		}}},
		AutoRollbackConfiguration: &cdtypes.AutoRollbackConfiguration{Enabled: true, Events: []cdtypes.AutoRollbackEvent{cdtypes.AutoRollbackEventDeploymentFailure}},
	}
	if more != nil {
		more(in)
	}
	if _, err := cdc.CreateDeploymentGroup(ctx, in); err != nil {
		e.t.Fatal(err)
	}
}

// waitForReroute makes deployment group web-dg wait (up to an hour) for traffic to
// be rerouted manually before it shifts production traffic.
func (e *e2e) waitForReroute() {
	e.t.Helper()
	cdc := cd.NewFromConfig(e.sb.AWSConfig(e.t.Context()))
	if _, err := cdc.UpdateDeploymentGroup(e.t.Context(), &cd.UpdateDeploymentGroupInput{
		ApplicationName: aws.String("web-app"), CurrentDeploymentGroupName: aws.String("web-dg"),
		BlueGreenDeploymentConfiguration: &cdtypes.BlueGreenDeploymentConfiguration{
			DeploymentReadyOption: &cdtypes.DeploymentReadyOption{ActionOnTimeout: cdtypes.DeploymentReadyActionStopDeployment, WaitTimeInMinutes: 60},
		},
	}); err != nil {
		e.t.Fatal(err)
	}
}

// deployInFlight starts a CodeDeploy deployment with deploy --no-wait while simulated
// time stands still, so it is still in flight when the next verb looks; from then on
// each GetDeployment poll moves the clock by 5 s.
func (e *e2e) deployInFlight() {
	e.t.Helper()
	e.sb.Clock().SetSpeed(0)
	e.must(0, "app", "deploy", "--no-wait")
	e.sb.StepClock(sandbox.StepRule{Operation: "codedeploy:GetDeployment", Step: 5 * time.Second})
}
