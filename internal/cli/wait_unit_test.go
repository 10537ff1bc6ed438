package cli

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
)

func TestUnitWaitDone(t *testing.T) {
	u := startUnit(t, 2)
	out, errs := u.must(0, "wait", "--output", "json")
	contains(t, "wait", errs, "deployment ecs-svc/1001 COMPLETED", "deployment succeeded")
	var res view.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Outcome != "succeeded" || res.Service != "web" || res.TaskDefinitionARN != tdARN("web", 2) {
		t.Errorf("wait json: %v\n%s", err, out)
	}
	u.noChanges()
}

func TestUnitWaitFailed(t *testing.T) {
	u := startUnit(t, 2)
	svc := u.ecs.services["prod/web"]
	ds := u.ecs.deployments[aws.ToString(svc.ServiceArn)]
	ds[len(ds)-1].Status = types.ServiceDeploymentStatusRollbackSuccessful
	ds[len(ds)-1].StatusReason = aws.String("circuit breaker: tasks failed to start")
	svc.Deployments[0].RolloutState = types.DeploymentRolloutStateFailed
	code, _, errs := u.run("", "wait", "--poll-interval", "1ms")
	if code != 4 {
		t.Errorf("wait on a rolled back deployment: exit %d, want 4\n%s", code, errs)
	}
	u.noChanges()
}

func TestUnitWaitMissing(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	_, errs := u.must(1, "wait")
	contains(t, "wait of a missing service", errs, `service "web" not found in cluster "prod"`, "'doppio deploy' creates it")
	_, errs = u.must(2, "wait", "--wait-until", "nowhere")
	contains(t, "wait --wait-until nowhere", errs, "--wait-until")
}
