package cli

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// TasksCmd lists and works with the project's tasks: the v2.8 subcommands, and the
// older flag form (tasks --find|--stop|--trace [--id ID]) that runs as `list` does.
type TasksCmd struct {
	ID            string `help:"Task ID or ARN (default: pick one, on a terminal)." placeholder:"TASK_ID"`
	DesiredStatus string `help:"Only tasks with this desired status: RUNNING or STOPPED (default both)." enum:"RUNNING,STOPPED," default:""`
	Force         bool   `help:"Stop without asking."`
	Find          bool   `help:"Pick a task and print it as JSON (same as 'tasks find')." hidden:""`
	Stop          bool   `help:"Stop a task (same as 'tasks stop')." hidden:""`
	Trace         bool   `help:"Show a task's timeline and recent logs (same as 'tasks trace')." hidden:""`

	List     TasksListCmd  `cmd:"" default:"withargs" help:"List the service's (or the family's) tasks."`
	FindCmd  TasksFindCmd  `cmd:"" name:"find" help:"Pick a task and print it as JSON."`
	StopCmd  TasksStopCmd  `cmd:"" name:"stop" help:"Stop a task (asks unless --force)."`
	TraceCmd TasksTraceCmd `cmd:"" name:"trace" help:"Show a task's lifecycle timeline and its containers' recent logs."`
	Logs     TasksLogsCmd  `cmd:"" help:"Print (or follow) a task's CloudWatch Logs."`
}

// AfterApply makes the parent's flags available to the subcommands.
func (c *TasksCmd) AfterApply(kctx *kong.Context) error {
	kctx.Bind(c)
	return nil
}

// tasksEnv is what every tasks subcommand starts from.
type tasksEnv struct {
	p    *project
	deps task.Deps
	q    task.Query
	pick task.Picker
}

func (a *app) tasksEnv(ctx context.Context, desired string) (*tasksEnv, error) {
	p, err := a.project(ctx)
	if err != nil {
		return nil, err
	}
	q := task.Query{Cluster: p.cfg.Cluster, Service: p.cfg.Service, DesiredStatus: desired}
	if p.cfg.TaskDefinition != "" || q.Service == "" {
		td, err := p.taskDefinition(ctx)
		if err != nil {
			return nil, err
		}
		q.Family = aws.ToString(td.Family)
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return nil, err
	}
	pick := task.Picker{Ask: a.ask, Terminal: a.env.IsTerminal, Show: func(ts []types.Task) error {
		return view.Write(a.stderr, view.Text, view.TaskChoices{List: ts, Width: termWidth(a.env.Vars)})
	}}
	if fc := a.filterCommand(p.cfg); fc != "" {
		pick.Filter = func(lines []string) (string, error) { return a.runFilter(ctx, fc, lines) }
	}
	return &tasksEnv{p: p, deps: task.Deps{ECS: client, Logs: p.logsClient}, q: q, pick: pick}, nil
}

// one returns the task named by --id, or the one picked among the listed tasks.
func (e *tasksEnv) one(ctx context.Context, id string, what string, running bool) (*types.Task, error) {
	if id != "" {
		return task.Describe(ctx, e.deps, e.q.Cluster, id)
	}
	q := e.q
	if running {
		q.DesiredStatus = "RUNNING"
	}
	tasks, err := task.List(ctx, e.deps, q)
	if err != nil {
		return nil, err
	}
	return e.pick.Pick(tasks, what)
}

// TasksListCmd lists tasks (also the old flag form's entry point).
type TasksListCmd struct{}

// Run lists, or runs the old --find/--stop/--trace form.
func (c *TasksListCmd) Run(ctx context.Context, a *app, parent *TasksCmd) error {
	switch {
	case parent.Find:
		return (&TasksFindCmd{}).Run(ctx, a, parent)
	case parent.Stop:
		return (&TasksStopCmd{}).Run(ctx, a, parent)
	case parent.Trace:
		return (&TasksTraceCmd{}).Run(ctx, a, parent)
	}
	e, err := a.tasksEnv(ctx, parent.DesiredStatus)
	if err != nil {
		return err
	}
	var tasks []types.Task
	if parent.ID != "" {
		t, err := task.Describe(ctx, e.deps, e.q.Cluster, parent.ID)
		if err != nil {
			return err
		}
		tasks = []types.Task{*t}
	} else if tasks, err = task.List(ctx, e.deps, e.q); err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, view.Tasks{List: tasks, Width: a.termWidth()})
}

// TasksFindCmd prints one task as JSON.
type TasksFindCmd struct{}

// Run picks and prints.
func (c *TasksFindCmd) Run(ctx context.Context, a *app, parent *TasksCmd) error {
	e, err := a.tasksEnv(ctx, parent.DesiredStatus)
	if err != nil {
		return err
	}
	t, err := e.one(ctx, parent.ID, "to show", false)
	if err != nil {
		return err
	}
	return view.Write(a.stdout, a.g.Output, view.Task{Task: *t})
}

// TasksStopCmd stops a task after confirmation.
type TasksStopCmd struct{}

// Run picks, confirms and stops.
func (c *TasksStopCmd) Run(ctx context.Context, a *app, parent *TasksCmd) error {
	e, err := a.tasksEnv(ctx, parent.DesiredStatus)
	if err != nil {
		return err
	}
	t, err := e.one(ctx, parent.ID, "to stop", true)
	if err != nil {
		return err
	}
	arn := aws.ToString(t.TaskArn)
	if !parent.Force && !confirm(a, fmt.Sprintf("stop task %s (%s)? [y/N]: ", task.ID(arn), task.ID(aws.ToString(t.TaskDefinitionArn)))) {
		return diag.WithHint(fmt.Errorf("cancelled; task %s was not stopped", task.ID(arn)), "answer y, or pass --force")
	}
	st, err := task.Stop(ctx, e.deps, e.q.Cluster, arn)
	if err != nil {
		return err
	}
	a.log.Info("stopping task", "task", task.ID(arn), "lastStatus", aws.ToString(st.LastStatus))
	return view.Write(a.stdout, a.g.Output, view.TaskStopped{TaskARN: arn, DesiredStatus: aws.ToString(st.DesiredStatus), LastStatus: aws.ToString(st.LastStatus)})
}

// TasksTraceCmd shows a task's timeline and recent logs.
type TasksTraceCmd struct{}

// Run prints the timeline, then each container's recent log lines.
func (c *TasksTraceCmd) Run(ctx context.Context, a *app, parent *TasksCmd) error {
	e, err := a.tasksEnv(ctx, parent.DesiredStatus)
	if err != nil {
		return err
	}
	t, err := e.one(ctx, parent.ID, "to trace", false)
	if err != nil {
		return err
	}
	// The recent lines are read first, so that the trace is one document.
	var logs bytes.Buffer
	if err := task.FollowLogs(ctx, e.deps, e.q.Cluster, *t, task.LogOptions{Region: e.p.cfg.Region}, &task.LogWriter{W: &logs}); err != nil {
		return err
	}
	return view.Write(e.p.redacting(a.stdout), a.g.Output, view.Trace{TaskARN: aws.ToString(t.TaskArn), Timeline: task.Timeline(*t), Logs: view.Lines(logs.String())})
}

// TasksLogsCmd prints a task's logs.
type TasksLogsCmd struct {
	Follow       bool          `short:"f" help:"Keep following until the task stops."`
	Duration     time.Duration `short:"d" help:"Show logs of this long before now (or after --start-time)." default:"1m"`
	StartTime    string        `short:"s" help:"Show logs from this time (RFC 3339, or 2006-01-02 15:04:05 UTC)." placeholder:"TIME"`
	Container    string        `help:"Only this container."`
	PollInterval time.Duration `help:"Time between reads while following." default:"5s"`
}

// Run reads the logs.
func (c *TasksLogsCmd) Run(ctx context.Context, a *app, parent *TasksCmd) error {
	start := time.Now().Add(-c.Duration)
	if c.StartTime != "" {
		var err error
		if start, err = parseTime(c.StartTime); err != nil {
			return err
		}
	}
	e, err := a.tasksEnv(ctx, parent.DesiredStatus)
	if err != nil {
		return err
	}
	t, err := e.one(ctx, parent.ID, "to read logs of", false)
	if err != nil {
		return err
	}
	opts := task.LogOptions{Container: c.Container, Start: start, Follow: c.Follow, Interval: c.PollInterval, Region: e.p.cfg.Region}
	if a.g.Output != view.JSON {
		return task.FollowLogs(ctx, e.deps, e.q.Cluster, *t, opts, &task.LogWriter{W: e.p.redacting(a.stdout)})
	}
	// JSON is one document: the lines are collected until the reading ends.
	var logs bytes.Buffer
	if err := task.FollowLogs(ctx, e.deps, e.q.Cluster, *t, opts, &task.LogWriter{W: &logs}); err != nil {
		return err
	}
	return view.Write(e.p.redacting(a.stdout), a.g.Output, view.Logs{TaskARN: aws.ToString(t.TaskArn), Lines: view.Lines(logs.String())})
}

// runFilter runs the filter command (sh -c) with lines on its stdin and returns the
// line it printed.
func (a *app) runFilter(ctx context.Context, command string, lines []string) (string, error) {
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	cmd.Stderr = a.stderr
	for k, v := range a.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("filter command %q: %w", command, err)
	}
	return string(out), nil
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, diag.Invalid(fmt.Errorf("--start-time %q: not a time", s), "use RFC 3339 (2026-01-02T15:04:05Z) or 2026-01-02 15:04:05 (UTC)")
}

// termWidth is the width a table on stdout must fit: COLUMNS, else the default
// terminal width when stdout is a terminal; 0 (no limit) when it goes to a pipe or
// a file, for scripts.
func (a *app) termWidth() int {
	if n := termWidth(a.env.Vars); n > 0 {
		return n
	}
	if a.env.IsTerminal && a.env.Vars["CI"] != "true" {
		return ui.DefaultWidth
	}
	return 0
}
