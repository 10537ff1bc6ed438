package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/config"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// This file adapts the verbs to internal/fleet, which runs many members at once: each
// member is the selected verb on one config, with its own app whose stdout collects
// result values (view.Collector) into the member's fleet.Report. The fleet renders
// the collected values (view.FleetResults) and the summary (view.FleetSummary).

// fleetVerbs take several configs (--config repeated or a glob) in one process.
var fleetVerbs = []string{"deploy", "plan", "diff", "status", "wait", "render", "verify", "register", "rollback", "refresh", "scale"}

// changeVerbs are the fleet verbs that change services; they print a summary table.
var changeVerbs = []string{"deploy", "wait", "register", "rollback", "refresh", "scale"}

// configPaths expands --config (paths, quoted globs, each optionally FILE@ROLE_ARN).
// It returns nil when --config is not given.
func (a *app) configPaths() ([]fleet.Config, error) {
	return fleet.Expand(a.env.Dir, a.g.Config, a.rel)
}

// awsLazy returns the AWS config source for a project: the fleet's shared one for its
// account role and region, or a new one.
func (a *app) awsLazy(cfg *config.Config) *awsclient.Lazy {
	o := a.awsOptions(cfg.Region)
	switch {
	case a.roleARN != "": // --config FILE@ROLE
		o.AssumeRoleARN = a.roleARN
	case o.AssumeRoleARN == "" && cfg.Doppio != nil:
		o.AssumeRoleARN = cfg.Doppio.AssumeRoleARN
	}
	if a.shared != nil {
		return a.shared.Lazy(o)
	}
	return awsclient.NewLazy(o)
}

// ecsAPI is the ECS client deploys and waits use: in a fleet, a client whose
// DescribeServices and DescribeServiceDeployments calls are batched with the other
// services'.
type ecsAPI interface {
	deploy.ECS
	watch.Client
}

// A fleet's batching client counts its waits, so their tail polls closer together,
// and holds their first polls until every member has applied its change.
var (
	_ watch.Waiters         = fleet.Client{}
	_ watch.FirstPollHolder = fleet.Client{}
)

// ecsAPI returns the project's ECS client, batched in a fleet.
func (p *project) ecsAPI(ctx context.Context) (ecsAPI, error) {
	c, err := p.ecsClient(ctx)
	if err != nil {
		return nil, err
	}
	sdk, ok := c.(*ecs.Client) // a unit test's fake is not batched
	if p.shared == nil || !ok {
		return c, nil
	}
	return fleet.Client{Client: sdk, Batcher: p.shared.Batcher(p.aws, sdk)}, nil
}

// beforeChange is called by every verb right before its first call that changes
// anything. In a fleet it waits until every service has planned, so nothing changes
// unless every plan is valid, and takes one of the --parallel slots.
func (a *app) beforeChange(ctx context.Context) error {
	if a.gate != nil {
		if err := a.gate.BeforeChange(ctx); err != nil {
			return err
		}
	}
	a.notifyStarted(ctx) // notify.go
	return nil
}

// pollEpoch is the time a fleet's polls align to (zero outside a fleet). A member
// that asks for it frees its --parallel slot (a member that only waits plans and
// never changes anything); follow frees it again once a change is applied (deploy
// asks for its wait before its gate), so a slot is held for planning and applying,
// never for a rollout: the waits are shared batched polls.
func (a *app) pollEpoch() time.Time {
	if a.shared == nil {
		return time.Time{}
	}
	a.gate.Following()
	return a.shared.Epoch
}

// record notes a service's task definition and outcome for the fleet summary.
func (a *app) record(taskDefinition, outcome string) {
	if a.member != nil {
		a.member.Record(taskDefinition, outcome)
	}
}

// memberStdout is a fleet member's stdout: result views and raw bytes both go to the
// member's report, in order.
type memberStdout struct{ r *fleet.Report }

func (m memberStdout) Write(p []byte) (int, error) { return m.r.Write(p) }
func (m memberStdout) Collect(_ string, v view.View) error {
	m.r.Add(v)
	return nil
}

// member is one service of a fleet run.
type member struct {
	cfg    fleet.Config
	label  string
	app    *app
	report *fleet.Report
	errOut *fleet.LineWriter // stderr, prefixed (or grouped under GitHub Actions)
}

// runFleet runs the selected verb once per config, in one process, and returns the
// exit code: the most severe of the services' outcomes.
func (a *app) runFleet(ctx context.Context, kctx *kong.Context, configs []fleet.Config) int {
	command := kctx.Command()
	verb, _, _ := strings.Cut(command, " ")
	if !slices.Contains(fleetVerbs, verb) {
		return a.report(diag.Invalid(fmt.Errorf("--config names %d configs; %s works on one project", len(configs), verb),
			"give one --config, or use one of: "+strings.Join(fleetVerbs, ", ")))
	}
	runner, ok := kctx.Selected().Target.Addr().Interface().(interface {
		Run(context.Context, *app) error
	})
	if !ok {
		return a.report(fmt.Errorf("internal error: %s has no Run method", command))
	}
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, a.timeout, errCommandTimeout{a.timeout})
		defer cancel()
	}
	shared := fleet.NewShared()
	grouped := ui.NewAnnotator(a.errBase, a.env.Vars).Enabled() && a.g.LogFormat != "json"
	out := &fleet.LockedWriter{W: a.errBase}

	// Load every config first: a config that does not load stops everything.
	members := make([]*member, len(configs))
	for i, c := range configs {
		m := &member{cfg: c, report: &fleet.Report{}}
		m.errOut = fleet.NewLineWriter(out, "["+c.Path+"] ", grouped, a.g.LogFormat == "json")
		m.app = a.child(m, shared)
		members[i] = m
	}
	failed := false
	for _, m := range members {
		p, err := m.app.project(ctx)
		if err != nil {
			m.app.report(err)
			failed = true
			continue
		}
		m.label = p.cfg.Service
		if m.label == "" {
			m.label = filepath.Base(filepath.Dir(p.cfg.Path))
		}
	}
	if failed {
		for _, m := range members {
			m.errOut.Flush("")
		}
		fmt.Fprintf(out, "doppio: nothing was run: %s\n", "a config did not load")
		return diag.ExitUsage
	}
	if err := labelMembers(members); err != nil {
		return a.report(err)
	}
	width := 0
	for _, m := range members {
		width = max(width, len(m.label))
	}
	for _, m := range members {
		m.errOut.Name(fmt.Sprintf("[%-*s] ", width, m.label), m.label)
	}
	live := a.fleetLiveView(members, width, grouped) // fleet_live.go
	if verb != "render" && verb != "register" && verb != "verify" {
		a.primeLookups(ctx, members)
	}

	fms := make([]fleet.Member, len(members))
	for i, m := range members {
		fms[i] = fleet.Member{Name: m.label, Config: m.cfg.Path, Cluster: m.app.proj.cfg.Cluster, Account: m.account(),
			Report: m.report, Run: func(ctx context.Context, g *fleet.Gate) error {
				defer m.errOut.Flush(m.label) // under GitHub Actions: its group, as soon as it ends
				m.app.gate = g
				start := time.Now()
				live.started(m, verb)
				err := m.run(ctx, runner, command)
				m.app.notifyEnd(ctx, m.report, err, time.Since(start)) // notify.go
				live.ended(m, err)
				return err
			}}
	}
	results := fleet.Run(ctx, fms, fleet.Options{Parallel: a.g.Parallel, FailFast: a.g.FailFast, ExitCode: diag.ExitCode, Hold: shared.Hold})
	for _, m := range members {
		m.errOut.Flush(m.label) // members that never ran
	}
	live.close(results)
	if verb == "diff" {
		_ = view.Write(a.stdout, a.g.Output, view.DriftReport{Results: results})
	} else {
		_ = view.Write(a.stdout, a.g.Output, view.FleetResults{Results: results})
	}
	if slices.Contains(changeVerbs, verb) && !(verb == "register" && a.g.Output == "json") {
		_ = view.Write(out, view.Text, view.FleetSummary{Results: results})
	}
	if msg := view.FleetFailures(results); msg != "" {
		fmt.Fprintf(out, "doppio: %s\n", msg)
		ui.NewAnnotator(out, a.env.Vars).Error(ui.Annotation{Title: "doppio " + verb, Message: msg})
	}
	if st := shared.Stats(); st.DescribeServicesRequests > 0 {
		a.log.Debug("fleet batching", "describeServicesRequests", st.DescribeServicesRequests, "describeServicesCalls", st.DescribeServicesCalls,
			"describeServiceDeploymentsRequests", st.DescribeServiceDeploymentsRequests, "describeServiceDeploymentsCalls", st.DescribeServiceDeploymentsCalls)
	}
	return fleet.ExitCode(results)
}

// run runs the verb for one member within its own deadline; errors are reported on
// the member's stderr and come back marked fleet.ErrReported with their exit code.
func (m *member) run(ctx context.Context, runner interface {
	Run(context.Context, *app) error
}, command string) error {
	cctx, cancel, err := m.app.deadline(ctx, command)
	if err != nil {
		return diag.WithCode(fleet.ErrReported, m.app.report(err))
	}
	defer cancel()
	if verb, _, _ := strings.Cut(command, " "); m.app.refusedInFleet(cctx, verb) { // workloads.go
		return nil
	}
	err = runner.Run(cctx, m.app)
	if err == nil {
		return nil
	}
	if errors.Is(err, fleet.ErrNotStarted) {
		fmt.Fprintf(m.app.stderr, "%s\n", err)
		return err
	}
	return diag.WithCode(fleet.ErrReported, m.app.report(err))
}

// account is the account the member's role is in ("" with the command's own
// credentials).
func (m *member) account() string {
	role := m.cfg.RoleARN
	if role == "" {
		role = m.app.g.AssumeRoleARN
	}
	if role == "" && m.app.proj.cfg.Doppio != nil {
		role = m.app.proj.cfg.Doppio.AssumeRoleARN
	}
	return fleet.AccountOfRole(role)
}

// primeLookups describes the fleet's services 10 per call, so the lookup each
// service's verb starts with needs no call of its own.
func (a *app) primeLookups(ctx context.Context, ms []*member) {
	type group struct {
		b        *fleet.Batcher
		cluster  string
		services []string
	}
	groups := map[string]*group{}
	var order []string
	for _, m := range ms {
		p := m.app.proj
		if p == nil || p.cfg.Service == "" {
			continue
		}
		c, err := p.ecsClient(ctx)
		if err != nil {
			continue
		}
		sdk, ok := c.(*ecs.Client) // a unit test's fake is not batched
		if !ok {
			continue
		}
		b := p.shared.Batcher(p.aws, sdk)
		key := fmt.Sprintf("%p\x00%s", b, p.cfg.Cluster)
		if groups[key] == nil {
			groups[key] = &group{b: b, cluster: p.cfg.Cluster}
			order = append(order, key)
		}
		groups[key].services = append(groups[key].services, p.cfg.Service)
	}
	for _, k := range order {
		g := groups[k]
		if err := g.b.Prime(ctx, g.cluster, g.services, []ecstypes.ServiceField{ecstypes.ServiceFieldTags}); err != nil {
			a.log.Debug("describing the fleet's services ahead failed; each looks itself up", "error", err)
		}
	}
}

// labelMembers names each service for its line prefix: the service name, or the
// cluster and service when names repeat (with the account when clusters repeat too).
// The same service twice is refused: two deploys would race on it.
func labelMembers(ms []*member) error {
	count := map[string]int{}
	for _, m := range ms {
		count[m.label]++
	}
	seen := map[string]string{}
	for _, m := range ms {
		if count[m.label] > 1 {
			m.label = m.app.proj.cfg.Cluster + "/" + m.label
			if acct := m.account(); acct != "" {
				m.label = acct + "/" + m.label
			}
		}
		if prev, ok := seen[m.label]; ok {
			return diag.Invalid(fmt.Errorf("%s and %s both name service %s", prev, m.cfg.Path, m.label), "give each service one config")
		}
		seen[m.label] = m.cfg.Path
	}
	return nil
}

// child returns an app for one config of a fleet: its own project, result collector
// and prefixed stderr; the same flags, environment, secrets and shared clients.
func (a *app) child(m *member, shared *fleet.Shared) *app {
	c := *a
	c.configPath = m.cfg.Path
	c.roleARN = m.cfg.RoleARN
	c.proj = nil
	c.shared = shared
	c.member = m.report
	c.noGroups = true
	c.stdout = memberStdout{m.report}
	c.errBase = m.errOut
	c.log = ui.NewLogger(m.errOut, ui.LogOptions{Format: a.g.LogFormat, Debug: a.g.Debug})
	c.stderr = m.errOut
	if a.g.LogFormat == "json" {
		c.stderr = ui.NewJSONLines(m.errOut)
	}
	return &c
}
