package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	sctypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/smithy-go"
	"github.com/goccy/go-yaml"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// dumpedSchedule is a live Scheduler schedule mapped to a rule of the file.
type dumpedSchedule struct {
	rule     *Rule
	settings *SchedulerSettings
	group    string
	// trackingID is the group's tracking tag ("" for the default group or untagged).
	trackingID string
}

// fetchDumpSchedules reads every schedule of every group of the region whose target
// runs a task on clusterARN, as rules with their scheduler: settings (sorted by
// group, then name). ok is false when the Scheduler cannot be read (no client, or
// access denied): the dump then holds the EventBridge rules only.
func fetchDumpSchedules(ctx context.Context, r *Region, clusterARN string, acct Account) (out []dumpedSchedule, ok bool, err error) {
	if r.Scheduler == nil {
		return nil, false, nil
	}
	type group struct{ name, arn string }
	var groups []group
	p := scheduler.NewListScheduleGroupsPaginator(r.Scheduler, &scheduler.ListScheduleGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var ae smithy.APIError
			if errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException" {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("list schedule groups: %w", err)
		}
		for _, g := range page.ScheduleGroups {
			groups = append(groups, group{aws.ToString(g.Name), aws.ToString(g.Arn)})
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].name < groups[j].name })
	for _, g := range groups {
		var names []string
		sp := scheduler.NewListSchedulesPaginator(r.Scheduler, &scheduler.ListSchedulesInput{GroupName: aws.String(g.name)})
		for sp.HasMorePages() {
			page, err := sp.NextPage(ctx)
			if err != nil {
				return nil, false, fmt.Errorf("list schedules of group %s: %w", g.name, err)
			}
			for _, s := range page.Schedules {
				// The summary names the target: skip the other clusters' schedules (and
				// the other services') without reading them.
				if s.Target != nil && aws.ToString(s.Target.Arn) != "" && aws.ToString(s.Target.Arn) != clusterARN {
					continue
				}
				names = append(names, aws.ToString(s.Name))
			}
		}
		if len(names) == 0 {
			continue
		}
		sort.Strings(names)
		tracking := ""
		if g.name != DefaultGroup && g.arn != "" {
			tags, err := r.Scheduler.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: aws.String(g.arn)})
			if err != nil {
				return nil, false, fmt.Errorf("list tags of schedule group %s: %w", g.name, err)
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == TrackingTag {
					tracking = aws.ToString(t.Value)
				}
			}
		}
		for _, n := range names {
			s, err := r.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(n), GroupName: aws.String(g.name)})
			if err != nil {
				return nil, false, fmt.Errorf("get schedule %s/%s: %w", g.name, n, err)
			}
			rule, st, err := ruleOfSchedule(s, g.name, clusterARN, acct)
			if err != nil {
				return nil, false, err
			}
			if rule != nil {
				out = append(out, dumpedSchedule{rule: rule, settings: st, group: g.name, trackingID: tracking})
			}
		}
	}
	return out, true, nil
}

// ruleOfSchedule maps a live schedule back to the file's form: the rule (nil when
// its target is not an ECS task on clusterARN) and the scheduler: settings that
// differ from the defaults apply uses (group always written).
func ruleOfSchedule(s *scheduler.GetScheduleOutput, group, clusterARN string, acct Account) (*Rule, *SchedulerSettings, error) {
	t := s.Target
	if t == nil || t.EcsParameters == nil || aws.ToString(t.Arn) != clusterARN {
		return nil, nil, nil
	}
	name := aws.ToString(s.Name)
	st := &SchedulerSettings{Group: group}
	expr := aws.ToString(s.ScheduleExpression)
	if at, ok := strings.CutPrefix(expr, "at("); ok && strings.HasSuffix(at, ")") {
		st.At, expr = strings.TrimSuffix(at, ")"), ""
	}
	state := ebtypes.RuleStateEnabled
	if s.State == sctypes.ScheduleStateDisabled {
		state = ebtypes.RuleStateDisabled
	}
	lr := &LiveRule{Rule: ebtypes.Rule{Name: s.Name, Arn: aws.String(PrefixesOf(acct).Rule + name), Description: s.Description,
		ScheduleExpression: aws.String(expr), State: state}, Targets: []ebtypes.Target{ebTargetOf(name, t)}}
	rule, err := FromLive(lr, clusterARN, acct)
	if err != nil || rule == nil {
		return nil, nil, err
	}
	if tz := aws.ToString(s.ScheduleExpressionTimezone); tz != "" && tz != "UTC" {
		st.Timezone = tz
	}
	if w := s.FlexibleTimeWindow; w != nil && w.Mode == sctypes.FlexibleTimeWindowModeFlexible {
		st.FlexibleWindow = fmt.Sprintf("%dm", aws.ToInt32(w.MaximumWindowInMinutes))
	}
	if rp := t.RetryPolicy; rp != nil {
		a, age := aws.ToInt32(rp.MaximumRetryAttempts), aws.ToInt32(rp.MaximumEventAgeInSeconds)
		if a != 185 || age != 86400 {
			st.Retry = &RetrySettings{MaximumRetryAttempts: aws.Int32(a), MaximumEventAgeInSeconds: aws.Int32(age)}
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, nil, err
	}
	rule.Scheduler = raw
	return rule, st, nil
}

// mergeSchedules adds the dumped schedules to the file's rules. A name is one rule
// of the file: two schedules of one name (in two groups), or a schedule and an
// enabled EventBridge rule of its name (apply would disable the rule), are exit 2
// naming both. A disabled EventBridge rule of the schedule's name is what
// `apply --to-scheduler` leaves behind: the schedule replaces it in the dump.
func mergeSchedules(f *File, live *Live, scheds []dumpedSchedule) error {
	byName := map[string]dumpedSchedule{}
	var problems []string
	for _, s := range scheds {
		n := s.rule.Name
		if prev, ok := byName[n]; ok {
			problems = append(problems, fmt.Sprintf("schedules %s/%s and %s/%s share the name %q", prev.group, n, s.group, n, n))
			continue
		}
		byName[n] = s
		if lr := live.Rules[n]; lr != nil && aws.ToString(lr.Rule.ScheduleExpression) != "" && lr.Rule.State == ebtypes.RuleStateEnabled {
			problems = append(problems, fmt.Sprintf("EventBridge rule %s and schedule %s/%s share the name %q", n, s.group, n, n))
		}
	}
	if len(problems) > 0 {
		return diag.Invalid(fmt.Errorf("schedule dump: %s: a file names a rule once", strings.Join(problems, "; ")),
			"rename or delete one of them (a disabled EventBridge rule may share a schedule's name: the schedule is dumped)")
	}
	rules := f.Rules[:0]
	for _, r := range f.Rules {
		if _, ok := byName[r.Name]; !ok {
			rules = append(rules, r)
		}
	}
	for _, s := range scheds {
		rules = append(rules, s.rule)
	}
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Name < rules[j].Name })
	f.Rules = rules
	return nil
}

// dumpYAML is the file's YAML with each schedule's scheduler: settings (File and
// Rule leave scheduler: out of their YAML, which only a loaded file carries).
func dumpYAML(f *File) ([]byte, error) {
	type rule struct {
		*Rule     `yaml:",inline"`
		Scheduler *SchedulerSettings `yaml:"scheduler,omitempty"`
	}
	type file struct {
		Role       string `yaml:"role,omitempty"`
		Region     string `yaml:"region"`
		Cluster    string `yaml:"cluster"`
		TrackingID string `yaml:"trackingId,omitempty"`
		Rules      []rule `yaml:"rules"`
	}
	out := file{Role: f.Role, Region: f.Region, Cluster: f.Cluster, TrackingID: f.TrackingID, Rules: []rule{}}
	for _, r := range f.Rules {
		x := rule{Rule: r}
		if len(r.Scheduler) > 0 {
			x.Scheduler = &SchedulerSettings{}
			if err := json.Unmarshal(r.Scheduler, x.Scheduler); err != nil {
				return nil, err
			}
		}
		out.Rules = append(out.Rules, x)
	}
	return yaml.Marshal(out)
}
