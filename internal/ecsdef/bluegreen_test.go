package ecsdef

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

func blueGreenService() *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{
		ServiceName: aws.String("web"),
		LoadBalancers: []types.LoadBalancer{{
			TargetGroupArn: aws.String("tg-blue"), ContainerName: aws.String("web"), ContainerPort: aws.Int32(80),
			AdvancedConfiguration: &types.AdvancedConfiguration{
				AlternateTargetGroupArn: aws.String("tg-green"), ProductionListenerRule: aws.String("rule-prod"),
				TestListenerRule: aws.String("rule-test"), RoleArn: aws.String("role"),
			},
		}},
		DeploymentConfiguration: &types.DeploymentConfiguration{
			Strategy: types.DeploymentStrategyBlueGreen, BakeTimeInMinutes: aws.Int32(10),
			LifecycleHooks: []types.DeploymentLifecycleHook{{
				TargetType:      types.DeploymentLifecycleHookTargetTypePause,
				LifecycleStages: []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStagePostTestTrafficShift},
			}},
		},
	}
}

func TestValidateStrategy(t *testing.T) {
	tests := []struct {
		name   string
		change func(sd *ecs.CreateServiceInput)
		want   []string // substrings, one per error; nil: valid
	}{
		{name: "valid blue/green with a pause hook", change: func(*ecs.CreateServiceInput) {}},
		{name: "rolling without strategy fields", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration = &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling}
		}},
		{name: "blue/green needs a bake time", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.BakeTimeInMinutes = nil
		}, want: []string{"deploymentConfiguration.bakeTimeInMinutes: required with strategy BLUE_GREEN"}},
		{name: "bake time range", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.BakeTimeInMinutes = aws.Int32(1441)
		}, want: []string{"bakeTimeInMinutes: 1441 is outside 0..1440"}},
		{name: "alternate target group and listener rules", change: func(sd *ecs.CreateServiceInput) {
			sd.LoadBalancers[0].AdvancedConfiguration = nil
		}, want: []string{"loadBalancers[0].advancedConfiguration: required with strategy BLUE_GREEN"}},
		{name: "no load balancer nor Service Connect", change: func(sd *ecs.CreateServiceInput) {
			sd.LoadBalancers = nil
		}, want: []string{"needs loadBalancers with advancedConfiguration"}},
		{name: "missing production listener rule", change: func(sd *ecs.CreateServiceInput) {
			sd.LoadBalancers[0].AdvancedConfiguration.ProductionListenerRule = nil
		}, want: []string{"advancedConfiguration.productionListenerRule: required"}},
		{name: "pause hook at a traffic shift stage", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.LifecycleHooks[0].LifecycleStages = []types.DeploymentLifecycleHookStage{types.DeploymentLifecycleHookStageProductionTrafficShift}
		}, want: []string{"lifecycleHooks[0].lifecycleStages[0]: PAUSE hooks cannot run at PRODUCTION_TRAFFIC_SHIFT"}},
		{name: "lambda hook needs function and role", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.LifecycleHooks[0].TargetType = types.DeploymentLifecycleHookTargetTypeAwsLambda
		}, want: []string{"lifecycleHooks[0].hookTargetArn: required", "lifecycleHooks[0].roleArn: required"}},
		{name: "hooks with rolling", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.Strategy = types.DeploymentStrategyRolling
			sd.DeploymentConfiguration.BakeTimeInMinutes = nil
		}, want: []string{"lifecycleHooks: lifecycle hooks run only with strategy BLUE_GREEN, LINEAR or CANARY"}},
		{name: "linear step percent", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			sd.DeploymentConfiguration.LinearConfiguration = &types.LinearConfiguration{StepPercent: aws.Float64(2.5)}
		}, want: []string{"linearConfiguration.stepPercent: 2.5 must be a multiple of 0.1 from 3.0 to 100.0"}},
		{name: "canary configuration with linear strategy", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.Strategy = types.DeploymentStrategyLinear
			sd.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(10)}
		}, want: []string{"canaryConfiguration: only valid with strategy CANARY"}},
		{name: "canary percent in tenths", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.Strategy = types.DeploymentStrategyCanary
			sd.DeploymentConfiguration.CanaryConfiguration = &types.CanaryConfiguration{CanaryPercent: aws.Float64(10.05)}
		}, want: []string{"canaryPercent: 10.05 must be a multiple of 0.1"}},
		{name: "early success with rolling", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration = &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyRolling, MinimumHealthyPercent: aws.Int32(50),
				EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(50), SourceServiceRevisionCleanup: types.ServiceRevisionCleanupDeferred}}
		}},
		{name: "early success needs its fields", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration = &types.DeploymentConfiguration{EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true}}
		}, want: []string{"earlySuccessCriteria.healthyPercent: required", "earlySuccessCriteria.sourceServiceRevisionCleanup: required"}},
		{name: "early success below minimum healthy percent", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration = &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100),
				EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(50), SourceServiceRevisionCleanup: "LATER"}}
		}, want: []string{"healthyPercent: 50 is below deploymentConfiguration.minimumHealthyPercent 100", `sourceServiceRevisionCleanup: "LATER" is not BLOCKING or DEFERRED`}},
		{name: "early success with blue/green", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentConfiguration.EarlySuccessCriteria = &types.DeploymentEarlySuccessCriteria{Enable: false}
		}, want: []string{"earlySuccessCriteria: only the ROLLING strategy uses early success criteria (strategy is BLUE_GREEN)"}},
		{name: "Service Connect test traffic rules", change: func(sd *ecs.CreateServiceInput) {
			sd.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{PortName: aws.String("http"),
				ClientAliases: []types.ServiceConnectClientAlias{
					{Port: aws.Int32(80), TestTrafficRules: &types.ServiceConnectTestTrafficRules{Header: &types.ServiceConnectTestTrafficHeaderRules{
						Name: aws.String("x-canary"), Value: &types.ServiceConnectTestTrafficHeaderMatchRules{Exact: aws.String("yes")}}}},
					{Port: aws.Int32(81), TestTrafficRules: &types.ServiceConnectTestTrafficRules{Header: &types.ServiceConnectTestTrafficHeaderRules{Name: aws.String("x-canary")}}},
				}}}}
		}},
		{name: "Service Connect test traffic rules need a header name and exact value", change: func(sd *ecs.CreateServiceInput) {
			sd.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{PortName: aws.String("http"),
				ClientAliases: []types.ServiceConnectClientAlias{
					{Port: aws.Int32(80), TestTrafficRules: &types.ServiceConnectTestTrafficRules{}},
					{Port: aws.Int32(81), TestTrafficRules: &types.ServiceConnectTestTrafficRules{Header: &types.ServiceConnectTestTrafficHeaderRules{
						Name: aws.String("x canary"), Value: &types.ServiceConnectTestTrafficHeaderMatchRules{}}}},
				}}}}
		}, want: []string{"clientAliases[0].testTrafficRules.header: required", `clientAliases[1].testTrafficRules.header.name: "x canary" is not a valid HTTP header name`,
			"clientAliases[1].testTrafficRules.header.value.exact: required"}},
		{name: "CodeDeploy controller with an ECS strategy", change: func(sd *ecs.CreateServiceInput) {
			sd.DeploymentController = &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy}
		}, want: []string{"strategy: BLUE_GREEN needs deploymentController.type ECS"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sd := blueGreenService()
			tc.change(sd)
			err := ValidateStrategy(sd)
			var got []string
			if err != nil {
				got = strings.Split(err.Error(), "\n")
			}
			if len(got) != len(tc.want) {
				t.Fatalf("errors:\n%s\nwant %d containing %q", err, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestNormalizeStrategyDefaults(t *testing.T) {
	local := &ecs.CreateServiceInput{ServiceName: aws.String("web"), DeploymentConfiguration: &types.DeploymentConfiguration{
		Strategy: types.DeploymentStrategyCanary,
		LifecycleHooks: []types.DeploymentLifecycleHook{{TargetType: types.DeploymentLifecycleHookTargetTypePause,
			LifecycleStages: []types.DeploymentLifecycleHookStage{"POST_TEST_TRAFFIC_SHIFT", "POST_SCALE_UP"}}},
	}}
	live := &ecs.CreateServiceInput{ServiceName: aws.String("web"), DeploymentConfiguration: &types.DeploymentConfiguration{
		Strategy:            types.DeploymentStrategyCanary,
		CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(5), CanaryBakeTimeInMinutes: aws.Int32(10)},
		LifecycleHooks: []types.DeploymentLifecycleHook{{TargetType: types.DeploymentLifecycleHookTargetTypePause,
			LifecycleStages:      []types.DeploymentLifecycleHookStage{"POST_SCALE_UP", "POST_TEST_TRAFFIC_SHIFT"},
			TimeoutConfiguration: &types.DeploymentLifecycleHookTimeoutConfiguration{TimeoutInMinutes: aws.Int32(1440), Action: "ROLLBACK"}}},
	}}
	a, err := Marshal(NormalizeServiceDefinition(local))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(NormalizeServiceDefinition(live))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(b), string(a)); diff != "" {
		t.Errorf("defaults not filled (-live +local):\n%s", diff)
	}
}
