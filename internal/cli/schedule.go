package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/goccy/go-yaml"
	"golang.org/x/sync/errgroup"

	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/schedule"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// ScheduleCmd manages ECS scheduled tasks from ecschedule files, unchanged.
type ScheduleCmd struct {
	Conf []string `help:"ecschedule file (.yaml, .yml, .json, .jsonnet); repeatable, and a quoted glob names many, worked concurrently. Before or after the verb." placeholder:"FILE" sep:"none"`

	Dump   ScheduleDumpCmd   `cmd:"" help:"Write an ecschedule file of every rule that runs a task on a cluster."`
	Diff   ScheduleDiffCmd   `cmd:"" help:"Show how the rules in AWS differ from the files."`
	Apply  ScheduleApplyCmd  `cmd:"" help:"Create or update the files' rules (only what differs); --prune deletes rules the file dropped."`
	Run    ScheduleRunCmd    `cmd:"" help:"Run a rule's task now with its parameters and overrides, and exit with its container's exit code."`
	Status ScheduleStatusCmd `cmd:"" help:"Show each rule's schedule, state, next fire times, the revision it runs and its last runs."`
}

// scheduleSelect is the rule selection of diff, apply and status.
type scheduleSelect struct {
	Rule []string `help:"Rule to work on; repeatable." placeholder:"NAME"`
	All  bool     `help:"Work on every rule of the files."`
}

func (s scheduleSelect) check(verb string, optional bool) error {
	if len(s.Rule) > 0 && s.All {
		return diag.Invalid(errors.New("--rule and --all exclude each other"), "")
	}
	if !optional && len(s.Rule) == 0 && !s.All {
		return diag.Invalid(fmt.Errorf("schedule %s: --rule NAME or --all is required", verb), "as in ecschedule: doppio schedule --conf ecschedule.yaml "+verb+" --all")
	}
	return nil
}

// ScheduleDiffCmd prints the differences.
type ScheduleDiffCmd struct {
	scheduleSelect
	Prune    bool `help:"Also show the rules tagged with the file's tracking id that the file no longer names (apply --prune deletes them)."`
	Unified  bool `short:"u" help:"Unified diffs (hunks with context); --no-unified prints whole documents." negatable:"" default:"true"`
	Validate bool `help:"Also check that task definitions, their containers and roles exist."`
	ExitCode bool `help:"Exit with code 3 when there are differences."`
}

// ScheduleApplyCmd applies the files.
type ScheduleApplyCmd struct {
	scheduleSelect
	Prune   bool `help:"Delete the rules tagged with the file's tracking id that the file no longer names (never an untagged rule)."`
	DryRun  bool `help:"Show what would change; change nothing."`
	Unified bool `short:"u" help:"Unified diffs (hunks with context); --no-unified prints whole documents." negatable:"" default:"true"`
}

// ScheduleRunCmd runs a rule's task now.
type ScheduleRunCmd struct {
	Rule   string `help:"Rule whose task to run." placeholder:"NAME" required:""`
	DryRun bool   `help:"Print what would run; run nothing."`
	Wait   bool   `help:"Wait for the task and exit with its container's exit code." negatable:"" default:"true"`
	Logs   bool   `help:"Stream the watched container's CloudWatch Logs to stderr." negatable:"" default:"true"`

	PollInterval time.Duration `help:"Time between task polls (at most 5s)." default:"5s" placeholder:"DURATION"`
}

// ScheduleStatusCmd shows the rules' state and runs.
type ScheduleStatusCmd struct {
	scheduleSelect
	Runs int `help:"How many of each rule's last runs to show." default:"3"`
}

// ScheduleDumpCmd writes an ecschedule file of the live rules.
type ScheduleDumpCmd struct {
	Cluster string `help:"Cluster whose rules to dump (default: the --conf file's)."`
	Region  string `help:"Region (default: the --conf file's, else AWS_REGION)."`
	Role    string `help:"Role written at the top of the file (ecschedule's -role)."`
}

// schedFile is one loaded file with its AWS side.
type schedFile struct {
	*schedule.Loaded
	acct schedule.Account
	reg  *schedRegion
}

// schedRegion is what the files of one region share: clients and the live rules.
type schedRegion struct {
	region string
	cfg    aws.Config
	acct   string
	ev     *eventbridge.Client
	ecs    *ecs.Client
	live   *schedule.Live
}

// schedEnv is a schedule command's state: the files and one client set per region,
// all on one rate budget.
type schedEnv struct {
	a       *app
	files   []*schedFile
	regions map[string]*schedRegion
	budget  *awsclient.Budget
	mu      sync.Mutex
}

// files expands --conf (globs included); at least one file is required.
func (s *ScheduleCmd) files(a *app) ([]string, error) {
	var out []string
	for _, c := range s.Conf {
		if !strings.ContainsAny(c, "*?[") {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
			continue
		}
		matches, err := filepath.Glob(a.abs(c))
		if err != nil || len(matches) == 0 {
			return nil, diag.Invalid(fmt.Errorf("--conf %q matches no file", c), "check the pattern (quote it so the shell does not expand it)")
		}
		sort.Strings(matches)
		for _, m := range matches {
			if r := a.rel(m); !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, diag.Invalid(errors.New("no ecschedule file: --conf FILE is required"), "doppio schedule --conf ecschedule.yaml diff --all")
	}
	return out, nil
}

// load reads and validates every file concurrently; every problem of every file is
// reported together, before any AWS call but the plugins' lookups.
func (s *ScheduleCmd) load(ctx context.Context, a *app) (*schedEnv, error) {
	paths, err := s.files(a)
	if err != nil {
		return nil, err
	}
	env := &schedEnv{a: a, regions: map[string]*schedRegion{}, budget: awsclient.NewBudget(a.g.MaxRPS)}
	env.files = make([]*schedFile, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			l, err := schedule.Load(ctx, a.abs(p), p, schedule.LoadOptions{
				ExtStr: a.g.ExtStr, ExtCode: a.g.ExtCode, Getenv: a.getenv, Secrets: a.secrets,
				AWS: func(ctx context.Context, region string) (aws.Config, error) {
					r, err := env.region(ctx, region)
					if err != nil {
						return aws.Config{}, err
					}
					return r.cfg, nil
				},
			})
			env.files[i], errs[i] = &schedFile{Loaded: l}, err
		})
	}
	wg.Wait()
	var ps schedule.Problems
	var other []error
	for _, err := range errs {
		var p schedule.Problems
		var d *diag.Error
		switch {
		case err == nil:
		case errors.As(err, &p):
			ps = append(ps, p...)
		case errors.As(err, &d) && d.Code == diag.ExitUsage:
			ps = append(ps, d)
		default:
			other = append(other, err)
		}
	}
	if len(other) > 0 {
		return nil, errors.Join(other...)
	}
	// Rule names are unique per region: two files naming one rule would fight.
	seen := map[string]string{}
	for _, f := range env.files {
		if f.Loaded == nil {
			continue
		}
		for _, r := range f.Rules {
			key := f.Region + "|" + r.Name
			if prev, ok := seen[key]; ok && prev != f.Path {
				ps = append(ps, &diag.Error{File: f.Path, Line: f.RuleLine(r.Name), Field: "rules (" + r.Name + ")", Code: diag.ExitUsage,
					Err: fmt.Errorf("duplicate rule name %q: %s names it too", r.Name, prev), Hint: "a rule belongs to one file"})
			}
			seen[key] = f.Path
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return env, nil
}

// region returns the clients of a region, building them on first use.
func (e *schedEnv) region(ctx context.Context, region string) (*schedRegion, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r, ok := e.regions[region]; ok {
		return r, nil
	}
	o := e.a.awsOptions(region)
	o.Budget = e.budget
	cfg, err := awsclient.Load(ctx, o)
	if err != nil {
		return nil, err
	}
	r := &schedRegion{region: cfg.Region, cfg: cfg, ev: eventbridge.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg)}
	e.regions[region] = r
	return r, nil
}

// connect resolves every file's region and account (one STS call per region).
func (e *schedEnv) connect(ctx context.Context) error {
	for _, f := range e.files {
		r, err := e.region(ctx, f.Region)
		if err != nil {
			return err
		}
		if r.acct == "" {
			out, err := sts.NewFromConfig(r.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return fmt.Errorf("get the AWS account: %w", err)
			}
			r.acct = aws.ToString(out.Account)
		}
		f.reg, f.acct = r, schedule.Account{ID: r.acct, Region: r.region}
	}
	return nil
}

// check validates the selected rules against the account (task definitions,
// containers, roles), concurrently; every problem is reported together.
func (e *schedEnv) check(ctx context.Context, only []string) error {
	var mu sync.Mutex
	var ps schedule.Problems
	g, gctx := errgroup.WithContext(ctx)
	for _, f := range e.files {
		g.Go(func() error {
			_, err := schedule.Check(gctx, f.File, f.acct, f.reg.ecs, iam.NewFromConfig(f.reg.cfg), only)
			var p schedule.Problems
			var d *diag.Error
			switch {
			case err == nil:
				return nil
			case errors.As(err, &p):
				mu.Lock()
				ps = append(ps, p...)
				mu.Unlock()
				return nil
			case errors.As(err, &d) && d.Code == diag.ExitUsage:
				mu.Lock()
				ps = append(ps, d)
				mu.Unlock()
				return nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ps.Err()
}

// fetch reads the live rules of every region once, with the targets of the rules
// the files name (and of the prune candidates).
func (e *schedEnv) fetch(ctx context.Context, prune bool) error {
	byRegion := map[*schedRegion][]*schedFile{}
	for _, f := range e.files {
		byRegion[f.reg] = append(byRegion[f.reg], f)
	}
	g, gctx := errgroup.WithContext(ctx)
	for r, files := range byRegion {
		g.Go(func() error {
			var want, ids []string
			for _, f := range files {
				for _, rule := range f.Resolve(f.acct) {
					want = append(want, rule.Name)
					if !slices.Contains(ids, rule.TrackingID) {
						ids = append(ids, rule.TrackingID)
					}
				}
			}
			search := resourcegroups.NewFromConfig(r.cfg)
			live, err := schedule.Fetch(gctx, r.ev, search, want, ids)
			if err != nil {
				return err
			}
			if prune {
				var more []string
				for _, f := range files {
					more = append(more, schedule.PruneCandidates(f.File, live)...)
				}
				for _, name := range more {
					if lr := live.Rules[name]; lr != nil {
						if lr.Targets, err = schedule.Targets(gctx, r.ev, name); err != nil {
							return err
						}
					}
				}
			}
			r.live = live
			return nil
		})
	}
	return g.Wait()
}

// plan compares every file with its region's live rules.
func (e *schedEnv) plan(sel scheduleSelect, prune bool) ([]*schedule.Change, error) {
	// A rule another file of the command names is never pruned, and an orphan two
	// files share a tracking id for is deleted once.
	keep := map[string]bool{}
	for _, f := range e.files {
		for _, r := range f.Rules {
			keep[f.Region+"|"+r.Name] = true
		}
	}
	var out []*schedule.Change
	deleted := map[string]bool{}
	for _, f := range e.files {
		k := map[string]bool{}
		for n := range keep {
			if region, name, _ := strings.Cut(n, "|"); region == f.Region {
				k[name] = true
			}
		}
		cs, err := schedule.Plan(f.File, f.acct, f.reg.live, sel.Rule, prune, k)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Action == schedule.Delete {
				if deleted[f.Region+"|"+c.Rule] {
					continue
				}
				deleted[f.Region+"|"+c.Rule] = true
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// checkRules requires every --rule to be in some file.
func (e *schedEnv) checkRules(names []string) error {
	for _, n := range names {
		found := false
		for _, f := range e.files {
			for _, r := range f.Rules {
				found = found || r.Name == n
			}
		}
		if !found {
			var all []string
			for _, f := range e.files {
				for _, r := range f.Rules {
					all = append(all, r.Name)
				}
			}
			return diag.Invalid(fmt.Errorf("--rule %s: no such rule in the files", n), firstHint(diag.DidYouMean(n, all), "the files' rules: "+strings.Join(all, ", ")))
		}
	}
	return nil
}

// prepare loads, checks the selection, connects, and reads the live rules.
func (s *ScheduleCmd) prepare(ctx context.Context, a *app, sel scheduleSelect, prune, validate bool) (*schedEnv, error) {
	env, err := s.load(ctx, a)
	if err != nil {
		return nil, err
	}
	if err := env.checkRules(sel.Rule); err != nil {
		return nil, err
	}
	if err := env.connect(ctx); err != nil {
		return nil, err
	}
	if validate {
		if err := env.check(ctx, sel.Rule); err != nil {
			return nil, err
		}
	}
	if err := env.fetch(ctx, prune); err != nil {
		return nil, err
	}
	return env, nil
}

// drift compares the task definition of the doppio config given with --config
// (when one is) with its family's latest registered revision, for the families the
// files' rules run: family → note naming the differing fields.
func (e *schedEnv) drift(ctx context.Context) (map[string]string, error) {
	if len(e.a.g.Config) == 0 {
		return nil, nil
	}
	p, err := e.a.project(ctx)
	if err != nil {
		return nil, err
	}
	if p.cfg.TaskDefinition == "" {
		return nil, nil
	}
	td, err := p.taskDefinition(ctx)
	if err != nil {
		return nil, err
	}
	family := aws.ToString(td.Family)
	for _, f := range e.files {
		for _, r := range f.Rules {
			if schedule.Family(r.TaskDefinition) != family {
				continue
			}
			out, err := f.reg.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
			if err != nil {
				var ce *ecstypes.ClientException
				if errors.As(err, &ce) {
					return map[string]string{family: fmt.Sprintf("family %s has no registered revision: run 'doppio register'", family)}, nil
				}
				return nil, fmt.Errorf("describe task definition %s: %w", family, err)
			}
			fields, err := schedule.DefinitionDrift(out.TaskDefinition, out.Tags, td)
			if err != nil || len(fields) == 0 {
				return nil, err
			}
			return map[string]string{family: schedule.DriftNote(family, e.a.rel(p.cfg.TaskDefinitionPath()), out.TaskDefinition, fields)}, nil
		}
	}
	return nil, nil
}

// scheduleDiff is the result of diff and apply.
type scheduleDiff struct {
	Differences bool               `json:"differences"`
	Definitions []string           `json:"definitions,omitempty"`
	DryRun      bool               `json:"dryRun,omitempty"`
	Applied     bool               `json:"applied,omitempty"`
	Changes     []*schedule.Change `json:"changes"`
	text        string
	color       bool
}

func (d scheduleDiff) WriteText(w io.Writer) error {
	b := []byte(d.text)
	if d.color {
		b = ui.ColorDiff(b)
	}
	_, err := w.Write(b)
	return err
}

// Run prints the differences (stdout), exit 3 with --exit-code when there are some.
func (c *ScheduleDiffCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if err := c.check("diff", false); err != nil {
		return err
	}
	if c.Prune && !c.All {
		return diag.Invalid(errors.New("--prune needs --all"), "the rules a file no longer names are found only when every rule is compared")
	}
	env, err := s.prepare(ctx, a, c.scheduleSelect, c.Prune, c.Validate)
	if err != nil {
		return err
	}
	cs, err := env.plan(c.scheduleSelect, c.Prune)
	if err != nil {
		return err
	}
	d := scheduleDiff{Differences: schedule.Differs(cs), Changes: cs, text: schedule.DiffText(cs, c.Unified), color: a.color}
	notes, err := env.drift(ctx)
	if err != nil {
		return err
	}
	for _, n := range notes {
		d.Definitions = append(d.Definitions, n)
		d.text += "# " + n + "\n"
		d.Differences = true
	}
	if err := view.Write(a.stdout, a.g.Output, d); err != nil {
		return err
	}
	if c.ExitCode && d.Differences {
		return silentExit(diag.ExitDiff)
	}
	return nil
}

// Run validates everything, then writes only what differs.
func (c *ScheduleApplyCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if err := c.check("apply", false); err != nil {
		return err
	}
	if c.Prune && !c.All {
		return diag.Invalid(errors.New("--prune needs --all"), "the rules a file no longer names are found only when every rule is applied")
	}
	env, err := s.prepare(ctx, a, c.scheduleSelect, c.Prune, true)
	if err != nil {
		return err
	}
	cs, err := env.plan(c.scheduleSelect, c.Prune)
	if err != nil {
		return err
	}
	body := schedule.DiffText(cs, c.Unified)
	if a.color {
		body = string(ui.ColorDiff([]byte(body)))
	}
	suffix := ""
	if c.DryRun {
		suffix = " (dry-run)"
	}
	if body != "" {
		fmt.Fprintf(a.stderr, "changes%s:\n%s", suffix, body)
	} else {
		a.log.Info("no differences: nothing to apply")
	}
	res := scheduleDiff{Differences: schedule.Differs(cs), DryRun: c.DryRun, Changes: cs, text: schedule.Summary(cs)}
	if c.DryRun || !res.Differences {
		return view.Write(a.stdout, a.g.Output, res)
	}
	// Each rule's writes are independent of the others'; they share the rate budget.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for _, ch := range cs {
		if ch.Action == schedule.Unchanged {
			continue
		}
		f := env.fileOf(ch.File)
		g.Go(func() error {
			if err := schedule.Apply(gctx, f.reg.ev, ch); err != nil {
				return fmt.Errorf("%s: %w", ch.File, err)
			}
			a.log.Info("applied", "file", ch.File, "rule", ch.Rule, "action", string(ch.Action))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	res.Applied = true
	return view.Write(a.stdout, a.g.Output, res)
}

func (e *schedEnv) fileOf(path string) *schedFile {
	for _, f := range e.files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Run starts the rule's task with the rule's parameters and overrides, through
// run's machinery (logs, exit code).
func (c *ScheduleRunCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if c.PollInterval <= 0 || c.PollInterval > 5*time.Second {
		return diag.Invalid(fmt.Errorf("--poll-interval %s: must be above 0 and at most 5s", c.PollInterval), "")
	}
	env, err := s.load(ctx, a)
	if err != nil {
		return err
	}
	if err := env.checkRules([]string{c.Rule}); err != nil {
		return err
	}
	if err := env.connect(ctx); err != nil {
		return err
	}
	var f *schedFile
	var r *schedule.Resolved
	for _, sf := range env.files {
		for _, rr := range sf.Resolve(sf.acct) {
			if rr.Name == c.Rule {
				f, r = sf, rr
			}
		}
	}
	o, err := r.RunOptions()
	if err != nil {
		return err
	}
	deps := task.Deps{ECS: f.reg.ecs, Logs: func(ctx context.Context, region string) (task.Logs, error) {
		return cloudwatchlogs.NewFromConfig(f.reg.cfg, func(o *cloudwatchlogs.Options) {
			if region != "" {
				o.Region = region
			}
		}), nil
	}}
	runner := task.NewRunner(deps)
	plan, err := runner.Plan(ctx, o)
	if err != nil {
		return err
	}
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, view.RunPlan{RunPlan: plan})
	}
	started, err := runner.Start(ctx, plan)
	if err != nil {
		return err
	}
	for _, arn := range started.TaskARNs {
		a.log.Info("started task", "rule", r.Name, "task", task.ID(arn), "taskDefinition", started.TaskDefinitionARN)
	}
	if !c.Wait {
		return view.Write(a.stdout, a.g.Output, view.Run{Cluster: started.Cluster, TaskDefinitionARN: started.TaskDefinitionARN, Outcome: view.OutcomeStarted, TaskARNs: started.TaskARNs, Failures: started.Failures})
	}
	wo := task.WaitOptions{Interval: c.PollInterval, Source: plan.Logs, Container: plan.WatchContainer, DrainGrace: c.PollInterval / 5}
	if c.Logs {
		wo.Logs = &task.LogWriter{W: a.stderr}
	}
	res, err := runner.Wait(ctx, started, wo)
	if err != nil {
		return err
	}
	code := res.ExitCode
	if task.Finished(res.Outcome) {
		code = started.ExitCode(res.ExitCode)
	}
	for _, t := range res.Tasks {
		if t.ExitCode != nil {
			a.log.Info("task finished", "task", task.ID(t.TaskARN), "container", t.Container, "exitCode", *t.ExitCode, "stoppedReason", t.StoppedReason)
		}
	}
	if err := view.Write(a.stdout, a.g.Output, view.Run{Cluster: started.Cluster, TaskDefinitionARN: started.TaskDefinitionARN, Outcome: res.Outcome,
		ExitCode: code, TaskARNs: started.TaskARNs, Tasks: res.Tasks, Failures: started.Failures}); err != nil {
		return err
	}
	if code != 0 {
		return silentExit(code)
	}
	return nil
}

// Run shows each rule's schedule, state, next fire times, revision and last runs.
func (c *ScheduleStatusCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if err := c.check("status", true); err != nil {
		return err
	}
	if c.Runs < 0 || c.Runs > 100 {
		return diag.Invalid(fmt.Errorf("--runs %d: must be 0 to 100", c.Runs), "")
	}
	env, err := s.prepare(ctx, a, c.scheduleSelect, false, false)
	if err != nil {
		return err
	}
	cs, err := env.plan(c.scheduleSelect, false)
	if err != nil {
		return err
	}
	notes, err := env.drift(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	rep := schedule.StatusReport{Rules: make([]schedule.RuleStatus, len(cs)), Local: a.location()}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for i, ch := range cs {
		f := env.fileOf(ch.File)
		r := ch.Resolved()
		g.Go(func() error {
			st := schedule.RuleStatus{File: ch.File, Rule: r.Name, Schedule: r.ScheduleExpression, Cluster: r.Cluster,
				Differs: ch.Action != schedule.Unchanged, Runs: []schedule.Run{}}
			state := "NOT_APPLIED"
			if lr := f.reg.live.Rules[r.Name]; lr != nil {
				state = string(lr.Rule.State)
				st.Schedule = aws.ToString(lr.Rule.ScheduleExpression)
			}
			st.State = state
			if expr, err := schedule.ParseExpression(st.Schedule); err == nil && state == "ENABLED" {
				st.Next = expr.Next(now, time.Time{}, 3)
				st.Approximate = expr.Rate() > 0
			}
			if out, err := f.reg.ecs.DescribeTaskDefinition(gctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(r.TaskDefinition)}); err == nil {
				st.TaskDefinition = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
			} else {
				st.Note = fmt.Sprintf("task definition %s not found: the rule's runs fail", r.TaskDefinition)
			}
			if n := notes[schedule.Family(r.TaskDefinition)]; n != "" {
				st.Note = n
			}
			runs, err := schedule.LastRuns(gctx, f.reg.ecs, r.Cluster, r.Name, c.Runs)
			if err != nil {
				return err
			}
			if runs != nil {
				st.Runs = runs
			}
			rep.Rules[i] = st
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, rep)
}

// location is the zone status shows local times in: TZ, else the system's.
func (a *app) location() *time.Location {
	if tz, ok := a.getenv("TZ"); ok && tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			return l
		}
	}
	return time.Local
}

// dumpDoc is dump's JSON result.
type dumpDoc struct {
	File  *schedule.File `json:"file"`
	YAML  string         `json:"yaml"`
	Rules int            `json:"rules"`
}

func (d dumpDoc) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, d.YAML)
	return err
}

// Run writes an ecschedule file (YAML, stdout) of every rule with one ECS task
// target on the cluster, which apply then leaves unchanged.
func (c *ScheduleDumpCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	f := &schedule.File{Region: c.Region, Cluster: c.Cluster, Role: c.Role}
	if len(s.Conf) > 0 {
		env, err := s.load(ctx, a)
		if err != nil {
			return err
		}
		lf := env.files[0].File
		if f.Region == "" {
			f.Region = lf.Region
		}
		if f.Cluster == "" {
			f.Cluster = lf.Cluster
		}
		if f.Role == "" {
			f.Role = lf.Role
		}
	}
	if f.Region == "" {
		f.Region, _ = a.getenv("AWS_REGION")
	}
	if f.Cluster == "" || f.Region == "" {
		return diag.Invalid(errors.New("schedule dump: --cluster and --region are required (or --conf FILE naming them)"), "doppio schedule dump --cluster api --region us-east-1 > ecschedule.yaml")
	}
	env := &schedEnv{a: a, regions: map[string]*schedRegion{}, budget: awsclient.NewBudget(a.g.MaxRPS)}
	env.files = []*schedFile{{Loaded: &schedule.Loaded{File: f}}}
	if err := env.connect(ctx); err != nil {
		return err
	}
	sf := env.files[0]
	ev := sf.reg.ev
	live, err := schedule.Fetch(ctx, ev, nil, nil, nil)
	if err != nil {
		return err
	}
	clusterARN := schedule.ClusterARN(f.Cluster, sf.acct)
	names := make([]string, 0, len(live.Rules))
	for n := range live.Rules {
		names = append(names, n)
	}
	sort.Strings(names)
	trackIDs := map[string]int{}
	for _, n := range names {
		lr := live.Rules[n]
		if aws.ToString(lr.Rule.ScheduleExpression) == "" {
			continue
		}
		if lr.Targets, err = schedule.Targets(ctx, ev, n); err != nil {
			return err
		}
		r, err := schedule.FromLive(lr, clusterARN, sf.acct)
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		f.Rules = append(f.Rules, r)
		tags, err := ev.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: lr.Rule.Arn})
		if err != nil {
			return fmt.Errorf("list tags of rule %s: %w", n, err)
		}
		for _, t := range tags.Tags {
			if aws.ToString(t.Key) == schedule.TrackingTag {
				trackIDs[aws.ToString(t.Value)]++
			}
		}
	}
	// The tracking id the rules carry is written when it is not the default, so
	// that apply finds them tagged as the file says.
	if len(trackIDs) == 1 {
		for id := range trackIDs {
			if id != f.Cluster {
				f.TrackingID = id
			}
		}
	}
	if f.Rules == nil {
		f.Rules = []*schedule.Rule{}
	}
	b, err := yaml.Marshal(f)
	if err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, dumpDoc{File: f, YAML: string(b), Rules: len(f.Rules)})
}

func firstHint(h ...string) string {
	for _, s := range h {
		if s != "" {
			return s
		}
	}
	return ""
}
