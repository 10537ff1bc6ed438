package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// RevisionsCmd lists the family's ACTIVE revisions with what uses them, or prints one
// revision. The format follows the global --output: text is a table, json an array.
type RevisionsCmd struct {
	Revision string `help:"Print this revision as JSON: current (the service's), latest, or a number." placeholder:"current|latest|N"`
}

// Run lists or dumps.
func (c *RevisionsCmd) Run(ctx context.Context, a *app) error {
	if r := c.Revision; r != "" && r != "current" && r != "latest" {
		if n, err := strconv.Atoi(r); err != nil || n <= 0 {
			return diag.Invalid(fmt.Errorf("--revision %q: want current, latest or a revision number", r), "")
		}
	}
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if c.Revision == "current" && p.cfg.Service == "" {
		return diag.Invalid(fmt.Errorf("--revision current: %s has no service", a.rel(p.cfg.Path)), "use latest or a revision number")
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	family, err := a.family(ctx, p, client)
	if err != nil {
		return err
	}
	if c.Revision != "" {
		return c.dump(ctx, a, p, client, family)
	}
	revs := deploy.NewRevisions(client, nil)
	list, err := revs.List(ctx, family)
	if err != nil {
		return err
	}
	use, err := revs.InUse(ctx, p.cfg.Cluster, p.cfg.Service, family)
	if err != nil {
		return err
	}
	for i := range list {
		list[i].UseNotes, list[i].InUse = use[list[i].ARN], use[list[i].ARN] != ""
	}
	if a.g.Output == "json" {
		if list == nil {
			list = []deploy.Revision{}
		}
		return ui.WriteJSON(a.stdout, list)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tIN USE\tTASK DEFINITION")
	for _, x := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", x.Number, x.UseNotes, x.ARN)
	}
	return tw.Flush()
}

// dump prints one revision as JSON, secrets redacted.
func (c *RevisionsCmd) dump(ctx context.Context, a *app, p *project, client *ecs.Client, family string) error {
	ref := family
	switch c.Revision {
	case "latest":
	case "current":
		svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
		if err != nil {
			return err
		}
		if svc == nil {
			return diag.Invalid(fmt.Errorf("service %q not found in cluster %q", p.cfg.Service, p.cfg.Cluster), "")
		}
		ref = aws.ToString(svc.TaskDefinition)
	default:
		ref = family + ":" + c.Revision
	}
	out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(ref), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		return fmt.Errorf("describe task definition %s: %w", ref, err)
	}
	b, err := ecsdef.Marshal(out.TaskDefinition)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(p.renderer.Redact(b))
	if err == nil && !strings.HasSuffix(string(b), "\n") {
		_, err = fmt.Fprintln(a.stdout)
	}
	return err
}
