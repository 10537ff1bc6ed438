package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/task"
)

// Explanation is the explainer's account of why tasks failed, for people: each
// distinct stopped reason once with its count and exit codes, the failing
// container's last log lines, the targets the load balancer finds unhealthy. Its
// JSON is the explanation's.
type Explanation struct{ *task.Explanation }

// WriteText prints a few lines (nothing without an explanation).
func (v Explanation) WriteText(w io.Writer) error {
	e := v.Explanation
	if e == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString("why it failed:\n")
	for _, r := range e.Reasons {
		reason := r.Reason
		if reason == "" {
			reason = "(no stopped reason)"
		}
		fmt.Fprintf(&b, "  %d task(s) stopped: %s", r.Tasks, reason)
		if r.StopCode != "" {
			fmt.Fprintf(&b, " [%s]", r.StopCode)
		}
		if len(r.ExitCodes) > 0 {
			fmt.Fprintf(&b, "; exit codes: %s", strings.Join(r.ExitCodes, ", "))
		}
		b.WriteString("\n")
	}
	if l := e.Logs; l != nil {
		if l.Problem != "" {
			fmt.Fprintf(&b, "  no log lines: %s\n", l.Problem)
		} else {
			fmt.Fprintf(&b, "  last log lines of %s in task %s:\n", l.Container, task.ID(l.Task))
			for _, line := range l.Lines {
				fmt.Fprintf(&b, "    %s\n", line)
			}
		}
	}
	// Targets grouped by target group, state and reason: one line each.
	type key struct{ tg, state, reason, desc string }
	var order []key
	groups := map[key][]string{}
	for _, t := range e.UnhealthyTargets {
		k := key{t.TargetGroup, t.State, t.Reason, t.Description}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t.Target)
	}
	for _, k := range order {
		ts := groups[k]
		shown := strings.Join(ts[:min(len(ts), 3)], ", ")
		if len(ts) > 3 {
			shown += fmt.Sprintf(" and %d more", len(ts)-3)
		}
		fmt.Fprintf(&b, "  %d target(s) %s", len(ts), k.state)
		if k.reason != "" {
			fmt.Fprintf(&b, " (%s", k.reason)
			if k.desc != "" {
				fmt.Fprintf(&b, ": %s", k.desc)
			}
			b.WriteString(")")
		}
		fmt.Fprintf(&b, " in target group %s: %s\n", tgName(k.tg), shown)
	}
	return flush(w, []byte(b.String()))
}

// tgName shortens a target group ARN to name/id.
func tgName(arn string) string {
	if _, after, ok := strings.Cut(arn, ":targetgroup/"); ok {
		return after
	}
	return arn
}
