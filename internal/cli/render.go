package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/goccy/go-yaml"
	"github.com/google/go-jsonnet/formatter"
)

// RenderCmd prints fully rendered documents, as doppio would send them to AWS.
type RenderCmd struct {
	Targets     []string `arg:"" enum:"config,servicedef,service-definition,taskdef,task-definition" help:"What to render, in order: config, servicedef (service-definition), taskdef (task-definition)."`
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
			out, err = c.config(p)
		case "servicedef", "service-definition":
			var sd any
			if sd, err = p.serviceDefinition(ctx); err == nil {
				out, err = c.definition(sd)
			}
		case "taskdef", "task-definition":
			var td any
			if td, err = p.taskDefinition(ctx); err == nil {
				out, err = c.definition(td)
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

func (c *RenderCmd) config(p *project) ([]byte, error) {
	b, err := json.Marshal(p.cfg)
	if err != nil {
		return nil, err
	}
	if c.Jsonnet {
		return toJsonnet(b)
	}
	y, err := yaml.JSONToYAML(b)
	if err != nil {
		return nil, fmt.Errorf("format config as YAML: %w", err)
	}
	return y, nil
}

// toJsonnet formats JSON in Jsonnet style (unquoted keys where possible).
func toJsonnet(b []byte) ([]byte, error) {
	s, err := formatter.Format("render.jsonnet", string(b), formatter.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("format as Jsonnet: %w", err)
	}
	return bytes.TrimLeft([]byte(s), "\n"), nil
}
