package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A rolling deployment with early success criteria completes once healthyPercent of
// the desired tasks run (rounded up), not at steady state; the service reaches its
// steady state later, and with BLOCKING the old tasks are gone by completion.
func TestEarlySuccessCompletesRollingDeploymentEarly(t *testing.T) {
	for _, cleanup := range []types.ServiceRevisionCleanup{types.ServiceRevisionCleanupDeferred, types.ServiceRevisionCleanupBlocking} {
		t.Run(string(cleanup), func(t *testing.T) {
			f := newFixture(t)
			td1, td2 := f.register("web", "nginx:1"), f.register("web", "nginx:2")
			_, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td1), DesiredCount: aws.Int32(4),
				DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50),
					EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(50), SourceServiceRevisionCleanup: cleanup}}})
			if err != nil {
				t.Fatal(err)
			}
			f.env.Clock().Advance(10 * time.Second)
			f.update("web", td2)
			// Deployment duration 5s: new tasks run at 1.75s, 2.5s, 3.25s and 4s; 2 of 4
			// meet 50% at 2.5s (BLOCKING: plus the old tasks' stop, 0.25s).
			f.env.Clock().Advance(3 * time.Second)
			mid := f.describe("web")
			ours := mid.Deployments[0]
			if aws.ToString(ours.TaskDefinition) != td2 || ours.RolloutState != types.DeploymentRolloutStateCompleted {
				t.Fatalf("after 3s: %+v", deps(mid))
			}
			if r := aws.ToString(ours.RolloutStateReason); !strings.Contains(r, "early success criteria met (2 of 4 tasks healthy") {
				t.Errorf("rolloutStateReason %q", r)
			}
			if ours.RunningCount == 4 {
				t.Errorf("all 4 tasks already running: not early")
			}
			if cleanup == types.ServiceRevisionCleanupBlocking && len(mid.Deployments) != 1 {
				t.Errorf("BLOCKING: old deployment still listed at completion: %+v", deps(mid))
			}
			if cleanup == types.ServiceRevisionCleanupDeferred && len(mid.Deployments) != 2 {
				t.Errorf("DEFERRED: old deployment not draining after completion: %+v", deps(mid))
			}
			f.env.Clock().Advance(3 * time.Second)
			if got := deps(f.describe("web")); len(got) != 1 || got[0].Running != 4 {
				t.Errorf("after 6s: %+v, want 4 running", got)
			}
		})
	}
}
