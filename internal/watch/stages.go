package watch

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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

// earlySuccess explains a rolling deployment that ECS completed under its early
// success criteria (deploymentConfiguration.earlySuccessCriteria; Developer Guide,
// "Complete Amazon ECS rolling deployments early with early success criteria"):
// completed while fewer than the desired tasks run, or while older deployments are
// still draining. "" otherwise.
func earlySuccess(svc *types.Service, ours *types.Deployment) string {
	if svc == nil || ours == nil || svc.DeploymentConfiguration == nil || ours.RolloutState != types.DeploymentRolloutStateCompleted {
		return ""
	}
	es := svc.DeploymentConfiguration.EarlySuccessCriteria
	if es == nil || !es.Enable || (ours.RunningCount >= ours.DesiredCount && len(svc.Deployments) <= 1) {
		return ""
	}
	s := fmt.Sprintf("completed early with %d of %d tasks running (earlySuccessCriteria.healthyPercent %d); ECS starts the rest outside the deployment",
		ours.RunningCount, ours.DesiredCount, aws.ToInt32(es.HealthyPercent))
	if es.SourceServiceRevisionCleanup == types.ServiceRevisionCleanupDeferred && len(svc.Deployments) > 1 {
		s += " and removes the previous revision's tasks in the background"
	}
	return s
}

// progressTime is the time a progress line should carry: when ECS last changed our
// deployment, on ECS's clock (the later of the ServiceDeployment's updatedAt and the
// DescribeServices deployment's updatedAt), else now when ECS gives neither.
func progressTime(sd *types.ServiceDeployment, ours *types.Deployment, now time.Time) time.Time {
	var t time.Time
	if sd != nil && sd.UpdatedAt != nil {
		t = *sd.UpdatedAt
	}
	if ours != nil && ours.UpdatedAt != nil && ours.UpdatedAt.After(t) {
		t = *ours.UpdatedAt
	}
	if t.IsZero() {
		return now
	}
	return t
}

// PassedStages returns the lifecycle stages a traffic-shifting deployment went
// through between two polls that saw it at prev and then at cur, in order: every
// stage strictly between them in stageOrder (ECS runs each stage of a BLUE_GREEN,
// LINEAR or CANARY deployment in that order; Developer Guide, "Deployment lifecycle
// stages"). RECONCILE_SERVICE only happens when more than one service revision is
// ACTIVE, so it is never inferred. A move backwards (a rollback) or an unknown stage
// passes nothing.
func PassedStages(prev, cur string) []string {
	i := slices.Index(stageOrder, types.ServiceDeploymentLifecycleStage(prev))
	j := slices.Index(stageOrder, types.ServiceDeploymentLifecycleStage(cur))
	if j < 0 || (prev != "" && i < 0) || j <= i+1 {
		return nil
	}
	var out []string
	for _, st := range stageOrder[i+1 : j] {
		if st == types.ServiceDeploymentLifecycleStageReconcileService {
			continue
		}
		out = append(out, string(st))
	}
	return out
}

// passedEvidence says what the deployment reports now that shows a passed stage
// happened: the traffic weights its target revision has (ServiceDeployment
// targetServiceRevision; the test listener moves in TEST_TRAFFIC_SHIFT, production in
// PRODUCTION_TRAFFIC_SHIFT).
func passedEvidence(stage string, s Snapshot) string {
	switch types.ServiceDeploymentLifecycleStage(stage) {
	case types.ServiceDeploymentLifecycleStageTestTrafficShift:
		if s.TestTraffic != nil {
			return fmt.Sprintf(" (test traffic now %g%% on the new revision)", *s.TestTraffic)
		}
	case types.ServiceDeploymentLifecycleStageProductionTrafficShift:
		if s.ProductionTraffic != nil {
			return fmt.Sprintf(" (production traffic now %g%% on the new revision)", *s.ProductionTraffic)
		}
	}
	return ""
}
