package task

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// ExplainInput is what the explainer looks at.
type ExplainInput struct {
	Stopped []watch.StoppedTask
	// TargetGroups are the service's load balancer target groups (may be empty).
	TargetGroups []string
	// Region is the default region for awslogs groups without awslogs-region.
	Region string
	// Lines is how many log lines to show (default 10).
	Lines int
}

// Explanation is one compact account of why tasks failed.
type Explanation struct {
	Reasons          []ReasonCount     `json:"reasons"`
	Logs             *FailingLog       `json:"logs,omitempty"`
	UnhealthyTargets []UnhealthyTarget `json:"unhealthyTargets,omitempty"`
}

// ReasonCount is one distinct stopped reason with its tasks' exit codes.
type ReasonCount struct {
	Reason    string   `json:"stoppedReason"`
	StopCode  string   `json:"stopCode,omitempty"`
	Tasks     int      `json:"tasks"`
	ExitCodes []string `json:"exitCodes,omitempty"` // "web=1", "app=(CannotPullContainerError: ...)"
}

// FailingLog is the last lines of the failing container of the most recent
// failed task.
type FailingLog struct {
	Task      string   `json:"taskArn"`
	Container string   `json:"container"`
	Lines     []string `json:"lines"`
	Problem   string   `json:"problem,omitempty"`
}

// UnhealthyTarget is one target the load balancer does not consider healthy.
type UnhealthyTarget struct {
	TargetGroup string `json:"targetGroupArn"`
	Target      string `json:"target"`
	State       string `json:"state"`
	Reason      string `json:"reason,omitempty"`
	Description string `json:"description,omitempty"`
}

// Explain builds the explanation. It reads (DescribeTaskDefinition, GetLogEvents,
// DescribeTargetHealth) and ignores its own errors: it explains a failure and must
// not replace it.
func Explain(ctx context.Context, d Deps, in ExplainInput) *Explanation {
	if len(in.Stopped) == 0 && len(in.TargetGroups) == 0 {
		return nil
	}
	if in.Lines <= 0 {
		in.Lines = 10
	}
	e := &Explanation{}
	idx := map[string]int{}
	for _, t := range in.Stopped {
		key := t.StoppedReason + "\x00" + t.StopCode
		i, ok := idx[key]
		if !ok {
			i = len(e.Reasons)
			idx[key] = i
			e.Reasons = append(e.Reasons, ReasonCount{Reason: t.StoppedReason, StopCode: t.StopCode})
		}
		rc := &e.Reasons[i]
		rc.Tasks++
		for _, c := range t.Containers {
			var s string
			switch {
			case c.ExitCode != nil:
				s = fmt.Sprintf("%s=%d", c.Name, *c.ExitCode)
			case c.Reason != "" && c.Reason != t.StoppedReason: // a pull error is both: say it once
				s = fmt.Sprintf("%s=(%s)", c.Name, c.Reason)
			default:
				continue
			}
			if !slices.Contains(rc.ExitCodes, s) {
				rc.ExitCodes = append(rc.ExitCodes, s)
			}
		}
	}
	if t, c := failing(in.Stopped); t != nil && neverRan(t) {
		// Nothing ran, so nothing logged (an image pull failure, a missing secret):
		// say so instead of looking for lines.
		e.Logs = &FailingLog{Task: t.TaskARN, Container: c, Problem: fmt.Sprintf("container %q never started (%s), so it wrote none", c, t.StopCode)}
	} else if t != nil && d.ECS != nil {
		fl := &FailingLog{Task: t.TaskARN, Container: c}
		out, err := d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(t.TaskDefinition)})
		if err == nil {
			for _, cd := range out.TaskDefinition.ContainerDefinitions {
				if aws.ToString(cd.Name) == c {
					src := LogSourceOf(cd, in.Region)
					fl.Problem = src.Problem
					fl.Lines = LastLines(ctx, d, src, t.TaskARN, in.Lines)
				}
			}
		}
		if len(fl.Lines) > 0 || fl.Problem != "" {
			e.Logs = fl
		}
	}
	if d.TargetHealth != nil {
		for _, tg := range in.TargetGroups {
			out, err := d.TargetHealth.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
			if err != nil {
				continue
			}
			for _, th := range out.TargetHealthDescriptions {
				h := th.TargetHealth
				if h == nil || h.State == "healthy" {
					continue
				}
				target := aws.ToString(th.Target.Id)
				if th.Target.Port != nil {
					target = fmt.Sprintf("%s:%d", target, *th.Target.Port)
				}
				e.UnhealthyTargets = append(e.UnhealthyTargets, UnhealthyTarget{TargetGroup: tg, Target: target,
					State: string(h.State), Reason: string(h.Reason), Description: aws.ToString(h.Description)})
			}
		}
	}
	if len(e.Reasons) == 0 && e.Logs == nil && len(e.UnhealthyTargets) == 0 {
		return nil
	}
	return e
}

// failing picks the most recently stopped task and its failing container: the
// first with a non-zero exit code, else the first with a reason, else the first.
func failing(ts []watch.StoppedTask) (*watch.StoppedTask, string) {
	var best *watch.StoppedTask
	for i := range ts {
		if best == nil || ts[i].StoppedAt.After(best.StoppedAt) {
			best = &ts[i]
		}
	}
	if best == nil || len(best.Containers) == 0 {
		return nil, ""
	}
	for _, c := range best.Containers {
		if c.ExitCode != nil && *c.ExitCode != 0 {
			return best, c.Name
		}
	}
	for _, c := range best.Containers {
		if c.Reason != "" {
			return best, c.Name
		}
	}
	return best, best.Containers[0].Name
}

// neverRan reports whether ECS stopped t before any of its containers ran
// (stopCode TaskFailedToStart and no exit code).
func neverRan(t *watch.StoppedTask) bool {
	if t.StopCode != string(types.TaskStopCodeTaskFailedToStart) {
		return false
	}
	for _, c := range t.Containers {
		if c.ExitCode != nil {
			return false
		}
	}
	return true
}

// TargetGroups lists a service's load balancer target groups.
func TargetGroups(lbs []types.LoadBalancer) []string {
	var out []string
	for _, lb := range lbs {
		if tg := aws.ToString(lb.TargetGroupArn); tg != "" && !slices.Contains(out, tg) {
			out = append(out, tg)
		}
	}
	return out
}
