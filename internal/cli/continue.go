package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// ContinueCmd answers the PAUSE lifecycle hook the service's deployment waits at
// (ContinueServiceDeployment CONTINUE, or ROLLBACK with --rollback), then follows the
// deployment like wait. On a CODE_DEPLOY service it reroutes the traffic of the
// deployment waiting for it (codedeploy_continue.go).
type ContinueCmd struct {
	Rollback     bool          `help:"Roll the deployment back instead of continuing it."`
	Wait         bool          `help:"Follow the deployment afterwards." negatable:"" default:"true"`
	WaitUntil    string        `help:"deployed: our deployment completed; stable: also steady; paused: the next PAUSE hook (exit 0 there)." enum:"deployed,stable,paused" default:"deployed"`
	PollInterval time.Duration `help:"Time between status polls (at most 5s)." default:"5s"`
}

// Run continues the paused deployment and waits.
func (c *ContinueCmd) Run(ctx context.Context, a *app) error {
	wf := waitFlags{Wait: c.Wait, WaitUntil: c.WaitUntil, PollInterval: c.PollInterval}
	if c.WaitUntil == "paused" {
		wf.WaitUntil = "deployed"
	}
	p, err := a.waitingProject(ctx, wf)
	if err != nil {
		return err
	}
	if p.cfg.Service == "" {
		return diag.Invalid(fmt.Errorf("%s: no service configured", a.rel(p.cfg.Path)), "set service: in the config")
	}
	ctl, _, err := a.definedController(ctx, p)
	if err != nil {
		return err
	}
	s, err := ctl.Continue(ctx, c.Rollback)
	if err != nil {
		return notFoundHint(err)
	}
	a.noteStarted(s)
	if !c.Wait {
		return view.Write(a.stdout, a.g.Output, view.ContinueResult(s.Result))
	}
	w := a.waitOf(wf, nil)
	w.AcceptPaused = c.WaitUntil == "paused"
	if err := a.follow(ctx, ctl, s, w); err != nil {
		return err
	}
	if s.Stopped != "" {
		a.log.Info("rolled back", "service", p.cfg.Service, "deployment", s.DeploymentID)
	}
	return nil
}
