package e2e

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	sctypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"
)

// schedulerFile is an ecschedule file opted into EventBridge Scheduler: a
// one-minute rate, a Tokyo cron with a flexible window and a retry policy, and a
// one-time schedule at the given Tokyo time.
func schedulerFile(once string, withMorning bool) string {
	f := `region: us-east-1
cluster: api
role: ecsEventsRole
scheduler:
  group: batch
  timezone: Asia/Tokyo
rules:
- name: minutely
  scheduleExpression: rate(1 minute)
  taskDefinition: batch
` + fargateOnSubnetA + `  containerOverrides:
  - name: app
    command: ["sh", "-c", "exit 3"]
- name: once
  taskDefinition: batch
` + fargateOnSubnetA + `  scheduler:
    at: ` + once + "\n"
	if withMorning {
		f += `- name: tokyo-morning
  description: nine in Tokyo
  scheduleExpression: cron(0 9 * * ? *)
  taskDefinition: batch
` + fargateOnSubnetA + `  scheduler:
    flexibleWindow: 15m
    retry: {maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600}
`
	}
	return f
}

// schedulesSettled checks that the schedules of file differ in nothing from the
// account (diff --exit-code) and that applying them (what) writes nothing.
func (e *e2e) schedulesSettled(file, what string) {
	e.t.Helper()
	e.timed(0, "schedule", "--conf", file, "diff", "--all", "--exit-code")
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", file, "apply", "--all")
	if n := schedulerWrites(e.sb.Counts()); n != 0 {
		e.t.Errorf("%s made %d writes: %v", what, n, e.sb.Counts())
	}
}

func schedulerWrites(c map[string]int) int {
	return c["scheduler:POST"] + c["scheduler:PUT"] + c["scheduler:DELETE"] + c["events:PutRule"] + c["events:PutTargets"]
}

func TestScheduleE2ESchedulerApplyDiffFireStatusPrune(t *testing.T) {
	e, _ := scheduleProject(t)
	sc := scheduler.NewFromConfig(e.sb.AWSConfig(t.Context()))
	clock := e.sb.Clock()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	start := clock.Now()
	once := start.Add(90 * time.Second).In(tokyo).Format("2006-01-02T15:04:05")
	e.write("sched.yaml", schedulerFile(once, true))

	out, _ := e.timed(0, "schedule", "--conf", "sched.yaml", "apply", "--all")
	if !strings.Contains(out, "sched.yaml: schedule batch/tokyo-morning: create") {
		t.Errorf("apply summary:\n%s", out)
	}
	got, err := sc.GetSchedule(t.Context(), &scheduler.GetScheduleInput{Name: aws.String("tokyo-morning"), GroupName: aws.String("batch")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.ScheduleExpressionTimezone) != "Asia/Tokyo" || aws.ToString(got.ScheduleExpression) != "cron(0 9 * * ? *)" ||
		aws.ToInt32(got.FlexibleTimeWindow.MaximumWindowInMinutes) != 15 || aws.ToInt32(got.Target.RetryPolicy.MaximumRetryAttempts) != 2 ||
		!strings.HasSuffix(aws.ToString(got.Target.EcsParameters.TaskDefinitionArn), ":task-definition/batch") ||
		aws.ToString(got.Target.RoleArn) != "arn:aws:iam::"+e.sb.Account+":role/ecsEventsRole" || aws.ToString(got.Description) != "nine in Tokyo" {
		t.Errorf("schedule: %+v target %+v", got, got.Target)
	}
	if o, err := sc.GetSchedule(t.Context(), &scheduler.GetScheduleInput{Name: aws.String("once"), GroupName: aws.String("batch")}); err != nil ||
		aws.ToString(o.ScheduleExpression) != "at("+once+")" {
		t.Errorf("one-time schedule: %v %v", o, err)
	}
	grp, err := sc.GetScheduleGroup(t.Context(), &scheduler.GetScheduleGroupInput{Name: aws.String("batch")})
	if err != nil {
		t.Fatal(err)
	}
	tags, err := sc.ListTagsForResource(t.Context(), &scheduler.ListTagsForResourceInput{ResourceArn: grp.Arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "api" {
		t.Errorf("group tags %v %v", tags, err)
	}

	if out, _ := e.must(0, "", "--output", "json", "schedule", "--conf", "sched.yaml", "diff", "--all"); !strings.Contains(out, `"kind": "schedule"`) ||
		!strings.Contains(out, `"group": "batch"`) {
		t.Errorf("diff json:\n%s", out)
	}
	// Nothing differs after apply, and a second apply writes nothing.
	e.schedulesSettled("sched.yaml", "apply with nothing changed")
	t.Logf("apply --all of 3 schedules, nothing changed: %v", e.sb.Counts())

	// dump writes the schedules back as rules with their scheduler: settings: diff
	// of the dump finds no difference and apply of it writes nothing.
	e.sb.ResetCounts()
	dumped, _ := e.timed(0, "schedule", "dump", "--cluster", "api", "--region", "us-east-1")
	t.Logf("dump of 3 schedules: %v", e.sb.Counts())
	wantIn(t, "dump", dumped,
		"- name: tokyo-morning\n", "    group: batch\n    timezone: Asia/Tokyo\n    flexibleWindow: 15m\n    retry:\n      maximumRetryAttempts: 2\n",
		"    at: "+once+"\n")
	e.write("dumped.yaml", dumped)
	e.schedulesSettled("dumped.yaml", "apply of the dump")

	// A schedule changed behind the file's back differs, and apply puts it back with
	// one write.
	got.ScheduleExpressionTimezone = aws.String("Europe/Paris")
	if _, err := sc.UpdateSchedule(t.Context(), &scheduler.UpdateScheduleInput{Name: got.Name, GroupName: got.GroupName, ScheduleExpression: got.ScheduleExpression,
		ScheduleExpressionTimezone: got.ScheduleExpressionTimezone, FlexibleTimeWindow: got.FlexibleTimeWindow, Target: got.Target, State: got.State, Description: got.Description}); err != nil {
		t.Fatal(err)
	}
	out, _ = e.timed(3, "schedule", "--conf", "sched.yaml", "diff", "--all", "--exit-code")
	if !strings.Contains(out, "-timezone: Europe/Paris") || !strings.Contains(out, "+timezone: Asia/Tokyo") {
		t.Errorf("diff after a change in AWS:\n%s", out)
	}
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "sched.yaml", "apply", "--all")
	if c := e.sb.Counts(); schedulerWrites(c) != 1 || c["scheduler:PUT"] != 1 {
		t.Errorf("apply of one changed schedule: %v", c)
	}

	// The one-minute schedule fires three times in three simulated minutes, the
	// one-time schedule once, with the Scheduler's startedBy.
	clock.Advance(3 * time.Minute)
	clock.Advance(30 * time.Second)
	count := func(startedBy string) []types.Task {
		lt, err := e.ecs.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: aws.String("api"), StartedBy: aws.String(startedBy), DesiredStatus: types.DesiredStatusStopped})
		if err != nil {
			t.Fatal(err)
		}
		if len(lt.TaskArns) == 0 {
			return nil
		}
		dt, err := e.ecs.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: aws.String("api"), Tasks: lt.TaskArns})
		if err != nil {
			t.Fatal(err)
		}
		return dt.Tasks
	}
	runs := count("chronos-schedule/minutely")
	if len(runs) != 3 {
		t.Fatalf("a one-minute schedule fired %d times in three minutes, want 3", len(runs))
	}
	for _, tk := range runs {
		if d := tk.CreatedAt.Sub(start).Round(time.Second); d != time.Minute && d != 2*time.Minute && d != 3*time.Minute {
			t.Errorf("run at +%v", d)
		}
	}
	if n := len(count("chronos-schedule/once")); n != 1 {
		t.Errorf("the one-time schedule fired %d times, want 1", n)
	}

	// status: the runs, and the rate's next fire times exactly (counted from the
	// schedule's write).
	out, _ = e.timed(0, "schedule", "--conf", "sched.yaml", "status", "--rule", "minutely")
	if strings.Count(out, "exit 3 (failed)") != 3 || !strings.Contains(out, "schedule batch/minutely (sched.yaml)") || strings.Contains(out, "approximately") {
		t.Errorf("status:\n%s", out)
	}
	out, _ = e.must(0, "", "--output", "json", "schedule", "--conf", "sched.yaml", "status", "--rule", "minutely")
	var rep struct {
		Rules []struct {
			Next        []time.Time
			Approximate bool
			Kind        string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Rules) != 1 || len(rep.Rules[0].Next) != 3 {
		t.Fatalf("status json %v:\n%s", err, out)
	}
	if d := rep.Rules[0].Next[0].Sub(start); d.Round(time.Millisecond) != 4*time.Minute || rep.Rules[0].Kind != "schedule" {
		t.Errorf("next fire at +%v, want +4m exactly (%s)", d, out)
	}

	// run --rule starts the task as the schedule does.
	e.timed(0, "schedule", "--conf", "sched.yaml", "run", "--rule", "minutely", "--no-wait")
	lt, err := e.ecs.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: aws.String("api"), StartedBy: aws.String("chronos-schedule/minutely")})
	if err != nil || len(lt.TaskArns) != 1 {
		t.Errorf("schedule run: running tasks started by chronos-schedule/minutely: %v %v", lt, err)
	}

	// prune deletes the schedule the file dropped, in the tracked group.
	e.write("sched.yaml", schedulerFile(once, false))
	out, _ = e.timed(0, "schedule", "--conf", "sched.yaml", "apply", "--all", "--prune")
	if !strings.Contains(out, "schedule batch/tokyo-morning: delete") {
		t.Errorf("prune:\n%s", out)
	}
	_, err = sc.GetSchedule(t.Context(), &scheduler.GetScheduleInput{Name: aws.String("tokyo-morning"), GroupName: aws.String("batch")})
	var nf *sctypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("pruned schedule: %v", err)
	}
}

// TestScheduleE2EToScheduler migrates an ecschedule file's EventBridge rules to
// EventBridge Scheduler: the schedules are created and the rules disabled.
func TestScheduleE2EToScheduler(t *testing.T) {
	e, ev := scheduleProject(t)
	sc := scheduler.NewFromConfig(e.sb.AWSConfig(t.Context()))
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all")
	out, _ := e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all", "--to-scheduler", "--dry-run")
	if !strings.Contains(out, "schedule default/nightly-report: create") {
		t.Errorf("dry-run:\n%s", out)
	}
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all", "--to-scheduler")
	for _, name := range []string{"nightly-report", "cleanup"} {
		s, err := sc.GetSchedule(t.Context(), &scheduler.GetScheduleInput{Name: aws.String(name)})
		if err != nil {
			t.Fatalf("schedule %s: %v", name, err)
		}
		want := sctypes.ScheduleStateEnabled
		if name == "cleanup" {
			want = sctypes.ScheduleStateDisabled
		}
		if s.State != want || aws.ToString(s.ScheduleExpressionTimezone) != "UTC" {
			t.Errorf("schedule %s: state %s zone %s", name, s.State, aws.ToString(s.ScheduleExpressionTimezone))
		}
		r, err := ev.DescribeRule(t.Context(), &eventbridge.DescribeRuleInput{Name: aws.String(name)})
		if err != nil || r.State != ebtypes.RuleStateDisabled {
			t.Errorf("rule %s after the migration: %v %v", name, r, err)
		}
	}
	// Nothing left to migrate.
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all", "--to-scheduler")
	if n := schedulerWrites(e.sb.Counts()); n != 0 {
		t.Errorf("second migration made %d writes: %v", n, e.sb.Counts())
	}
	// After the migration, dump writes the schedules in place of the disabled rules
	// of their names, and the dump changes nothing.
	dumped, _ := e.timed(0, "schedule", "dump", "--cluster", "api", "--region", "us-east-1")
	if strings.Count(dumped, "  scheduler:\n    group: default\n") != 2 {
		t.Errorf("dump after the migration:\n%s", dumped)
	}
	e.write("dumped.yaml", dumped)
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "dumped.yaml", "apply", "--all")
	if n := schedulerWrites(e.sb.Counts()); n != 0 {
		t.Errorf("apply of the dump after the migration made %d writes: %v", n, e.sb.Counts())
	}
	// A rule enabled again next to its schedule makes the dump ambiguous: exit 2.
	if _, err := ev.PutRule(t.Context(), &eventbridge.PutRuleInput{Name: aws.String("nightly-report"), ScheduleExpression: aws.String("cron(0 3 * * ? *)"), State: ebtypes.RuleStateEnabled}); err != nil {
		t.Fatal(err)
	}
	_, stderr := e.timed(2, "schedule", "dump", "--cluster", "api", "--region", "us-east-1")
	if !strings.Contains(stderr, "EventBridge rule nightly-report and schedule default/nightly-report") {
		t.Errorf("dump with a clash:\n%s", stderr)
	}
}
