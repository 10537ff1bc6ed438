package sandbox_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A CodeDeploy deployment runs on the clock whether or not anyone polls CodeDeploy:
// after its time has passed, DescribeServices alone shows the replacement task set
// as PRIMARY, with no CodeDeploy call after CreateDeployment.
func TestCodeDeployProgressesWithoutPolling(t *testing.T) {
	f := newFixture(t)
	td1, td2 := f.register("web", "nginx:1"), f.register("web", "nginx:2")
	const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef"
	if _, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td1),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	cd := codedeploy.NewFromConfig(f.env.AWSConfig(f.ctx))
	if _, err := cd.CreateApplication(f.ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("app"), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		t.Fatal(err)
	}
	if _, err := cd.CreateDeploymentGroup(f.ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"), ServiceRoleArn: aws.String("arn:aws:iam::123456789012:role/cd"),
		DeploymentStyle: &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:     []cdtypes.ECSService{{ClusterName: aws.String("c"), ServiceName: aws.String("web")}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     []cdtypes.TargetGroupInfo{{Name: aws.String("web-blue")}, {Name: aws.String("web-green")}},
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2"}},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
	spec := `{"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": "` + td2 +
		`", "LoadBalancerInfo": {"ContainerName": "app", "ContainerPort": 80}}}}]}`
	dep, err := cd.CreateDeployment(f.ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(spec)}}})
	if err != nil {
		t.Fatal(err)
	}
	f.env.ResetCounts()
	f.env.Clock().Advance(10 * time.Minute)
	svc := f.describe("web")
	primary := ""
	for _, ts := range svc.TaskSets {
		if aws.ToString(ts.Status) == "PRIMARY" {
			primary = aws.ToString(ts.TaskDefinition)
		}
	}
	if primary != td2 || aws.ToString(svc.TaskDefinition) != td2 {
		t.Errorf("PRIMARY task set runs %q, want %s; task sets %d, service task definition %s", primary, td2, len(svc.TaskSets), aws.ToString(svc.TaskDefinition))
	}
	if t.Failed() {
		g, _ := cd.GetDeployment(f.ctx, &codedeploy.GetDeploymentInput{DeploymentId: dep.DeploymentId})
		t.Logf("deployment %s %s", g.DeploymentInfo.Status, aws.ToString(g.DeploymentInfo.ErrorInformation.Message))
	}
	for op, n := range f.env.Counts() {
		if len(op) > 11 && op[:11] == "codedeploy:" {
			t.Errorf("%s called %d times by the test", op, n)
		}
	}
}
