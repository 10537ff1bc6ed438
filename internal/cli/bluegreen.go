package cli

import (
	"fmt"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// bgFollow carries what a wait on a blue/green (or CodeDeploy) deployment needs
// beyond deployed|stable.
type bgFollow struct {
	stage         types.ServiceDeploymentLifecycleStage // --wait-until ecs:<STAGE>
	waitOnPause   bool
	continuedHook string // continue: the hook just answered
	deploymentARN string // continue: the service deployment to follow
	acceptPaused  bool   // continue --wait-until paused: a new pause is the goal
	rollback      bool   // continue --rollback: rolling back is the goal
}

// accept reports whether an outcome other than Succeeded is what the user asked for.
func (b bgFollow) accept(o watch.Outcome) bool {
	return (b.acceptPaused && o.Kind == watch.Paused) || (b.rollback && o.Kind == watch.RolledBack) ||
		(b.stage != "" && o.Kind == watch.Succeeded)
}

// validateUntil checks --wait-until: deployed, stable, ecs:<STAGE> or codedeploy:<Event>.
func (w waitFlags) validateUntil() error {
	switch v := w.WaitUntil; {
	case v == "deployed", v == "stable":
		return nil
	case strings.HasPrefix(v, "ecs:"):
		if _, err := watch.ParseStage(strings.TrimPrefix(v, "ecs:")); err != nil {
			return diag.Invalid(fmt.Errorf("--wait-until %s: %w", v, err), "")
		}
		return nil
	case strings.HasPrefix(v, "codedeploy:"):
		if _, err := watch.ParseCodeDeployEvent(strings.TrimPrefix(v, "codedeploy:")); err != nil {
			return diag.Invalid(fmt.Errorf("--wait-until %s: %w", v, err), "")
		}
		return nil
	}
	return diag.Invalid(fmt.Errorf("--wait-until %q: want deployed, stable, ecs:<STAGE> or codedeploy:<Event>", w.WaitUntil),
		"e.g. --wait-until ecs:POST_TEST_TRAFFIC_SHIFT or --wait-until codedeploy:AfterAllowTestTraffic")
}

// bgFollow returns the blue/green part of the wait the flags ask for.
func (w waitFlags) bgFollow() bgFollow {
	b := bgFollow{waitOnPause: w.WaitOnPause}
	if s, ok := strings.CutPrefix(w.WaitUntil, "ecs:"); ok {
		b.stage, _ = watch.ParseStage(s)
	}
	return b
}

// pausedHook is the PAUSE lifecycle hook a paused deployment waits at, in the
// addBlueGreen fills the paused hook (when the outcome is paused) and the last
// traffic split from the last progress the text observer received.
func addBlueGreen(d *view.Result, out watch.Outcome, obs watch.Observer) {
	t, ok := obs.(*watch.TextObserver)
	if !ok {
		return
	}
	last := t.Last()
	if last.ProductionTraffic != nil {
		d.Traffic = &view.Traffic{ProductionPercent: *last.ProductionTraffic, TestPercent: last.TestTraffic}
	}
	if out.Kind != watch.Paused || out.Hook == "" {
		return
	}
	d.PausedHook = &view.PausedHook{HookID: out.Hook, Stage: last.LifecycleStage}
	for _, h := range last.Hooks {
		if h.ID == out.Hook {
			d.PausedHook.ExpiresAt, d.PausedHook.TimeoutAction = h.ExpiresAt, h.TimeoutAction
		}
	}
}
