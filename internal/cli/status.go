package cli

import (
	"context"
	"errors"
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

// Run describes the workload once and prints it: options → resolve → controller
// → view.
func (c *StatusCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	_, st, err := a.liveStatus(ctx, p)
	if err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, view.StatusOf(p.cfg.Cluster, st, c.Events))
}

// notFoundHint adds the hint of a workload that does not exist.
func notFoundHint(err error) error {
	if nf := (*deploy.NotFoundError)(nil); errors.As(err, &nf) {
		return diag.WithHint(err, "check service and cluster in the config (and the region); 'doppio deploy' creates it")
	}
	return err
}
