package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// waitFlags are shared by every verb that waits for a deployment.
type waitFlags struct {
	Wait         bool          `help:"Wait for the deployment to finish." negatable:"" default:"true"`
	WaitUntil    string        `help:"deployed: our deployment completed; stable: also a single deployment with running == desired; ecs:<STAGE>: a blue/green lifecycle stage reached; codedeploy:<Event>: a CodeDeploy lifecycle event succeeded." default:"deployed"`
	WaitOnPause  bool          `help:"Keep waiting at a PAUSE lifecycle hook (showing its expiry) instead of exiting 6."`
	PollInterval time.Duration `help:"Time between status polls (at most 5s)." default:"5s"`
}

// Validate checks the wait flags (kong calls it after parsing).
func (w waitFlags) Validate() error {
	if w.PollInterval <= 0 || w.PollInterval > 5*time.Second {
		return diag.Invalid(fmt.Errorf("--poll-interval %s: must be above 0 and at most 5s", w.PollInterval), "")
	}
	return w.validateUntil() // bluegreen.go
}

// waitingProject validates the wait flags and loads the project: the common start
// of every verb that waits.
func (a *app) waitingProject(ctx context.Context, w waitFlags) (*project, error) {
	return a.project(ctx)
}

// ci reports whether progress must be append-only lines (CI, or not a terminal).
func (a *app) ci() bool {
	return a.env.Vars["CI"] == "true" || !a.env.IsTerminal
}

// WaitCmd follows the service's current deployment.
type WaitCmd struct {
	waitFlags
}

// Run waits for the deployment in flight.
func (c *WaitCmd) Run(ctx context.Context, a *app) error {
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	ctl, err := a.serviceController(ctx, p)
	if err != nil {
		return err
	}
	s, err := ctl.InFlight(ctx)
	if err != nil || s == nil {
		return notFoundHint(err)
	}
	return a.follow(ctx, ctl, s, a.waitOf(c.waitFlags, nil))
}

// containerExits formats container exit codes as "web exit 1, sidecar exit 0".
func containerExits(cs []watch.ContainerExit) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		switch {
		case c.ExitCode != nil:
			parts = append(parts, fmt.Sprintf("%s exit %d", c.Name, *c.ExitCode))
		case c.Reason != "":
			parts = append(parts, fmt.Sprintf("%s (%s)", c.Name, c.Reason))
		default:
			parts = append(parts, c.Name+" (no exit code)")
		}
	}
	return strings.Join(parts, ", ")
}
