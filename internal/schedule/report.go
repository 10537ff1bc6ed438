package schedule

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"golang.org/x/sync/errgroup"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// Status assembles status's report for the planned rules: state and schedule in
// AWS, the next three fire times, the revision that would run, notes (family →
// note, from Drift) and the last n runs. now is the caller's clock; a run seen later
// than it moves it forward (the clocks of AWS and of the caller may differ).
func (s *Session) Status(ctx context.Context, cs []*Change, notes map[string]string, n int, now time.Time) (StatusReport, error) {
	rep := StatusReport{Rules: make([]RuleStatus, len(cs))}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for i, ch := range cs {
		f := s.FileOf(ch.File)
		r := ch.Resolved()
		g.Go(func() error {
			st, err := status(gctx, f, ch, r, notes, n, now)
			rep.Rules[i] = st
			return err
		})
	}
	return rep, g.Wait()
}

func status(ctx context.Context, f *SessionFile, ch *Change, r *Resolved, notes map[string]string, n int, now time.Time) (RuleStatus, error) {
	st := RuleStatus{File: ch.File, Rule: r.Name, Kind: ch.Kind(), Schedule: r.ScheduleExpression, Cluster: r.Cluster,
		Differs: ch.Action != Unchanged, Runs: []Run{}, State: "NOT_APPLIED"}
	loc := time.UTC
	var anchor time.Time
	startedBy := StartedBy(r.Name)
	if sc := ch.schedule; sc != nil {
		startedBy = SchedulerStartedBy(r.Name)
		st.Group, st.Timezone, st.Schedule = sc.group, sc.settings.Timezone, sc.settings.Expression(r.Rule)
		if live := f.AWS.Schedules.get(sc.group, r.Name); live != nil {
			st.State, st.Schedule, st.Timezone = string(live.State), aws.ToString(live.ScheduleExpression), aws.ToString(live.ScheduleExpressionTimezone)
			// The Scheduler counts a rate from the schedule's start date, else from
			// when it was last written.
			anchor = aws.ToTime(live.LastModificationDate)
			if live.StartDate != nil {
				anchor = *live.StartDate
			}
		}
		if l, err := time.LoadLocation(st.Timezone); err == nil {
			loc = l
		}
	} else if lr := f.AWS.Live.Rules[r.Name]; lr != nil {
		st.State, st.Schedule = string(lr.Rule.State), aws.ToString(lr.Rule.ScheduleExpression)
	}
	if out, err := f.AWS.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(r.TaskDefinition)}); err == nil {
		st.TaskDefinition = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	} else {
		var ce *ecstypes.ClientException
		if !errors.As(err, &ce) {
			return st, fmt.Errorf("describe task definition %s: %w", r.TaskDefinition, err)
		}
		st.Note = fmt.Sprintf("task definition %s not found: the rule's runs fail", r.TaskDefinition)
	}
	if note := notes[Family(r.TaskDefinition)]; note != "" {
		st.Note = note
	}
	runs, err := lastRuns(ctx, f.AWS.ECS, r.Cluster, r.Name, startedBy, n)
	if err != nil {
		return st, err
	}
	if runs != nil {
		st.Runs = runs
	}
	// A rule's rate counts from its creation, which no API returns: a run the rule
	// started carries the phase (its task was created at the fire time).
	if ch.schedule == nil {
		for _, run := range runs {
			if !run.Manual && !run.created.IsZero() {
				anchor = run.created
				break
			}
		}
	}
	for _, run := range runs {
		if run.created.After(now) {
			now = run.created
		}
	}
	if expr, err := ParseScheduleExpression(st.Schedule); err == nil && st.State == "ENABLED" {
		st.Next = expr.NextIn(now, anchor, 3, loc)
		st.Approximate = expr.Rate() > 0 && anchor.IsZero()
	}
	return st, nil
}

// Drift compares the local task definition of family (from the doppio config at
// localPath) with the family's latest registered revision when a rule of the
// files runs that family: family → note naming the differing fields.
func (s *Session) Drift(ctx context.Context, local *ecs.RegisterTaskDefinitionInput, localPath string) (map[string]string, error) {
	family := aws.ToString(local.Family)
	for _, f := range s.Files {
		for _, r := range f.Rules {
			if Family(r.TaskDefinition) != family {
				continue
			}
			out, err := f.AWS.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family), Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
			if err != nil {
				var ce *ecstypes.ClientException
				if errors.As(err, &ce) {
					return map[string]string{family: fmt.Sprintf("family %s has no registered revision: run 'doppio register'", family)}, nil
				}
				return nil, fmt.Errorf("describe task definition %s: %w", family, err)
			}
			fields, err := DefinitionDrift(out.TaskDefinition, out.Tags, local)
			if err != nil || len(fields) == 0 {
				return nil, err
			}
			return map[string]string{family: DriftNote(family, localPath, out.TaskDefinition, fields)}, nil
		}
	}
	return nil, nil
}

// Dump reads every rule of the region whose single target runs a task on the
// file's cluster, and every EventBridge Scheduler schedule (of every schedule
// group) whose target does, into f (rules sorted by name, schedules with their
// scheduler: settings); when they all carry one tracking id other than the
// cluster's name (rules' tags, schedule groups' tags), it is written as
// trackingId, so that apply of the dump changes nothing.
func Dump(ctx context.Context, r *Region, f *File) (DumpResult, error) {
	res := DumpResult{File: f}
	if err := dump(ctx, r, f, &res); err != nil {
		return DumpResult{}, err
	}
	b, err := dumpYAML(f)
	if err != nil {
		return DumpResult{}, err
	}
	res.YAML, res.Rules = string(b), len(f.Rules)
	if res.Note != "" {
		res.YAML = "# " + res.Note + "\n" + res.YAML
	}
	return res, nil
}

func dump(ctx context.Context, r *Region, f *File, res *DumpResult) error {
	acct := Account{ID: r.Account, Region: r.Name}
	live, err := Fetch(ctx, r.Events, nil, nil, nil)
	if err != nil {
		return err
	}
	clusterARN := ClusterARN(f.Cluster, acct)
	names := make([]string, 0, len(live.Rules))
	for n := range live.Rules {
		names = append(names, n)
	}
	sort.Strings(names)
	trackIDs := map[string]int{}
	for _, n := range names {
		lr := live.Rules[n]
		if aws.ToString(lr.Rule.ScheduleExpression) == "" {
			continue
		}
		if lr.Targets, err = Targets(ctx, r.Events, n); err != nil {
			return err
		}
		rule, err := FromLive(lr, clusterARN, acct)
		if err != nil {
			return err
		}
		if rule == nil {
			continue
		}
		f.Rules = append(f.Rules, rule)
		tags, err := r.Events.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: lr.Rule.Arn})
		if err != nil {
			return fmt.Errorf("list tags of rule %s: %w", n, err)
		}
		for _, t := range tags.Tags {
			if aws.ToString(t.Key) == TrackingTag {
				trackIDs[aws.ToString(t.Value)]++
			}
		}
	}
	scheds, ok, err := fetchDumpSchedules(ctx, r, clusterARN, acct)
	if err != nil {
		return err
	}
	if !ok {
		res.Note = "EventBridge Scheduler not read (access denied): EventBridge rules only"
	}
	if err := mergeSchedules(f, live, scheds); err != nil {
		return err
	}
	for _, s := range scheds {
		if s.group != DefaultGroup && s.trackingID != "" {
			trackIDs[s.trackingID]++
		}
	}
	res.Schedules = len(scheds)
	if len(trackIDs) == 1 {
		for id := range trackIDs {
			if id != f.Cluster {
				f.TrackingID = id
			}
		}
	}
	if f.Rules == nil {
		f.Rules = []*Rule{}
	}
	return nil
}

// DiffResult is the result of diff and apply.
type DiffResult struct {
	Differences bool      `json:"differences"`
	Definitions []string  `json:"definitions,omitempty"`
	DryRun      bool      `json:"dryRun,omitempty"`
	Applied     bool      `json:"applied,omitempty"`
	Changes     []*Change `json:"changes"`
	// Text is what the text output prints; Color colours it as a diff.
	Text  string `json:"-"`
	Color bool   `json:"-"`
}

// WriteText prints the text.
func (d DiffResult) WriteText(w io.Writer) error {
	b := []byte(d.Text)
	if d.Color {
		b = ui.ColorDiff(b)
	}
	_, err := w.Write(b)
	return err
}

// DumpResult is dump's result: the file, and its YAML for the text output.
type DumpResult struct {
	File  *File  `json:"file"`
	YAML  string `json:"yaml"`
	Rules int    `json:"rules"`
	// Schedules counts the rules that are EventBridge Scheduler schedules.
	Schedules int `json:"schedules"`
	// Note says what the dump could not read (it is a comment atop the YAML).
	Note string `json:"note,omitempty"`
}

// WriteText prints the YAML.
func (d DumpResult) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, d.YAML)
	return err
}
