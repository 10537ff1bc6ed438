package watch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// stageOrder is the order of a traffic-shifting ServiceDeployment's lifecycle stages
// (Developer Guide, "Deployment lifecycle stages"; ServiceDeployment.lifecycleStage
// in the API reference).
var stageOrder = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStageReconcileService,
	types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp,
	types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift,
	types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	types.ServiceDeploymentLifecycleStageProductionTrafficShift,
	types.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageBakeTime,
	types.ServiceDeploymentLifecycleStageCleanUp,
}

// ParseStage checks an ECS lifecycle stage name (case-insensitive) for
// --wait-until ecs:<STAGE>. PRE_PRODUCTION_TRAFFIC_SHIFT, a hook stage that
// ServiceDeployment never reports, counts as reached with PRODUCTION_TRAFFIC_SHIFT.
func ParseStage(s string) (types.ServiceDeploymentLifecycleStage, error) {
	st := types.ServiceDeploymentLifecycleStage(strings.ToUpper(strings.TrimSpace(s)))
	if st == "PRE_PRODUCTION_TRAFFIC_SHIFT" {
		return types.ServiceDeploymentLifecycleStageProductionTrafficShift, nil
	}
	if slices.Contains(stageOrder, st) {
		return st, nil
	}
	names := make([]string, len(stageOrder))
	for i, x := range stageOrder {
		names[i] = string(x)
	}
	return "", fmt.Errorf("unknown ECS lifecycle stage %q; one of %s", s, strings.Join(names, ", "))
}

// stageReached reports whether cur is want or a later stage.
func stageReached(cur, want types.ServiceDeploymentLifecycleStage) bool {
	i, j := slices.Index(stageOrder, cur), slices.Index(stageOrder, want)
	return i >= 0 && j >= 0 && i >= j
}
