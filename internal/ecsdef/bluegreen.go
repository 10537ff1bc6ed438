package ecsdef

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Rules for the ECS-native traffic-shifting strategies (BLUE_GREEN, LINEAR, CANARY),
// from the Amazon ECS API Reference:
//   - DeploymentConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
//   - LinearConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html
//   - CanaryConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html
//   - DeploymentLifecycleHook: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html
//   - DeploymentLifecycleHookTimeoutConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHookTimeoutConfiguration.html
//   - AdvancedConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html
//   - Developer Guide, "Amazon ECS blue/green deployments" and "Lifecycle hooks for
//     Amazon ECS service deployments".

// TrafficShifting reports whether s is one of the strategies that run the new
// revision beside the old one and shift traffic (BLUE_GREEN, LINEAR, CANARY).
func TrafficShifting(s types.DeploymentStrategy) bool {
	return s == types.DeploymentStrategyBlueGreen || s == types.DeploymentStrategyLinear || s == types.DeploymentStrategyCanary
}

// Defaults ECS fills for the traffic-shifting strategies.
const (
	defaultLinearStepPercent     = 10.0 // LinearConfiguration.stepPercent
	defaultLinearStepBakeMinutes = 6    // LinearConfiguration.stepBakeTimeInMinutes
	defaultCanaryPercent         = 5.0  // CanaryConfiguration.canaryPercent
	defaultCanaryBakeMinutes     = 10   // CanaryConfiguration.canaryBakeTimeInMinutes
	defaultHookTimeoutMinutes    = 1440 // DeploymentLifecycleHookTimeoutConfiguration.timeoutInMinutes
	maxBakeMinutes               = 1440 // bakeTimeInMinutes, step and canary bake times: 0 to 1440
	maxHookTimeoutMinutes        = 20160
)

// pauseForbidden are the stages a PAUSE hook cannot use: "PAUSE hooks cannot be
// configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT stages. These stages
// are only valid for AWS_LAMBDA hooks."
var pauseForbidden = []types.DeploymentLifecycleHookStage{
	types.DeploymentLifecycleHookStageTestTrafficShift, types.DeploymentLifecycleHookStageProductionTrafficShift,
}

// normalizeStrategy fills what ECS fills for the traffic-shifting strategies, on
// both sides of a comparison, so an unchanged service shows no difference.
func normalizeStrategy(dc *types.DeploymentConfiguration) {
	switch dc.Strategy {
	case types.DeploymentStrategyLinear:
		if dc.LinearConfiguration == nil {
			dc.LinearConfiguration = &types.LinearConfiguration{}
		}
		lc := dc.LinearConfiguration
		if lc.StepPercent == nil {
			lc.StepPercent = aws.Float64(defaultLinearStepPercent)
		}
		if lc.StepBakeTimeInMinutes == nil {
			lc.StepBakeTimeInMinutes = aws.Int32(defaultLinearStepBakeMinutes)
		}
	case types.DeploymentStrategyCanary:
		if dc.CanaryConfiguration == nil {
			dc.CanaryConfiguration = &types.CanaryConfiguration{}
		}
		cc := dc.CanaryConfiguration
		if cc.CanaryPercent == nil {
			cc.CanaryPercent = aws.Float64(defaultCanaryPercent)
		}
		if cc.CanaryBakeTimeInMinutes == nil {
			cc.CanaryBakeTimeInMinutes = aws.Int32(defaultCanaryBakeMinutes)
		}
	}
	for i := range dc.LifecycleHooks {
		h := &dc.LifecycleHooks[i]
		// targetType: "If not specified, the default value is AWS_LAMBDA."
		if h.TargetType == "" {
			h.TargetType = types.DeploymentLifecycleHookTargetTypeAwsLambda
		}
		if h.TargetType == types.DeploymentLifecycleHookTargetTypePause {
			if h.TimeoutConfiguration == nil {
				h.TimeoutConfiguration = &types.DeploymentLifecycleHookTimeoutConfiguration{}
			}
			tc := h.TimeoutConfiguration
			if tc.TimeoutInMinutes == nil {
				tc.TimeoutInMinutes = aws.Int32(defaultHookTimeoutMinutes)
			}
			if tc.Action == "" {
				tc.Action = types.DeploymentLifecycleHookActionRollback
			}
		}
		// The stages are a set.
		h.LifecycleStages = sortedUnique(h.LifecycleStages)
	}
}

// ValidateStrategy checks the deployment strategy of a service definition against
// the API's rules before any call: what each strategy needs, ranges, and hook stages.
// Each problem names its JSON path; nil means valid.
func ValidateStrategy(sd *ecs.CreateServiceInput) error {
	if sd == nil {
		return nil
	}
	errs := validateTestTrafficRules(sd) // trafficrules.go
	if sd.DeploymentConfiguration == nil {
		return errors.Join(errs...)
	}
	dc := sd.DeploymentConfiguration
	errs = append(errs, validateEarlySuccess(dc)...)
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("deploymentConfiguration.%s: %s", path, fmt.Sprintf(format, args...)))
	}
	strategy := dc.Strategy
	shifting := TrafficShifting(strategy)
	if shifting && sd.DeploymentController != nil && sd.DeploymentController.Type != "" && sd.DeploymentController.Type != types.DeploymentControllerTypeEcs {
		bad("strategy", "%s needs deploymentController.type ECS, not %s", strategy, sd.DeploymentController.Type)
	}
	if dc.LinearConfiguration != nil && strategy != types.DeploymentStrategyLinear {
		bad("linearConfiguration", "only valid with strategy LINEAR (strategy is %s)", orRolling(strategy))
	}
	if dc.CanaryConfiguration != nil && strategy != types.DeploymentStrategyCanary {
		bad("canaryConfiguration", "only valid with strategy CANARY (strategy is %s)", orRolling(strategy))
	}
	if len(dc.LifecycleHooks) > 0 && !shifting {
		bad("lifecycleHooks", "lifecycle hooks run only with strategy BLUE_GREEN, LINEAR or CANARY (strategy is %s)", orRolling(strategy))
	}
	if b := dc.BakeTimeInMinutes; b != nil && (*b < 0 || *b > maxBakeMinutes) {
		bad("bakeTimeInMinutes", "%d is outside 0..%d", *b, maxBakeMinutes)
	}
	if strategy == types.DeploymentStrategyBlueGreen && dc.BakeTimeInMinutes == nil {
		bad("bakeTimeInMinutes", "required with strategy BLUE_GREEN (0 to %d minutes)", maxBakeMinutes)
	}
	if lc := dc.LinearConfiguration; lc != nil {
		if p := lc.StepPercent; p != nil && !tenths(*p, 3, 100) {
			bad("linearConfiguration.stepPercent", "%v must be a multiple of 0.1 from 3.0 to 100.0", *p)
		}
		if b := lc.StepBakeTimeInMinutes; b != nil && (*b < 0 || *b > maxBakeMinutes) {
			bad("linearConfiguration.stepBakeTimeInMinutes", "%d is outside 0..%d", *b, maxBakeMinutes)
		}
	}
	if cc := dc.CanaryConfiguration; cc != nil {
		if p := cc.CanaryPercent; p != nil && !tenths(*p, 0.1, 100) {
			bad("canaryConfiguration.canaryPercent", "%v must be a multiple of 0.1 from 0.1 to 100.0", *p)
		}
		if b := cc.CanaryBakeTimeInMinutes; b != nil && (*b < 0 || *b > maxBakeMinutes) {
			bad("canaryConfiguration.canaryBakeTimeInMinutes", "%d is outside 0..%d", *b, maxBakeMinutes)
		}
	}
	for i, h := range dc.LifecycleHooks {
		path := fmt.Sprintf("lifecycleHooks[%d]", i)
		if len(h.LifecycleStages) == 0 {
			bad(path+".lifecycleStages", "required: the stages at which the hook runs")
		}
		pause := h.TargetType == types.DeploymentLifecycleHookTargetTypePause
		switch {
		case pause && h.HookTargetArn != nil:
			bad(path+".hookTargetArn", "not used by PAUSE hooks; remove it")
		case !pause && aws.ToString(h.HookTargetArn) == "":
			bad(path+".hookTargetArn", "required for an AWS_LAMBDA hook: the Lambda function ARN")
		}
		if !pause && aws.ToString(h.RoleArn) == "" {
			bad(path+".roleArn", "required for an AWS_LAMBDA hook: the role ECS uses to invoke the function")
		}
		for j, st := range h.LifecycleStages {
			if pause && slices.Contains(pauseForbidden, st) {
				bad(fmt.Sprintf("%s.lifecycleStages[%d]", path, j), "PAUSE hooks cannot run at %s (only AWS_LAMBDA hooks can)", st)
			}
		}
		if tc := h.TimeoutConfiguration; tc != nil && tc.TimeoutInMinutes != nil && (*tc.TimeoutInMinutes < 1 || *tc.TimeoutInMinutes > maxHookTimeoutMinutes) {
			bad(path+".timeoutConfiguration.timeoutInMinutes", "%d is outside 1..%d", *tc.TimeoutInMinutes, maxHookTimeoutMinutes)
		}
	}
	if shifting {
		errs = append(errs, validateTrafficRouting(sd, strategy)...)
	}
	return errors.Join(errs...)
}

// validateTrafficRouting: a traffic-shifting deployment moves traffic either through
// an Application/Network Load Balancer (each load balancer needs
// advancedConfiguration: alternateTargetGroupArn, productionListenerRule and roleArn)
// or through Service Connect.
func validateTrafficRouting(sd *ecs.CreateServiceInput, strategy types.DeploymentStrategy) []error {
	var errs []error
	sc := sd.ServiceConnectConfiguration != nil && sd.ServiceConnectConfiguration.Enabled
	if len(sd.LoadBalancers) == 0 && !sc {
		return []error{fmt.Errorf("deploymentConfiguration.strategy: %s shifts traffic, so it needs loadBalancers with advancedConfiguration (alternate target group and listener rules) or Service Connect", strategy)}
	}
	for i, lb := range sd.LoadBalancers {
		path := fmt.Sprintf("loadBalancers[%d].advancedConfiguration", i)
		ac := lb.AdvancedConfiguration
		if ac == nil {
			errs = append(errs, fmt.Errorf("%s: required with strategy %s: alternateTargetGroupArn, productionListenerRule and roleArn", path, strategy))
			continue
		}
		for _, f := range []struct {
			name string
			v    *string
		}{{"alternateTargetGroupArn", ac.AlternateTargetGroupArn}, {"productionListenerRule", ac.ProductionListenerRule}, {"roleArn", ac.RoleArn}} {
			if aws.ToString(f.v) == "" {
				errs = append(errs, fmt.Errorf("%s.%s: required with strategy %s", path, f.name, strategy))
			}
		}
		if tg := aws.ToString(lb.TargetGroupArn); tg != "" && tg == aws.ToString(ac.AlternateTargetGroupArn) {
			errs = append(errs, fmt.Errorf("%s.alternateTargetGroupArn: must differ from loadBalancers[%d].targetGroupArn", path, i))
		}
	}
	return errs
}

// tenths reports whether p is a multiple of 0.1 within [lo, hi].
func tenths(p, lo, hi float64) bool {
	if p < lo-1e-9 || p > hi+1e-9 {
		return false
	}
	return math.Abs(p*10-math.Round(p*10)) < 1e-6
}

func orRolling(s types.DeploymentStrategy) types.DeploymentStrategy {
	if s == "" {
		return types.DeploymentStrategyRolling
	}
	return s
}
