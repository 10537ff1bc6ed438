package cli

import (
	"context"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
)

// DeleteCmd deletes the service after showing its status and, unless --force, asking
// the user to type its name.
type DeleteCmd struct {
	Force     bool `help:"Do not ask for confirmation."`
	Terminate bool `help:"Delete even if tasks run (DeleteService force): ECS stops them."`
	DryRun    bool `help:"Show the service and stop."`
}

// Run shows, confirms and deletes: options → resolve → controller → view.
func (c *DeleteCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	ctl, st, err := a.liveStatus(ctx, p)
	if err != nil {
		return err
	}
	preview := view.DeletePreview(p.cfg.Cluster, st)
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, preview)
	}
	if err := view.Write(a.stderr, view.Text, preview); err != nil {
		return err
	}
	o := deploy.DeleteOptions{Terminate: c.Terminate}
	if !c.Force {
		o.Confirm = func(prompt, name string) bool { return a.ask(prompt) == name }
	}
	d, err := ctl.Delete(ctx, st, o)
	if err != nil {
		return err
	}
	a.log.Info(d.Note, d.NoteAttrs...)
	if d.ServiceARN == "" {
		return nil
	}
	return view.Write(a.stdout, a.g.Output, view.Deleted{Cluster: p.cfg.Cluster, Service: p.cfg.Service, ServiceARN: d.ServiceARN, Status: d.Status})
}
