package cli

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/config"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/plugin"
	"github.com/doppio-ecs/doppio/internal/render"
)

// project is a loaded config with its renderer and the shared, lazily built AWS
// config. Definitions are rendered at most once per command.
type project struct {
	cfg      *config.Config
	renderer *render.Renderer
	aws      *awsclient.Lazy
	// clients is the project's AWS client factory (clients.go).
	clients Clients
	rel     func(string) string

	td *ecs.RegisterTaskDefinitionInput
	sd *ecs.CreateServiceInput

	// shared is the fleet's shared state (nil for one config).
	shared *fleet.Shared

	// protect records the secret values of a rendered task definition (--redact-env).
	protect func(local, live *ecs.RegisterTaskDefinitionInput)
}

// project loads the config file and sets up templates and plugins (lazily: plugins
// make no AWS call until a template uses them).
func (a *app) project(ctx context.Context) (*project, error) {
	if a.proj != nil {
		return a.proj, nil
	}
	cfgPath := a.configPath
	if cfgPath == "" && len(a.g.Config) == 1 {
		cfgPath = a.g.Config[0] // Main expands --config; callers that skip it give one path
	}
	path, err := config.Find(a.env.Dir, cfgPath)
	if err != nil {
		return nil, err
	}
	opts := render.Options{ExtStr: a.g.ExtStr, ExtCode: a.g.ExtCode, Getenv: a.getenv, Secrets: a.secrets}
	base, err := render.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(ctx, path, base, config.Options{
		Version: a.version(),
		Getenv:  a.getenv,
		Warn:    func(m string) { a.log.Warn(m) },
		Rel:     a.rel,
	})
	if err != nil {
		return nil, err
	}
	lazy := a.awsLazy(cfg)
	clients := a.clientsFor(lazy)
	specs := make([]plugin.Spec, 0, len(cfg.Plugins))
	for _, p := range cfg.Plugins {
		specs = append(specs, plugin.Spec{Name: p.Name, Config: p.Config, FuncPrefix: p.FuncPrefix})
	}
	funcs, err := plugin.Functions(ctx, specs, plugin.Deps{
		BaseDir:    cfg.Dir,
		WorkDir:    a.env.Dir,
		AWS:        lazy.Get,
		Getenv:     a.getenv,
		HTTPClient: http.DefaultClient,
		Warn:       func(m string) { a.log.Warn(a.rel(path) + ": " + m) },
		Clients:    clients.Plugins(),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: set up plugins: %w", a.rel(path), err)
	}
	opts.Functions = funcs
	r, err := render.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	a.proj = &project{cfg: cfg, renderer: r, aws: lazy, clients: clients, rel: a.rel, protect: a.protectLive, shared: a.shared}
	return a.proj, nil
}

// rel shortens an absolute path to one relative to the working directory, for
// messages.
func (a *app) rel(p string) string {
	if r, err := filepath.Rel(a.env.Dir, p); err == nil && !filepath.IsAbs(r) && len(r) < len(p) {
		return r
	}
	return p
}

// taskDefinition renders and decodes the config's task definition.
func (p *project) taskDefinition(ctx context.Context) (*ecs.RegisterTaskDefinitionInput, error) {
	if p.td != nil {
		return p.td, nil
	}
	path := p.cfg.TaskDefinitionPath()
	if path == "" {
		return nil, &diag.Error{File: p.rel(p.cfg.Path), Field: "task_definition", Err: fmt.Errorf("task_definition is not set"),
			Hint: "add task_definition: ecs-task-def.json to the config", Code: diag.ExitUsage}
	}
	if err := p.cfg.CheckDefinitionFile("task_definition"); err != nil {
		return nil, err
	}
	b, err := p.renderer.RenderFile(ctx, path)
	if err != nil {
		return nil, err
	}
	td, err := ecsdef.DecodeTaskDefinition(p.rel(path), b)
	if err != nil {
		return nil, err
	}
	if p.protect != nil {
		p.protect(td, nil)
	}
	p.td = td
	return td, nil
}

// optionalServiceDefinition is the rendered service definition, or nil when the
// config names none.
func (p *project) optionalServiceDefinition(ctx context.Context) (*ecs.CreateServiceInput, error) {
	if p.cfg.ServiceDefinition == "" {
		return nil, nil
	}
	return p.serviceDefinition(ctx)
}

// existingService is the project's live service and the client that described it;
// a service that does not exist is an error.
func (a *app) existingService(ctx context.Context, p *project) (ECSAPI, *types.Service, error) {
	if err := a.requireService(p); err != nil {
		return nil, nil, err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return nil, nil, err
	}
	svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return nil, nil, err
	}
	if svc == nil {
		return nil, nil, errServiceNotFound(p.cfg)
	}
	return client, svc, nil
}

// serviceDefinition renders and decodes the config's service definition, with the
// cluster and service name taken from the config.
func (p *project) serviceDefinition(ctx context.Context) (*ecs.CreateServiceInput, error) {
	if p.sd != nil {
		return p.sd, nil
	}
	path := p.cfg.ServiceDefinitionPath()
	if path == "" {
		return nil, &diag.Error{File: p.rel(p.cfg.Path), Field: "service_definition", Err: fmt.Errorf("service_definition is not set"),
			Hint: "add service_definition: ecs-service-def.json to the config", Code: diag.ExitUsage}
	}
	if err := p.cfg.CheckDefinitionFile("service_definition"); err != nil {
		return nil, err
	}
	b, err := p.renderer.RenderFile(ctx, path)
	if err != nil {
		return nil, err
	}
	sd, err := ecsdef.DecodeServiceDefinitionFor(p.rel(path), b, ecsdef.ServiceContext{Cluster: p.cfg.Cluster, Service: p.cfg.Service})
	if err != nil {
		return nil, err
	}
	p.sd = sd
	return sd, nil
}

// requireService is the one check that a verb working on a service has one: a
// task-only project (no service in the config) exits 2 with a hint.
func (a *app) requireService(p *project) error {
	if p.cfg.Service != "" {
		return nil
	}
	return diag.Invalid(fmt.Errorf("%s: no service configured", a.rel(p.cfg.Path)),
		"set service: in the config; task-only projects use 'doppio register', 'doppio revisions' and 'doppio deregister'")
}

// errServiceNotFound is the one "service not found" error: exit 1 everywhere, since
// the config is valid and the account simply has no such service.
func errServiceNotFound(cfg *config.Config) error {
	return diag.WithHint(fmt.Errorf("service %q not found in cluster %q", cfg.Service, cfg.Cluster),
		"check service and cluster in the config (and the region); 'doppio deploy' creates it")
}
