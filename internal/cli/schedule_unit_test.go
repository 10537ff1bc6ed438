package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

const unitSchedule = `region: us-east-1
cluster: prod
role: ecsEventsRole
rules:
- name: nightly-report
  description: nightly report
  scheduleExpression: cron(0 3 * * ? *)
  taskDefinition: web
  launch_type: FARGATE
  network_configuration:
    aws_vpc_configuration:
      subnets: [subnet-1]
      security_groups: [sg-1]
      assign_public_ip: DISABLED
  containerOverrides:
  - name: app
    command: ["report", "--full"]
- name: cleanup
  scheduleExpression: rate(1 hour)
  disabled: true
  taskDefinition: web:1
  launch_type: FARGATE
  network_configuration:
    aws_vpc_configuration:
      subnets: [subnet-1]
`

// newScheduleUnit is the standard project (family web, revisions 1..2) with the
// events role and ecschedule.yaml of two rules, none of them in EventBridge yet.
func newScheduleUnit(t *testing.T) *unit {
	t.Helper()
	u := newUnit(t)
	u.withService(2)
	u.aws.events.roles["ecsEventsRole"] = true
	u.write("ecschedule.yaml", unitSchedule)
	return u
}

func sched(args ...string) []string {
	return append([]string{"schedule", "--conf", "ecschedule.yaml"}, args...)
}

func (u *unit) noRuleWrites() {
	u.t.Helper()
	if w := u.aws.events.writes(); len(w) > 0 {
		u.t.Errorf("EventBridge changed: %v", w)
	}
}

func TestUnitScheduleBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{sched("diff"), "schedule diff: --rule NAME or --all is required"},
		{sched("apply", "--rule", "cleanup", "--all"), "--rule and --all exclude each other"},
		{sched("apply", "--rule", "cleanup", "--prune"), "--prune needs --all"},
		{sched("status", "--runs", "101"), "--runs 101: must be 0 to 100"},
		{[]string{"schedule", "--conf", "missing.yaml", "diff", "--all"}, "missing.yaml"},
	} {
		u := newScheduleUnit(t)
		_, errs := u.must(2, tc.args...)
		contains(t, strings.Join(tc.args, " "), errs, tc.want)
		if len(u.aws.events.calls) != 0 {
			t.Errorf("%v: calls %v", tc.args, u.aws.events.calls)
		}
	}
}

// diff prints each rule's differences, and exits 3 with --exit-code while there
// are some; apply --dry-run prints the plan and changes nothing; apply writes
// each rule (PutRule, PutTargets, the tracking tag) after which diff and apply
// find nothing to do.
func TestUnitScheduleDiffApply(t *testing.T) {
	t.Parallel()
	u := newScheduleUnit(t)
	out, _ := u.must(3, sched("diff", "--all", "--exit-code")...)
	contains(t, "diff of new rules", out, "--- (rule nightly-report does not exist)", "+++ ecschedule.yaml rule nightly-report",
		"+scheduleExpression: cron(0 3 * * ? *)", "+  command: [report, --full]", "--- (rule cleanup does not exist)",
		"# tag ecschedule:tracking-id=prod will be set on rule cleanup")
	out, errs := u.must(0, sched("apply", "--all", "--dry-run")...)
	contains(t, "apply --dry-run's stdout", out, "ecschedule.yaml: rule nightly-report: create", "ecschedule.yaml: rule cleanup: create")
	contains(t, "apply --dry-run's stderr", errs, "changes (dry-run):", "+++ ecschedule.yaml rule cleanup")
	u.noRuleWrites()

	out, errs = u.must(0, sched("apply", "--all")...)
	contains(t, "apply's stdout", out, "ecschedule.yaml: rule nightly-report: create", "ecschedule.yaml: rule cleanup: create")
	contains(t, "apply's stderr", errs, "applied  file=ecschedule.yaml rule=cleanup action=create", "applied  file=ecschedule.yaml rule=nightly-report action=create")
	w := u.aws.events.writes()
	slices.Sort(w)
	if strings.Join(w, " ") != "PutRule PutRule PutTargets PutTargets TagResource TagResource" {
		t.Errorf("apply wrote %v", w)
	}
	if r := u.aws.events.rules["cleanup"]; r == nil || r.rule.State != "DISABLED" || r.tags["ecschedule:tracking-id"] != "prod" || len(r.targets) != 1 {
		t.Errorf("rule cleanup as applied: %+v", r)
	}

	out, _ = u.must(0, sched("diff", "--all", "--exit-code")...)
	if strings.TrimSpace(out) != "" {
		t.Errorf("diff after apply:\n%s", out)
	}
	n := len(u.aws.events.writes())
	out, errs = u.must(0, sched("apply", "--all")...)
	contains(t, "second apply", out, "rule nightly-report: unchanged", "rule cleanup: unchanged")
	contains(t, "second apply's stderr", errs, "no differences: nothing to apply")
	if len(u.aws.events.writes()) != n {
		t.Errorf("a second apply wrote: %v", u.aws.events.writes()[n:])
	}
}

// A changed override is an update of that rule's target only; --rule limits
// apply to one rule.
func TestUnitScheduleUpdateOneRule(t *testing.T) {
	t.Parallel()
	u := newScheduleUnit(t)
	u.must(0, sched("apply", "--all")...)
	n := len(u.aws.events.writes())
	u.write("ecschedule.yaml", strings.Replace(strings.Replace(unitSchedule, "--full", "--short", 1), "rate(1 hour)", "rate(2 hours)", 1))
	out, _ := u.must(3, sched("diff", "--rule", "nightly-report", "--exit-code")...)
	contains(t, "diff of a changed command", out, "-  command: [report, --full]", "+  command: [report, --short]")
	if strings.Contains(out, "cleanup") {
		t.Errorf("diff --rule nightly-report shows cleanup:\n%s", out)
	}
	u.must(0, sched("apply", "--rule", "nightly-report")...)
	if w := u.aws.events.writes()[n:]; strings.Join(w, " ") != "PutTargets" {
		t.Errorf("apply of a changed override wrote %v, want PutTargets only", w)
	}
	out, _ = u.must(3, sched("diff", "--all", "--exit-code")...)
	contains(t, "diff of the rule left", out, "-scheduleExpression: rate(1 hour)", "+scheduleExpression: rate(2 hours)")
}

// apply validates everything before it writes: a role or a task definition that
// does not exist stops it with nothing written.
func TestUnitScheduleApplyInvalid(t *testing.T) {
	t.Parallel()
	t.Run("role", func(t *testing.T) {
		t.Parallel()
		u := newScheduleUnit(t)
		delete(u.aws.events.roles, "ecsEventsRole")
		code, out, errs := u.run("", sched("apply", "--all")...)
		if code == 0 {
			t.Fatalf("apply with a missing role: exit 0\n%s\n%s", out, errs)
		}
		contains(t, "apply with a missing role", errs, "ecsEventsRole")
		u.noRuleWrites()
	})
	t.Run("task definition", func(t *testing.T) {
		t.Parallel()
		u := newScheduleUnit(t)
		u.write("ecschedule.yaml", strings.Replace(unitSchedule, "taskDefinition: web:1", "taskDefinition: web:9", 1))
		code, out, errs := u.run("", sched("apply", "--all")...)
		if code == 0 {
			t.Fatalf("apply with a missing revision: exit 0\n%s\n%s", out, errs)
		}
		contains(t, "apply with a missing revision", errs, "web:9")
		u.noRuleWrites()
	})
}

// apply --prune deletes the rules the file dropped that carry its tracking tag,
// never another rule.
func TestUnitScheduleApplyPrune(t *testing.T) {
	t.Parallel()
	u := newScheduleUnit(t)
	u.must(0, sched("apply", "--all")...)
	u.aws.events.rules["hand-made"] = &fakeRule{rule: u.aws.events.rules["cleanup"].rule, tags: map[string]string{}}
	u.aws.events.rules["hand-made"].rule.Name = strPtr("hand-made")
	u.aws.events.rules["hand-made"].rule.Arn = strPtr(ruleARN("hand-made"))
	u.write("ecschedule.yaml", unitSchedule[:strings.Index(unitSchedule, "- name: cleanup")])
	out, _ := u.must(0, sched("diff", "--all", "--prune")...)
	contains(t, "diff --prune", out, "cleanup")
	if strings.Contains(out, "hand-made") {
		t.Errorf("diff --prune shows an untagged rule:\n%s", out)
	}
	u.must(0, sched("apply", "--all", "--prune")...)
	if _, ok := u.aws.events.rules["cleanup"]; ok {
		t.Errorf("rule cleanup not pruned")
	}
	if _, ok := u.aws.events.rules["hand-made"]; !ok {
		t.Errorf("an untagged rule was pruned")
	}
	if _, ok := u.aws.events.rules["nightly-report"]; !ok {
		t.Errorf("rule nightly-report was deleted")
	}
}

func strPtr(s string) *string { return &s }

// schedule run starts the rule's task through the factory's ECS, as the rule
// would (startedBy, overrides), tagged as started by hand, and exits with its
// container's exit code.
func TestUnitScheduleRun(t *testing.T) {
	t.Parallel()
	u := newScheduleUnit(t)
	u.ecs.runExitCode = aws.Int32(3)
	_, errs := u.must(3, sched("run", "--rule", "nightly-report", "--no-logs", "--poll-interval", "1ms")...)
	contains(t, "schedule run's stderr", errs, "started task  rule=nightly-report", "exitCode=3")
	if len(u.ecs.runs) != 1 {
		t.Fatalf("RunTask made %d times", len(u.ecs.runs))
	}
	in := u.ecs.runs[0]
	if aws.ToString(in.StartedBy) != "events-rule/nightly-report" || aws.ToString(in.TaskDefinition) != tdARN("web", 2) && aws.ToString(in.TaskDefinition) != "web" {
		t.Errorf("RunTask(startedBy %q, taskDefinition %q)", aws.ToString(in.StartedBy), aws.ToString(in.TaskDefinition))
	}
	if in.Overrides == nil || len(in.Overrides.ContainerOverrides) != 1 || strings.Join(in.Overrides.ContainerOverrides[0].Command, " ") != "report --full" {
		t.Errorf("overrides sent: %+v", in.Overrides)
	}
	manual := false
	for _, tag := range in.Tags {
		manual = manual || aws.ToString(tag.Key) == "doppio:schedule-run" && aws.ToString(tag.Value) == "true"
	}
	if !manual {
		t.Errorf("tags sent: %+v", in.Tags)
	}
	u.noRuleWrites()
	// --dry-run starts nothing.
	u.must(0, sched("run", "--rule", "cleanup", "--dry-run")...)
	if len(u.ecs.runs) != 1 {
		t.Errorf("schedule run --dry-run ran a task")
	}
}
