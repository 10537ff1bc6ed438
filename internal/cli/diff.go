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
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// DiffCmd prints how the local definitions differ from the live service and its task
// definition, normalising both sides with the rules deploy uses to decide what to
// change.
type DiffCmd struct {
	Unified  bool `help:"Print unified diffs (hunks with context); --no-unified prints both whole documents with every line marked, as ecspresso does." negatable:"" default:"true"`
	ExitCode bool `help:"Exit with code 3 when there are differences (for CI gates)."`
}

// Run prints the service diff, then the task definition diff.
func (c *DiffCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if k := p.workload(); k != nil {
		return a.kindDiff(ctx, p, k, c) // workloads.go
	}
	// Render and decode both local files before any AWS call.
	var localSD *ecs.CreateServiceInput
	if p.cfg.Service != "" && p.cfg.ServiceDefinition != "" {
		if localSD, err = p.serviceDefinition(ctx); err != nil {
			return err
		}
	}
	var localTD *ecs.RegisterTaskDefinitionInput
	if p.cfg.TaskDefinition != "" {
		if localTD, err = p.taskDefinition(ctx); err != nil {
			return err
		}
	}
	if localSD == nil && localTD == nil {
		return diag.Invalid(fmt.Errorf("%s: neither service_definition nor task_definition is set", a.rel(p.cfg.Path)), "set them in the config (doppio init writes both)")
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	var svc *types.Service
	if p.cfg.Service != "" {
		if svc, err = liveService(ctx, client, p.cfg.Cluster, p.cfg.Service); err != nil {
			return err
		}
	}
	var sdDiff, tdDiff string
	if localSD != nil {
		liveName := "(service " + p.cfg.Service + " does not exist)"
		var liveSD *ecs.CreateServiceInput
		if svc != nil {
			liveName = aws.ToString(svc.ServiceArn)
			liveSD = ecsdef.ServiceDefinitionFromLive(svc)
		}
		var ignore []string
		if p.cfg.Ignore != nil {
			ignore = p.cfg.Ignore.Tags
		}
		liveSD, localSD = tagsForDiff(liveSD, localSD, ignore)
		if sdDiff, err = ecsdef.DiffServiceDefinitions(liveName, liveSD, a.rel(p.cfg.ServiceDefinitionPath()), localSD, c.format()...); err != nil {
			return fmt.Errorf("diff service definition: %w", err)
		}
	}
	if localTD != nil {
		liveTD, liveName, err := liveTaskDefinition(ctx, client, svc, aws.ToString(localTD.Family))
		if err != nil {
			return err
		}
		a.protectLive(localTD, liveTD)
		if tdDiff, err = ecsdef.DiffTaskDefinitions(liveName, liveTD, a.rel(p.cfg.TaskDefinitionPath()), localTD, c.format()...); err != nil {
			return fmt.Errorf("diff task definition: %w", err)
		}
	}
	d := view.NewDiff(sdDiff, tdDiff, a.color)
	if !d.Differences {
		a.log.Info("no differences")
	}
	if err := view.Write(a.stdout, a.g.Output, d); err != nil {
		return err
	}
	if d.Differences && c.ExitCode {
		return silentExit(diag.ExitDiff)
	}
	return nil
}

func (c *DiffCmd) format() []ecsdef.DiffOption {
	if c.Unified {
		return nil
	}
	return []ecsdef.DiffOption{ecsdef.WholeDocuments}
}

// ecsDescriber is what diff, init and status read.
type ecsDescriber interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// liveService is deploy.LiveService, the one live-service lookup.
func liveService(ctx context.Context, client ecsDescriber, cluster, service string) (*types.Service, error) {
	return deploy.LiveService(ctx, client, cluster, service)
}

// liveTaskDefinition is what deploy compares the local task definition with: the
// service's current revision, or without a service the family's newest ACTIVE one.
// It returns nil when there is none.
func liveTaskDefinition(ctx context.Context, client ecsDescriber, svc *types.Service, family string) (*ecs.RegisterTaskDefinitionInput, string, error) {
	ref := family
	if svc != nil && aws.ToString(svc.TaskDefinition) != "" {
		ref = aws.ToString(svc.TaskDefinition)
	}
	if ref == "" {
		return nil, "(no task definition)", nil
	}
	out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(ref), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		var ce *types.ClientException
		if svc == nil && errors.As(err, &ce) {
			return nil, "(family " + family + " has no revision)", nil
		}
		return nil, "", fmt.Errorf("describe task definition %s: %w", ref, err)
	}
	return ecsdef.TaskDefinitionFromLive(out.TaskDefinition, out.Tags), aws.ToString(out.TaskDefinition.TaskDefinitionArn), nil
}

// tagsForDiff applies deploy's tag rules to copies of both sides: a file without tags
// does not manage them, ignored keys and aws: tags are left alone.
func tagsForDiff(live, local *ecs.CreateServiceInput, ignore []string) (*ecs.CreateServiceInput, *ecs.CreateServiceInput) {
	if local == nil {
		return live, local
	}
	keep := func(ts []types.Tag) []types.Tag { return deploy.ManagedTags(ts, ignore) }
	l := *local
	l.Tags = keep(local.Tags)
	if live == nil {
		return nil, &l
	}
	r := *live
	if local.Tags == nil {
		r.Tags = nil
	} else {
		r.Tags = keep(live.Tags)
	}
	return &r, &l
}
