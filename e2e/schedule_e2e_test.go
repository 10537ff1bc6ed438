package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// scheduleProject is an account with a cluster, the batch family, the events role
// and an ecschedule file of two rules.
func scheduleProject(t *testing.T) (*e2e, *eventbridge.Client) {
	t.Helper()
	e := startE2E(t)
	e.cluster("api")
	subnets, sg := e.network()
	cfg := e.sb.AWSConfig(t.Context())
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	if _, err := iam.NewFromConfig(cfg).CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("ecsEventsRole"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	e.register(&ecs.RegisterTaskDefinitionInput{
		Family: aws.String("batch"), NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox:1.36"), Essential: aws.Bool(true),
			Command: []string{"sh", "-c", "echo batch; exit 0"}}},
	})
	e.setenv("SUBNET_A", subnets[0])
	e.setenv("SUBNET_B", subnets[1])
	e.setenv("SG", sg)
	e.write("ecschedule.yaml", `region: us-east-1
cluster: api
role: ecsEventsRole
rules:
- name: nightly-report
  description: nightly report
  scheduleExpression: cron(0 3 * * ? *)
  taskDefinition: batch
  launch_type: FARGATE
  platform_version: 1.4.0
  network_configuration:
    aws_vpc_configuration:
      subnets:
      - {{ must_env "SUBNET_A" }}
      - {{ must_env "SUBNET_B" }}
      security_groups:
      - {{ must_env "SG" }}
      assign_public_ip: DISABLED
  taskOverride:
    cpu: "512"
    memory: "1024"
  containerOverrides:
  - name: app
    command: ["sh", "-c", "echo report; exit {{ env "REPORT_EXIT" "0" }}"]
    environment:
      MODE: {{ env "REPORT_MODE" "full" }}
      B_VAR: two
  dead_letter_config:
    sqs: batch-dlq
  propagateTags: TASK_DEFINITION
- name: cleanup
  scheduleExpression: rate(1 hour)
  disabled: true
  taskDefinition: batch:1
  taskCount: 2
`+fargateOnSubnetA)
	return e, eventbridge.NewFromConfig(cfg)
}

// writes counts EventBridge's write calls.
func (e *e2e) timed(want int, args ...string) (string, string) {
	t0 := time.Now()
	o, er := e.must(want, "", args...)
	e.t.Logf("%v: %s", time.Since(t0), strings.Join(args, " "))
	return o, er
}

func writes(c map[string]int) int {
	return c["events:PutRule"] + c["events:PutTargets"] + c["events:TagResource"] + c["events:RemoveTargets"] + c["events:DeleteRule"]
}

func TestScheduleE2EApplyDiffRoundTrip(t *testing.T) {
	e, eb := scheduleProject(t)
	ctx := t.Context()

	// Nothing exists yet: diff shows both rules as new and exits 3.
	out, _ := e.timed(3, "schedule", "--conf", "ecschedule.yaml", "diff", "--all", "--exit-code")
	wantIn(t, "diff", out, "+name: nightly-report", "+name: cleanup", "# tag ecschedule:tracking-id=api will be set")
	// --conf after the verb works too.
	e.sb.ResetCounts()
	e.timed(0, "schedule", "apply", "--conf", "ecschedule.yaml", "--all")
	if c := e.sb.Counts(); c["events:PutRule"] != 2 || c["events:PutTargets"] != 2 || c["events:TagResource"] != 2 {
		t.Errorf("first apply writes: %v", c)
	}

	// The rule and target are what ecschedule makes of the file.
	acct := e.sb.Account
	rule, err := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("nightly-report")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(rule.ScheduleExpression) != "cron(0 3 * * ? *)" || rule.State != ebtypes.RuleStateEnabled || aws.ToString(rule.Description) != "nightly report" ||
		aws.ToString(rule.RoleArn) != "arn:aws:iam::"+acct+":role/ecsEventsRole" {
		t.Errorf("rule: %+v", rule)
	}
	tg, err := eb.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String("nightly-report")})
	if err != nil || len(tg.Targets) != 1 {
		t.Fatalf("targets: %v %v", tg, err)
	}
	target := tg.Targets[0]
	wantInput := `{"cpu":"512","memory":"1024","containerOverrides":[{"name":"app","command":["sh","-c","echo report; exit 0"],"environment":[{"name":"B_VAR","value":"two"},{"name":"MODE","value":"full"}]}]}`
	if got := aws.ToString(target.Input); got != wantInput {
		t.Errorf("Input\n got %s\nwant %s", got, wantInput)
	}
	ep := target.EcsParameters
	if aws.ToString(target.Id) != "nightly-report" || aws.ToString(target.Arn) != "arn:aws:ecs:us-east-1:"+acct+":cluster/api" ||
		aws.ToString(ep.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:"+acct+":task-definition/batch" || aws.ToInt32(ep.TaskCount) != 1 ||
		ep.LaunchType != ebtypes.LaunchTypeFargate || aws.ToString(ep.PlatformVersion) != "1.4.0" || ep.PropagateTags != ebtypes.PropagateTagsTaskDefinition ||
		aws.ToString(target.DeadLetterConfig.Arn) != "arn:aws:sqs:us-east-1:"+acct+":batch-dlq" {
		t.Errorf("target: %+v %+v", target, ep)
	}
	tags, err := eb.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: rule.Arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "ecschedule:tracking-id" || aws.ToString(tags.Tags[0].Value) != "api" {
		t.Errorf("tags: %+v %v", tags, err)
	}
	cleanup, _ := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("cleanup")})
	if cleanup.State != ebtypes.RuleStateDisabled {
		t.Errorf("cleanup state %s", cleanup.State)
	}

	// Applied: no differences, and an apply with nothing to change writes nothing.
	out, _ = e.timed(0, "schedule", "--conf", "ecschedule.yaml", "diff", "--all", "--exit-code")
	if out != "" {
		t.Errorf("diff after apply:\n%s", out)
	}
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all")
	if c := e.sb.Counts(); writes(c) != 0 {
		t.Errorf("apply with nothing to change wrote: %v", c)
	}

	// One environment value changes: only that target is written.
	e.setenv("REPORT_MODE", "summary")
	out, _ = e.timed(3, "schedule", "--conf", "ecschedule.yaml", "diff", "--rule", "nightly-report", "--exit-code")
	if !strings.Contains(out, "-    MODE: full") || !strings.Contains(out, "+    MODE: summary") {
		t.Errorf("diff of one value:\n%s", out)
	}
	e.sb.ResetCounts()
	out, _ = e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all", "--dry-run")
	if c := e.sb.Counts(); writes(c) != 0 || !strings.Contains(out, "rule nightly-report: update (target)") {
		t.Errorf("dry run: %v\n%s", c, out)
	}
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all")
	if c := e.sb.Counts(); c["events:PutTargets"] != 1 || c["events:PutRule"] != 0 || c["events:TagResource"] != 0 {
		t.Errorf("apply of one change: %v", c)
	}

	// dump writes a file that apply leaves unchanged.
	out, _ = e.timed(0, "schedule", "dump", "--cluster", "api", "--region", "us-east-1")
	if !strings.Contains(out, "name: nightly-report") || !strings.Contains(out, "MODE: summary") {
		t.Errorf("dump:\n%s", out)
	}
	e.write("dumped.yaml", out)
	e.sb.ResetCounts()
	e.timed(0, "schedule", "--conf", "dumped.yaml", "apply", "--all")
	if c := e.sb.Counts(); writes(c) != 0 {
		t.Errorf("apply of the dump wrote: %v\n%s", c, out)
	}

	// prune deletes the tagged rule the file dropped, never an untagged one.
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("by-hand"), ScheduleExpression: aws.String("rate(5 minutes)")}); err != nil {
		t.Fatal(err)
	}
	if _, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("by-hand"), Targets: []ebtypes.Target{{Id: aws.String("x"),
		Arn: aws.String("arn:aws:ecs:us-east-1:" + acct + ":cluster/api"), RoleArn: aws.String("arn:aws:iam::" + acct + ":role/ecsEventsRole"),
		EcsParameters: &ebtypes.EcsParameters{TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:" + acct + ":task-definition/batch")}}}}); err != nil {
		t.Fatal(err)
	}
	e.write("ecschedule.yaml", strings.Split(e.read("ecschedule.yaml"), "- name: cleanup")[0])
	out, _ = e.timed(3, "schedule", "--conf", "ecschedule.yaml", "diff", "--all", "--prune", "--exit-code")
	if !strings.Contains(out, "-name: cleanup") || strings.Contains(out, "by-hand") {
		t.Errorf("diff --prune:\n%s", out)
	}
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all", "--prune")
	if _, err := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("cleanup")}); err == nil {
		t.Error("cleanup was not pruned")
	}
	if _, err := eb.DescribeRule(ctx, &eventbridge.DescribeRuleInput{Name: aws.String("by-hand")}); err != nil {
		t.Errorf("the untagged rule was pruned: %v", err)
	}
}

func TestScheduleE2EBadInputChangesNothing(t *testing.T) {
	e, _ := scheduleProject(t)
	base := e.read("ecschedule.yaml")
	cases := []struct {
		name, from, to string
		want           []string
	}{
		{"bad cron", "cron(0 3 * * ? *)", "cron(0 3 * * *)", []string{"ecschedule.yaml:7:", "scheduleExpression", "EventBridge takes 6"}},
		{"bad rate", "rate(1 hour)", "rate(1 hours)", []string{"ecschedule.yaml:", "singular unit"}},
		{"duplicate names", "name: cleanup", "name: nightly-report", []string{"duplicate rule name \"nightly-report\""}},
		{"unknown container", "  - name: app\n", "  - name: ap\n", []string{"ecschedule.yaml:", `container "ap" is not in task definition`, `did you mean "app"?`}},
		{"missing role", "role: ecsEventsRole", "role: eventsRole", []string{"IAM role eventsRole does not exist"}},
		{"missing family", "taskDefinition: batch:1", "taskDefinition: batchh:1", []string{"task definition batchh:1 not found"}},
		{"unknown key", "taskCount: 2", "taskCount: 2\n  task_count: 2", []string{"unknown key \"task_count\""}},
		{"bad launch type", "launch_type: FARGATE\n  network_configuration:\n    aws_vpc_configuration:\n      subnets: [", "launch_type: fargate\n  network_configuration:\n    aws_vpc_configuration:\n      subnets: [", []string{"invalid launch_type \"fargate\""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.from) {
				t.Fatalf("fixture lacks %q", tc.from)
			}
			e.write("bad.yaml", strings.Replace(base, tc.from, tc.to, 1))
			e.sb.ResetCounts()
			_, errs := e.must(2, "", "schedule", "--conf", "bad.yaml", "apply", "--all")
			for _, w := range tc.want {
				if !strings.Contains(strings.ReplaceAll(errs, "bad.yaml", "ecschedule.yaml"), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errs)
				}
			}
			if c := e.sb.Counts(); writes(c) != 0 {
				t.Errorf("bad input wrote: %v", c)
			}
		})
	}
}

func TestScheduleE2EFiresOnTheClockAndStatusShowsRuns(t *testing.T) {
	e, _ := scheduleProject(t)
	e.write("minutely.yaml", `region: us-east-1
cluster: api
rules:
- name: minutely
  scheduleExpression: rate(1 minute)
  taskDefinition: batch
`+fargateOnSubnetA+`  containerOverrides:
  - name: app
    command: ["sh", "-c", "exit 7"]
- name: broken
  scheduleExpression: rate(1 minute)
  taskDefinition: batch
  dead_letter_config:
    sqs: batch-dlq
`)
	e.query("sqs", "2012-11-05", "CreateQueue", url.Values{"QueueName": {"batch-dlq"}})
	e.timed(0, "schedule", "--conf", "minutely.yaml", "apply", "--all")
	clock := e.sb.Clock()
	start := clock.Now()
	clock.Advance(3 * time.Minute)
	clock.Advance(30 * time.Second) // the third run ends
	lt, err := e.ecs.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: aws.String("api"), StartedBy: aws.String("events-rule/minutely"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil {
		t.Fatal(err)
	}
	if len(lt.TaskArns) != 3 {
		t.Fatalf("a one-minute rule fired %d times in three minutes, want 3", len(lt.TaskArns))
	}
	dt, err := e.ecs.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: aws.String("api"), Tasks: lt.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	starts := map[time.Duration]bool{}
	for _, tk := range dt.Tasks {
		starts[tk.CreatedAt.Sub(start).Round(time.Second)] = true
		if c := tk.Containers[0]; aws.ToInt32(c.ExitCode) != 7 {
			t.Errorf("task %s exit %v, want the override's 7", aws.ToString(tk.TaskArn), c.ExitCode)
		}
	}
	if !starts[time.Minute] || !starts[2*time.Minute] || !starts[3*time.Minute] {
		t.Errorf("start times after the rule was applied: %v", starts)
	}

	// The rule without a network configuration fails at RunTask: its events go to
	// the dead-letter queue.
	q := e.query("sqs", "2012-11-05", "GetQueueUrl", url.Values{"QueueName": {"batch-dlq"}})
	qurl := q[strings.Index(q, "<QueueUrl>")+len("<QueueUrl>") : strings.Index(q, "</QueueUrl>")]
	msgs := e.query("sqs", "2012-11-05", "ReceiveMessage", url.Values{"QueueUrl": {qurl}, "MaxNumberOfMessages": {"10"}, "MessageAttributeName.1": {"All"}})
	if strings.Count(msgs, "<Message>") != 3 || !strings.Contains(msgs, "InvalidParameterException") {
		t.Errorf("dead-letter queue:\n%s", msgs)
	}

	// status: last runs with their exit codes, next fire times.
	out, _ := e.timed(0, "schedule", "--conf", "minutely.yaml", "status", "--rule", "minutely")
	if strings.Count(out, "exit 7 (failed)") != 3 || !strings.Contains(out, "rate(1 minute), ENABLED") || !strings.Contains(out, "next: ") ||
		!strings.Contains(out, "task-definition/batch:1") {
		t.Errorf("status:\n%s", out)
	}
	out, _ = e.must(0, "", "--output", "json", "schedule", "--conf", "minutely.yaml", "status")
	if !strings.Contains(out, `"exitCode": 7`) || !strings.Contains(out, `"rule": "broken"`) {
		t.Errorf("status json:\n%s", out)
	}
	// The rate's next fire times are exact: counted from the rule's last scheduled
	// run (EventBridge counts a rate from the rule's creation, which no API returns).
	var rep struct {
		Rules []struct {
			Rule        string
			Next        []time.Time
			Approximate bool
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rules {
		if r.Rule != "minutely" {
			continue
		}
		if len(r.Next) != 3 || r.Approximate || r.Next[0].Sub(start) != 4*time.Minute || r.Next[2].Sub(start) != 6*time.Minute {
			t.Errorf("minutely: next %v (approximate %v), want +4m, +5m, +6m after %v", r.Next, r.Approximate, start)
		}
	}
}

func TestScheduleE2ERunStartsTheRulesTask(t *testing.T) {
	e, _ := scheduleProject(t)
	e.sb.Clock().SetSpeed(40)
	e.setenv("REPORT_EXIT", "4")
	_, errs := e.must(4, "", "schedule", "--conf", "ecschedule.yaml", "run", "--rule", "nightly-report", "--poll-interval=40ms")
	lt, err := e.ecs.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: aws.String("api"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil || len(lt.TaskArns) != 1 {
		t.Fatalf("tasks: %v %v", lt, err)
	}
	dt, err := e.ecs.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: aws.String("api"), Tasks: lt.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	tk := dt.Tasks[0]
	if aws.ToString(tk.Cpu) != "512" || aws.ToString(tk.Memory) != "1024" || tk.LaunchType != types.LaunchTypeFargate {
		t.Errorf("task: cpu %s memory %s launch %s", aws.ToString(tk.Cpu), aws.ToString(tk.Memory), tk.LaunchType)
	}
	got := fmt.Sprint(tk.Overrides.ContainerOverrides[0].Command)
	if got != "[sh -c echo report; exit 4]" {
		t.Errorf("command override %s", got)
	}
	// Started as the rule starts it, so status finds the run among the rule's.
	if aws.ToString(tk.StartedBy) != "events-rule/nightly-report" {
		t.Errorf("startedBy %q, want events-rule/nightly-report", aws.ToString(tk.StartedBy))
	}
	if out, _ := e.timed(0, "schedule", "--conf", "ecschedule.yaml", "status", "--rule", "nightly-report"); !strings.Contains(out, "exit 4 (failed)") {
		t.Errorf("status does not show the run:\n%s", out)
	}
	// --dry-run prints the plan and starts nothing; an unknown rule is a usage error.
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "run", "--rule", "cleanup", "--dry-run")
	_, errs = e.timed(2, "schedule", "--conf", "ecschedule.yaml", "run", "--rule", "nightly")
	if !strings.Contains(errs, "nightly-report, cleanup") {
		t.Errorf("unknown rule:\n%s", errs)
	}
}

// hundredRules is an ecschedule file of n rules on the batch family.
func hundredRules(n int, changed string) string {
	var b strings.Builder
	b.WriteString("region: us-east-1\ncluster: api\nrole: ecsEventsRole\nrules:\n")
	for i := range n {
		desc := fmt.Sprintf("job %d", i)
		if i == 42 && changed != "" {
			desc = changed
		}
		fmt.Fprintf(&b, `- name: job-%03d
  description: %s
  scheduleExpression: cron(%d %d * * ? *)
  taskDefinition: batch
`+fargateOnSubnetA+`  containerOverrides:
  - name: app
    command: ["sh", "-c", "echo job %d"]
    environment:
      JOB: "%d"
`, i, desc, i%60, i%24, i, i)
	}
	return b.String()
}

// TestScheduleE2EHundredRulesCallBudget measures apply --all on 100 rules: with
// nothing to change it reads (one ListTargetsByRule per rule, one ListRules page,
// one tag search, one DescribeTaskDefinition per family, one GetRole per role, one
// GetCallerIdentity) and writes nothing; with one description changed it writes one
// PutRule.
//
// It counts calls, not seconds: every run has a high --max-rps, because at the
// default budget (EventBridge: 20/s) the 300 writes of the first apply and the 105
// reads of each later run waited ~35 s for tokens (issue 19). SCHEDULE_MAX_RPS sets
// another rate for the measured runs, to see their time at that rate.
func TestScheduleE2EHundredRulesCallBudget(t *testing.T) {
	e, _ := scheduleProject(t)
	rps := "1000"
	if os.Getenv("SCHEDULE_MAX_RPS") != "" {
		rps = os.Getenv("SCHEDULE_MAX_RPS")
	}
	e.write("hundred.yaml", hundredRules(100, ""))
	e.must(0, "", "--max-rps", "1000", "schedule", "--conf", "hundred.yaml", "apply", "--all")

	measure := func(args ...string) (map[string]int, time.Duration) {
		e.sb.ResetCounts()
		t0 := time.Now()
		e.must(0, "", args...)
		return e.sb.Counts(), time.Since(t0)
	}
	total := func(c map[string]int) int {
		n := 0
		for _, v := range c {
			n += v
		}
		return n
	}
	for _, dry := range []bool{true, false} {
		args := []string{"--max-rps", rps, "schedule", "--conf", "hundred.yaml", "apply", "--all"}
		if dry {
			args = append(args, "--dry-run")
		}
		c, d := measure(args...)
		t.Logf("nothing changed, doppio %s: %d calls %v in %v", strings.Join(args, " "), total(c), c, d)
		if writes(c) != 0 || c["events:ListTargetsByRule"] != 100 || total(c) > 106 {
			t.Errorf("nothing changed: %v", c)
		}
	}
	e.write("hundred.yaml", hundredRules(100, "job 42, rewritten"))
	c, d := measure("--max-rps", rps, "schedule", "--conf", "hundred.yaml", "apply", "--all", "--dry-run")
	t.Logf("one changed, --dry-run: %d calls %v in %v", total(c), c, d)
	c, d = measure("--max-rps", rps, "schedule", "--conf", "hundred.yaml", "apply", "--all")
	t.Logf("one changed: %d calls %v in %v", total(c), c, d)
	if c["events:PutRule"] != 1 || writes(c) != 1 {
		t.Errorf("one changed: %v", c)
	}
}

// TestScheduleE2ENewerLocalDefinition: with the family's doppio config, diff and
// status say when the local task definition was not registered, naming the fields.
func TestScheduleE2ENewerLocalDefinition(t *testing.T) {
	e, _ := scheduleProject(t)
	e.write("batch/config.yaml", "region: us-east-1\ncluster: api\ntask_definition: ecs-task-def.json\n")
	td := `{"family": "batch", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "app", "image": "busybox:1.36", "essential": true, "command": ["sh", "-c", "echo batch; exit 0"]%s}]}`
	e.write("batch/ecs-task-def.json", fmt.Sprintf(td, ""))
	e.timed(0, "schedule", "--conf", "ecschedule.yaml", "apply", "--all")
	out, _ := e.timed(0, "--config", "batch/config.yaml", "schedule", "--conf", "ecschedule.yaml", "diff", "--all", "--exit-code")
	if out != "" {
		t.Errorf("registered definition reported:\n%s", out)
	}
	// An environment variable added for the web service never reached the batch
	// definition's registered revision.
	e.write("batch/ecs-task-def.json", fmt.Sprintf(td, `, "environment": [{"name": "FEATURE", "value": "on"}]`))
	out, _ = e.timed(3, "--config", "batch/config.yaml", "schedule", "--conf", "ecschedule.yaml", "diff", "--all", "--exit-code")
	want := "family batch: the local task definition batch/ecs-task-def.json differs from the latest registered revision batch:1 in containerDefinitions[app].environment"
	if !strings.Contains(out, want) {
		t.Errorf("diff lacks %q:\n%s", want, out)
	}
	out, _ = e.timed(0, "--config", "batch/config.yaml", "schedule", "--conf", "ecschedule.yaml", "status", "--rule", "nightly-report")
	if !strings.Contains(out, "note: "+want) {
		t.Errorf("status:\n%s", out)
	}
}

// TestScheduleE2EManyFilesAndOptions: a glob of files (YAML and Jsonnet, a tfstate
// plugin with func_prefix, a custom tracking id, the cluster as an ARN) applied
// together; --validate, --no-unified and --output json on every verb.
func TestScheduleE2EManyFilesAndOptions(t *testing.T) {
	e, _ := scheduleProject(t)
	acct := e.sb.Account
	e.write("jobs/net.tfstate", fmt.Sprintf(`{"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "l", "outputs": {},
 "resources": [{"mode": "managed", "type": "aws_subnet", "name": "a", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
   "instances": [{"schema_version": 1, "attributes": {"id": %q}}]}]}`, e.vars["SUBNET_A"]))
	e.write("jobs/a.yaml", `region: us-east-1
cluster: arn:aws:ecs:us-east-1:`+acct+`:cluster/api
trackingId: jobs-a
rules:
- name: a-hourly
  scheduleExpression: rate(1 hour)
  taskDefinition: batch
  launch_type: FARGATE
  network_configuration:
    aws_vpc_configuration:
      subnets: [{{ plugin "net_tfstate" "aws_subnet.a.id" }}]
plugins:
- name: tfstate
  func_prefix: net_
  config:
    path: net.tfstate
`)
	e.write("jobs/b.jsonnet", `{
  region: 'us-east-1', cluster: 'api',
  rules: [{
    name: 'b-daily', scheduleExpression: 'cron(15 4 * * ? *)', taskDefinition: 'batch',
    launch_type: 'FARGATE', taskCount: std.extVar('COUNT'),
    network_configuration: { aws_vpc_configuration: { subnets: [std.native('must_env')('SUBNET_A')] } },
  }],
}`)
	glob := []string{"--ext-code", "COUNT=2", "schedule", "--conf", "jobs/*.yaml", "--conf", "jobs/*.jsonnet"}
	out, _ := e.timed(0, append(glob, "apply", "--all", "--output", "json")...)
	if !strings.Contains(out, `"applied": true`) || !strings.Contains(out, `"rule": "a-hourly"`) || !strings.Contains(out, `"rule": "b-daily"`) {
		t.Errorf("apply json:\n%s", out)
	}
	out, _ = e.timed(0, append(glob, "diff", "--all", "--exit-code", "--validate", "--output", "json")...)
	if !strings.Contains(out, `"differences": false`) {
		t.Errorf("diff json:\n%s", out)
	}
	// dump of the cluster: the tracking ids differ between the files' rules, so none
	// is written; both rules are there.
	out, _ = e.timed(0, "schedule", "dump", "--cluster", "api", "--region", "us-east-1", "--output", "json")
	if !strings.Contains(out, `"rules": 2`) || !strings.Contains(out, "name: b-daily") || !strings.Contains(out, "taskCount: 2") {
		t.Errorf("dump json:\n%s", out)
	}
	// prune of a.yaml's tracking id only sees a.yaml's rules.
	out, _ = e.timed(0, "schedule", "--conf", "jobs/a.yaml", "diff", "--all", "--prune", "--exit-code")
	if out != "" {
		t.Errorf("prune across tracking ids:\n%s", out)
	}
	// --no-unified prints both documents; --validate finds a family that went away.
	e.write("jobs/b.jsonnet", strings.Replace(e.read("jobs/b.jsonnet"), "'cron(15 4 * * ? *)', taskDefinition: 'batch'", "'cron(15 5 * * ? *)', taskDefinition: 'batch'", 1))
	out, _ = e.timed(3, append(glob, "diff", "--all", "--exit-code", "--no-unified")...)
	if !strings.Contains(out, "- scheduleExpression: cron(15 4 * * ? *)") || !strings.Contains(out, "+ scheduleExpression: cron(15 5 * * ? *)") || !strings.Contains(out, "+ name: b-daily") {
		t.Errorf("--no-unified:\n%s", out)
	}
	e.write("jobs/b.jsonnet", strings.Replace(e.read("jobs/b.jsonnet"), "taskDefinition: 'batch'", "taskDefinition: 'batch:9'", 1))
	_, errs := e.timed(2, append(glob, "diff", "--all", "--validate")...)
	if !strings.Contains(errs, "jobs/b.jsonnet:") || !strings.Contains(errs, "task definition batch:9 not found") {
		t.Errorf("--validate:\n%s", errs)
	}
	// run --output json: one document with the container's exit code.
	e.sb.Clock().SetSpeed(40)
	out, _ = e.timed(0, "--output", "json", "schedule", "--conf", "jobs/a.yaml", "run", "--rule", "a-hourly", "--poll-interval=40ms")
	if !strings.Contains(out, `"exitCode": 0`) || !strings.Contains(out, `"outcome"`) {
		t.Errorf("run json:\n%s", out)
	}
}
