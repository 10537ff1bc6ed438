package cli

import (
	"fmt"
	"strings"

	"github.com/doppio-ecs/doppio/internal/cli/view"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

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
