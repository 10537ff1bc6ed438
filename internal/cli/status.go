package cli

import (
	"context"
	"fmt"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// StatusCmd shows the service, its deployments and its recent events.
type StatusCmd struct {
	Events int `help:"Number of recent events to show (0: none)." default:"10"`
}

// Validate checks the flags before anything is loaded or called.
func (c *StatusCmd) Validate() error {
	if c.Events < 0 {
		return diag.Invalid(fmt.Errorf("--events %d: must be 0 or more", c.Events), "")
	}
	return nil
}

// Run describes the service once and prints it.
func (c *StatusCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	if p.cfg.DaemonDefinition != "" {
		return daemonStatus(ctx, a, p) // daemon.go
	}
	client, svc, err := a.existingService(ctx, p)
	if err != nil {
		return err
	}
	if err := view.Write(a.stdout, a.g.Output, view.NewStatus(p.cfg.Cluster, svc, c.Events)); err != nil || !deploy.IsExpress(svc) {
		return err
	}
	return expressStatus(ctx, a, client, svc) // express.go
}
