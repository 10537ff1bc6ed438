package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/schedule"
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
	Prune       bool `help:"Delete the rules tagged with the file's tracking id that the file no longer names (never an untagged rule)."`
	DryRun      bool `help:"Show what would change; change nothing."`
	ToScheduler bool `help:"Migrate: create the rules as EventBridge Scheduler schedules and disable the EventBridge rules."`
	Unified     bool `short:"u" help:"Unified diffs (hunks with context); --no-unified prints whole documents." negatable:"" default:"true"`
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

// scheduleConnect gets a region's clients from the factory, on the command's rate
// budget (the one place schedule asks for clients); clients keeps each region's
// factory for the command's own clients (schedule run's ECS and Logs).
func (a *app) scheduleConnect(budget *awsclient.Budget, clients *regionClients) schedule.Connect {
	return func(ctx context.Context, region string) (*schedule.Region, error) {
		o := a.awsOptions(region)
		o.Budget = budget
		c := a.clientsFor(awsclient.NewLazy(o))
		r, err := c.Schedule(ctx)
		if err != nil {
			return nil, err
		}
		clients.put(r.Name, c)
		return r, nil
	}
}

// regionClients are the factories of the regions a schedule command connected to.
type regionClients struct {
	mu sync.Mutex
	m  map[string]Clients
}

func (r *regionClients) put(region string, c Clients) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]Clients{}
	}
	r.m[region] = c
}

func (r *regionClients) get(region string) (Clients, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.m[region]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("no clients for region %q", region)
}

// open loads and checks the --conf files.
func (s *ScheduleCmd) open(ctx context.Context, a *app) (*schedule.Session, error) {
	ss, _, err := s.openWith(ctx, a)
	return ss, err
}

// openWith is open that also returns the factories of the regions connected to.
func (s *ScheduleCmd) openWith(ctx context.Context, a *app) (*schedule.Session, *regionClients, error) {
	rc := &regionClients{}
	paths, err := schedule.Paths(s.Conf, a.abs, a.rel)
	if err != nil {
		return nil, nil, err
	}
	ss, err := schedule.Open(ctx, paths, a.abs, schedule.LoadOptions{ExtStr: a.g.ExtStr, ExtCode: a.g.ExtCode, Getenv: a.getenv, Secrets: a.secrets},
		a.scheduleConnect(awsclient.NewBudget(a.g.MaxRPS), rc))
	return ss, rc, err
}

// planned is what diff, apply and status share: the selection checked, the files
// loaded and checked, the live rules read and compared.
type planned struct {
	verb                                   string
	optional, prune, validate, toScheduler bool
}

func (s *ScheduleCmd) plan(ctx context.Context, a *app, sel scheduleSelect, p planned) (*schedule.Session, []*schedule.Change, error) {
	if err := sel.check(p.verb, p.optional); err != nil {
		return nil, nil, err
	}
	if p.prune && !sel.All {
		done := map[string]string{"diff": "compared", "apply": "applied"}[p.verb]
		return nil, nil, diag.Invalid(errors.New("--prune needs --all"), "the rules a file no longer names are found only when every rule is "+done)
	}
	ss, err := s.open(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range ss.Files {
		if p.toScheduler {
			f.ToScheduler()
		}
	}
	if err := ss.Prepare(ctx, sel.Rule, p.prune, p.validate); err != nil {
		return nil, nil, err
	}
	cs, err := ss.Plan(sel.Rule, p.prune)
	return ss, cs, err
}

// drift is the note on the family of the doppio config given with --config (when
// one is) whose local definition differs from its latest registered revision.
func (a *app) scheduleDrift(ctx context.Context, ss *schedule.Session) (map[string]string, error) {
	if len(a.g.Config) == 0 {
		return nil, nil
	}
	p, err := a.project(ctx)
	if err != nil || p.cfg.TaskDefinition == "" {
		return nil, err
	}
	td, err := p.taskDefinition(ctx)
	if err != nil {
		return nil, err
	}
	return ss.Drift(ctx, td, a.rel(p.cfg.TaskDefinitionPath()))
}

// Run prints the differences (stdout), exit 3 with --exit-code when there are some.
func (c *ScheduleDiffCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	ss, cs, err := s.plan(ctx, a, c.scheduleSelect, planned{verb: "diff", prune: c.Prune, validate: c.Validate})
	if err != nil {
		return err
	}
	d := schedule.DiffResult{Differences: schedule.Differs(cs), Changes: cs, Text: schedule.DiffText(cs, c.Unified), Color: a.color}
	notes, err := a.scheduleDrift(ctx, ss)
	if err != nil {
		return err
	}
	for _, n := range notes {
		d.Definitions = append(d.Definitions, n)
		d.Text += "# " + n + "\n"
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
	ss, cs, err := s.plan(ctx, a, c.scheduleSelect, planned{verb: "apply", prune: c.Prune, validate: true, toScheduler: c.ToScheduler})
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
	res := schedule.DiffResult{Differences: schedule.Differs(cs), DryRun: c.DryRun, Changes: cs, Text: schedule.Summary(cs)}
	if c.DryRun || !res.Differences {
		return view.Write(a.stdout, a.g.Output, res)
	}
	if err := ss.ApplyAll(ctx, cs, func(ch *schedule.Change) {
		a.log.Info("applied", "file", ch.File, ch.Kind(), ch.Rule, "action", string(ch.Action))
	}); err != nil {
		return err
	}
	res.Applied = true
	return view.Write(a.stdout, a.g.Output, res)
}

// Run shows each rule's schedule, state, next fire times, revision and last runs.
func (c *ScheduleStatusCmd) Run(ctx context.Context, a *app, s *ScheduleCmd) error {
	if c.Runs < 0 || c.Runs > 100 {
		return diag.Invalid(fmt.Errorf("--runs %d: must be 0 to 100", c.Runs), "")
	}
	ss, cs, err := s.plan(ctx, a, c.scheduleSelect, planned{verb: "status", optional: true})
	if err != nil {
		return err
	}
	notes, err := a.scheduleDrift(ctx, ss)
	if err != nil {
		return err
	}
	rep, err := ss.Status(ctx, cs, notes, c.Runs, time.Now())
	if err != nil {
		return err
	}
	rep.Local = a.location()
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
