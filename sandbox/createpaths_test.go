package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Every way of creating a service from an empty account progresses to a steady state
// on the clock, with its events: the ECS controller with each deployment strategy
// (the first deployment of a traffic-shifting service has no blue revision to shift
// from, so it just starts its tasks), the DAEMON scheduling strategy, CODE_DEPLOY
// (its first task set, tasksets_test.go) and EXTERNAL (no task set until
// CreateTaskSet, tasksets_test.go).
func TestCreatePathsReachSteadyState(t *testing.T) {
	for _, tc := range []struct {
		name        string
		in          ecs.CreateServiceInput
		wantRunning int32
	}{
		{name: "rolling", in: ecs.CreateServiceInput{DesiredCount: aws.Int32(2)}, wantRunning: 2},
		{name: "blue/green", in: ecs.CreateServiceInput{DesiredCount: aws.Int32(2), DeploymentConfiguration: &types.DeploymentConfiguration{
			Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(2)}}, wantRunning: 2},
		{name: "linear", in: ecs.CreateServiceInput{DesiredCount: aws.Int32(2), DeploymentConfiguration: &types.DeploymentConfiguration{
			Strategy: types.DeploymentStrategyLinear, LinearConfiguration: &types.LinearConfiguration{StepPercent: aws.Float64(50)}}}, wantRunning: 2},
		{name: "canary", in: ecs.CreateServiceInput{DesiredCount: aws.Int32(3), DeploymentConfiguration: &types.DeploymentConfiguration{
			Strategy: types.DeploymentStrategyCanary, CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(10)}}}, wantRunning: 3},
		// DAEMON: one task per container instance; the cluster has none, so the
		// service is steady with no task (CreateService API reference, schedulingStrategy).
		{name: "daemon", in: ecs.CreateServiceInput{SchedulingStrategy: types.SchedulingStrategyDaemon}, wantRunning: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			in := tc.in
			in.Cluster, in.ServiceName, in.TaskDefinition = aws.String("c"), aws.String("web"), aws.String(f.register("web", "nginx:1"))
			out, err := f.ecs.CreateService(f.ctx, &in)
			if err != nil {
				t.Fatal(err)
			}
			if d := deps(*out.Service); len(d) != 1 || d[0].Status != "PRIMARY" || d[0].Rollout != "IN_PROGRESS" {
				t.Fatalf("CreateService deployments = %+v, want one PRIMARY IN_PROGRESS", d)
			}
			sds, err := f.ecs.ListServiceDeployments(f.ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("c"), Service: aws.String("web")})
			if err != nil || len(sds.ServiceDeployments) != 1 {
				t.Fatalf("ListServiceDeployments: %+v %v", sds, err)
			}
			f.env.Clock().Advance(10 * time.Second)
			svc := f.describe("web")
			d := deps(svc)
			if len(d) != 1 || d[0].Rollout != "COMPLETED" || svc.RunningCount != tc.wantRunning || svc.PendingCount != 0 {
				t.Errorf("after 10s: deployments %+v, running %d pending %d; want one COMPLETED, %d running", d, svc.RunningCount, svc.PendingCount, tc.wantRunning)
			}
			msgs := strings.Join(messages(svc), "\n")
			if !strings.Contains(msgs, "has reached a steady state.") || !strings.Contains(msgs, "deployment completed.") {
				t.Errorf("events:\n%s", msgs)
			}
			if tc.wantRunning > 0 && !strings.Contains(msgs, "has started") {
				t.Errorf("no task start event:\n%s", msgs)
			}
			sd, err := f.ecs.DescribeServiceDeployments(f.ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(sds.ServiceDeployments[0].ServiceDeploymentArn)}})
			if err != nil || len(sd.ServiceDeployments) != 1 || sd.ServiceDeployments[0].Status != types.ServiceDeploymentStatusSuccessful {
				t.Errorf("ServiceDeployment: %+v %v", sd, err)
			}
		})
	}
}
