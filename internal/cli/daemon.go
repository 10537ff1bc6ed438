package cli

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Managed Daemons (config key daemon_definition; the config's service names the
// daemon). Verbs that manage what a daemon has not (a desired count, one-off tasks,
// CodeDeploy) are refused.

// daemonDefinition renders and decodes the config's daemon definition.
func (p *project) daemonDefinition(ctx context.Context) (*ecsdef.DaemonDefinition, error) {
	if err := p.cfg.CheckDefinitionFile("daemon_definition"); err != nil {
		return nil, err
	}
	path := p.cfg.DaemonDefinitionPath()
	b, err := p.renderer.RenderFile(ctx, path)
	if err != nil {
		return nil, err
	}
	return ecsdef.DecodeDaemonDefinition(p.rel(path), b)
}

// daemonFiles reads the daemon definition (workloads.go).
type daemonFiles struct{}

func (daemonFiles) declared(p *project) bool { return p.cfg.DaemonDefinition != "" }
func (daemonFiles) key() string              { return "daemon_definition" }

// verified carries the members verify checks over from the daemon task definition.
func (daemonFiles) verified(ctx context.Context, p *project) (*ecs.RegisterTaskDefinitionInput, error) {
	dd, err := p.daemonDefinition(ctx)
	if err != nil {
		return nil, err
	}
	return daemonTaskDefinition(dd.TaskDefinition), nil
}

// revisions are the daemon task definitions of the daemon definition's family;
// deregistering one deletes it (ECS has no other way to retire them).
func (daemonFiles) revisions(ctx context.Context, p *project, client ECSAPI) (string, revisionStore, error) {
	dd, err := p.daemonDefinition(ctx)
	if err != nil {
		return "", nil, err
	}
	return aws.ToString(dd.TaskDefinition.Family), deploy.NewDaemonRevisions(client, p.cfg.Cluster, p.cfg.Service), nil
}

// options fills deploy options for a Managed Daemon.
func (daemonFiles) options(ctx context.Context, p *project, f deployFlags, o deploy.Options) (deploy.Options, error) {
	if f.Tasks >= 0 || o.AutoScaling != nil {
		return o, diag.Invalid(errors.New("--tasks and the auto scaling flags do not apply to a Managed Daemon"), "it runs one task per container instance")
	}
	dd, err := p.daemonDefinition(ctx)
	if err != nil {
		return o, err
	}
	// --image and --tag change the rendered daemon task definition, as they change a
	// service's task definition; --skip-task-definition, --latest-task-definition
	// and --revision pick a registered one instead (the daemon controller).
	if dd.TaskDefinition, err = f.imageFlags.applyDaemon(dd.TaskDefinition); err != nil {
		return o, err
	}
	o.Daemon = dd
	return o, nil
}

// applyDaemon returns td with the --image and --tag overrides applied, by the
// rules of a task definition's (td itself when none was given).
func (f imageFlags) applyDaemon(td *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.RegisterDaemonTaskDefinitionInput, error) {
	if !f.set() || td == nil {
		return td, nil
	}
	shadow := &ecs.RegisterTaskDefinitionInput{Family: td.Family}
	for _, c := range td.ContainerDefinitions {
		shadow.ContainerDefinitions = append(shadow.ContainerDefinitions, types.ContainerDefinition{Name: c.Name, Image: c.Image})
	}
	out, err := f.apply(shadow)
	if err != nil {
		return nil, err
	}
	cp := *td
	cp.ContainerDefinitions = slices.Clone(td.ContainerDefinitions)
	for i := range cp.ContainerDefinitions {
		cp.ContainerDefinitions[i].Image = out.ContainerDefinitions[i].Image
	}
	return &cp, nil
}

// diff prints how the daemon definition differs from the live daemon.
func (daemonFiles) diff(ctx context.Context, a *app, p *project, c *DiffCmd) error {
	local, err := p.daemonDefinition(ctx)
	if err != nil {
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	live, err := deploy.FindDaemon(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	liveName := "(daemon " + p.cfg.Service + " does not exist)"
	var liveDef *ecsdef.DaemonDefinition
	if live != nil {
		liveName, liveDef = aws.ToString(live.Detail.DaemonArn), live.Definition
	}
	d, err := ecsdef.DiffDaemonDefinitions(liveName, liveDef, a.rel(p.cfg.DaemonDefinitionPath()), local)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(a.stdout, d); err != nil {
		return err
	}
	if d != "" && c.ExitCode {
		return diag.WithCode(errors.New("the daemon definition differs from the live daemon"), diag.ExitDiff)
	}
	return nil
}
