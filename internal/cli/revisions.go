package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// RevisionsCmd lists the family's ACTIVE revisions with what uses them, or prints one
// revision. The list follows the global --output in ecspresso's shapes: table (and
// text), tsv, or json objects.
type RevisionsCmd struct {
	Revision string `help:"Print this revision as JSON: current (the service's), latest, or a number." placeholder:"current|latest|N"`
}

// Validate checks the flags before anything is loaded or called.
func (c *RevisionsCmd) Validate() error {
	if r := c.Revision; r != "" && r != "current" && r != "latest" {
		if n, err := strconv.Atoi(r); err != nil || n <= 0 {
			return diag.Invalid(fmt.Errorf("--revision %q: want current, latest or a revision number", r), "")
		}
	}
	return nil
}

// Run lists or dumps.
func (c *RevisionsCmd) Run(ctx context.Context, a *app) error {
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
	rows := make([]revisionRow, 0, len(list))
	for _, x := range list {
		rows = append(rows, revisionRow{Name: fmt.Sprintf("%s:%d", x.Family, x.Number), InUse: use[x.ARN]})
	}
	return writeRevisions(a.stdout, a.g.Output, rows)
}

// revisionRow is one line of 'revisions' in ecspresso's shape: family:revision and
// what uses it ("PRIMARY deployment", "RUNNING task"; empty when unused).
type revisionRow struct {
	Name  string `json:"name"`
	InUse string `json:"in_use"`
}

// writeRevisions prints rows as ecspresso does: json is one indented object per
// revision (not an array), tsv is name<TAB>in-use lines, and table (also text) is a
// bordered table.
func writeRevisions(w io.Writer, format string, rows []revisionRow) error {
	var b strings.Builder
	switch format {
	case "json":
		for _, r := range rows {
			j, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				return err
			}
			b.Write(j)
			b.WriteString("\n")
		}
	case "tsv":
		for _, r := range rows {
			fmt.Fprintf(&b, "%s\t%s\n", r.Name, r.InUse)
		}
	default:
		cells := [][]string{{"NAME", "IN USE"}}
		for _, r := range rows {
			cells = append(cells, []string{r.Name, r.InUse})
		}
		writeTable(&b, cells)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable writes a header row and rows with side borders and a rule under the
// header, the layout of ecspresso's tables: headers centred, cells left-aligned.
func writeTable(b *strings.Builder, cells [][]string) {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for n, row := range cells {
		b.WriteString("|")
		for i, c := range row {
			gap := widths[i] - utf8.RuneCountInString(c)
			left := 0
			if n == 0 {
				left = gap / 2
			}
			fmt.Fprintf(b, " %s%s%s |", strings.Repeat(" ", left), c, strings.Repeat(" ", gap-left))
		}
		b.WriteString("\n")
		if n == 0 {
			b.WriteString("+")
			for _, w := range widths {
				b.WriteString(strings.Repeat("-", w+2) + "+")
			}
			b.WriteString("\n")
		}
	}
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
			return errServiceNotFound(p.cfg)
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
	// Live values where the local file uses secrets are secret too; without a
	// renderable local file nothing is known to be secret but --redact-env.
	local, _ := p.taskDefinition(ctx)
	if local == nil {
		local = &ecs.RegisterTaskDefinitionInput{}
	}
	a.protectLive(local, ecsdef.TaskDefinitionFromLive(out.TaskDefinition, out.Tags))
	b, err := ecsdef.Marshal(out.TaskDefinition)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(b)
	if err == nil && !strings.HasSuffix(string(b), "\n") {
		_, err = fmt.Fprintln(a.stdout)
	}
	return err
}
