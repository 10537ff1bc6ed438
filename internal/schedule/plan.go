package schedule

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aymanbagabas/go-udiff"
)

// Action is what apply does to one rule.
type Action string

// Actions.
const (
	Create    Action = "create"
	Update    Action = "update"
	Unchanged Action = "unchanged"
	Delete    Action = "delete"
)

// Change is the plan for one rule: what differs and which calls make it so.
type Change struct {
	File string `json:"file"`
	Rule string `json:"rule"`
	// Group is the schedule group of an EventBridge Scheduler schedule ("" for a rule).
	Group  string `json:"group,omitempty"`
	Action Action `json:"action"`
	// PutRule, PutTargets and Tag say which writes apply makes: only those whose
	// part differs (rule settings, the target, the tracking tag).
	PutRule    bool `json:"putRule,omitempty"`
	PutTargets bool `json:"putTargets,omitempty"`
	Tag        bool `json:"tag,omitempty"`
	// Live and Local are the rule in ecschedule's YAML ("" when absent).
	Live  string `json:"live,omitempty"`
	Local string `json:"local,omitempty"`
	// Diff is the unified diff from Live to Local (with a note on the tag).
	Diff string `json:"diff,omitempty"`

	resolved  *Resolved
	targetIDs []string // a pruned rule's targets, or targets apply replaces
	foreign   bool     // the rule exists but is not one task target on the file's cluster
	schedule  *schedChange
}

// Plan compares the file's rules (those named in only, or all when only is empty)
// with the live ones. With prune, rules tagged with the file's tracking id that the
// file does not name (nor keep: the rules other files of the command name) are
// deleted; a rule without the tag is never touched.
func Plan(f *File, acct Account, live *Live, only []string, prune bool, keep map[string]bool) ([]*Change, error) {
	var out []*Change
	named := map[string]bool{}
	for n := range keep {
		named[n] = true
	}
	for _, r := range f.Resolve(acct) {
		named[r.Name] = true
		if f.SchedulerOf(r.Name) != nil {
			continue // an EventBridge Scheduler schedule (planSchedules)
		}
		if len(only) > 0 && !contains(only, r.Name) {
			continue
		}
		c := &Change{File: f.Path, Rule: r.Name, resolved: r}
		local := r.Canonical()
		c.Local = local.YAML()
		lr := live.Rules[r.Name]
		var liveRule *Rule
		if lr != nil {
			var err error
			if liveRule, err = FromLive(lr, r.ClusterARN(), acct); err != nil {
				return nil, err
			}
		}
		tracked := live.Tracked[r.TrackingID][r.Name]
		switch {
		case lr == nil:
			c.Action, c.PutRule, c.PutTargets, c.Tag = Create, true, true, true
		case liveRule == nil:
			// A rule of that name exists but is not one ECS target on this cluster:
			// as ecschedule, it is shown as new and written over.
			c.Action, c.PutRule, c.PutTargets, c.Tag = Update, true, true, !tracked
			c.targetIDs = staleTargets(lr, r.TargetIDOf())
			c.foreign = true
		default:
			c.Live = liveRule.YAML()
			want := r.PutRuleInput()
			c.PutRule = aws.ToString(lr.Rule.Description) != aws.ToString(want.Description) ||
				aws.ToString(lr.Rule.ScheduleExpression) != aws.ToString(want.ScheduleExpression) ||
				lr.Rule.State != want.State || aws.ToString(lr.Rule.RoleArn) != aws.ToString(want.RoleArn)
			lt, ll := *liveRule, *local
			lt.Description, lt.ScheduleExpression, lt.Disabled = "", "", false
			ll.Description, ll.ScheduleExpression, ll.Disabled = "", "", false
			c.PutTargets = lt.YAML() != ll.YAML()
			c.targetIDs = staleTargets(lr, r.TargetIDOf())
			c.Tag = !tracked
			c.Action = Unchanged
			if c.PutRule || c.PutTargets || c.Tag {
				c.Action = Update
			}
		}
		if c.Action != Unchanged {
			c.Diff = diffText(r.Name, f.Path, c.Live, c.Local)
			if c.foreign {
				c.Diff = fmt.Sprintf("# rule %s exists but does not run one task on cluster %s: it is replaced\n", r.Name, r.Cluster) + c.Diff
			}
			if c.Tag {
				c.Diff += fmt.Sprintf("# tag %s=%s will be set on rule %s\n", TrackingTag, r.TrackingID, r.Name)
			}
			if c.PutRule && !c.PutTargets && c.Live == c.Local && lr != nil {
				c.Diff += fmt.Sprintf("# the rule's role ARN %s will be set to %s\n", aws.ToString(lr.Rule.RoleArn), r.RoleARN())
			}
		}
		out = append(out, c)
	}
	if prune {
		for name := range live.Tracked[f.TrackingIDOf()] {
			if named[name] {
				continue
			}
			c := &Change{File: f.Path, Rule: name, Action: Delete}
			if lr := live.Rules[name]; lr != nil {
				if r, err := FromLive(lr, ClusterARN(f.Cluster, acct), acct); err == nil && r != nil {
					c.Live = r.YAML()
				} else {
					c.Live = fmt.Sprintf("name: %s\nscheduleExpression: %s\n", name, aws.ToString(lr.Rule.ScheduleExpression))
				}
				for _, t := range lr.Targets {
					c.targetIDs = append(c.targetIDs, aws.ToString(t.Id))
				}
			}
			c.Diff = diffText(name, f.Path, c.Live, "")
			out = append(out, c)
		}
	}
	return out, nil
}

// PruneCandidates are the names of tracked rules the file does not name (whose
// targets Plan needs to delete them).
func PruneCandidates(f *File, live *Live) []string {
	var out []string
	names := map[string]bool{}
	for _, r := range f.Rules {
		names[r.Name] = true
	}
	for name := range live.Tracked[f.TrackingIDOf()] {
		if !names[name] {
			out = append(out, name)
		}
	}
	return out
}

// staleTargets are the live rule's targets other than id, which apply removes.
func staleTargets(lr *LiveRule, id string) []string {
	var out []string
	for _, t := range lr.Targets {
		if aws.ToString(t.Id) != id {
			out = append(out, aws.ToString(t.Id))
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// diffText is the unified diff of a rule between live and local YAML.
func diffText(rule, file, live, local string) string {
	from, to := "live rule "+rule, file+" rule "+rule
	if live == "" {
		from = "(rule " + rule + " does not exist)"
	}
	if local == "" {
		to = "(pruned: not in " + file + ")"
	}
	return udiff.Unified(from, to, live, local)
}

// Differs reports whether any change writes something.
func Differs(cs []*Change) bool {
	for _, c := range cs {
		if c.Action != Unchanged {
			return true
		}
	}
	return false
}

// Apply makes the changes: for each rule only the writes its plan lists (PutRule,
// PutTargets, TagResource), and for a pruned rule RemoveTargets then DeleteRule.
func Apply(ctx context.Context, ev Events, c *Change) error {
	switch c.Action {
	case Unchanged:
		return nil
	case Delete:
		if len(c.targetIDs) > 0 {
			if _, err := ev.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(c.Rule), Ids: c.targetIDs}); err != nil {
				return fmt.Errorf("remove targets of rule %s: %w", c.Rule, err)
			}
		}
		if _, err := ev.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String(c.Rule)}); err != nil {
			return fmt.Errorf("delete rule %s: %w", c.Rule, err)
		}
		return nil
	}
	r := c.resolved
	if c.PutRule {
		if _, err := ev.PutRule(ctx, r.PutRuleInput()); err != nil {
			return fmt.Errorf("put rule %s: %w", r.Name, err)
		}
	}
	if c.PutTargets {
		out, err := ev.PutTargets(ctx, r.PutTargetsInput())
		if err != nil {
			return fmt.Errorf("put target of rule %s: %w", r.Name, err)
		}
		if out.FailedEntryCount > 0 && len(out.FailedEntries) > 0 {
			fe := out.FailedEntries[0]
			return fmt.Errorf("put target of rule %s: %s: %s", r.Name, aws.ToString(fe.ErrorCode), aws.ToString(fe.ErrorMessage))
		}
	}
	if len(c.targetIDs) > 0 {
		if _, err := ev.RemoveTargets(ctx, &eventbridge.RemoveTargetsInput{Rule: aws.String(c.Rule), Ids: c.targetIDs}); err != nil {
			return fmt.Errorf("remove other targets of rule %s: %w", c.Rule, err)
		}
	}
	if c.Tag {
		if _, err := ev.TagResource(ctx, r.TagResourceInput()); err != nil {
			return fmt.Errorf("tag rule %s: %w", r.Name, err)
		}
	}
	return nil
}

// Resolved returns the rule the change applies (nil for a deletion).
func (c *Change) Resolved() *Resolved { return c.resolved }

// Summary is one line per change for people.
func Summary(cs []*Change) string {
	var b strings.Builder
	for _, c := range cs {
		name := c.Rule
		if c.Group != "" {
			name = c.Group + "/" + c.Rule
		}
		fmt.Fprintf(&b, "%s: %s %s: %s", c.File, c.Kind(), name, c.Action)
		if c.Action == Update && c.schedule == nil {
			var parts []string
			if c.PutRule {
				parts = append(parts, "rule")
			}
			if c.PutTargets {
				parts = append(parts, "target")
			}
			if c.Tag {
				parts = append(parts, "tag")
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
