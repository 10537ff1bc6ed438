package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// Managed Daemons (config key daemon_definition; the config's service names the
// daemon). Verbs that manage what a daemon has not (a desired count, one-off tasks,
// CodeDeploy) are refused.

var daemonRefused = map[string]string{
	"scale":      "a Managed Daemon runs one task per container instance; change capacityProviderArns instead",
	"run":        "run starts one-off tasks from a task definition; a daemon task definition runs only as the daemon",
	"revisions":  "revisions lists task definitions; a daemon's live revision is shown by 'doppio status'",
	"register":   "deploy registers the daemon task definition when it changed",
	"deregister": "daemon task definitions are not deregistered by doppio yet",
	"appspec":    "a Managed Daemon is not deployed through CodeDeploy",
	"refresh":    "deploy --force-new-deployment starts a new daemon deployment",
	"continue":   "daemon deployments never pause",
	"exec":       "exec works on the tasks of services",
	"tasks":      "tasks lists the tasks of services",
}

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

// daemonOptions fills deploy options for a Managed Daemon.
func (f deployFlags) daemonOptions(ctx context.Context, p *project, o deploy.Options) (deploy.Options, error) {
	switch {
	case f.SkipTaskDefinition || f.LatestTaskDefinition || f.Revision != 0:
		return o, diag.Invalid(errors.New("--skip-task-definition, --latest-task-definition and --revision do not apply to a Managed Daemon"),
			"deploy registers the daemon task definition when it changed; 'doppio rollback' returns to the previous one")
	case f.Tasks >= 0 || o.AutoScaling != nil:
		return o, diag.Invalid(errors.New("--tasks and the auto scaling flags do not apply to a Managed Daemon"), "it runs one task per container instance")
	case f.imageFlags.set():
		return o, diag.Invalid(errors.New("--image and --tag do not apply to a Managed Daemon yet"), "template the image in the daemon definition")
	}
	dd, err := p.daemonDefinition(ctx)
	if err != nil {
		return o, err
	}
	o.Daemon = dd
	return o, nil
}

// diffDaemon prints how the daemon definition differs from the live daemon.
func (c *DiffCmd) diffDaemon(ctx context.Context, a *app, p *project) error {
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

// daemonStatus prints the daemon, its revisions and its latest deployment.
func daemonStatus(ctx context.Context, a *app, p *project) error {
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	live, err := deploy.FindDaemon(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	if live == nil {
		return diag.WithHint(fmt.Errorf("daemon %q not found in cluster %q", p.cfg.Service, p.cfg.Cluster), "'doppio deploy' creates it")
	}
	d := live.Detail
	doc := map[string]any{"daemon": p.cfg.Service, "cluster": p.cfg.Cluster, "daemonArn": aws.ToString(d.DaemonArn), "status": string(d.Status)}
	if live.TaskDef != nil {
		doc["taskDefinition"] = aws.ToString(live.TaskDef.DaemonTaskDefinitionArn)
	}
	var dep map[string]any
	if arn := aws.ToString(d.DeploymentArn); arn != "" {
		out, err := client.DescribeDaemonDeployments(ctx, &ecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{arn}})
		if err != nil {
			return fmt.Errorf("describe daemon deployment: %w", err)
		}
		if len(out.DaemonDeployments) == 1 {
			x := out.DaemonDeployments[0]
			dep = map[string]any{"arn": arn, "status": string(x.Status), "reason": aws.ToString(x.StatusReason)}
			doc["deployment"] = dep
		}
	}
	if a.g.Output == view.JSON {
		return ui.WriteJSON(a.stdout, doc)
	}
	fmt.Fprintf(a.stdout, "Daemon: %s\nCluster: %s\nStatus: %s\n", p.cfg.Service, p.cfg.Cluster, d.Status)
	if live.TaskDef != nil {
		fmt.Fprintf(a.stdout, "DaemonTaskDefinition: %s:%d\n", aws.ToString(live.TaskDef.Family), live.TaskDef.Revision)
	}
	fmt.Fprintln(a.stdout, "Revisions:")
	for _, r := range d.CurrentRevisions {
		fmt.Fprintf(a.stdout, "  %s running=%d without-daemon=%d\n", aws.ToString(r.Arn), r.TotalRunningCount, r.TotalWithoutDaemonCount)
	}
	if dep != nil {
		fmt.Fprintf(a.stdout, "Deployment: %s %s %s\n", dep["status"], dep["arn"], dep["reason"])
	}
	return nil
}

// deleteDaemon deletes the daemon (its tasks stop on every instance).
func (c *DeleteCmd) deleteDaemon(ctx context.Context, a *app, p *project) error {
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	live, err := deploy.FindDaemon(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	if live == nil {
		return diag.WithHint(fmt.Errorf("daemon %q not found in cluster %q", p.cfg.Service, p.cfg.Cluster), "check service and cluster in the config")
	}
	if c.DryRun {
		fmt.Fprintf(a.stdout, "would delete daemon %s\n", aws.ToString(live.Detail.DaemonArn))
		return nil
	}
	if !c.Force {
		if a.ask(fmt.Sprintf("type the daemon name (%s) to delete it: ", p.cfg.Service)) != p.cfg.Service {
			return errors.New("cancelled; the daemon was not deleted")
		}
	}
	if _, err := client.DeleteDaemon(ctx, &ecs.DeleteDaemonInput{DaemonArn: live.Detail.DaemonArn}); err != nil {
		return fmt.Errorf("delete daemon %q: %w", p.cfg.Service, err)
	}
	a.log.Info("daemon deleted", "daemon", p.cfg.Service)
	return nil
}
