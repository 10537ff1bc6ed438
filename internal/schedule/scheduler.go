package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones of schedules, whatever the host has installed

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	sctypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aymanbagabas/go-udiff"
	"github.com/goccy/go-yaml"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// EventBridge Scheduler (doppio only): a file opts in with a top-level
// `scheduler: {group, timezone, flexibleWindow, retry}`, a rule with the same keys
// (its own win) plus `at` for a one-time schedule. ecschedule reads such a file
// unchanged: it ignores keys it does not know (non-strict YAML and JSON decoding),
// and every rule keeps an expression ecschedule accepts, so a one-time schedule's
// at(...) lives under scheduler:, never in scheduleExpression.

// Scheduler is the part of EventBridge Scheduler schedule uses.
type Scheduler interface {
	GetSchedule(ctx context.Context, in *scheduler.GetScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error)
	CreateSchedule(ctx context.Context, in *scheduler.CreateScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error)
	UpdateSchedule(ctx context.Context, in *scheduler.UpdateScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error)
	DeleteSchedule(ctx context.Context, in *scheduler.DeleteScheduleInput, optFns ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error)
	ListSchedules(ctx context.Context, in *scheduler.ListSchedulesInput, optFns ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error)
	ListScheduleGroups(ctx context.Context, in *scheduler.ListScheduleGroupsInput, optFns ...func(*scheduler.Options)) (*scheduler.ListScheduleGroupsOutput, error)
	GetScheduleGroup(ctx context.Context, in *scheduler.GetScheduleGroupInput, optFns ...func(*scheduler.Options)) (*scheduler.GetScheduleGroupOutput, error)
	CreateScheduleGroup(ctx context.Context, in *scheduler.CreateScheduleGroupInput, optFns ...func(*scheduler.Options)) (*scheduler.CreateScheduleGroupOutput, error)
	ListTagsForResource(ctx context.Context, in *scheduler.ListTagsForResourceInput, optFns ...func(*scheduler.Options)) (*scheduler.ListTagsForResourceOutput, error)
	TagResource(ctx context.Context, in *scheduler.TagResourceInput, optFns ...func(*scheduler.Options)) (*scheduler.TagResourceOutput, error)
}

// SchedulerSettings are the scheduler: keys of a file or a rule.
type SchedulerSettings struct {
	// Group is the schedule group (default "default").
	Group string `json:"group,omitempty"`
	// Timezone is the IANA zone cron and at expressions are read in (default UTC).
	Timezone string `json:"timezone,omitempty"`
	// At makes a one-time schedule: "2026-12-24T09:00:00" in Timezone (rules only).
	At string `json:"at,omitempty"`
	// FlexibleWindow lets the Scheduler start the task up to this long after the
	// time ("15m", whole minutes, 1m to 1440m); "off" or unset: on time.
	FlexibleWindow string `json:"flexibleWindow,omitempty"`
	// Retry is the retry policy of a failed invocation.
	Retry *RetrySettings `json:"retry,omitempty"`
}

// RetrySettings are the Scheduler's RetryPolicy, under its own names.
type RetrySettings struct {
	MaximumRetryAttempts     *int32 `json:"maximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int32 `json:"maximumEventAgeInSeconds,omitempty"`
}

// DefaultGroup is the Scheduler's default schedule group (it cannot be tagged).
const DefaultGroup = "default"

// SchedulerStartedBy is the startedBy EventBridge Scheduler gives the tasks a
// schedule starts.
func SchedulerStartedBy(name string) string { return "chronos-schedule/" + name }

var atRe = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`)

var groupNameRe = regexp.MustCompile(`^[0-9a-zA-Z\-_.]{1,64}$`)

// decodeSettings reads a scheduler: value strictly; problems go to add.
func decodeSettings(raw json.RawMessage, rule bool, field string, line func(string) int, add func(int, string, error, string)) *SchedulerSettings {
	if len(raw) == 0 {
		return nil
	}
	s := &SchedulerSettings{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(s); err != nil {
		keys := []string{"group", "timezone", "flexibleWindow", "retry", "maximumRetryAttempts", "maximumEventAgeInSeconds"}
		if rule {
			keys = append(keys, "at")
		}
		if m := unknownFieldRe.FindStringSubmatch(err.Error()); m != nil {
			hint := diag.DidYouMean(m[1], keys)
			if hint == "" {
				hint = "scheduler: takes " + strings.Join(keys, ", ")
			}
			add(line(m[1]), field+"."+m[1], fmt.Errorf("unknown key %q", m[1]), hint)
			return nil
		}
		add(line("scheduler"), field, fmt.Errorf("scheduler: %s", strings.TrimPrefix(err.Error(), "json: ")),
			"write scheduler: {group: NAME, timezone: Asia/Tokyo}")
		return nil
	}
	if s.Group != "" && !groupNameRe.MatchString(s.Group) {
		add(line("group"), field+".group", fmt.Errorf("invalid schedule group %q", s.Group), "group names are 1 to 64 letters, digits, '-', '_' and '.'")
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "Local" {
			add(line("timezone"), field+".timezone", fmt.Errorf("unknown time zone %q", s.Timezone), "an IANA zone such as Asia/Tokyo, Europe/Paris or UTC")
		}
	}
	if s.At != "" {
		if !rule {
			add(line("at"), field+".at", errors.New("at is a rule's one-time schedule, not the file's"), "move at: to the rule's scheduler:")
		} else if _, err := time.Parse("2006-01-02T15:04:05", s.At); err != nil || !atRe.MatchString(s.At) {
			add(line("at"), field+".at", fmt.Errorf("invalid at %q", s.At), "write the date and time as 2026-12-24T09:00:00 (in the schedule's timezone)")
		}
	}
	if _, err := windowMinutes(s.FlexibleWindow); err != nil {
		add(line("flexibleWindow"), field+".flexibleWindow", err, "whole minutes from 1m to 1440m (24h), or off")
	}
	if r := s.Retry; r != nil {
		if a := r.MaximumRetryAttempts; a != nil && (*a < 0 || *a > 185) {
			add(line("maximumRetryAttempts"), field+".retry.maximumRetryAttempts", fmt.Errorf("maximumRetryAttempts %d: must be 0 to 185", *a), "")
		}
		if a := r.MaximumEventAgeInSeconds; a != nil && (*a < 60 || *a > 86400) {
			add(line("maximumEventAgeInSeconds"), field+".retry.maximumEventAgeInSeconds", fmt.Errorf("maximumEventAgeInSeconds %d: must be 60 to 86400", *a), "")
		}
	}
	return s
}

// windowMinutes reads flexibleWindow: 0 for off.
func windowMinutes(s string) (int32, error) {
	if s == "" || strings.EqualFold(s, "off") {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		if n, nerr := strconv.Atoi(s); nerr == nil {
			d = time.Duration(n) * time.Minute // a bare number is minutes, as the API counts
		} else {
			return 0, fmt.Errorf("invalid flexibleWindow %q", s)
		}
	}
	if d%time.Minute != 0 || d < time.Minute || d > 24*time.Hour {
		return 0, fmt.Errorf("invalid flexibleWindow %q: whole minutes from 1m to 1440m", s)
	}
	return int32(d / time.Minute), nil
}

// validateScheduler decodes and checks the file's and rules' scheduler: keys.
func (f *File) validateScheduler(add func(int, string, error, string)) {
	top := func(key string) int { return lineOfKey(f.src, key, lineOfKey(f.src, "scheduler", 0)) }
	f.sched = decodeSettings(f.Scheduler, false, "scheduler", top, add)
	f.ruleSched = map[string]*SchedulerSettings{}
	for i, r := range f.Rules {
		if r == nil || len(r.Scheduler) == 0 {
			continue
		}
		field := fmt.Sprintf("rules[%d] (%s).scheduler", i, r.Name)
		key := func(k string) int { return f.KeyLine(r.Name, k) }
		if s := decodeSettings(r.Scheduler, true, field, key, add); s != nil {
			f.ruleSched[r.Name] = s
		}
	}
}

// SchedulerOf returns the rule's effective Scheduler settings (the rule's keys over
// the file's), or nil when the rule is an EventBridge rule.
func (f *File) SchedulerOf(name string) *SchedulerSettings {
	rs := f.ruleSched[name]
	if f.sched == nil && rs == nil && !f.toScheduler {
		return nil
	}
	out := SchedulerSettings{Group: DefaultGroup, Timezone: "UTC"}
	for _, s := range []*SchedulerSettings{f.sched, rs} {
		if s == nil {
			continue
		}
		if s.Group != "" {
			out.Group = s.Group
		}
		if s.Timezone != "" {
			out.Timezone = s.Timezone
		}
		if s.At != "" {
			out.At = s.At
		}
		if s.FlexibleWindow != "" {
			out.FlexibleWindow = s.FlexibleWindow
		}
		if s.Retry != nil {
			out.Retry = s.Retry
		}
	}
	return &out
}

// ToScheduler makes every rule of the file a Scheduler schedule (apply
// --to-scheduler: the migration).
func (f *File) ToScheduler() { f.toScheduler = true }

// Expression is the Scheduler's schedule expression: at(...) or the rule's.
func (s *SchedulerSettings) Expression(r *Rule) string {
	if s.At != "" {
		return "at(" + s.At + ")"
	}
	return r.ScheduleExpression
}

// ScheduleDoc is a schedule as diff shows it: the Scheduler's fields, with the
// ECS target as the rule's YAML.
type ScheduleDoc struct {
	Name               string `json:"name" yaml:"name"`
	Group              string `json:"group" yaml:"group"`
	Description        string `json:"description,omitempty" yaml:"description,omitempty"`
	ScheduleExpression string `json:"scheduleExpression" yaml:"scheduleExpression"`
	Timezone           string `json:"timezone" yaml:"timezone"`
	State              string `json:"state" yaml:"state"`
	FlexibleWindow     string `json:"flexibleWindow" yaml:"flexibleWindow"`
	RetryAttempts      int32  `json:"maximumRetryAttempts" yaml:"maximumRetryAttempts"`
	RetryMaxAge        int32  `json:"maximumEventAgeInSeconds" yaml:"maximumEventAgeInSeconds"`
	Target             *Rule  `json:"target" yaml:"target"`
}

// YAML is the document's text.
func (d *ScheduleDoc) YAML() string {
	b, _ := yaml.Marshal(d)
	return string(b)
}

// scheduleTarget is the Scheduler target of the rule: the EventBridge target's
// fields (the same ECS parameters and Input document) in the Scheduler's types.
func (r *Resolved) scheduleTarget(s *SchedulerSettings) *sctypes.Target {
	et := r.Target()
	ep := et.EcsParameters
	p := &sctypes.EcsParameters{TaskDefinitionArn: ep.TaskDefinitionArn, TaskCount: ep.TaskCount, Group: ep.Group,
		LaunchType: sctypes.LaunchType(ep.LaunchType), PlatformVersion: ep.PlatformVersion, PropagateTags: sctypes.PropagateTags(ep.PropagateTags)}
	for _, c := range ep.CapacityProviderStrategy {
		p.CapacityProviderStrategy = append(p.CapacityProviderStrategy, sctypes.CapacityProviderStrategyItem{CapacityProvider: c.CapacityProvider, Base: c.Base, Weight: c.Weight})
	}
	if nc := ep.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		v := nc.AwsvpcConfiguration
		p.NetworkConfiguration = &sctypes.NetworkConfiguration{AwsvpcConfiguration: &sctypes.AwsVpcConfiguration{
			Subnets: v.Subnets, SecurityGroups: v.SecurityGroups, AssignPublicIp: sctypes.AssignPublicIp(v.AssignPublicIp)}}
	}
	t := &sctypes.Target{Arn: et.Arn, RoleArn: et.RoleArn, EcsParameters: p, Input: et.Input,
		RetryPolicy: &sctypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(185), MaximumEventAgeInSeconds: aws.Int32(86400)}}
	if rp := s.Retry; rp != nil {
		if rp.MaximumRetryAttempts != nil {
			t.RetryPolicy.MaximumRetryAttempts = rp.MaximumRetryAttempts
		}
		if rp.MaximumEventAgeInSeconds != nil {
			t.RetryPolicy.MaximumEventAgeInSeconds = rp.MaximumEventAgeInSeconds
		}
	}
	if d := et.DeadLetterConfig; d != nil {
		t.DeadLetterConfig = &sctypes.DeadLetterConfig{Arn: d.Arn}
	}
	return t
}

// CreateScheduleInput is the Scheduler request for the rule.
func (r *Resolved) CreateScheduleInput(s *SchedulerSettings) *scheduler.CreateScheduleInput {
	state := sctypes.ScheduleStateEnabled
	if r.Disabled {
		state = sctypes.ScheduleStateDisabled
	}
	win := sctypes.FlexibleTimeWindow{Mode: sctypes.FlexibleTimeWindowModeOff}
	if m, _ := windowMinutes(s.FlexibleWindow); m > 0 {
		win = sctypes.FlexibleTimeWindow{Mode: sctypes.FlexibleTimeWindowModeFlexible, MaximumWindowInMinutes: aws.Int32(m)}
	}
	in := &scheduler.CreateScheduleInput{Name: aws.String(r.Name), GroupName: aws.String(s.Group), ScheduleExpression: aws.String(s.Expression(r.Rule)),
		ScheduleExpressionTimezone: aws.String(s.Timezone), State: state, FlexibleTimeWindow: &win, Target: r.scheduleTarget(s)}
	if r.Description != "" {
		in.Description = aws.String(r.Description)
	}
	return in
}

// docOf is the diff document of a schedule request or a live schedule.
func docOf(name, group, desc, expr, tz string, state sctypes.ScheduleState, win *sctypes.FlexibleTimeWindow, t *sctypes.Target, acct Account) *ScheduleDoc {
	d := &ScheduleDoc{Name: name, Group: group, Description: desc, ScheduleExpression: expr, Timezone: tz, State: string(state), FlexibleWindow: "off"}
	if d.Group == "" {
		d.Group = DefaultGroup
	}
	if d.Timezone == "" {
		d.Timezone = "UTC"
	}
	if win != nil && win.Mode == sctypes.FlexibleTimeWindowModeFlexible {
		d.FlexibleWindow = fmt.Sprintf("%dm", aws.ToInt32(win.MaximumWindowInMinutes))
	}
	if t == nil {
		return d
	}
	if rp := t.RetryPolicy; rp != nil {
		d.RetryAttempts, d.RetryMaxAge = aws.ToInt32(rp.MaximumRetryAttempts), aws.ToInt32(rp.MaximumEventAgeInSeconds)
	}
	// The ECS part maps back through the EventBridge target's reader, so both kinds
	// show one YAML.
	lr := &LiveRule{Rule: ebtypes.Rule{Name: aws.String(name), Arn: aws.String(PrefixesOf(acct).Rule + name)}, Targets: []ebtypes.Target{ebTargetOf(name, t)}}
	if r, err := FromLive(lr, aws.ToString(t.Arn), acct); err == nil && r != nil {
		r.Name, r.ScheduleExpression, r.Description, r.Disabled = "", "", "", false
		d.Target = normalize(r, acct)
		d.Target.Name, d.Target.ScheduleExpression = "", ""
	}
	return d
}

// LiveSchedules are the Scheduler's schedules of the groups a region's files use.
type LiveSchedules struct {
	// Schedules by group|name (only those the files name, and prune candidates).
	Schedules map[string]*scheduler.GetScheduleOutput
	// Groups are the groups that exist, with their tracking tag value ("" untagged).
	Groups map[string]string
	// Names are the schedule names of each existing group.
	Names map[string][]string
}

func (l *LiveSchedules) get(group, name string) *scheduler.GetScheduleOutput {
	if l == nil {
		return nil
	}
	return l.Schedules[group+"|"+name]
}

// fetchSchedules reads the Scheduler side of a region when a file uses it.
func (s *Session) fetchSchedules(ctx context.Context, r *Region, files []*SessionFile, prune bool) error {
	groups := map[string]bool{}
	for _, f := range files {
		for _, rule := range f.Rules {
			if st := f.SchedulerOf(rule.Name); st != nil {
				groups[st.Group] = true
			}
		}
	}
	if r.Scheduler == nil {
		if len(groups) == 0 {
			return nil
		}
		return errors.New("EventBridge Scheduler: no client")
	}
	// Prune looks in every group tagged with a tracking id of the files, also when
	// the files no longer name a schedule there. A file without schedules tolerates
	// a Scheduler that cannot be read (no permission): it has nothing to prune there.
	if prune {
		p := scheduler.NewListScheduleGroupsPaginator(r.Scheduler, &scheduler.ListScheduleGroupsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				if len(groups) == 0 {
					break
				}
				return fmt.Errorf("list schedule groups: %w", err)
			}
			for _, g := range page.ScheduleGroups {
				if name := aws.ToString(g.Name); name != DefaultGroup && !groups[name] {
					tags, err := r.Scheduler.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: g.Arn})
					if err != nil {
						return fmt.Errorf("list tags of schedule group %s: %w", name, err)
					}
					for _, t := range tags.Tags {
						if aws.ToString(t.Key) == TrackingTag && trackingIDs(files)[aws.ToString(t.Value)] {
							groups[name] = true
						}
					}
				}
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}
	live := &LiveSchedules{Schedules: map[string]*scheduler.GetScheduleOutput{}, Groups: map[string]string{}, Names: map[string][]string{}}
	for g := range groups {
		out, err := r.Scheduler.GetScheduleGroup(ctx, &scheduler.GetScheduleGroupInput{Name: aws.String(g)})
		if err != nil {
			var nf *sctypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				continue
			}
			return fmt.Errorf("get schedule group %s: %w", g, err)
		}
		live.Groups[g] = ""
		if g != DefaultGroup {
			tags, err := r.Scheduler.ListTagsForResource(ctx, &scheduler.ListTagsForResourceInput{ResourceArn: out.Arn})
			if err != nil {
				return fmt.Errorf("list tags of schedule group %s: %w", g, err)
			}
			for _, t := range tags.Tags {
				if aws.ToString(t.Key) == TrackingTag {
					live.Groups[g] = aws.ToString(t.Value)
				}
			}
		}
		p := scheduler.NewListSchedulesPaginator(r.Scheduler, &scheduler.ListSchedulesInput{GroupName: aws.String(g)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("list schedules of group %s: %w", g, err)
			}
			for _, sc := range page.Schedules {
				live.Names[g] = append(live.Names[g], aws.ToString(sc.Name))
			}
		}
	}
	for _, f := range files {
		for _, rule := range f.Rules {
			st := f.SchedulerOf(rule.Name)
			if st == nil || !contains(live.Names[st.Group], rule.Name) {
				continue
			}
			out, err := r.Scheduler.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: aws.String(rule.Name), GroupName: aws.String(st.Group)})
			if err != nil {
				return fmt.Errorf("get schedule %s/%s: %w", st.Group, rule.Name, err)
			}
			live.Schedules[st.Group+"|"+rule.Name] = out
		}
	}
	r.Schedules = live
	return nil
}

// trackingIDs are the files' tracking ids.
func trackingIDs(files []*SessionFile) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		out[f.TrackingIDOf()] = true
	}
	return out
}

// schedChange is the Scheduler part of a change.
type schedChange struct {
	group       string
	settings    *SchedulerSettings
	create      bool // CreateSchedule, else UpdateSchedule
	createGroup bool
	tagGroup    bool
	disableRule *eventbridge.PutRuleInput // the EventBridge rule of the same name, disabled
}

// Kind is "rule" (EventBridge) or "schedule" (EventBridge Scheduler).
func (c *Change) Kind() string {
	if c.schedule != nil {
		return "schedule"
	}
	return "rule"
}

// planSchedules compares the file's Scheduler rules with the live schedules.
func planSchedules(f *SessionFile, only []string, prune bool, keep map[string]bool) ([]*Change, error) {
	var out []*Change
	live := f.AWS.Schedules
	evLive := f.AWS.Live
	named := map[string]bool{}
	for _, r := range f.Resolve(f.Acct) {
		st := f.SchedulerOf(r.Name)
		if st == nil {
			continue
		}
		named[st.Group+"|"+r.Name] = true
		if len(only) > 0 && !contains(only, r.Name) {
			continue
		}
		want := r.CreateScheduleInput(st)
		c := &Change{File: f.Path, Rule: r.Name, Group: st.Group, resolved: r, schedule: &schedChange{group: st.Group, settings: st}}
		local := docOf(r.Name, st.Group, r.Description, aws.ToString(want.ScheduleExpression), st.Timezone, want.State, want.FlexibleTimeWindow, want.Target, f.Acct)
		c.Local = local.YAML()
		if _, ok := liveGroups(live)[st.Group]; !ok {
			c.schedule.createGroup = st.Group != DefaultGroup
		} else if st.Group != DefaultGroup && live.Groups[st.Group] != r.TrackingID {
			c.schedule.tagGroup = true
		}
		if ls := live.get(st.Group, r.Name); ls == nil {
			c.Action, c.schedule.create = Create, true
		} else {
			c.Live = docOf(aws.ToString(ls.Name), aws.ToString(ls.GroupName), aws.ToString(ls.Description), aws.ToString(ls.ScheduleExpression),
				aws.ToString(ls.ScheduleExpressionTimezone), ls.State, ls.FlexibleTimeWindow, ls.Target, f.Acct).YAML()
			c.Action = Unchanged
			if c.Live != c.Local {
				c.Action = Update
			}
		}
		// The EventBridge rule the schedule replaces stops firing (it is kept, disabled,
		// so the migration can be undone).
		if evLive != nil {
			if lr := evLive.Rules[r.Name]; lr != nil && lr.Rule.State == "ENABLED" && aws.ToString(lr.Rule.ScheduleExpression) != "" {
				c.schedule.disableRule = &eventbridge.PutRuleInput{Name: lr.Rule.Name, Description: lr.Rule.Description, RoleArn: lr.Rule.RoleArn,
					ScheduleExpression: lr.Rule.ScheduleExpression, State: "DISABLED"}
			}
		}
		if c.schedule.createGroup || c.schedule.tagGroup || c.schedule.disableRule != nil {
			if c.Action == Unchanged {
				c.Action = Update
			}
		}
		if c.Action != Unchanged {
			c.Diff = scheduleDiffText(r.Name, st.Group, f.Path, c.Live, c.Local)
			if c.schedule.createGroup {
				c.Diff += fmt.Sprintf("# schedule group %s will be created, tagged %s=%s\n", st.Group, TrackingTag, r.TrackingID)
			} else if c.schedule.tagGroup {
				c.Diff += fmt.Sprintf("# tag %s=%s will be set on schedule group %s\n", TrackingTag, r.TrackingID, st.Group)
			}
			if c.schedule.disableRule != nil {
				c.Diff += fmt.Sprintf("# EventBridge rule %s will be disabled (the schedule replaces it)\n", r.Name)
			}
		}
		out = append(out, c)
	}
	if prune && live != nil {
		id := f.TrackingIDOf()
		for g, tag := range live.Groups {
			if g == DefaultGroup || tag != id {
				continue
			}
			for _, name := range live.Names[g] {
				if named[g+"|"+name] || (keep[name] && f.SchedulerOf(name) != nil) {
					continue
				}
				c := &Change{File: f.Path, Rule: name, Group: g, Action: Delete, schedule: &schedChange{group: g}}
				c.Live = fmt.Sprintf("name: %s\ngroup: %s\n", name, g)
				c.Diff = scheduleDiffText(name, g, f.Path, c.Live, "")
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// ebTargetOf is a Scheduler target in EventBridge's types (the same ECS fields).
func ebTargetOf(id string, t *sctypes.Target) ebtypes.Target {
	out := ebtypes.Target{Id: aws.String(id), Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input}
	if d := t.DeadLetterConfig; d != nil {
		out.DeadLetterConfig = &ebtypes.DeadLetterConfig{Arn: d.Arn}
	}
	if p := t.EcsParameters; p != nil {
		ep := &ebtypes.EcsParameters{TaskDefinitionArn: p.TaskDefinitionArn, TaskCount: p.TaskCount, Group: p.Group,
			LaunchType: ebtypes.LaunchType(p.LaunchType), PlatformVersion: p.PlatformVersion, PropagateTags: ebtypes.PropagateTags(p.PropagateTags)}
		for _, c := range p.CapacityProviderStrategy {
			ep.CapacityProviderStrategy = append(ep.CapacityProviderStrategy, ebtypes.CapacityProviderStrategyItem{CapacityProvider: c.CapacityProvider, Base: c.Base, Weight: c.Weight})
		}
		if nc := p.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
			v := nc.AwsvpcConfiguration
			ep.NetworkConfiguration = &ebtypes.NetworkConfiguration{AwsvpcConfiguration: &ebtypes.AwsVpcConfiguration{
				Subnets: v.Subnets, SecurityGroups: v.SecurityGroups, AssignPublicIp: ebtypes.AssignPublicIp(v.AssignPublicIp)}}
		}
		out.EcsParameters = ep
	}
	return out
}

func liveGroups(l *LiveSchedules) map[string]string {
	if l == nil {
		return nil
	}
	return l.Groups
}

func scheduleDiffText(name, group, file, live, local string) string {
	from, to := "live schedule "+group+"/"+name, file+" schedule "+group+"/"+name
	if live == "" {
		from = "(schedule " + group + "/" + name + " does not exist)"
	}
	if local == "" {
		to = "(pruned: not in " + file + ")"
	}
	return udiff.Unified(from, to, live, local)
}

// applySchedule makes one schedule's writes.
func applySchedule(ctx context.Context, r *Region, c *Change) error {
	sc := c.schedule
	if c.Action == Delete {
		if _, err := r.Scheduler.DeleteSchedule(ctx, &scheduler.DeleteScheduleInput{Name: aws.String(c.Rule), GroupName: aws.String(sc.group)}); err != nil {
			return fmt.Errorf("delete schedule %s/%s: %w", sc.group, c.Rule, err)
		}
		return nil
	}
	in := c.resolved.CreateScheduleInput(sc.settings)
	live := r.Schedules.get(sc.group, c.Rule)
	switch {
	case sc.create:
		if _, err := r.Scheduler.CreateSchedule(ctx, in); err != nil {
			return fmt.Errorf("create schedule %s/%s: %w", sc.group, c.Rule, err)
		}
	case live != nil && c.Live != c.Local:
		up := scheduler.UpdateScheduleInput{Name: in.Name, GroupName: in.GroupName, ScheduleExpression: in.ScheduleExpression,
			ScheduleExpressionTimezone: in.ScheduleExpressionTimezone, State: in.State, FlexibleTimeWindow: in.FlexibleTimeWindow,
			Target: in.Target, Description: in.Description}
		if _, err := r.Scheduler.UpdateSchedule(ctx, &up); err != nil {
			return fmt.Errorf("update schedule %s/%s: %w", sc.group, c.Rule, err)
		}
	}
	if d := sc.disableRule; d != nil {
		if _, err := r.Events.PutRule(ctx, d); err != nil {
			return fmt.Errorf("disable rule %s: %w", c.Rule, err)
		}
	}
	return nil
}

// ensureGroups creates (tagged) or tags the schedule groups the changes need, once
// each, before the schedules are written.
func ensureGroups(ctx context.Context, s *Session, cs []*Change) error {
	done := map[string]bool{}
	for _, c := range cs {
		sc := c.schedule
		if sc == nil || (!sc.createGroup && !sc.tagGroup) {
			continue
		}
		f := s.FileOf(c.File)
		key := f.File.Region + "|" + sc.group
		if done[key] {
			continue
		}
		done[key] = true
		tag := sctypes.Tag{Key: aws.String(TrackingTag), Value: aws.String(c.resolved.TrackingID)}
		if sc.createGroup {
			if _, err := f.AWS.Scheduler.CreateScheduleGroup(ctx, &scheduler.CreateScheduleGroupInput{Name: aws.String(sc.group), Tags: []sctypes.Tag{tag}}); err != nil {
				return fmt.Errorf("create schedule group %s: %w", sc.group, err)
			}
			continue
		}
		arn := fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule-group/%s", f.Acct.Region, f.Acct.ID, sc.group)
		if _, err := f.AWS.Scheduler.TagResource(ctx, &scheduler.TagResourceInput{ResourceArn: aws.String(arn), Tags: []sctypes.Tag{tag}}); err != nil {
			return fmt.Errorf("tag schedule group %s: %w", sc.group, err)
		}
	}
	return nil
}

// MarshalJSON adds the change's kind ("rule" or "schedule") to its fields.
func (c *Change) MarshalJSON() ([]byte, error) {
	type fields Change
	return json.Marshal(struct {
		Kind string `json:"kind"`
		*fields
	}{c.Kind(), (*fields)(c)})
}
