package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// RunCmd runs a one-off task with the project's task definition and the service
// definition's launch settings, and exits with the watched container's exit code.
type RunCmd struct {
	DryRun                 bool          `help:"Print what would run; register and run nothing."`
	TaskDef                string        `name:"task-def" help:"Run this task definition file instead of the config's." placeholder:"FILE"`
	Wait                   bool          `help:"Wait for the task (see --wait-until)." negatable:"" default:"true"`
	WaitUntil              string        `help:"stopped: until the task stops (exit code = the container's); running: until it runs." enum:"running,stopped" default:"stopped"`
	Overrides              string        `help:"RunTask overrides as JSON (wins over --overrides-file)." placeholder:"JSON"`
	OverridesFile          string        `help:"RunTask overrides file, rendered like definitions (templates, Jsonnet)." placeholder:"FILE"`
	SkipTaskDefinition     bool          `help:"Run the service's current task definition (or the family's latest); register nothing."`
	LatestTaskDefinition   bool          `help:"Run the family's newest ACTIVE revision; register nothing."`
	Revision               int32         `help:"Run this revision of the family; register nothing."`
	ForceRegister          bool          `help:"Register a new revision even if it equals the family's latest."`
	Count                  int32         `help:"Number of tasks, 1 to 10." default:"1"`
	WatchContainer         string        `help:"Container whose exit code and logs count (default: the first essential one)." placeholder:"NAME"`
	PropagateTags          string        `help:"SERVICE (copy the service's tags) or TASK_DEFINITION." placeholder:"SERVICE|TASK_DEFINITION"`
	Tags                   string        `help:"Task tags K=V,K2=V2." placeholder:"K=V,K2=V2"`
	ClientToken            string        `help:"Idempotency token for RunTask."`
	EbsDeleteOnTermination bool          `help:"Delete managed EBS volumes when the task stops." negatable:"" default:"true"`
	Logs                   bool          `help:"Stream the watched container's CloudWatch Logs to stderr." negatable:"" default:"true"`
	PollInterval           time.Duration `help:"Time between task polls (at most 5s)." default:"5s"`
}

// Run validates everything, plans, starts and follows the task.
func (c *RunCmd) Run(ctx context.Context, a *app) error {
	if c.PollInterval <= 0 || c.PollInterval > 5*time.Second {
		return diag.Invalid(fmt.Errorf("--poll-interval %s: must be above 0 and at most 5s", c.PollInterval), "")
	}
	tags, err := task.ParseTags(c.Tags)
	if err != nil {
		return diag.Invalid(fmt.Errorf("--tags %q: %w", c.Tags, err), "write --tags K=V,K2=V2")
	}
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	o := task.RunOptions{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Region: p.cfg.Region, Count: c.Count,
		SkipTaskDefinition: c.SkipTaskDefinition, LatestTaskDefinition: c.LatestTaskDefinition, Revision: c.Revision,
		ForceRegister: c.ForceRegister, WatchContainer: c.WatchContainer, PropagateTags: strings.ToUpper(c.PropagateTags),
		Tags: tags, ClientToken: c.ClientToken, EBSDeleteOnTermination: c.EbsDeleteOnTermination,
	}
	// Render and validate every input before the first AWS call.
	if err := c.definitions(ctx, a, p, &o); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	deps := task.Deps{ECS: client, Logs: p.logsClient}
	r := task.NewRunner(deps)
	plan, err := r.Plan(ctx, o)
	if err != nil {
		return err
	}
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, view.RunPlan{RunPlan: plan})
	}
	started, err := r.Start(ctx, plan)
	if err != nil {
		return err
	}
	sayTaskDefinition(a, plan, started)
	for _, arn := range started.TaskARNs {
		a.log.Info("started task", "task", task.ID(arn), "taskDefinition", ecsdef.TaskDefinitionName(started.TaskDefinitionARN))
	}
	// The tasks run whether or not stdout takes their ARNs: they are still followed,
	// and the exit code is theirs.
	_ = view.Write(a.stdout, a.g.Output, view.RunStarted{TaskARNs: started.TaskARNs})
	// Tasks ECS could not place are reported now and count in the exit code; the
	// ones that started are still followed (logs, exit codes).
	for _, f := range started.Failures {
		a.log.Error("ECS could not place a task", "reason", f.Reason, "detail", f.Detail, "arn", f.ARN)
	}
	if !c.Wait {
		_ = view.Write(a.stdout, a.g.Output, view.Run{Cluster: started.Cluster, TaskDefinitionARN: started.TaskDefinitionARN, Outcome: view.OutcomeStarted,
			TaskARNs: started.TaskARNs, Failures: started.Failures, ExitCode: started.ExitCode(0)})
		if code := started.ExitCode(0); code != 0 {
			return silentExit(code)
		}
		return nil
	}
	wo := task.WaitOptions{UntilRunning: c.WaitUntil == "running", Interval: c.PollInterval, Source: plan.Logs, Container: plan.WatchContainer,
		DrainGrace: c.PollInterval / 5}
	if c.Logs {
		wo.Logs = &task.LogWriter{Console: ui.ConsoleFor(a.stderr, a.ci()), Redact: p.renderer.Redact}
	}
	wo.Progress = taskRows(ui.ConsoleFor(a.stderr, a.ci()), started.Cluster)
	res, err := r.Wait(ctx, started, wo)
	if err != nil {
		return err
	}
	return c.report(context.WithoutCancel(ctx), a, p, deps, started, res)
}

// report prints the result and returns the exit code as an error.
func (c *RunCmd) report(ctx context.Context, a *app, p *project, deps task.Deps, s *task.Started, res *task.Result) error {
	doc := view.Run{Cluster: s.Cluster, TaskDefinitionARN: s.TaskDefinitionARN, Outcome: res.Outcome, ExitCode: res.ExitCode, TaskARNs: s.TaskARNs, Tasks: res.Tasks, Failures: s.Failures}
	finished := task.Finished(res.Outcome)
	if finished {
		doc.ExitCode = s.ExitCode(res.ExitCode)
		if doc.ExitCode != 0 {
			doc.Outcome = task.Failed // tasks ECS could not place fail the run too
		}
	}
	if finished && len(res.Stopped) > 0 {
		// Each distinct stopped reason once, with its count and exit codes: the
		// per-task lines below do not repeat it.
		doc.Explanation = task.Explain(ctx, deps, task.ExplainInput{Stopped: task.StoppedTasks(res.Stopped), Region: p.cfg.Region})
		_ = view.Write(p.redacting(a.stderr), view.Text, view.Explanation{Explanation: doc.Explanation})
	}
	for _, t := range res.Tasks {
		switch {
		case !finished:
		case t.StoppedSinceRunning && t.ExitCode != nil:
			a.log.Info("task reached RUNNING and has since stopped", "task", task.ID(t.TaskARN), "container", t.Container, "exitCode", *t.ExitCode)
		case t.StoppedSinceRunning:
			a.log.Info("task reached RUNNING and has since stopped", "task", task.ID(t.TaskARN))
		case t.ExitCode != nil:
			a.log.Info("task finished", "task", task.ID(t.TaskARN), "container", t.Container, "exitCode", *t.ExitCode)
		case t.LastStatus == "RUNNING":
			a.log.Info("task is running", "task", task.ID(t.TaskARN))
		case doc.Explanation == nil:
			a.log.Error("task stopped before its container ran", "task", task.ID(t.TaskARN), "stopCode", t.StopCode, "stoppedReason", t.StoppedReason)
		}
	}
	if err := view.Write(p.redacting(a.stdout), a.g.Output, doc); err != nil {
		return err
	}
	switch res.Outcome {
	case task.Interrupted, task.TimedOut:
		var ids []string
		for _, arn := range s.TaskARNs {
			ids = append(ids, task.ID(arn))
		}
		what := "interrupted"
		if res.Outcome == task.TimedOut {
			what = "timed out waiting"
		}
		return diag.WithHint(diag.WithCode(fmt.Errorf("%s; task %s left running", what, strings.Join(ids, ", ")), res.ExitCode),
			fmt.Sprintf("stop it with: doppio tasks stop --id %s --force (or: aws ecs stop-task --cluster %s --task %s)", ids[0], s.Cluster, ids[0]))
	}
	if len(s.Failures) > 0 {
		a.log.Error(fmt.Sprintf("%d of %d tasks could not be placed", len(s.Failures), len(s.Failures)+len(s.TaskARNs)), "reason", s.Failures[0].String())
	}
	if doc.ExitCode != 0 {
		return silentExit(doc.ExitCode)
	}
	return nil
}

// definitions renders the task definition (--task-def or the config's), the service
// definition (launch settings) and the overrides, and checks them together.
func (c *RunCmd) definitions(ctx context.Context, a *app, p *project, o *task.RunOptions) error {
	fromFile := !c.SkipTaskDefinition && !c.LatestTaskDefinition && c.Revision == 0
	var td *ecs.RegisterTaskDefinitionInput
	switch {
	case c.TaskDef != "":
		b, err := p.renderer.RenderFile(ctx, a.abs(c.TaskDef))
		if err != nil {
			return err
		}
		if td, err = ecsdef.DecodeTaskDefinition(c.TaskDef, b); err != nil {
			return err
		}
	case p.cfg.TaskDefinition != "":
		var err error
		if td, err = p.taskDefinition(ctx); err != nil {
			return err
		}
	}
	if fromFile {
		o.TaskDefinition = td
	} else if td != nil {
		o.Family = aws.ToString(td.Family)
	}
	if p.cfg.ServiceDefinition != "" {
		sd, err := p.serviceDefinition(ctx)
		if err != nil {
			return err
		}
		o.ServiceDefinition = sd
	}
	var file string
	var data []byte
	switch {
	case c.Overrides != "":
		file, data = "--overrides", []byte(c.Overrides)
	case c.OverridesFile != "":
		b, err := p.renderer.RenderFile(ctx, a.abs(c.OverridesFile))
		if err != nil {
			return err
		}
		file, data = c.OverridesFile, b
	default:
		return nil
	}
	ov, err := task.DecodeOverrides(file, data)
	if err != nil {
		return err
	}
	o.Overrides = ov
	return task.CheckOverrides(file, data, ov, td)
}

// abs resolves a path given on the command line against the working directory.
func (a *app) abs(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(a.env.Dir, path)
}

// redacting wraps w so that every write (a line, or one document) has the secret
// values the renderer produced replaced: container logs and explanations may echo
// what the overrides passed in.
func (p *project) redacting(w io.Writer) io.Writer {
	return redactWriter{w: w, redact: p.renderer.Redact}
}

type redactWriter struct {
	w      io.Writer
	redact func([]byte) []byte
}

func (r redactWriter) Write(b []byte) (int, error) {
	if _, err := r.w.Write(r.redact(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// explainDeploy explains a failed or rolled back deployment: its stopped tasks'
// reasons and exit codes, the failing container's last log lines, and the load
// balancer's view of the service's targets. Its own errors only shorten it.
func (a *app) explainDeploy(ctx context.Context, cluster, service string, stopped []watch.StoppedTask) *task.Explanation {
	p := a.proj
	if p == nil {
		return nil
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return nil
	}
	deps := task.Deps{ECS: client, Logs: p.logsClient}
	var tgs []string
	if svc, err := liveService(ctx, client, cluster, service); err == nil && svc != nil {
		tgs = task.TargetGroups(svc.LoadBalancers)
	}
	if len(tgs) > 0 {
		if th, err := p.clients.TargetHealth(ctx); err == nil {
			deps.TargetHealth = th
		}
	}
	return task.Explain(ctx, deps, task.ExplainInput{Stopped: stopped, TargetGroups: tgs, Region: p.cfg.Region})
}

// sayTaskDefinition says which task definition revision the tasks run and whether
// it was registered for them or reused, as plan does for deploy.
func sayTaskDefinition(a *app, plan *task.RunPlan, started *task.Started) {
	td := plan.TaskDefinition
	name := ecsdef.TaskDefinitionName(started.TaskDefinitionARN)
	var msg string
	switch td.Action {
	case task.TDRegister:
		msg = "registered task definition " + name
	case task.TDReuse:
		msg = "reusing task definition " + name
	default:
		msg = "running task definition " + name
	}
	if td.Reason != "" {
		a.log.Info(msg, "reason", td.Reason)
		return
	}
	a.log.Info(msg)
}

// taskRows shows each task's state on stderr's console: one row per task, redrawn in
// place on a terminal (with its elapsed time), a line per change otherwise, and
// structured fields under --log-format json.
func taskRows(c *ui.Console, cluster string) func(task.TaskProgress) {
	return func(p task.TaskProgress) {
		id := task.ID(p.TaskARN)
		text := "task " + id + " " + p.LastStatus
		attrs := []slog.Attr{slog.String("cluster", cluster), slog.String("task", id), slog.String("lastStatus", p.LastStatus)}
		if p.ExitCode != nil {
			text += fmt.Sprintf("  exit code %d", *p.ExitCode)
			attrs = append(attrs, slog.Int("exitCode", int(*p.ExitCode)))
		}
		e := ui.Entry{Msg: "task", Text: text, Attrs: attrs}
		if p.Final {
			c.EndRow(p.TaskARN, e)
			return
		}
		c.SetRow(p.TaskARN, e)
	}
}
