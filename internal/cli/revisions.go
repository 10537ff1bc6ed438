package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
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
	family, err := revisionsFamily(ctx, a, p, client)
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
	rows := make(view.Revisions, 0, len(list))
	for _, x := range list {
		rows = append(rows, view.Revision{Name: fmt.Sprintf("%s:%d", x.Family, x.Number), InUse: use[x.ARN]})
	}
	return view.Write(a.stdout, a.g.Output, rows)
}

// dump prints one revision as JSON, secrets redacted.
func (c *RevisionsCmd) dump(ctx context.Context, a *app, p *project, client ECSAPI, family string) error {
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
	var missing *types.ClientException
	if errors.As(err, &missing) && ref != family && c.Revision != "current" {
		// ECS's answer to a revision that does not exist: say so, and which is the latest.
		hint := "'doppio revisions' lists the family's revisions"
		if latest, lerr := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)}); lerr == nil && latest.TaskDefinition != nil {
			return diag.Invalid(fmt.Errorf("--revision %s: task definition %s does not exist; the latest revision of %q is %d", c.Revision, ref, family, latest.TaskDefinition.Revision), hint)
		}
		return diag.Invalid(fmt.Errorf("--revision %s: task definition family %q has no ACTIVE revision", c.Revision, family), "check the family's name")
	}
	if errors.As(err, &missing) && ref == family {
		return diag.Invalid(fmt.Errorf("--revision latest: task definition family %q has no ACTIVE revision", family), "check the family's name")
	}
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

// literalFamily finds a family written as a plain literal in a definition file
// ("family": "web" in JSON or Jsonnet, family: web in YAML), without rendering it.
var literalFamily = regexp.MustCompile(`(?m)^\s*"?family"?\s*:\s*["']?([A-Za-z0-9_-]{1,255})["']?\s*,?\s*$`)

// revisionsFamily is the family revisions lists. revisions needs only the family, not
// every template variable of the task definition: when the task definition does not
// render (a variable only deploys set), the family is read as a literal from the
// file, else from the live service.
func revisionsFamily(ctx context.Context, a *app, p *project, client ECSAPI) (string, error) {
	if p.cfg.TaskDefinition == "" {
		return a.family(ctx, p, client)
	}
	td, renderErr := p.taskDefinition(ctx)
	if renderErr == nil {
		return aws.ToString(td.Family), nil
	}
	if b, err := os.ReadFile(p.cfg.TaskDefinitionPath()); err == nil {
		if m := literalFamily.FindSubmatch(b); m != nil {
			a.log.Debug("task definition does not render; family read from the file", "family", string(m[1]), "error", renderErr)
			return string(m[1]), nil
		}
	}
	if p.cfg.Service != "" {
		svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
		if err == nil && svc != nil {
			f, _, _ := ecsdef.ParseTaskDefinitionRef(aws.ToString(svc.TaskDefinition))
			a.log.Debug("task definition does not render; family of the live service", "family", f, "error", renderErr)
			return f, nil
		}
	}
	return "", renderErr
}
