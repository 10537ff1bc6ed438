package task

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// WaitOptions tune Wait.
type WaitOptions struct {
	// UntilRunning ends the wait when every task is RUNNING (--wait-until running).
	UntilRunning bool
	// Interval between DescribeTasks polls; default 5s.
	Interval time.Duration
	// Logs receives the watched container's log lines; nil turns log following off.
	Logs *LogWriter
	// Source is where the watched container logs.
	Source LogSource
	// Container is the watched container.
	Container string
	// DrainGrace is the pause before re-reading the logs after the task stopped,
	// for lines CloudWatch Logs makes visible late; default 1s.
	DrainGrace time.Duration
	// Progress, when set, receives a task's state each time a poll shows it changed
	// (the views show it; this package prints nothing).
	Progress func(TaskProgress)
}

// TaskProgress is one task's state as of a poll.
type TaskProgress struct {
	TaskARN    string
	LastStatus string // STOPPED as soon as the watched container has exited
	// ExitCode is the watched container's, once it exited.
	ExitCode *int32
	// Final: the task will not change any more (it stopped).
	Final bool
}

// TaskResult is what became of one task.
type TaskResult struct {
	TaskARN       string     `json:"taskArn"`
	LastStatus    string     `json:"lastStatus"`
	Container     string     `json:"container"`
	ExitCode      *int32     `json:"exitCode"`
	StoppedReason string     `json:"stoppedReason,omitempty"`
	StopCode      string     `json:"stopCode,omitempty"`
	StartedAt     *time.Time `json:"startedAt,omitempty"`
	// ExecutionStoppedAt is when the containers stopped; StoppedAt, when ECS had
	// released the task's resources (absent when doppio did not wait for that).
	ExecutionStoppedAt *time.Time `json:"executionStoppedAt,omitempty"`
	StoppedAt          *time.Time `json:"stoppedAt,omitempty"`
	// Code is the exit code doppio uses for this task: the container's, or 4 when it
	// never ran. It is not in the JSON document, which has the container's exitCode
	// and the run's own exitCode.
	Code int `json:"-"`
	// StoppedSinceRunning: with --wait-until running, the task did reach RUNNING
	// (it has a startedAt) but had stopped by the poll that saw it.
	StoppedSinceRunning bool `json:"stoppedSinceRunning,omitempty"`
}

// Outcome kinds of a run's wait, in the vocabulary every verb uses (a deploy's
// outcome is also "succeeded", "failed", "timed out", "interrupted").
const (
	Succeeded   = "succeeded"   // every task stopped with code 0 (or runs, with UntilRunning)
	Failed      = "failed"      // a task exited non-zero or never ran its container
	Interrupted = "interrupted" // the context was cancelled: the tasks go on
	TimedOut    = "timed out"   // the context's deadline passed: the tasks go on
)

// Finished reports whether the outcome is the tasks' own (they stopped, or run),
// not the end of doppio's wait.
func Finished(outcome string) bool { return outcome == Succeeded || outcome == Failed }

// Result is the outcome of Wait.
type Result struct {
	Outcome  string       `json:"outcome"`
	Tasks    []TaskResult `json:"tasks"`
	ExitCode int          `json:"exitCode"`
	// Stopped are the tasks with a non-zero code, for the explainer.
	Stopped []types.Task `json:"-"`
	// LogsAt is when the last log read ended (for measuring the drain).
	Finished time.Time `json:"-"`
}

// Wait polls DescribeTasks (one call per poll for all tasks) until every task has
// stopped (or runs), streaming the watched container's logs meanwhile and draining
// them after the stop. Cancelling ctx leaves the tasks running.
func (r *Runner) Wait(ctx context.Context, s *Started, o WaitOptions) (*Result, error) {
	interval := o.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	var followers []*follower
	if o.Logs != nil && r.d.Logs != nil {
		if o.Source.Problem != "" {
			o.Logs.Note("logs: %s", o.Source.Problem)
		} else {
			for _, arn := range s.TaskARNs {
				followers = append(followers, &follower{deps: r.d, src: o.Source, taskARN: arn})
			}
		}
	}
	pollLogs := func(ctx context.Context, started map[string]bool) int {
		n := 0
		for _, f := range followers {
			if !started[f.taskARN] {
				continue
			}
			lines, err := f.poll(ctx)
			o.Logs.Write(lines)
			n += len(lines)
			if err != nil && ctx.Err() == nil {
				o.Logs.Note("logs: %v", err)
				f.src.Problem = err.Error() // stop reading this stream; say so once
			}
		}
		return n
	}
	grace := o.DrainGrace
	if grace <= 0 {
		grace = time.Second
	}
	res := &Result{}
	started := map[string]bool{}
	shown := map[string]string{} // what Progress last received, by task
	for {
		tasks, err := r.describe(ctx, s.Cluster, s.TaskARNs)
		if err != nil {
			if ctx.Err() != nil {
				return r.unfinished(ctx, res, s, o), nil
			}
			return nil, err
		}
		done := len(tasks) == len(s.TaskARNs)
		for _, t := range tasks {
			st := aws.ToString(t.LastStatus)
			if o.Progress != nil {
				p := progressOf(t, o.Container)
				if key := p.key(); shown[p.TaskARN] != key {
					shown[p.TaskARN] = key
					o.Progress(p)
				}
			}
			if ran(t) {
				started[aws.ToString(t.TaskArn)] = true
			}
			switch {
			case st == "STOPPED":
			case exited(t, o.Container):
				// The outcome is known once the watched container has its exit
				// code and ECS is stopping the task; deprovisioning (on Fargate,
				// detaching the ENI) can take tens of seconds more.
			case o.UntilRunning && (st == "RUNNING" || t.StartedAt != nil):
				// A task with a startedAt did reach RUNNING, even when it has
				// stopped again between two polls (a command that ends at once).
			default:
				done = false
			}
		}
		pollLogs(ctx, started)
		if done {
			// Drain: CloudWatch Logs may show the last lines a moment after the
			// container stopped; re-read after a short grace until a read brings
			// nothing new (at most three times).
			if len(started) > 0 && len(followers) > 0 && !o.UntilRunning {
				for range 3 {
					if !timer(ctx, grace) || pollLogs(ctx, started) == 0 {
						break
					}
				}
			}
			res.Finished = r.d.now()
			r.results(res, tasks, o)
			res.Outcome = Succeeded
			if res.ExitCode != 0 {
				res.Outcome = Failed
			}
			return res, nil
		}
		if !timer(ctx, interval) {
			return r.unfinished(ctx, res, s, o), nil
		}
	}
}

func (r *Runner) unfinished(ctx context.Context, res *Result, s *Started, o WaitOptions) *Result {
	res.Outcome, res.ExitCode = Interrupted, diag.ExitInterrupted
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		res.Outcome, res.ExitCode = TimedOut, diag.ExitTimeout
	}
	for _, arn := range s.TaskARNs {
		res.Tasks = append(res.Tasks, TaskResult{TaskARN: arn, Container: o.Container, Code: res.ExitCode})
	}
	return res
}

// describe returns the tasks in the order of arns (DescribeTasks takes up to 100).
func (r *Runner) describe(ctx context.Context, cluster string, arns []string) ([]types.Task, error) {
	out, err := r.d.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns})
	if err != nil {
		return nil, fmt.Errorf("describe tasks: %w", err)
	}
	byARN := map[string]types.Task{}
	for _, t := range out.Tasks {
		byARN[aws.ToString(t.TaskArn)] = t
	}
	tasks := make([]types.Task, 0, len(arns))
	for _, a := range arns {
		if t, ok := byARN[a]; ok {
			tasks = append(tasks, t)
		}
	}
	return tasks, nil
}

// results turns described tasks into results and the run's exit code: the first
// non-zero code in task order.
func (r *Runner) results(res *Result, tasks []types.Task, o WaitOptions) {
	for _, t := range tasks {
		tr := TaskResult{
			TaskARN: aws.ToString(t.TaskArn), LastStatus: aws.ToString(t.LastStatus), Container: o.Container,
			StoppedReason: aws.ToString(t.StoppedReason), StopCode: string(t.StopCode),
			StartedAt: t.StartedAt, ExecutionStoppedAt: t.ExecutionStoppedAt, StoppedAt: t.StoppedAt,
		}
		tr.Code, tr.ExitCode = taskCode(t, o.Container, o.UntilRunning)
		if tr.LastStatus != "STOPPED" && exited(t, o.Container) {
			// The watched container has exited and ECS is deprovisioning the
			// task: its final state is known, and it is the only one reported.
			tr.LastStatus = "STOPPED"
		}
		if o.UntilRunning && tr.LastStatus == "STOPPED" && t.StartedAt != nil {
			tr.StoppedSinceRunning = true
		}
		if tr.Code != 0 {
			res.Stopped = append(res.Stopped, t)
			if res.ExitCode == 0 {
				res.ExitCode = tr.Code
			}
		}
		res.Tasks = append(res.Tasks, tr)
	}
}

// ran reports whether t's containers have started (so its log streams may exist).
func ran(t types.Task) bool {
	if t.StartedAt != nil || aws.ToString(t.LastStatus) == "RUNNING" {
		return true
	}
	for _, c := range t.Containers {
		if c.ExitCode != nil {
			return true
		}
	}
	return false
}

// exited reports whether ECS is stopping t and its watched container has exited.
func exited(t types.Task, container string) bool {
	if aws.ToString(t.DesiredStatus) != "STOPPED" {
		return false
	}
	for _, c := range t.Containers {
		if aws.ToString(c.Name) == container && c.ExitCode != nil {
			return true
		}
	}
	return false
}

// taskCode is the watched container's exit code, or 4 when the task stopped without
// it having one (it never ran: image pull failure, no capacity, stopped before
// start).
func taskCode(t types.Task, container string, untilRunning bool) (int, *int32) {
	st := aws.ToString(t.LastStatus)
	var exit *int32
	for _, c := range t.Containers {
		if aws.ToString(c.Name) == container && c.ExitCode != nil {
			exit = c.ExitCode
		}
	}
	if untilRunning && (st == "RUNNING" || t.StartedAt != nil) {
		// It reached RUNNING (startedAt is set when it did): --wait-until running
		// is satisfied, whatever happened since.
		return 0, exit
	}
	if exit != nil {
		return int(*exit), exit
	}
	return diag.ExitFailed, nil
}

// StoppedTasks converts described tasks to the deploy watcher's stopped-task form,
// which the explainer takes.
func StoppedTasks(ts []types.Task) []watch.StoppedTask {
	out := make([]watch.StoppedTask, 0, len(ts))
	for _, t := range ts {
		st := watch.StoppedTask{
			TaskARN: aws.ToString(t.TaskArn), TaskDefinition: aws.ToString(t.TaskDefinitionArn),
			StoppedReason: aws.ToString(t.StoppedReason), StopCode: string(t.StopCode), StoppedAt: aws.ToTime(t.StoppedAt),
		}
		for _, c := range t.Containers {
			st.Containers = append(st.Containers, watch.ContainerExit{Name: aws.ToString(c.Name), ExitCode: c.ExitCode, Reason: aws.ToString(c.Reason)})
		}
		out = append(out, st)
	}
	return out
}

// progressOf is t's state for the views: STOPPED once the watched container exited.
func progressOf(t types.Task, container string) TaskProgress {
	p := TaskProgress{TaskARN: aws.ToString(t.TaskArn), LastStatus: aws.ToString(t.LastStatus)}
	for _, c := range t.Containers {
		if aws.ToString(c.Name) == container && c.ExitCode != nil {
			p.ExitCode = c.ExitCode
		}
	}
	if p.LastStatus == "STOPPED" || exited(t, container) {
		p.LastStatus, p.Final = "STOPPED", true
	}
	return p
}

// key tells two states apart by value.
func (p TaskProgress) key() string {
	code := "-"
	if p.ExitCode != nil {
		code = fmt.Sprint(*p.ExitCode)
	}
	return p.LastStatus + " " + code
}
