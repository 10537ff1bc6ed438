package sandbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// A canary CodeDeploy deployment on a group that names its target groups by name:
// the replacement task set goes into the green target group, the production
// listener forwards 10% to it during the canary and 100% after, and the original task
// set is deleted ("What happens during an Amazon ECS deployment", CodeDeploy User
// Guide; CodeDeployDefault.ECSCanary10Percent5Minutes).
func TestCodeDeployCanaryShiftsListenerWeights(t *testing.T) {
	f := newFixture(t)
	cfg := f.env.AWSConfig(f.ctx)
	lbc, ec := elb.NewFromConfig(cfg), ec2.NewFromConfig(cfg)
	subnets, err := ec.DescribeSubnets(f.ctx, &ec2.DescribeSubnetsInput{})
	if err != nil || len(subnets.Subnets) < 2 {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	vpc := aws.ToString(subnets.Subnets[0].VpcId)
	lb, err := lbc.CreateLoadBalancer(f.ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"),
		Subnets: []string{aws.ToString(subnets.Subnets[0].SubnetId), aws.ToString(subnets.Subnets[1].SubnetId)}})
	if err != nil {
		t.Fatal(err)
	}
	tg := func(name string) string {
		out, err := lbc.CreateTargetGroup(f.ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(vpc)})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	blue, green := tg("web-blue"), tg("web-green")
	l, err := lbc.CreateListener(f.ctx, &elb.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(blue)}}})
	if err != nil {
		t.Fatal(err)
	}
	listener := aws.ToString(l.Listeners[0].ListenerArn)
	weights := func() string {
		out, err := lbc.DescribeListeners(f.ctx, &elb.DescribeListenersInput{ListenerArns: []string{listener}})
		if err != nil {
			t.Fatal(err)
		}
		act := out.Listeners[0].DefaultActions[0]
		w := map[string]int32{}
		if act.ForwardConfig != nil && len(act.ForwardConfig.TargetGroups) > 0 {
			for _, g := range act.ForwardConfig.TargetGroups {
				w[aws.ToString(g.TargetGroupArn)] = aws.ToInt32(g.Weight)
			}
		} else {
			w[aws.ToString(act.TargetGroupArn)] = 100
		}
		return fmt.Sprintf("%d/%d", w[blue], w[green])
	}

	td1, td2 := f.register("web", "nginx:1"), f.register("web", "nginx:2")
	if _, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td1),
		DesiredCount: aws.Int32(2), DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: aws.String(blue), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}}); err != nil {
		t.Fatal(err)
	}
	cd := codedeploy.NewFromConfig(cfg)
	if _, err := cd.CreateApplication(f.ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("app"), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		t.Fatal(err)
	}
	if _, err := cd.CreateDeploymentGroup(f.ctx, &codedeploy.CreateDeploymentGroupInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"), ServiceRoleArn: aws.String("arn:aws:iam::123456789012:role/cd"),
		DeploymentConfigName: aws.String("CodeDeployDefault.ECSCanary10Percent5Minutes"),
		DeploymentStyle:      &cdtypes.DeploymentStyle{DeploymentType: cdtypes.DeploymentTypeBlueGreen, DeploymentOption: cdtypes.DeploymentOptionWithTrafficControl},
		EcsServices:          []cdtypes.ECSService{{ClusterName: aws.String("c"), ServiceName: aws.String("web")}},
		LoadBalancerInfo: &cdtypes.LoadBalancerInfo{TargetGroupPairInfoList: []cdtypes.TargetGroupPairInfo{{
			TargetGroups:     []cdtypes.TargetGroupInfo{{Name: aws.String("web-blue")}, {Name: aws.String("web-green")}},
			ProdTrafficRoute: &cdtypes.TrafficRoute{ListenerArns: []string{listener}},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
	f.env.Clock().Advance(10 * time.Second)
	spec := `{"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {"TaskDefinition": "` + td2 +
		`", "LoadBalancerInfo": {"ContainerName": "app", "ContainerPort": 80}}}}]}`
	if _, err := cd.CreateDeployment(f.ctx, &codedeploy.CreateDeploymentInput{ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(spec)}}}); err != nil {
		t.Fatal(err)
	}
	taskSets := func() map[string]string { // task definition → "STATUS target-group"
		out := map[string]string{}
		for _, ts := range f.describe("web").TaskSets {
			g := "?"
			for _, l := range ts.LoadBalancers {
				g = map[string]string{blue: "blue", green: "green"}[aws.ToString(l.TargetGroupArn)]
			}
			out[aws.ToString(ts.TaskDefinition)] = aws.ToString(ts.Status) + " " + g
		}
		return out
	}
	// Start (2s) + Install (30s) + AllowTestTraffic (5s): AllowTraffic's canary.
	f.env.Clock().Advance(time.Minute)
	if got := weights(); got != "90/10" {
		t.Errorf("during the canary: listener blue/green %s, want 90/10", got)
	}
	if got := taskSets(); got[td1] != "PRIMARY blue" || got[td2] != "ACTIVE green" {
		t.Errorf("during the canary: task sets %v", got)
	}
	f.env.Clock().Advance(10 * time.Minute)
	if got := weights(); got != "0/100" {
		t.Errorf("after the canary: listener blue/green %s, want 0/100", got)
	}
	f.env.Clock().Advance(time.Minute)
	if got := taskSets(); len(got) != 1 || got[td2] != "PRIMARY green" {
		t.Errorf("after the deployment: task sets %v, want only %s PRIMARY in green", got, td2)
	}
}
