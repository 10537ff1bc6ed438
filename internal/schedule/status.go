package schedule

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Tasks finds the tasks a rule started (ECS).
type Tasks interface {
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, optFns ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

// RuleStatus is what status shows for one rule.
type RuleStatus struct {
	File string `json:"file"`
	Rule string `json:"rule"`
	// Kind is "rule" (EventBridge) or "schedule" (EventBridge Scheduler).
	Kind string `json:"kind"`
	// Group and Timezone are a schedule's.
	Group    string `json:"group,omitempty"`
	Timezone string `json:"timezone,omitempty"`
	Schedule string `json:"scheduleExpression"`
	State    string `json:"state"` // ENABLED, DISABLED, or NOT_APPLIED when the rule does not exist
	Cluster  string `json:"cluster"`
	// Approximate says a rate's fire times are counted from now: no run of the
	// rule was found to count them from (EventBridge counts a rate from the rule's
	// creation, which no API returns).
	Approximate bool `json:"approximate,omitempty"`
	// Next are the next three fire times (UTC) when enabled.
	Next []time.Time `json:"next"`
	// TaskDefinition is the revision that would run now.
	TaskDefinition string `json:"taskDefinition,omitempty"`
	// Differs says the live rule differs from the file.
	Differs bool `json:"differs"`
	// Runs are the latest tasks started by events-rule/NAME, newest first.
	Runs []Run `json:"runs"`
	// Note is what else is worth knowing (a newer local task definition).
	Note string `json:"note,omitempty"`
}

// Run is one task a rule started.
type Run struct {
	TaskARN       string     `json:"taskArn"`
	StartedAt     *time.Time `json:"startedAt,omitempty"`
	StoppedAt     *time.Time `json:"stoppedAt,omitempty"`
	LastStatus    string     `json:"lastStatus"`
	Container     string     `json:"container,omitempty"`
	ExitCode      *int32     `json:"exitCode,omitempty"`
	StoppedReason string     `json:"stoppedReason,omitempty"`
	// Manual is a run 'doppio schedule run' started (not the schedule).
	Manual bool `json:"manual,omitempty"`

	created time.Time // when the task was created: the fire time of a scheduled run
}

// ManualTag marks the tasks 'doppio schedule run' starts: they carry the rule's
// startedBy (so status lists them) but not its phase.
const ManualTag = "doppio:schedule-run"

// StartedBy is the startedBy EventBridge gives the tasks a rule starts.
func StartedBy(rule string) string { return "events-rule/" + rule }

// LastRuns returns the newest n tasks rule started in cluster (running and
// stopped; ECS keeps stopped tasks for about an hour).
func LastRuns(ctx context.Context, t Tasks, cluster, rule string, n int) ([]Run, error) {
	return lastRuns(ctx, t, cluster, rule, StartedBy(rule), n)
}

func lastRuns(ctx context.Context, t Tasks, cluster, rule, startedBy string, n int) ([]Run, error) {
	var arns []string
	for _, st := range []ecstypes.DesiredStatus{ecstypes.DesiredStatusRunning, ecstypes.DesiredStatusStopped} {
		p := ecs.NewListTasksPaginator(t, &ecs.ListTasksInput{Cluster: aws.String(cluster), StartedBy: aws.String(startedBy), DesiredStatus: st})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list tasks of rule %s: %w", rule, err)
			}
			arns = append(arns, page.TaskArns...)
		}
	}
	var tasks []ecstypes.Task
	for i := 0; i < len(arns); i += 100 {
		out, err := t.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: arns[i:min(i+100, len(arns))],
			Include: []ecstypes.TaskField{ecstypes.TaskFieldTags}})
		if err != nil {
			return nil, fmt.Errorf("describe tasks of rule %s: %w", rule, err)
		}
		tasks = append(tasks, out.Tasks...)
	}
	when := func(t ecstypes.Task) time.Time {
		if t.StartedAt != nil {
			return *t.StartedAt
		}
		return aws.ToTime(t.CreatedAt)
	}
	sort.SliceStable(tasks, func(i, j int) bool { return when(tasks[i]).After(when(tasks[j])) })
	var out []Run
	for _, tk := range tasks {
		if len(out) == n {
			break
		}
		r := Run{TaskARN: aws.ToString(tk.TaskArn), StartedAt: tk.StartedAt, StoppedAt: tk.StoppedAt, LastStatus: aws.ToString(tk.LastStatus), StoppedReason: aws.ToString(tk.StoppedReason)}
		if r.StartedAt == nil {
			r.StartedAt = tk.CreatedAt
		}
		r.created = aws.ToTime(tk.CreatedAt)
		for _, tag := range tk.Tags {
			r.Manual = r.Manual || aws.ToString(tag.Key) == ManualTag
		}
		// The run's code is the first non-zero container exit code, else the first.
		for _, c := range tk.Containers {
			if c.ExitCode == nil {
				continue
			}
			if r.ExitCode == nil || (*r.ExitCode == 0 && *c.ExitCode != 0) {
				r.Container, r.ExitCode = aws.ToString(c.Name), c.ExitCode
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// StatusReport is status's result: one entry per rule.
type StatusReport struct {
	Rules []RuleStatus `json:"rules"`
	// Local is the zone the text shows next to UTC.
	Local *time.Location `json:"-"`
}

// WriteText prints each rule: its schedule and state, next fire times, the
// revision that would run, and the last runs.
func (s StatusReport) WriteText(w io.Writer) error {
	var b strings.Builder
	loc := s.Local
	if loc == nil {
		loc = time.UTC
	}
	for i, r := range s.Rules {
		if i > 0 {
			b.WriteString("\n")
		}
		if r.Kind == "schedule" {
			fmt.Fprintf(&b, "schedule %s/%s (%s)\n  schedule: %s %s, %s\n", r.Group, r.Rule, r.File, r.Schedule, r.Timezone, r.State)
		} else {
			fmt.Fprintf(&b, "rule %s (%s)\n  schedule: %s, %s\n", r.Rule, r.File, r.Schedule, r.State)
		}
		if r.Differs {
			b.WriteString("  differs from the file: run 'doppio schedule diff' to see how\n")
		}
		if r.TaskDefinition != "" {
			fmt.Fprintf(&b, "  runs: %s\n", r.TaskDefinition)
		}
		if r.Note != "" {
			fmt.Fprintf(&b, "  note: %s\n", r.Note)
		}
		for j, t := range r.Next {
			label := "  next: "
			if j > 0 {
				label = "        "
			}
			fmt.Fprintf(&b, "%s%s (%s)", label, t.UTC().Format("2006-01-02 15:04 MST"), t.In(loc).Format("2006-01-02 15:04 MST"))
			if r.Approximate && j == 0 {
				b.WriteString(" approximately: no run of the rule found to count the rate from")
			}
			b.WriteString("\n")
		}
		if len(r.Runs) == 0 {
			b.WriteString("  last runs: none found in ECS (stopped tasks are kept about an hour)\n")
		}
		for j, run := range r.Runs {
			label := "  last runs: "
			if j > 0 {
				label = "             "
			}
			at := "-"
			if run.StartedAt != nil {
				at = run.StartedAt.UTC().Format("2006-01-02 15:04:05 MST")
			}
			res := run.LastStatus
			if run.ExitCode != nil {
				res = fmt.Sprintf("exit %d", *run.ExitCode)
				if *run.ExitCode == 0 {
					res += " (succeeded)"
				} else {
					res += " (failed)"
				}
			}
			fmt.Fprintf(&b, "%s%s %s %s", label, at, taskID(run.TaskARN), res)
			if run.Manual {
				b.WriteString(" (schedule run)")
			}
			if run.StoppedReason != "" && run.LastStatus == "STOPPED" {
				fmt.Fprintf(&b, ": %s", run.StoppedReason)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func taskID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
