package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// expressKind is the Express Mode service's definition file (config key
// express_definition, as in ecspresso v2.7+): what the verbs read of it
// (kinds.go). ECS owns its task definitions, load balancer and scaling, so the
// verbs that manage those directly are refused (expressRefused).
type expressKind struct{}

func (expressKind) Kind() Kind                 { return KindExpress }
func (expressKind) Noun() string               { return "an Express Mode service" }
func (expressKind) Refusal(verb string) string { return expressRefused[verb] }
func (expressKind) Key() string                { return "express_definition" }
func (k expressKind) Declared(src Source) bool { return src.Path(k.Key()) != "" }
func (expressKind) RenderTargets() []string    { return []string{"expressdef", "express-definition"} }
func (expressKind) NoExecuteCommand() bool     { return true }
func (expressKind) Load(ctx context.Context, src Source) (any, error) {
	return expressDefinition(ctx, src)
}

// Resolve leaves the rest to the live service: an Express Mode service is one
// whatever it says (as in ecspresso).
func (expressKind) Resolve(context.Context, ServiceDescriber, string, string) (*Workload, error) {
	return nil, nil
}

func (expressKind) Controller(w *Workload, d ControllerDeps) Controller {
	return &expressController{ecsController: &ecsController{w: w, d: d}, api: d.Kinds}
}

// expressDefinition renders and decodes the config's express definition.
func expressDefinition(ctx context.Context, src Source) (*ecs.CreateExpressGatewayServiceInput, error) {
	rel, b, err := src.render(ctx, expressKind{}.Key())
	if err != nil {
		return nil, err
	}
	return ecsdef.DecodeExpressDefinition(rel, b, ecsdef.ServiceContext{Cluster: src.Cluster, Service: src.Service})
}

// Verified is the task ECS runs for the express definition.
func (expressKind) Verified(ctx context.Context, src Source) (*ecs.RegisterTaskDefinitionInput, error) {
	ex, err := expressDefinition(ctx, src)
	if err != nil {
		return nil, err
	}
	return expressTaskDefinition(ex, src.Region), nil
}

// expressTaskDefinition is the task ECS runs for an express definition: its
// primary container, named Main as ECS names it.
func expressTaskDefinition(ex *ecs.CreateExpressGatewayServiceInput, region string) *ecs.RegisterTaskDefinitionInput {
	td := &ecs.RegisterTaskDefinitionInput{Family: aws.String(aws.ToString(ex.Cluster) + "-" + aws.ToString(ex.ServiceName)),
		ExecutionRoleArn: ex.ExecutionRoleArn, TaskRoleArn: ex.TaskRoleArn}
	if pc := ex.PrimaryContainer; pc != nil {
		c := types.ContainerDefinition{Name: aws.String("Main"), Image: pc.Image, Environment: pc.Environment, Secrets: pc.Secrets, Command: pc.Command}
		if rc := pc.RepositoryCredentials; rc != nil {
			c.RepositoryCredentials = &types.RepositoryCredentials{CredentialsParameter: rc.CredentialsParameter}
		}
		if lc := pc.AwsLogsConfiguration; lc != nil {
			c.LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": aws.ToString(lc.LogGroup), "awslogs-stream-prefix": aws.ToString(lc.LogStreamPrefix), "awslogs-region": region}}
		}
		td.ContainerDefinitions = []types.ContainerDefinition{c}
	}
	return td
}

// Revisions is never reached: deregister is refused for an Express Mode service
// (ECS owns its task definitions).
func (expressKind) Revisions(context.Context, Source, KindAPI) (string, RevisionStore, error) {
	return "", nil, diag.Invalid(errors.New("deregister does not work with an Express Mode service"), expressRefused["deregister"])
}

// Options fills deploy options for an Express Mode service and refuses the
// flags that manage what ECS owns.
func (expressKind) Options(ctx context.Context, src Source, f KindFlags, o Options) (Options, error) {
	switch {
	case o.SkipTaskDefinition || o.LatestTaskDefinition || o.Revision != 0 || o.ForceRegister:
		return o, diag.Invalid(errors.New("--skip-task-definition, --latest-task-definition, --revision and --force-register do not apply to an Express Mode service"),
			"ECS registers its task definitions from the express definition")
	case o.Tasks != nil || o.AutoScaling != nil:
		return o, diag.Invalid(errors.New("--tasks and the auto scaling flags do not apply to an Express Mode service"), "set scalingTarget in the express definition")
	case f.Image:
		return o, diag.Invalid(errors.New("--image and --tag do not apply to an Express Mode service"), "template primaryContainer.image in the express definition (e.g. {{ must_env `IMAGE` }})")
	}
	ex, err := expressDefinition(ctx, src)
	if err != nil {
		return o, err
	}
	o.Express = ex
	return o, nil
}

// Diff is how the express definition differs from the live service.
func (k expressKind) Diff(ctx context.Context, src Source, connect func(context.Context) (KindAPI, error)) (*DefinitionDiff, error) {
	local, err := expressDefinition(ctx, src)
	if err != nil {
		return nil, err
	}
	api, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	svc, err := LiveService(ctx, api, src.Cluster, src.Service)
	if err != nil {
		return nil, err
	}
	liveName := "(service " + src.Service + " does not exist)"
	var live *ecs.CreateExpressGatewayServiceInput
	if svc != nil {
		if !IsExpress(svc) {
			return nil, diag.Invalid(fmt.Errorf("service %s is not an Express Mode service", src.Service), "remove express_definition from the config to manage it as an ordinary service")
		}
		x, err := ExpressServiceOf(ctx, api, svc)
		if err != nil {
			return nil, err
		}
		liveName, live = aws.ToString(svc.ServiceArn), ecsdef.LiveExpressDefinition(x, svc.Tags)
	}
	d, err := ecsdef.DiffExpressDefinitions(liveName, live, src.Rel(src.Path(k.Key())), local)
	if err != nil {
		return nil, err
	}
	return &DefinitionDiff{Text: d, Differs: "the express definition differs from the live service"}, nil
}

// Import writes a live Express Mode service as an express definition
// (serviceName and cluster left out: the config names them), unless
// --no-express asks for service and task definitions.
func (k expressKind) Import(ctx context.Context, api KindAPI, r ImportRequest) (*Imported, error) {
	svc := r.Service
	if svc == nil {
		return nil, nil
	}
	if !IsExpress(svc) {
		if r.Flags.Express != nil && *r.Flags.Express {
			return nil, diag.Invalid(fmt.Errorf("service %q is not an Express Mode service", aws.ToString(svc.ServiceName)), "drop --express")
		}
		return nil, nil
	}
	if r.Flags.Express != nil && !*r.Flags.Express {
		return nil, nil
	}
	x, err := ExpressServiceOf(ctx, api, svc)
	if err != nil {
		return nil, err
	}
	ex := ecsdef.LiveExpressDefinition(x, svc.Tags)
	if ex == nil {
		return nil, fmt.Errorf("express gateway service %s has no active configuration", aws.ToString(svc.ServiceName))
	}
	ex.ServiceName, ex.Cluster = nil, nil
	return &Imported{Key: k.Key(), Service: aws.ToString(svc.ServiceName), Path: r.Flags.ExpressDefinitionPath, Definition: ex}, nil
}
