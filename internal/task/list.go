package task

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// Query selects the tasks of a project: the service's, or (task-only projects) the
// family's.
type Query struct {
	Cluster string
	Service string
	Family  string
	// DesiredStatus is RUNNING, STOPPED, or "" for both.
	DesiredStatus string
}

// List returns the tasks of q, RUNNING ones first, each group newest first. With
// both a service and a family it lists by each (ListTasks takes one of them) and
// merges, as ecspresso does, so one-off tasks of the family show next to the
// service's.
func List(ctx context.Context, d Deps, q Query) ([]types.Task, error) {
	statuses := []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped}
	if q.DesiredStatus != "" {
		statuses = []types.DesiredStatus{types.DesiredStatus(q.DesiredStatus)}
	}
	var filters []ecs.ListTasksInput
	if q.Family != "" {
		filters = append(filters, ecs.ListTasksInput{Family: aws.String(q.Family)})
	}
	if q.Service != "" {
		filters = append(filters, ecs.ListTasksInput{ServiceName: aws.String(q.Service)})
	}
	var out []types.Task
	seen := map[string]bool{}
	for _, st := range statuses {
		var group []types.Task
		for _, f := range filters {
			in := f
			in.Cluster, in.DesiredStatus = aws.String(q.Cluster), st
			pages := ecs.NewListTasksPaginator(d.ECS, &in)
			for pages.HasMorePages() {
				page, err := pages.NextPage(ctx)
				var nf *types.ServiceNotFoundException
				if errors.As(err, &nf) && in.ServiceName != nil {
					break // the service is not created yet: the family's tasks remain
				}
				if err != nil {
					return nil, fmt.Errorf("list tasks in cluster %q: %w", q.Cluster, err)
				}
				var arns []string
				for _, a := range page.TaskArns {
					if !seen[a] {
						seen[a] = true
						arns = append(arns, a)
					}
				}
				if len(arns) == 0 {
					continue
				}
				dt, err := d.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(q.Cluster), Tasks: arns, Include: []types.TaskField{types.TaskFieldTags}})
				if err != nil {
					return nil, fmt.Errorf("describe tasks: %w", err)
				}
				group = append(group, dt.Tasks...)
			}
		}
		slices.SortStableFunc(group, func(a, b types.Task) int { return aws.ToTime(b.CreatedAt).Compare(aws.ToTime(a.CreatedAt)) })
		out = append(out, group...)
	}
	return out, nil
}

// Describe returns one task by id or ARN.
func Describe(ctx context.Context, d Deps, cluster, id string) (*types.Task, error) {
	out, err := d.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{id}, Include: []types.TaskField{types.TaskFieldTags}})
	if err != nil {
		return nil, fmt.Errorf("describe task %s: %w", id, err)
	}
	if len(out.Tasks) == 0 {
		return nil, diag.Invalid(fmt.Errorf("task %s not found in cluster %q", id, cluster), "list the tasks with 'doppio tasks list'")
	}
	return &out.Tasks[0], nil
}

// Picker chooses one task of several, interactively: through a filter command
// (peco, fzf: --filter-command) when one is set, else a numbered list and a prompt
// on a terminal.
type Picker struct {
	Show     func(tasks []types.Task) error       // shows the numbered list (a view)
	Ask      func(prompt string) string           // the one prompt (reads a line)
	Terminal bool                                 // stderr is a terminal
	Filter   func(lines []string) (string, error) // nil: no filter command
}

// Pick returns the only task, or lets the user choose. Without a terminal or a
// filter command it fails with a hint rather than waiting for input that never
// comes.
func (p Picker) Pick(tasks []types.Task, what string) (*types.Task, error) {
	switch {
	case len(tasks) == 0:
		return nil, errors.New("no tasks found")
	case len(tasks) == 1:
		return &tasks[0], nil
	case p.Filter != nil:
		lines := make([]string, len(tasks))
		for i, t := range tasks {
			lines[i] = strings.Join(row(t, time.Local)[:8], "\t")
		}
		sel, err := p.Filter(lines)
		if err != nil {
			return nil, fmt.Errorf("pick a task %s: %w", what, err)
		}
		id, _, _ := strings.Cut(strings.TrimSpace(sel), "\t")
		for i, t := range tasks {
			if id != "" && ID(aws.ToString(t.TaskArn)) == strings.Fields(id)[0] {
				return &tasks[i], nil
			}
		}
		return nil, diag.Invalid(fmt.Errorf("no task picked %s", what), "")
	case !p.Terminal || p.Ask == nil:
		return nil, diag.Invalid(fmt.Errorf("%d tasks match and there is no terminal to pick one %s", len(tasks), what), "pass --id TASK_ID (see 'doppio tasks list'), or set --filter-command")
	}
	if p.Show != nil {
		if err := p.Show(tasks); err != nil {
			return nil, err
		}
	}
	line := p.Ask(fmt.Sprintf("pick a task %s [1-%d]: ", what, len(tasks)))
	n, err := strconv.Atoi(line)
	if err != nil || n < 1 || n > len(tasks) {
		return nil, diag.Invalid(fmt.Errorf("no task picked (%q)", line), "")
	}
	return &tasks[n-1], nil
}

// Stop stops a task with a reason that names doppio.
func Stop(ctx context.Context, d Deps, cluster, arn string) (*types.Task, error) {
	out, err := d.ECS.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: aws.String(arn), Reason: aws.String("Stopped by doppio tasks stop")})
	if err != nil {
		return nil, fmt.Errorf("stop task %s: %w", ID(arn), err)
	}
	return out.Task, nil
}

// Columns are the tsv/table columns: ecspresso's (ecsta's) eight, then health,
// start time and stopped reason.
var Columns = []string{"ID", "TaskDefinition", "Instance", "LastStatus", "DesiredStatus", "CreatedAt", "Group", "Type", "Health", "StartedAt", "StoppedReason"}

func row(t types.Task, loc *time.Location) []string {
	ts := func(p *time.Time) string {
		if p == nil {
			return ""
		}
		return p.In(loc).Format(time.RFC3339)
	}
	return []string{
		ID(aws.ToString(t.TaskArn)), ID(aws.ToString(t.TaskDefinitionArn)), ID(aws.ToString(t.ContainerInstanceArn)),
		aws.ToString(t.LastStatus), aws.ToString(t.DesiredStatus), ts(t.CreatedAt), aws.ToString(t.Group), string(t.LaunchType),
		string(t.HealthStatus), ts(t.StartedAt), oneLine(aws.ToString(t.StoppedReason)),
	}
}

// oneLine keeps a row on one line whatever a stopped reason contains.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// WriteTasks writes tasks as table (also for text), tsv or json (one indented
// API-shaped object per task, as ecspresso prints them), with times in the local
// time zone, as ecspresso shows them.
func WriteTasks(w io.Writer, format string, tasks []types.Task) error {
	return WriteTasksIn(w, format, tasks, time.Local)
}

// WriteTasksIn is WriteTasks with times shown in loc.
func WriteTasksIn(w io.Writer, format string, tasks []types.Task, loc *time.Location) error {
	return WriteTasksFit(w, format, tasks, loc, 0)
}

// WriteTasksFit is WriteTasksIn with the table cut to width columns (0: as wide as
// its cells): the widest cells are shortened, ending in "…". JSON is one document:
// an array of API-shaped task objects.
func WriteTasksFit(w io.Writer, format string, tasks []types.Task, loc *time.Location, width int) error {
	switch format {
	case "json":
		if tasks == nil {
			tasks = []types.Task{}
		}
		b, err := ecsdef.Marshal(tasks)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	case "tsv":
		var b strings.Builder
		b.WriteString(strings.Join(Columns, "\t") + "\n")
		for _, t := range tasks {
			b.WriteString(strings.Join(row(t, loc), "\t") + "\n")
		}
		_, err := io.WriteString(w, b.String())
		return err
	}
	header := make([]string, len(Columns))
	for i, c := range Columns {
		header[i] = strings.ToUpper(c)
	}
	rows := make([][]string, len(tasks))
	for i, t := range tasks {
		rows[i] = row(t, loc)
	}
	return ui.WriteTableFit(w, header, rows, width)
}

// TraceEvent is one moment of a task's life.
type TraceEvent struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
}

// Timeline lists the lifecycle timestamps ECS reports for t, in order.
func Timeline(t types.Task) []TraceEvent {
	var evs []TraceEvent
	add := func(p *time.Time, what string) {
		if p != nil && !p.IsZero() {
			evs = append(evs, TraceEvent{At: *p, What: what})
		}
	}
	add(t.CreatedAt, "created")
	add(t.ConnectivityAt, "connected")
	add(t.PullStartedAt, "image pull started")
	add(t.PullStoppedAt, "image pull finished")
	add(t.StartedAt, "started (RUNNING)")
	if t.StoppingAt != nil {
		add(t.StoppingAt, "stopping: "+aws.ToString(t.StoppedReason))
	}
	add(t.ExecutionStoppedAt, "execution stopped")
	add(t.StoppedAt, "stopped"+strings.TrimSuffix(" ("+string(t.StopCode)+")", " ()"))
	for _, c := range t.Containers {
		if c.ExitCode != nil || c.Reason != nil {
			at := t.ExecutionStoppedAt
			if at == nil {
				at = t.StoppedAt
			}
			msg := "container " + aws.ToString(c.Name)
			if c.ExitCode != nil {
				msg += fmt.Sprintf(" exited with code %d", *c.ExitCode)
			}
			if c.Reason != nil {
				msg += ": " + aws.ToString(c.Reason)
			}
			add(at, msg)
		}
	}
	slices.SortStableFunc(evs, func(a, b TraceEvent) int { return a.At.Compare(b.At) })
	return evs
}

// LogOptions select what Logs reads.
type LogOptions struct {
	Container string
	Start     time.Time // zero: from the beginning
	Follow    bool
	Interval  time.Duration
	Region    string
}

// FollowLogs prints the awslogs streams of t's containers (or one container) to w; with
// Follow it keeps reading until the task stops (and drains) or ctx ends.
func FollowLogs(ctx context.Context, d Deps, cluster string, t types.Task, o LogOptions, w *LogWriter) error {
	out, err := d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: t.TaskDefinitionArn})
	if err != nil {
		return fmt.Errorf("describe task definition %s: %w", aws.ToString(t.TaskDefinitionArn), err)
	}
	var fs []*follower
	var names []string
	for _, cd := range out.TaskDefinition.ContainerDefinitions {
		names = append(names, aws.ToString(cd.Name))
		if o.Container != "" && aws.ToString(cd.Name) != o.Container {
			continue
		}
		src := LogSourceOf(cd, o.Region)
		if src.Problem != "" {
			w.Note("logs: %s", src.Problem)
			continue
		}
		f := &follower{deps: d, src: src, taskARN: aws.ToString(t.TaskArn)}
		if !o.Start.IsZero() {
			f.start = &o.Start
		}
		fs = append(fs, f)
	}
	if o.Container != "" && !slices.Contains(names, o.Container) {
		return diag.Invalid(fmt.Errorf("--container %q: no such container in %s", o.Container, ID(aws.ToString(t.TaskDefinitionArn))),
			strings.TrimSpace(diag.DidYouMean(o.Container, names)+" containers: "+strings.Join(names, ", ")))
	}
	if len(fs) == 0 {
		return fmt.Errorf("no CloudWatch Logs streams to read; containers: %s", strings.Join(names, ", "))
	}
	interval := o.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	stopped := aws.ToString(t.LastStatus) == "STOPPED"
	for {
		for _, f := range fs {
			lines, err := f.poll(ctx)
			w.Write(lines)
			if err != nil {
				return err
			}
		}
		if !o.Follow || stopped {
			return nil
		}
		if !timer(ctx, interval) {
			return nil
		}
		cur, err := Describe(ctx, d, cluster, aws.ToString(t.TaskArn))
		if err != nil {
			return err
		}
		stopped = aws.ToString(cur.LastStatus) == "STOPPED" // one more read drains
	}
}
