package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	rgtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroups/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	sctypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// fakeAWS is a stateful in-memory account: EventBridge rules with targets and
// tags, Scheduler schedules and groups, task definitions and tasks. It counts
// writes.
type fakeAWS struct {
	mu        sync.Mutex
	now       time.Time
	rules     map[string]ebtypes.Rule
	targets   map[string][]ebtypes.Target
	tags      map[string]map[string]string // ARN → tags
	schedules map[string]*scheduler.GetScheduleOutput
	groups    map[string]string // name → ARN
	tasks     []ecstypes.Task
	writes    []string
}

func newFake(now time.Time) *fakeAWS {
	return &fakeAWS{now: now, rules: map[string]ebtypes.Rule{}, targets: map[string][]ebtypes.Target{}, tags: map[string]map[string]string{},
		schedules: map[string]*scheduler.GetScheduleOutput{}, groups: map[string]string{"default": "arn:aws:scheduler:us-east-1:123456789012:schedule-group/default"}}
}

func (f *fakeAWS) write(op string) { f.writes = append(f.writes, op) }

func (f *fakeAWS) ListRules(_ context.Context, in *eventbridge.ListRulesInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &eventbridge.ListRulesOutput{}
	for _, r := range f.rules {
		out.Rules = append(out.Rules, r)
	}
	return out, nil
}

func (f *fakeAWS) ListTargetsByRule(_ context.Context, in *eventbridge.ListTargetsByRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &eventbridge.ListTargetsByRuleOutput{Targets: f.targets[aws.ToString(in.Rule)]}, nil
}

func (f *fakeAWS) ListTagsForResource(_ context.Context, in *eventbridge.ListTagsForResourceInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTagsForResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &eventbridge.ListTagsForResourceOutput{}
	for k, v := range f.tags[aws.ToString(in.ResourceARN)] {
		out.Tags = append(out.Tags, ebtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f *fakeAWS) PutRule(_ context.Context, in *eventbridge.PutRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("PutRule " + aws.ToString(in.Name))
	arn := PrefixesOf(testAccount).Rule + aws.ToString(in.Name)
	f.rules[aws.ToString(in.Name)] = ebtypes.Rule{Name: in.Name, Arn: aws.String(arn), Description: in.Description, RoleArn: in.RoleArn,
		ScheduleExpression: in.ScheduleExpression, State: ebtypes.RuleState(in.State)}
	return &eventbridge.PutRuleOutput{RuleArn: aws.String(arn)}, nil
}

func (f *fakeAWS) PutTargets(_ context.Context, in *eventbridge.PutTargetsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("PutTargets " + aws.ToString(in.Rule))
	f.targets[aws.ToString(in.Rule)] = in.Targets
	return &eventbridge.PutTargetsOutput{}, nil
}

func (f *fakeAWS) RemoveTargets(_ context.Context, in *eventbridge.RemoveTargetsInput, _ ...func(*eventbridge.Options)) (*eventbridge.RemoveTargetsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("RemoveTargets " + aws.ToString(in.Rule))
	delete(f.targets, aws.ToString(in.Rule))
	return &eventbridge.RemoveTargetsOutput{}, nil
}

func (f *fakeAWS) DeleteRule(_ context.Context, in *eventbridge.DeleteRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.DeleteRuleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("DeleteRule " + aws.ToString(in.Name))
	delete(f.rules, aws.ToString(in.Name))
	return &eventbridge.DeleteRuleOutput{}, nil
}

func (f *fakeAWS) TagResource(_ context.Context, in *eventbridge.TagResourceInput, _ ...func(*eventbridge.Options)) (*eventbridge.TagResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("TagResource")
	arn := aws.ToString(in.ResourceARN)
	if f.tags[arn] == nil {
		f.tags[arn] = map[string]string{}
	}
	for _, t := range in.Tags {
		f.tags[arn][aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return &eventbridge.TagResourceOutput{}, nil
}

func (f *fakeAWS) SearchResources(_ context.Context, in *resourcegroups.SearchResourcesInput, _ ...func(*resourcegroups.Options)) (*resourcegroups.SearchResourcesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var q struct{ TagFilters []struct{ Values []string } }
	_ = json.Unmarshal([]byte(aws.ToString(in.ResourceQuery.Query)), &q)
	out := &resourcegroups.SearchResourcesOutput{}
	for _, r := range f.rules {
		if f.tags[aws.ToString(r.Arn)][TrackingTag] == q.TagFilters[0].Values[0] {
			out.ResourceIdentifiers = append(out.ResourceIdentifiers, rgtypes.ResourceIdentifier{ResourceArn: r.Arn})
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	if Family(aws.ToString(in.TaskDefinition)) != "batch" {
		return nil, &ecstypes.ClientException{Message: aws.String("Unable to describe task definition.")}
	}
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{Family: aws.String("batch"), Revision: 1,
		TaskDefinitionArn: aws.String(PrefixesOf(testAccount).TaskDefinition + "batch:1"), ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app")}}}}, nil
}

func (f *fakeAWS) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	out := &ecs.ListTasksOutput{}
	for _, t := range f.tasks {
		if aws.ToString(t.StartedBy) == aws.ToString(in.StartedBy) && (in.DesiredStatus == ecstypes.DesiredStatusStopped) == (aws.ToString(t.DesiredStatus) == "STOPPED") {
			out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
		}
	}
	return out, nil
}

func (f *fakeAWS) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	out := &ecs.DescribeTasksOutput{}
	for _, t := range f.tasks {
		for _, arn := range in.Tasks {
			if aws.ToString(t.TaskArn) == arn {
				out.Tasks = append(out.Tasks, t)
			}
		}
	}
	return out, nil
}

func (f *fakeAWS) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return &iam.GetRoleOutput{}, nil
}

func (f *fakeAWS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String(testAccount.ID)}, nil
}

// fakeScheduler is the Scheduler half of fakeAWS (its method names collide with
// EventBridge's).
type fakeScheduler struct{ *fakeAWS }

func schedKey(group, name string) string { return cmpOr(group, DefaultGroup) + "|" + name }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (f fakeScheduler) GetSchedule(_ context.Context, in *scheduler.GetScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.GetScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.schedules[schedKey(aws.ToString(in.GroupName), aws.ToString(in.Name))]; s != nil {
		return s, nil
	}
	return nil, &sctypes.ResourceNotFoundException{Message: aws.String("not found")}
}

func (f fakeScheduler) CreateSchedule(_ context.Context, in *scheduler.CreateScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.CreateScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("CreateSchedule " + aws.ToString(in.Name))
	group := cmpOr(aws.ToString(in.GroupName), DefaultGroup)
	if f.groups[group] == "" {
		return nil, &sctypes.ResourceNotFoundException{Message: aws.String("no group " + group)}
	}
	f.schedules[schedKey(group, aws.ToString(in.Name))] = &scheduler.GetScheduleOutput{Name: in.Name, GroupName: aws.String(group), Description: in.Description,
		ScheduleExpression: in.ScheduleExpression, ScheduleExpressionTimezone: in.ScheduleExpressionTimezone, State: in.State,
		FlexibleTimeWindow: in.FlexibleTimeWindow, Target: in.Target, CreationDate: aws.Time(f.now), LastModificationDate: aws.Time(f.now)}
	return &scheduler.CreateScheduleOutput{}, nil
}

func (f fakeScheduler) UpdateSchedule(_ context.Context, in *scheduler.UpdateScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.UpdateScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("UpdateSchedule " + aws.ToString(in.Name))
	s := f.schedules[schedKey(aws.ToString(in.GroupName), aws.ToString(in.Name))]
	s.Description, s.ScheduleExpression, s.ScheduleExpressionTimezone, s.State, s.FlexibleTimeWindow, s.Target, s.LastModificationDate =
		in.Description, in.ScheduleExpression, in.ScheduleExpressionTimezone, in.State, in.FlexibleTimeWindow, in.Target, aws.Time(f.now)
	return &scheduler.UpdateScheduleOutput{}, nil
}

func (f fakeScheduler) DeleteSchedule(_ context.Context, in *scheduler.DeleteScheduleInput, _ ...func(*scheduler.Options)) (*scheduler.DeleteScheduleOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("DeleteSchedule " + aws.ToString(in.Name))
	delete(f.schedules, schedKey(aws.ToString(in.GroupName), aws.ToString(in.Name)))
	return &scheduler.DeleteScheduleOutput{}, nil
}

func (f fakeScheduler) ListSchedules(_ context.Context, in *scheduler.ListSchedulesInput, _ ...func(*scheduler.Options)) (*scheduler.ListSchedulesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &scheduler.ListSchedulesOutput{}
	for _, s := range f.schedules {
		if aws.ToString(s.GroupName) == aws.ToString(in.GroupName) {
			out.Schedules = append(out.Schedules, sctypes.ScheduleSummary{Name: s.Name, GroupName: s.GroupName})
		}
	}
	return out, nil
}

func (f fakeScheduler) ListScheduleGroups(_ context.Context, in *scheduler.ListScheduleGroupsInput, _ ...func(*scheduler.Options)) (*scheduler.ListScheduleGroupsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &scheduler.ListScheduleGroupsOutput{}
	for name, arn := range f.groups {
		out.ScheduleGroups = append(out.ScheduleGroups, sctypes.ScheduleGroupSummary{Name: aws.String(name), Arn: aws.String(arn)})
	}
	return out, nil
}

func (f fakeScheduler) GetScheduleGroup(_ context.Context, in *scheduler.GetScheduleGroupInput, _ ...func(*scheduler.Options)) (*scheduler.GetScheduleGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if arn := f.groups[aws.ToString(in.Name)]; arn != "" {
		return &scheduler.GetScheduleGroupOutput{Name: in.Name, Arn: aws.String(arn)}, nil
	}
	return nil, &sctypes.ResourceNotFoundException{Message: aws.String("not found")}
}

func (f fakeScheduler) CreateScheduleGroup(_ context.Context, in *scheduler.CreateScheduleGroupInput, _ ...func(*scheduler.Options)) (*scheduler.CreateScheduleGroupOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("CreateScheduleGroup " + aws.ToString(in.Name))
	arn := "arn:aws:scheduler:us-east-1:123456789012:schedule-group/" + aws.ToString(in.Name)
	f.groups[aws.ToString(in.Name)] = arn
	f.tags[arn] = map[string]string{}
	for _, t := range in.Tags {
		f.tags[arn][aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return &scheduler.CreateScheduleGroupOutput{ScheduleGroupArn: aws.String(arn)}, nil
}

func (f fakeScheduler) ListTagsForResource(_ context.Context, in *scheduler.ListTagsForResourceInput, _ ...func(*scheduler.Options)) (*scheduler.ListTagsForResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &scheduler.ListTagsForResourceOutput{}
	for k, v := range f.tags[aws.ToString(in.ResourceArn)] {
		out.Tags = append(out.Tags, sctypes.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f fakeScheduler) TagResource(_ context.Context, in *scheduler.TagResourceInput, _ ...func(*scheduler.Options)) (*scheduler.TagResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write("TagScheduleGroup")
	return &scheduler.TagResourceOutput{}, nil
}

// openSession writes the file and opens a session on the fake.
func openSession(t *testing.T, f *fakeAWS, text string) *Session {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ecschedule.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	connect := func(ctx context.Context, region string) (*Region, error) {
		return &Region{Name: "us-east-1", Events: f, Search: f, ECS: f, Roles: f, Identity: f, Scheduler: fakeScheduler{f}}, nil
	}
	s, err := Open(context.Background(), []string{p}, func(s string) string { return s }, LoadOptions{Getenv: testEnv(nil)}, connect)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// plan prepares and plans every rule.
func plan(t *testing.T, s *Session, prune bool) []*Change {
	t.Helper()
	if err := s.Prepare(context.Background(), nil, prune, true); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Plan(nil, prune)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

const sessionFile = `region: us-east-1
cluster: api
rules:
- name: nightly
  scheduleExpression: cron(0 3 * * ? *)
  taskDefinition: batch
  launch_type: FARGATE
- name: tokyo
  scheduleExpression: cron(0 9 * * ? *)
  taskDefinition: batch
  containerOverrides:
  - name: app
    command: [report]
  scheduler:
    group: jobs
    timezone: Asia/Tokyo
    flexibleWindow: 15m
`

// TestSessionApplyThenNothing: apply creates the rule, the schedule and its tagged
// group; planned again, nothing differs and nothing is written.
func TestSessionApplyThenNothing(t *testing.T) {
	f := newFake(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	s := openSession(t, f, sessionFile)
	cs := plan(t, s, false)
	if err := s.ApplyAll(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	want := "CreateSchedule tokyo,CreateScheduleGroup jobs,PutRule nightly,PutTargets nightly,TagResource"
	if got := strings.Join(sorted(f.writes), ","); got != want {
		t.Errorf("writes %s, want %s", got, want)
	}
	sc := f.schedules["jobs|tokyo"]
	if aws.ToString(sc.ScheduleExpressionTimezone) != "Asia/Tokyo" || aws.ToInt32(sc.FlexibleTimeWindow.MaximumWindowInMinutes) != 15 ||
		aws.ToString(sc.Target.Input) != `{"containerOverrides":[{"name":"app","command":["report"]}]}` {
		t.Errorf("schedule %+v", sc)
	}
	f.writes = nil
	s = openSession(t, f, sessionFile)
	for _, c := range plan(t, s, true) {
		if c.Action != Unchanged {
			t.Errorf("%s %s: %s\n%s", c.Kind(), c.Rule, c.Action, c.Diff)
		}
	}
	// A change of the window is an update of the schedule alone.
	s = openSession(t, f, strings.Replace(sessionFile, "15m", "30m", 1))
	cs = plan(t, s, false)
	if err := s.ApplyAll(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.writes, ","); got != "UpdateSchedule tokyo" {
		t.Errorf("writes %s", got)
	}
}

// TestSessionToSchedulerAndPrune: --to-scheduler creates the schedules and disables
// the rules; a schedule the file drops is pruned from the tracked group.
func TestSessionToSchedulerAndPrune(t *testing.T) {
	f := newFake(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	s := openSession(t, f, sessionFile)
	if err := s.ApplyAll(context.Background(), plan(t, s, false), nil); err != nil {
		t.Fatal(err)
	}
	f.writes = nil
	s = openSession(t, f, sessionFile)
	s.Files[0].ToScheduler()
	if err := s.ApplyAll(context.Background(), plan(t, s, false), nil); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sorted(f.writes), ","); got != "CreateSchedule nightly,PutRule nightly" || f.rules["nightly"].State != "DISABLED" {
		t.Errorf("migration writes %s, rule %s", got, f.rules["nightly"].State)
	}
	f.writes = nil
	s = openSession(t, f, sessionFile[:strings.Index(sessionFile, "- name: tokyo")])
	cs := plan(t, s, true)
	if err := s.ApplyAll(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	// (The rule the file names as an EventBridge rule again is enabled again.)
	if got := strings.Join(sorted(f.writes), ","); got != "DeleteSchedule tokyo,PutRule nightly" {
		t.Errorf("prune writes %s", got)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestStatusNextFireTimes: a rule's rate counts from its last scheduled run (a run
// started by hand does not count), a schedule's from its last write, a cron in the
// schedule's zone; without a run a rule's rate is approximate.
func TestStatusNextFireTimes(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	f := newFake(t0)
	text := `region: us-east-1
cluster: api
rules:
- name: minutely
  scheduleExpression: rate(1 minute)
  taskDefinition: batch
- name: idle
  scheduleExpression: rate(5 minutes)
  taskDefinition: batch
- name: sched
  scheduleExpression: rate(10 minutes)
  taskDefinition: batch
  scheduler: {group: default}
- name: tokyo
  scheduleExpression: cron(0 9 * * ? *)
  taskDefinition: batch
  scheduler: {timezone: Asia/Tokyo}
`
	s := openSession(t, f, text)
	if err := s.ApplyAll(context.Background(), plan(t, s, false), nil); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3*time.Minute + 20*time.Second} {
		tk := ecstypes.Task{TaskArn: aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task/api/%d", i)), StartedBy: aws.String("events-rule/minutely"),
			DesiredStatus: aws.String("STOPPED"), LastStatus: aws.String("STOPPED"), CreatedAt: aws.Time(t0.Add(at))}
		if i == 3 {
			tk.Tags = []ecstypes.Tag{{Key: aws.String(ManualTag), Value: aws.String("true")}}
		}
		f.tasks = append(f.tasks, tk)
	}
	s = openSession(t, f, text)
	cs := plan(t, s, false)
	rep, err := s.Status(context.Background(), cs, nil, 3, t0.Add(3*time.Minute+30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"minutely": "10:04:07 10:05:07 10:06:07 false",
		"idle":     "10:08:37 10:13:37 10:18:37 true",
		"sched":    "10:10:07 10:20:07 10:30:07 false",
		"tokyo":    "00:00:00 00:00:00 00:00:00 false",
	}
	for _, r := range rep.Rules {
		var got []string
		for _, n := range r.Next {
			got = append(got, n.UTC().Format("15:04:05"))
		}
		if g := fmt.Sprintf("%s %v", strings.Join(got, " "), r.Approximate); g != want[r.Rule] {
			t.Errorf("%s: next %s, want %s", r.Rule, g, want[r.Rule])
		}
	}
	if n := len(rep.Rules[0].Runs); n != 3 || !rep.Rules[0].Runs[0].Manual {
		t.Errorf("runs of minutely: %+v", rep.Rules[0].Runs)
	}
}
