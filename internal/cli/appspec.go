package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// AppspecCmd prints the CodeDeploy AppSpec a deploy would send, as YAML on stdout.
type AppspecCmd struct {
	TaskDefinition string `help:"latest (the family's newest ACTIVE revision), current (the service's) or a task definition ARN." default:"latest"`
	UpdateService  bool   `help:"Take load balancer, network and capacity provider settings from the local service definition (else from the live service)." negatable:"" default:"true"`
}

// Run builds and prints the AppSpec.
func (c *AppspecCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if p.cfg.Service == "" {
		return diag.Invalid(fmt.Errorf("%s: no service configured", a.rel(p.cfg.Path)), "set service: in the config")
	}
	var sd *ecs.CreateServiceInput
	if c.UpdateService && p.cfg.ServiceDefinition != "" {
		if sd, err = p.serviceDefinition(ctx); err != nil {
			return err
		}
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	// The AppSpec is for a deployment of the service, so the service must exist
	// (one message and exit code for a missing service, as every verb has).
	ds, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(p.cfg.Cluster), Services: []string{p.cfg.Service}})
	if err != nil {
		return fmt.Errorf("describe service %q: %w", p.cfg.Service, err)
	}
	if len(ds.Services) == 0 || aws.ToString(ds.Services[0].Status) == "INACTIVE" {
		return errServiceNotFound(p.cfg)
	}
	liveTD := aws.ToString(ds.Services[0].TaskDefinition)
	if sd == nil {
		sd = ecsdef.ServiceDefinitionFromLive(&ds.Services[0])
	}
	taskDef := c.TaskDefinition
	switch taskDef {
	case "current":
		taskDef = liveTD
	case "latest":
		family := ""
		if p.cfg.TaskDefinition != "" {
			td, err := p.taskDefinition(ctx)
			if err != nil {
				return err
			}
			family = aws.ToString(td.Family)
		} else if liveTD != "" {
			family, _, _ = ecsdef.ParseTaskDefinitionRef(liveTD)
		}
		if family == "" {
			return diag.Invalid(fmt.Errorf("--task-definition latest: no task definition family (no task_definition in the config)"), "pass --task-definition current or an ARN")
		}
		out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if err != nil {
			return fmt.Errorf("describe task definition %q: %w", family, err)
		}
		taskDef = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	default:
		if _, _, ok := ecsdef.ParseTaskDefinitionRef(taskDef); !ok {
			return diag.Invalid(fmt.Errorf("--task-definition %q: want latest, current or a task definition ARN (family:revision)", taskDef), "")
		}
	}
	spec, err := deploy.BuildAppSpec(taskDef, sd, p.cfg.AppSpec)
	if err != nil {
		return err
	}
	b, err := spec.YAML()
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	return err
}
