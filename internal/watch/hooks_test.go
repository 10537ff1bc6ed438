package watch

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/google/go-cmp/cmp"
)

// A hook's final status is printed once, on its own line, even when it is only seen
// after the deployment moved to the next stage; a running hook that ECS stops
// reporting at a stage change is said to have ended there.
func TestTextObserverHookFinalStatus(t *testing.T) {
	var b bytes.Buffer
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	now := at // the console's clock: lines are stamped when printed
	o := NewTextObserver(ui.NewConsole(&b, ui.ConsoleOptions{UTC: true, Now: func() time.Time { return now }}), true)
	ours := []DeploymentState{{ID: "ecs-svc/2", Status: "PRIMARY", RolloutState: "IN_PROGRESS", Desired: 2, Running: 2, Ours: true}}
	lambda := Hook{ID: "h1", Type: "AWS_LAMBDA", Target: "arn:aws:lambda:us-east-1:1:function:smoke", Status: "IN_PROGRESS"}
	pause := Hook{ID: "h2", Type: "PAUSE", Status: "AWAITING_ACTION"}
	snap := func(sec int, stage string, hooks ...Hook) Snapshot {
		now = at.Add(time.Duration(sec) * time.Second)
		return Snapshot{At: at.Add(time.Duration(sec) * time.Second), DeploymentID: "ecs-svc/2", LifecycleStage: stage, Hooks: hooks, Deployments: ours}
	}
	done := lambda
	done.Status = "SUCCEEDED"
	o.Progress(snap(0, "POST_SCALE_UP", lambda))
	o.Progress(snap(5, "TEST_TRAFFIC_SHIFT", done))        // seen final only after the stage moved
	o.Progress(snap(10, "TEST_TRAFFIC_SHIFT", done))       // not again
	o.Progress(snap(15, "POST_TEST_TRAFFIC_SHIFT", pause)) // h1 no longer reported: already printed
	o.Progress(snap(20, "PRODUCTION_TRAFFIC_SHIFT"))       // h2 vanished while awaiting action
	want := "2026-11-22T10:00:00Z  deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage POST_SCALE_UP  hook h1 aws_lambda smoke IN_PROGRESS\n" +
		"2026-11-22T10:00:05Z  hook h1 aws_lambda smoke SUCCEEDED at POST_SCALE_UP\n" +
		"2026-11-22T10:00:05Z  deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage TEST_TRAFFIC_SHIFT\n" +
		"2026-11-22T10:00:10Z  deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage TEST_TRAFFIC_SHIFT\n" +
		"2026-11-22T10:00:15Z  deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage POST_TEST_TRAFFIC_SHIFT  hook h2 pause AWAITING_ACTION\n" +
		"2026-11-22T10:00:20Z  hook h2 pause ended at POST_TEST_TRAFFIC_SHIFT (last seen AWAITING_ACTION; the deployment is now at PRODUCTION_TRAFFIC_SHIFT)\n" +
		"2026-11-22T10:00:20Z  deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage PRODUCTION_TRAFFIC_SHIFT\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	if got := o.Last(); got.LifecycleStage != "PRODUCTION_TRAFFIC_SHIFT" || !strings.HasPrefix(got.At.String(), "2026-11-22 10:00:20") {
		t.Errorf("Last() = %+v", got)
	}
}

func TestProgressTime(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	sdAt, depAt := now.Add(-time.Minute), now.Add(-30*time.Second)
	tests := []struct {
		name string
		sd   *types.ServiceDeployment
		ours *types.Deployment
		want time.Time
	}{
		{name: "nothing from ECS", want: now},
		{name: "service deployment", sd: &types.ServiceDeployment{UpdatedAt: &sdAt}, want: sdAt},
		{name: "the later of both", sd: &types.ServiceDeployment{UpdatedAt: &sdAt}, ours: &types.Deployment{UpdatedAt: &depAt}, want: depAt},
	}
	for _, tc := range tests {
		if got := progressTime(tc.sd, tc.ours, now); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
