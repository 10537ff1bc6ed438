package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
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
	if handled, err := a.continueCodeDeploy(ctx, p, c); handled { // codedeploy_continue.go
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	res, err := deploy.Continue(ctx, client, p.cfg.Cluster, p.cfg.Service, c.Rollback, time.Now)
	if err != nil {
		return err
	}
	a.log.Info(fmt.Sprintf("sent %s for lifecycle hook %s at %s", res.Action, res.HookID, res.Stage), "service", p.cfg.Service, "deployment", res.DeploymentID)
	if !c.Wait {
		return view.Write(a.stdout, a.g.Output, view.Continued{Continued: res})
	}
	return a.follow(ctx, client, followRequest{
		cluster: p.cfg.Cluster, service: p.cfg.Service, deploymentID: res.DeploymentID, taskDefinition: res.TaskDefinition,
		until: wf.until(),
		bg: bgFollow{continuedHook: res.HookID, deploymentARN: res.ServiceDeploymentARN,
			acceptPaused: c.WaitUntil == "paused", rollback: c.Rollback},
	})
}
