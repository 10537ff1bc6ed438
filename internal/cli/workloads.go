package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/goccy/go-yaml"
	"github.com/google/go-jsonnet/formatter"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// The one adapter between the verbs and the kinds of workload that have a
// definition file of their own (an Express Mode service's express definition, a
// Managed Daemon's daemon definition). Each kind is a deploy.DefinedKind in
// internal/deploy (<kind>_definition.go, next to its controller); the verbs ask
// the project for the declared one (p.workload) and never name a kind. Services
// with service and task definitions have none.

// kindVars are the kong variables the kinds fill in: render's targets
// (kind_render_targets for its enum, kind_render_help for its help).
func kindVars() kong.Vars {
	var targets []string
	var help strings.Builder
	for _, k := range deploy.Kinds() {
		t := k.RenderTargets()
		targets = append(targets, t...)
		help.WriteString(", " + t[0])
		if len(t) > 1 {
			help.WriteString(" (" + strings.Join(t[1:], ", ") + ")")
		}
	}
	return kong.Vars{"kind_render_targets": strings.Join(targets, ","), "kind_render_help": help.String()}
}

// kindSource is the project as the kinds read it.
func (p *project) kindSource() deploy.Source {
	return deploy.Source{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Region: p.cfg.Region,
		Path: p.cfg.DefinitionPath, Check: p.cfg.CheckDefinitionFile, Render: p.renderer.RenderFile, Rel: p.rel,
	}
}

// workload is the kind the config declares by a definition file (nil when the
// live service decides: an ordinary service).
func (p *project) workload() deploy.DefinedKind { return deploy.Declared(p.kindSource()) }

// declaredKind is the workload's kind ("" when the live service decides).
func (p *project) declaredKind() deploy.Kind {
	if k := p.workload(); k != nil {
		return k.Kind()
	}
	return ""
}

// refuseForWorkload refuses verb (exit 2) when the config declares a kind of
// workload that does not take it; the kind says why (deploy.Kind.Refusal). A
// config that does not load is left for the verb itself to report.
func (a *app) refuseForWorkload(ctx context.Context, verb string) error {
	p, err := a.project(ctx)
	if err != nil {
		return nil
	}
	k := p.workload()
	if k == nil {
		return nil
	}
	if why := k.Refusal(verb); why != "" {
		return diag.Invalid(fmt.Errorf("%s does not work with %s (%s is set in %s)", verb, k.Noun(), k.Key(), a.rel(p.cfg.Path)), why)
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

// kindOptions fills deploy options from the kind's definition file.
func (f deployFlags) kindOptions(ctx context.Context, p *project, k deploy.DefinedKind, o deploy.Options) (deploy.Options, error) {
	return k.Options(ctx, p.kindSource(), deploy.KindFlags{Image: f.imageFlags.set(), ApplyImage: f.imageFlags.apply}, o)
}

// kindDiff prints how the kind's definition file differs from the live workload.
func (a *app) kindDiff(ctx context.Context, p *project, k deploy.DefinedKind, c *DiffCmd) error {
	d, err := k.Diff(ctx, p.kindSource(), func(ctx context.Context) (deploy.KindAPI, error) { return p.ecsClient(ctx) })
	if err != nil {
		return err
	}
	if err := (view.DefinitionDiff{Text: d.Text}).WriteText(a.stdout); err != nil {
		return err
	}
	if d.Text != "" && c.ExitCode {
		return diag.WithCode(errors.New(d.Differs), diag.ExitDiff)
	}
	return nil
}

// verifiedTaskDefinition is what verify checks: the task definition, or for a
// kind with a definition file of its own the task definition it stands for
// (roles, images, secrets, log groups are checked as for any task).
func (p *project) verifiedTaskDefinition(ctx context.Context) (*ecs.RegisterTaskDefinitionInput, error) {
	if k := p.workload(); k != nil {
		return k.Verified(ctx, p.kindSource())
	}
	return p.taskDefinition(ctx)
}

// importKind writes the config and definition file of a live workload a kind
// imports (svc nil: the one init's kind flags name); ok is false when no kind
// imports it (an ordinary service).
func (c *InitCmd) importKind(ctx context.Context, client ECSAPI, region string, r deploy.ImportRequest, cfgPath string) ([]initFile, bool, error) {
	r.Cluster, r.Region, r.Flags = c.Cluster, region, c.ImportFlags
	imp, err := deploy.Import(ctx, client, r)
	if err != nil || imp == nil {
		return nil, err != nil, err
	}
	rel := imp.Path
	if c.Jsonnet {
		rel = jsonnetName(rel)
	}
	data, err := c.definition(rel, imp.Definition)
	if err != nil {
		return nil, true, err
	}
	cfg, err := c.workloadConfig(cfgPath, region, imp.Service, imp.Key, rel)
	if err != nil {
		return nil, true, err
	}
	return []initFile{{cfgPath, cfg}, {c.defPath(filepath.Dir(cfgPath), imp.Path), data}}, true, nil
}

// workloadConfig prints a config naming one definition file under key.
func (c *InitCmd) workloadConfig(path, region, service, key, defPath string) ([]byte, error) {
	doc := yaml.MapSlice{{Key: "region", Value: region}, {Key: "cluster", Value: c.Cluster}, {Key: "service", Value: service},
		{Key: key, Value: defPath}, {Key: "timeout", Value: "10m"}}
	if !c.Jsonnet && !strings.HasSuffix(path, ".json") {
		return yaml.Marshal(doc)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, kv := range doc {
		sep := ","
		if i == len(doc)-1 && !c.Jsonnet {
			sep = ""
		}
		fmt.Fprintf(&b, "  %q: %q%s\n", kv.Key, kv.Value, sep)
	}
	b.WriteString("}\n")
	if !c.Jsonnet {
		return []byte(b.String()), nil
	}
	s, err := formatter.Format(path, b.String(), formatter.DefaultOptions())
	return []byte(s), err
}

func (c *InitCmd) defPath(dir, p string) string {
	if c.Jsonnet {
		p = jsonnetName(p)
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
