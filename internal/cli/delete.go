package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// DeleteCmd deletes the service after showing its status and, unless --force, asking
// the user to type its name.
type DeleteCmd struct {
	Force     bool `help:"Do not ask for confirmation."`
	Terminate bool `help:"Delete even if tasks run (DeleteService force): ECS stops them."`
	DryRun    bool `help:"Show the service and stop."`
}

// Run shows, confirms and deletes.
func (c *DeleteCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	if p.cfg.DaemonDefinition != "" {
		return c.deleteDaemon(ctx, a, p) // daemon.go
	}
	client, svc, err := a.existingService(ctx, p)
	if err != nil {
		return err
	}
	status := view.NewStatus(p.cfg.Cluster, svc, 3)
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, status)
	}
	if err := view.Write(a.stderr, view.Text, status); err != nil {
		return err
	}
	if deploy.IsExpress(svc) {
		return c.deleteExpress(ctx, a, p, client, svc) // express.go
	}
	// ECS refuses DeleteService without force while the desired count is above 0.
	if svc.DesiredCount > 0 && !c.Terminate && svc.SchedulingStrategy != types.SchedulingStrategyDaemon {
		return diag.WithHint(fmt.Errorf("service %q still wants %d task(s); ECS deletes it only at 0", p.cfg.Service, svc.DesiredCount),
			"scale it to 0 first ('doppio scale --tasks 0'), or pass --terminate to stop its tasks")
	}
	if !c.Force {
		if a.ask(fmt.Sprintf("type the service name (%s) to delete it: ", p.cfg.Service)) != p.cfg.Service {
			return errors.New("cancelled; the service was not deleted")
		}
	}
	out, err := client.DeleteService(ctx, &ecs.DeleteServiceInput{
		Cluster: aws.String(p.cfg.Cluster), Service: aws.String(p.cfg.Service), Force: aws.Bool(c.Terminate),
	})
	if err != nil {
		return diag.WithHint(fmt.Errorf("delete service %q: %w", p.cfg.Service, err), "scale it to 0 first ('doppio scale --tasks 0'), or pass --terminate")
	}
	a.log.Info("deleted service; ECS drains it in the background", "service", p.cfg.Service, "status", aws.ToString(out.Service.Status))
	return view.Write(a.stdout, a.g.Output, view.Deleted{Cluster: p.cfg.Cluster, Service: p.cfg.Service,
		ServiceARN: aws.ToString(out.Service.ServiceArn), Status: aws.ToString(out.Service.Status)})
}
