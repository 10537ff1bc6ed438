package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/goccy/go-yaml"
	"github.com/google/go-jsonnet/formatter"
)

// RenderCmd prints fully rendered documents, as doppio would send them to AWS.
type RenderCmd struct {
	Targets     []string `arg:"" enum:"config,servicedef,service-definition,taskdef,task-definition,${kind_render_targets}" help:"What to render, in order: config, servicedef (service-definition), taskdef (task-definition)${kind_render_help}."`
	Jsonnet     bool     `help:"Print in Jsonnet format instead of JSON (config: instead of YAML)."`
	ShowSecrets bool     `help:"Print SecureString values instead of a placeholder."`
}

// Run renders each target to stdout.
func (c *RenderCmd) Run(ctx context.Context, a *app) error {
	if c.ShowSecrets {
		a.secrets.Show()
	}
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	for _, t := range c.Targets {
		var out []byte
		switch t {
		case "config":
			out, err = c.config(a, p)
		case "servicedef", "service-definition":
			var sd *ecs.CreateServiceInput
			if sd, err = p.serviceDefinition(ctx); err == nil {
				out, err = c.definition(withServiceName(sd, p.cfg.Service))
			}
		case "taskdef", "task-definition":
			var td any
			if td, err = p.taskDefinition(ctx); err == nil {
				out, err = c.definition(td)
			}
		default: // a kind's definition file (deploy.DefinedKind)
			if k := deploy.ByRenderTarget(t); k != nil {
				var v any
				if v, err = k.Load(ctx, p.kindSource()); err == nil {
					out, err = c.definition(v)
				}
			}
		}
		if err != nil {
			return err
		}
		if _, err := a.stdout.Write(out); err != nil {
			return err
		}
	}
	return nil
}

func (c *RenderCmd) definition(v any) ([]byte, error) {
	b, err := ecsdef.Marshal(v)
	if err != nil {
		return nil, err
	}
	if c.Jsonnet {
		return toJsonnet(b)
	}
	return b, nil
}

// config prints the effective configuration (defaults included) as ecspresso does:
// YAML, or with --jsonnet the indented JSON in Jsonnet style.
func (c *RenderCmd) config(a *app, p *project) ([]byte, error) {
	eff := p.cfg.Effective(configBase(a), a.timeout)
	if c.Jsonnet {
		b, err := json.MarshalIndent(eff, "", "  ")
		if err != nil {
			return nil, err
		}
		return toJsonnet(b)
	}
	y, err := yaml.MarshalWithOptions(eff, yaml.UseJSONMarshaler())
	if err != nil {
		return nil, fmt.Errorf("format config as YAML: %w", err)
	}
	return y, nil
}

// configBase is the config file's directory as ecspresso shows it in render config:
// absolute when --config is, otherwise relative to the working directory.
func configBase(a *app) string {
	dir := a.proj.cfg.Dir
	if filepath.IsAbs(a.configPath) {
		return dir
	}
	if r, err := filepath.Rel(a.env.Dir, dir); err == nil {
		return r
	}
	return dir
}

// withServiceName returns the service definition as it will be sent: serviceName is
// the config's service, as in ecspresso (an empty service prints as ""; a file that
// names another service was refused when it was loaded).
func withServiceName(sd *ecs.CreateServiceInput, service string) *ecs.CreateServiceInput {
	out := *sd
	out.ServiceName = aws.String(service)
	return &out
}

// toJsonnet formats JSON in Jsonnet style (unquoted keys where possible).
func toJsonnet(b []byte) ([]byte, error) {
	s, err := formatter.Format("render.jsonnet", string(b), formatter.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("format as Jsonnet: %w", err)
	}
	return bytes.TrimLeft([]byte(s), "\n"), nil
}
