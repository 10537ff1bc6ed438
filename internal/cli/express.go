package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Express Mode services (config key express_definition, as in ecspresso v2.7+).
// ECS owns their task definitions, load balancer and scaling, so the verbs that
// manage those directly are refused, with the same verb set as ecspresso.

// expressRefused says why a verb does not work on an Express Mode service.
var expressRefused = map[string]string{
	"scale":      "ECS scales an Express Mode service itself; change scalingTarget in the express definition and deploy",
	"run":        "an Express Mode service has no task definition of its own to run; ECS registers it",
	"revisions":  "ECS registers and owns an Express Mode service's task definitions",
	"register":   "ECS registers an Express Mode service's task definitions; deploy the express definition instead",
	"deregister": "ECS registers and owns an Express Mode service's task definitions",
	"appspec":    "an Express Mode service is not deployed through CodeDeploy",
}

// refuseForWorkload refuses verb (exit 2) when the project is an Express Mode
// service or a Managed Daemon and the verb manages what that workload has not (the
// reasons are expressRefused and daemonRefused). A config that does not load is
// left for the verb itself to report.
func (a *app) refuseForWorkload(ctx context.Context, verb string) error {
	_, express := expressRefused[verb]
	_, daemon := daemonRefused[verb]
	if !express && !daemon {
		return nil
	}
	p, err := a.project(ctx)
	if err != nil {
		return nil
	}
	switch {
	case express && p.cfg.ExpressDefinition != "":
		return diag.Invalid(fmt.Errorf("%s does not work with an Express Mode service (express_definition is set in %s)", verb, a.rel(p.cfg.Path)), expressRefused[verb])
	case daemon && p.cfg.DaemonDefinition != "":
		return diag.Invalid(fmt.Errorf("%s does not work with a Managed Daemon (daemon_definition is set in %s)", verb, a.rel(p.cfg.Path)), daemonRefused[verb])
	}
	return nil
}

// expressDefinition renders and decodes the config's express definition.
func (p *project) expressDefinition(ctx context.Context) (*ecs.CreateExpressGatewayServiceInput, error) {
	if err := p.cfg.CheckDefinitionFile("express_definition"); err != nil {
		return nil, err
	}
	path := p.cfg.ExpressDefinitionPath()
	b, err := p.renderer.RenderFile(ctx, path)
	if err != nil {
		return nil, err
	}
	return ecsdef.DecodeExpressDefinition(p.rel(path), b, ecsdef.ServiceContext{Cluster: p.cfg.Cluster, Service: p.cfg.Service})
}

// expressOptions fills deploy options for an Express Mode service and refuses the
// flags that manage what ECS owns.
func (f deployFlags) expressOptions(ctx context.Context, p *project, o deploy.Options) (deploy.Options, error) {
	switch {
	case f.SkipTaskDefinition || f.LatestTaskDefinition || f.Revision != 0 || f.ForceRegister:
		return o, diag.Invalid(errors.New("--skip-task-definition, --latest-task-definition, --revision and --force-register do not apply to an Express Mode service"),
			"ECS registers its task definitions from the express definition")
	case f.Tasks >= 0 || o.AutoScaling != nil:
		return o, diag.Invalid(errors.New("--tasks and the auto scaling flags do not apply to an Express Mode service"), "set scalingTarget in the express definition")
	case f.imageFlags.set():
		return o, diag.Invalid(errors.New("--image and --tag do not apply to an Express Mode service"), "template primaryContainer.image in the express definition (e.g. {{ must_env `IMAGE` }})")
	}
	ex, err := p.expressDefinition(ctx)
	if err != nil {
		return o, err
	}
	o.Express = ex
	return o, nil
}

// diffExpress prints how the express definition differs from the live service.
func (c *DiffCmd) diffExpress(ctx context.Context, a *app, p *project) error {
	local, err := p.expressDefinition(ctx)
	if err != nil {
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	liveName := "(service " + p.cfg.Service + " does not exist)"
	var live *ecs.CreateExpressGatewayServiceInput
	if svc != nil {
		if !deploy.IsExpress(svc) {
			return diag.Invalid(fmt.Errorf("service %s is not an Express Mode service", p.cfg.Service), "remove express_definition from the config to manage it as an ordinary service")
		}
		x, err := deploy.ExpressServiceOf(ctx, client, svc)
		if err != nil {
			return err
		}
		liveName, live = aws.ToString(svc.ServiceArn), ecsdef.LiveExpressDefinition(x, svc.Tags)
	}
	d, err := ecsdef.DiffExpressDefinitions(liveName, live, a.rel(p.cfg.ExpressDefinitionPath()), local)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(a.stdout, d); err != nil {
		return err
	}
	if d != "" && c.ExitCode {
		return diag.WithCode(errors.New("the express definition differs from the live service"), diag.ExitDiff)
	}
	return nil
}

// deleteExpress deletes an Express Mode service with its managed resources.
func (c *DeleteCmd) deleteExpress(ctx context.Context, a *app, p *project, client ECSAPI, svc *types.Service) error {
	if !c.Force {
		if a.ask(fmt.Sprintf("type the service name (%s) to delete it with its load balancer: ", p.cfg.Service)) != p.cfg.Service {
			return errors.New("cancelled; the service was not deleted")
		}
	}
	if _, err := client.DeleteExpressGatewayService(ctx, &ecs.DeleteExpressGatewayServiceInput{ServiceArn: svc.ServiceArn}); err != nil {
		return fmt.Errorf("delete express gateway service %q: %w", p.cfg.Service, err)
	}
	a.log.Info("express gateway service deleted", "service", p.cfg.Service)
	return nil
}

// expressStatus prints ecspresso's Express section of status: the status and the
// ingress paths.
func expressStatus(ctx context.Context, a *app, client ECSAPI, svc *types.Service) error {
	x, err := deploy.ExpressServiceOf(ctx, client, svc)
	if err != nil {
		return err
	}
	if a.g.Output == view.JSON {
		return nil
	}
	code, reason := "", ""
	if x.Status != nil {
		code, reason = string(x.Status.StatusCode), aws.ToString(x.Status.StatusReason)
	}
	fmt.Fprintf(a.stdout, "Express:\n  Status: %s %s\n  IngressPaths:\n", code, reason)
	for _, ac := range x.ActiveConfigurations {
		for _, ip := range ac.IngressPaths {
			fmt.Fprintf(a.stdout, "    %s %s\n", ip.AccessType, aws.ToString(ip.Endpoint))
		}
	}
	return nil
}
