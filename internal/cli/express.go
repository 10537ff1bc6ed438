package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Express Mode services (config key express_definition, as in ecspresso v2.7+).
// ECS owns their task definitions, load balancer and scaling, so the verbs that
// manage those directly are refused, with the same verb set as ecspresso.

// refuseForWorkload refuses verb (exit 2) when the config declares a kind of
// workload (an Express Mode service, a Managed Daemon) that does not take it; the
// kind says why (deploy.Kind.Refusal). A config that does not load is left for
// the verb itself to report.
func (a *app) refuseForWorkload(ctx context.Context, verb string) error {
	p, err := a.project(ctx)
	if err != nil {
		return nil
	}
	kind, files := p.workload()
	if why := kind.Refusal(verb); why != "" {
		return diag.Invalid(fmt.Errorf("%s does not work with %s (%s is set in %s)", verb, kind.Noun(), files.key(), a.rel(p.cfg.Path)), why)
	}
	return nil
}

// refusedInFleet reports whether verb is refused for this fleet member's kind
// of workload. A refused member is not an error of the fleet run: it is reported
// as "refused" (with the reason on its stderr) and the other members go on.
func (a *app) refusedInFleet(ctx context.Context, verb string) bool {
	err := a.refuseForWorkload(ctx, verb)
	if err == nil {
		return false
	}
	a.log.Warn("refused: "+err.Error(), "hint", diag.Hint(err))
	a.record("", outcomeRefused)
	return true
}

// outcomeRefused is the fleet outcome of a member whose kind does not take the verb.
const outcomeRefused = "refused"

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

// expressFiles reads the express definition (workloads.go).
type expressFiles struct{}

func (expressFiles) declared(p *project) bool { return p.cfg.ExpressDefinition != "" }
func (expressFiles) key() string              { return "express_definition" }

// verified is the task ECS runs for the express definition.
func (expressFiles) verified(ctx context.Context, p *project) (*ecs.RegisterTaskDefinitionInput, error) {
	ex, err := p.expressDefinition(ctx)
	if err != nil {
		return nil, err
	}
	return expressTaskDefinition(ex, p.cfg.Region), nil
}

// revisions is never reached: deregister is refused for an Express Mode service
// (ECS owns its task definitions).
func (expressFiles) revisions(context.Context, *project, ECSAPI) (string, revisionStore, error) {
	return "", nil, diag.Invalid(errors.New("deregister does not work with an Express Mode service"), deploy.KindExpress.Refusal("deregister"))
}

// options fills deploy options for an Express Mode service and refuses the
// flags that manage what ECS owns.
func (expressFiles) options(ctx context.Context, p *project, f deployFlags, o deploy.Options) (deploy.Options, error) {
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

// diff prints how the express definition differs from the live service.
func (expressFiles) diff(ctx context.Context, a *app, p *project, c *DiffCmd) error {
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
