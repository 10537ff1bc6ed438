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

// A BLUE_GREEN deployment seen at RECONCILE_SERVICE and next at CLEAN_UP went
// through every stage in between: each gets its line, in order, marked as passed
// between polls, with the traffic weights that show it.
func TestTextObserverPassedStages(t *testing.T) {
	var b strings.Builder
	o := NewTextObserver(&b, true)
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	hundred := 100.0
	dep := func(st string) Snapshot {
		s := Snapshot{At: at, DeploymentID: "ecs-svc/2", LifecycleStage: st, Strategy: "BLUE_GREEN",
			Deployments: []DeploymentState{{ID: "ecs-svc/2", Status: "PRIMARY", RolloutState: "IN_PROGRESS", Desired: 2, Running: 2, Ours: true}}}
		if st == "CLEAN_UP" {
			s.ProductionTraffic, s.TestTraffic = &hundred, &hundred
		}
		return s
	}
	o.Progress(dep("RECONCILE_SERVICE"))
	at = at.Add(2 * time.Minute)
	o.Progress(dep("CLEAN_UP"))
	want := []string{
		"stage RECONCILE_SERVICE",
		"Z  stage PRE_SCALE_UP passed between polls", // stamped on the console's one clock
		"stage SCALE_UP passed between polls",
		"stage POST_SCALE_UP passed between polls",
		"stage TEST_TRAFFIC_SHIFT passed between polls (test traffic now 100% on the new revision)",
		"stage POST_TEST_TRAFFIC_SHIFT passed between polls",
		"stage PRODUCTION_TRAFFIC_SHIFT passed between polls (production traffic now 100% on the new revision)",
		"stage POST_PRODUCTION_TRAFFIC_SHIFT passed between polls",
		"stage BAKE_TIME passed between polls",
		"deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0  stage CLEAN_UP",
	}
	text, last := b.String(), 0
	for _, w := range want {
		i := strings.Index(text[last:], w)
		if i < 0 {
			t.Fatalf("output lacks %q (in order):\n%s", w, text)
		}
		last += i + len(w)
	}
	if strings.Contains(text, "RECONCILE_SERVICE passed") {
		t.Errorf("RECONCILE_SERVICE inferred:\n%s", text)
	}
	// A rollback moves the stage back: nothing is inferred.
	if got := PassedStages("BAKE_TIME", "SCALE_UP"); got != nil {
		t.Errorf("PassedStages backwards = %v", got)
	}
}

// Following our own deployment from its start, the first poll that sees BAKE_TIME
// means every stage before it passed while we watched; a resumed wait infers nothing.
func TestTextObserverPassedStagesBeforeFirstPoll(t *testing.T) {
	for _, fromStart := range []bool{true, false} {
		var b strings.Builder
		o := NewTextObserver(&b, true)
		o.Progress(Snapshot{At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC), DeploymentID: "ecs-svc/2", LifecycleStage: "BAKE_TIME", FromStart: fromStart,
			Deployments: []DeploymentState{{ID: "ecs-svc/2", Status: "PRIMARY", RolloutState: "IN_PROGRESS", Desired: 2, Running: 2, Ours: true}}})
		got := strings.Count(b.String(), "passed between polls")
		if want := map[bool]int{true: 7, false: 0}[fromStart]; got != want {
			t.Errorf("FromStart %v: %d stages passed, want %d:\n%s", fromStart, got, want, b.String())
		}
	}
}
