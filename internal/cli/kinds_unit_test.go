package cli

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// The one-package rule: a kind of workload with a definition file of its own is
// a deploy.DefinedKind, and the verbs reach it through the registry without
// naming it. gizmoKind is a kind no code in internal/cli or internal/config
// knows; registered from here (its config key gizmo_definition with it), it must
// flow through the config, render, deploy, diff, status and the refusals.

// gizmoService is the service a gizmo is deployed as.
const gizmoService = "gizmo"

// gizmoConfig declares a gizmo by its own config key.
const gizmoConfig = `region: us-east-1
cluster: prod
service: gizmo
gizmo_definition: gizmo-def.json
timeout: 1m
`

var gizmo = deploy.RegisterKind(&gizmoKind{}).(*gizmoKind)

type gizmoKind struct {
	mu    sync.Mutex
	calls []string
}

func (g *gizmoKind) called(what string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, what)
}

func (g *gizmoKind) sawCall(what string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.calls {
		if c == what {
			return true
		}
	}
	return false
}

func (*gizmoKind) Kind() deploy.Kind { return "GIZMO" }
func (*gizmoKind) Noun() string      { return "a gizmo" }
func (*gizmoKind) Refusal(verb string) string {
	if verb == "scale" {
		return "a gizmo scales itself"
	}
	return ""
}
func (*gizmoKind) Key() string                       { return "gizmo_definition" }
func (g *gizmoKind) Declared(src deploy.Source) bool { return src.Path(g.Key()) != "" }
func (*gizmoKind) RenderTargets() []string           { return []string{"gizmodef", "gizmo-definition"} }
func (*gizmoKind) NoExecuteCommand() bool            { return true }

func (g *gizmoKind) Resolve(_ context.Context, _ deploy.ServiceDescriber, cluster, service string) (*deploy.Workload, error) {
	g.called("resolve")
	return &deploy.Workload{Cluster: cluster, Service: service, Kind: g.Kind()}, nil
}

func (g *gizmoKind) Controller(w *deploy.Workload, _ deploy.ControllerDeps) deploy.Controller {
	return &gizmoController{g: g, w: w}
}

// Load renders the file gizmo_definition names: the config resolves the key
// and the project's renderer reaches the kind through the Source.
func (g *gizmoKind) Load(ctx context.Context, src deploy.Source) (any, error) {
	g.called("load")
	if err := src.Check(g.Key()); err != nil {
		return nil, err
	}
	b, err := src.Render(ctx, src.Path(g.Key()))
	if err != nil {
		return nil, err
	}
	var v struct {
		Family string `json:"family"`
	}
	return v, json.Unmarshal(b, &v)
}

func (g *gizmoKind) Options(_ context.Context, _ deploy.Source, f deploy.KindFlags, o deploy.Options) (deploy.Options, error) {
	g.called("options")
	if f.Image {
		g.called("options --image")
	}
	return o, nil
}

func (g *gizmoKind) Diff(context.Context, deploy.Source, func(context.Context) (deploy.KindAPI, error)) (*deploy.DefinitionDiff, error) {
	g.called("diff")
	return &deploy.DefinitionDiff{Text: "-gizmo 1\n+gizmo 2\n", Differs: "the gizmo differs"}, nil
}

func (g *gizmoKind) Verified(context.Context, deploy.Source) (*ecs.RegisterTaskDefinitionInput, error) {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String("gizmo")}, nil
}

func (g *gizmoKind) Revisions(context.Context, deploy.Source, deploy.KindAPI) (string, deploy.RevisionStore, error) {
	return "gizmo", nil, nil
}

func (g *gizmoKind) Import(context.Context, deploy.KindAPI, deploy.ImportRequest) (*deploy.Imported, error) {
	return nil, nil
}

// gizmoController deploys a gizmo at once; what it does not implement is never
// called by the verbs this test runs (the nil Controller would fail the test).
type gizmoController struct {
	deploy.Controller
	g *gizmoKind
	w *deploy.Workload
}

func (c *gizmoController) Workload() *deploy.Workload                           { return c.w }
func (c *gizmoController) CheckWait(deploy.Wait, *ecs.CreateServiceInput) error { return nil }

func (c *gizmoController) Plan(_ context.Context, o deploy.Options) (*deploy.Plan, error) {
	c.g.called("plan")
	return &deploy.Plan{Cluster: o.Cluster, Service: o.Service, StartsDeployment: true}, nil
}

func (c *gizmoController) Apply(context.Context, *deploy.Plan) (*deploy.Started, error) {
	c.g.called("apply")
	return &deploy.Started{Cluster: c.w.Cluster, Service: c.w.Service, DeploymentID: "gizmo-1", Label: "gizmo deployment", StartedAt: time.Unix(0, 0)}, nil
}

func (c *gizmoController) Follow(context.Context, *deploy.Started, deploy.Wait) (watch.Outcome, error) {
	c.g.called("follow")
	return watch.Outcome{Kind: watch.Succeeded, Reason: "the gizmo is on"}, nil
}

func (c *gizmoController) Status(context.Context) (*deploy.Status, error) {
	c.g.called("status")
	return &deploy.Status{Service: &types.Service{
		ServiceName: aws.String(gizmoService), ServiceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/prod/gizmo"),
		Status: aws.String("ACTIVE"), DesiredCount: 3, RunningCount: 3, TaskDefinition: aws.String("gizmo:7"),
	}}, nil
}

func TestAKindNoVerbNamesFlowsThroughTheRegistry(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.write("doppio.yml", gizmoConfig)
	u.write("gizmo-def.json", `{"family": "{{ must_env `+"`GIZMO`"+` }}"}`)
	u.vars["GIZMO"] = "gizmo-from-file"

	out, errs := u.must(0, "render", "gizmodef")
	contains(t, "render gizmodef", out, `"family": "gizmo-from-file"`)
	if strings.Contains(errs, "config key") {
		t.Errorf("gizmo_definition is not a known config key:\n%s", errs)
	}

	out, _ = u.must(0, "deploy", "--tag", "1.26", "--output", "json")
	contains(t, "deploy", out, `"deploymentId": "gizmo-1"`, `"outcome": "succeeded"`)
	for _, c := range []string{"options", "options --image", "resolve", "plan", "apply", "follow"} {
		if !gizmo.sawCall(c) {
			t.Errorf("deploy did not reach the gizmo's %s; calls: %v", c, gizmo.calls)
		}
	}

	out, _ = u.must(3, "diff", "--exit-code")
	contains(t, "diff", out, "-gizmo 1\n+gizmo 2\n")

	out, _ = u.must(0, "status")
	contains(t, "status", out, "gizmo:7")

	_, errs = u.must(2, "scale", "--tasks", "2")
	contains(t, "scale", errs, "scale does not work with a gizmo (gizmo_definition is set in doppio.yml)", "a gizmo scales itself")

	if ops := u.ecs.changes(); len(ops) != 0 {
		t.Errorf("the gizmo's verbs went to ECS: %v", ops)
	}
}

// A misspelt kind's key (gizmo_definition, registered from this test, or a
// built-in kind's) is refused like a misspelt key of the config's own, before
// anything reaches ECS.
func TestAKindsConfigKeyMisspeltIsBadInput(t *testing.T) {
	t.Parallel()
	for typo, key := range map[string]string{
		"gizmo_definiton":    "gizmo_definition",
		"daemon_definiton":   "daemon_definition",
		"expres_definition":  "express_definition",
		"Daemon_Definitionn": "daemon_definition",
	} {
		t.Run(typo, func(t *testing.T) {
			t.Parallel()
			u := newUnit(t)
			u.write("doppio.yml", strings.Replace(gizmoConfig, "gizmo_definition:", typo+":", 1))
			_, errs := u.must(2, "deploy")
			contains(t, "deploy", errs, `doppio.yml:4: `+typo+`: unknown config key "`+typo+`"`, `did you mean "`+key+`"?`)
			if ops := u.ecs.changes(); len(ops) != 0 {
				t.Errorf("a misspelt config went to ECS: %v", ops)
			}
		})
	}
}
