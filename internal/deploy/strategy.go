package deploy

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// validateStrategy rejects a service definition whose deployment strategy ECS would
// refuse (BLUE_GREEN without an alternate target group, a PAUSE hook at a traffic
// shift stage, percentages out of range...), before any call that changes anything.
func validateStrategy(sd *ecs.CreateServiceInput) error {
	if err := ecsdef.ValidateStrategy(sd); err != nil {
		return diag.Invalid(fmt.Errorf("service definition: %w", err),
			"see the Amazon ECS API Reference for DeploymentConfiguration, DeploymentLifecycleHook and AdvancedConfiguration")
	}
	return nil
}
