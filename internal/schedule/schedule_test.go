package schedule

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
)

var testAccount = Account{ID: "123456789012", Region: "us-east-1"}

func testEnv(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func load(t *testing.T, path string, vars map[string]string, ext map[string]string) *Loaded {
	t.Helper()
	l, err := Load(context.Background(), path, path, LoadOptions{Getenv: testEnv(vars), ExtStr: ext})
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return l
}

func TestParseExpression(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 17, 30, 0, time.UTC)
	cases := []struct {
		expr string
		err  string
		next []string
	}{
		{expr: "cron(0 3 * * ? *)", next: []string{"2026-12-05T03:00:00Z", "2026-12-06T03:00:00Z", "2026-12-07T03:00:00Z"}},
		{expr: "cron(*/20 * ? * MON-FRI *)", next: []string{"2026-12-04T10:20:00Z", "2026-12-04T10:40:00Z", "2026-12-04T11:00:00Z"}},
		{expr: "rate(5 minutes)", next: []string{"2026-12-04T10:22:30Z", "2026-12-04T10:27:30Z", "2026-12-04T10:32:30Z"}},
		{expr: "rate(1 day)", next: []string{"2026-12-05T10:17:30Z", "2026-12-06T10:17:30Z", "2026-12-07T10:17:30Z"}},
		{expr: "cron(0 3 * * *)", err: "it has 5 fields"},
		{expr: "cron(0 3 * * * *)", err: "'?'"},
		{expr: "cron( 0 3 * * ? *)", err: "no spaces"},
		{expr: "cron(0 25 * * ? *)", err: "invalid cron expression"},
		{expr: "rate(1 hours)", err: "singular unit"},
		{expr: "rate(2 hour)", err: "plural unit"},
		{expr: "rate(0 minutes)", err: "positive integer"},
		{expr: "rate(5 weeks)", err: "minute(s), hour(s) or day(s)"},
		{expr: "every day", err: "write cron(...) or rate(...)"},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := ParseExpression(tc.expr)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range e.Next(at, time.Time{}, 3) {
				got = append(got, n.Format(time.RFC3339))
			}
			if diff := cmp.Diff(tc.next, got); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestMapping pins the file→EventBridge mapping of ecschedule: names made ARNs in
// the account, defaults, and the Input document byte for byte.
func TestMapping(t *testing.T) {
	l := load(t, "testdata/full.yaml", map[string]string{"ALPHA": "a"}, nil)
	rules := l.Resolve(testAccount)
	report, purge := rules[0], rules[1]

	pr := report.PutRuleInput()
	if aws.ToString(pr.Name) != "report" || aws.ToString(pr.Description) != "daily report" || aws.ToString(pr.ScheduleExpression) != "cron(30 2 * * ? *)" ||
		pr.State != ebtypes.RuleStateEnabled || aws.ToString(pr.RoleArn) != "arn:aws:iam::123456789012:role/ecsEventsRole" {
		t.Errorf("PutRule: %+v", pr)
	}
	tg := report.Target()
	want := `{"cpu":"1024","memory":"2048","containerOverrides":[{"name":"app","command":["report","--since","yesterday"],"environment":[{"name":"ALPHA","value":"a"},{"name":"DEBUG","value":"true"},{"name":"ZONE","value":"tokyo"}],"cpu":512,"memoryReservation":256},{"name":"sidecar"}]}`
	if got := aws.ToString(tg.Input); got != want {
		t.Errorf("Input\n got %s\nwant %s", got, want)
	}
	ep := tg.EcsParameters
	gotTarget := []string{aws.ToString(tg.Id), aws.ToString(tg.Arn), aws.ToString(tg.RoleArn), aws.ToString(tg.DeadLetterConfig.Arn),
		aws.ToString(ep.TaskDefinitionArn), string(ep.LaunchType), aws.ToString(ep.Group), aws.ToString(ep.PlatformVersion), string(ep.PropagateTags),
		strings.Join(ep.NetworkConfiguration.AwsvpcConfiguration.Subnets, ","), string(ep.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp)}
	wantTarget := []string{"report", "arn:aws:ecs:us-east-1:123456789012:cluster/batch", "arn:aws:iam::123456789012:role/ecsEventsRole",
		"arn:aws:sqs:us-east-1:123456789012:reports-dlq", "arn:aws:ecs:us-east-1:123456789012:task-definition/report", "FARGATE", "reports", "1.4.0",
		"TASK_DEFINITION", "subnet-private,subnet-public", "ENABLED"}
	if diff := cmp.Diff(wantTarget, gotTarget); diff != "" {
		t.Errorf("report target (-want +got):\n%s", diff)
	}
	if aws.ToInt32(ep.TaskCount) != 1 {
		t.Errorf("task count %d, want the default 1", aws.ToInt32(ep.TaskCount))
	}

	pt := purge.Target()
	if aws.ToString(purge.PutRuleInput().Description) != "" || purge.State() != ebtypes.RuleStateDisabled || aws.ToString(pt.Id) != "purge-target" ||
		aws.ToString(pt.RoleArn) != "arn:aws:iam::123456789012:role/purgeRole" || aws.ToString(pt.DeadLetterConfig.Arn) != "arn:aws:sqs:us-east-1:999999999999:shared-dlq" ||
		aws.ToString(pt.EcsParameters.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:123456789012:task-definition/purge:7" || aws.ToInt32(pt.EcsParameters.TaskCount) != 3 ||
		aws.ToString(pt.Input) != `{"containerOverrides":null}` || pt.EcsParameters.CapacityProviderStrategy[0].Weight != 2 {
		t.Errorf("purge target: %+v %+v", pt, pt.EcsParameters)
	}
	if tag := report.TagResourceInput(); aws.ToString(tag.ResourceARN) != "arn:aws:events:us-east-1:123456789012:rule/report" || aws.ToString(tag.Tags[0].Value) != "batch" {
		t.Errorf("tag: %+v", tag)
	}

	// What the mapping makes, read back, is the rule again: diff shows nothing after
	// an apply.
	for _, r := range rules {
		put := r.PutRuleInput()
		live := &LiveRule{Rule: ebtypes.Rule{Name: put.Name, Arn: aws.String(r.RuleARN()), Description: put.Description, ScheduleExpression: put.ScheduleExpression,
			State: put.State, RoleArn: put.RoleArn}, Targets: []ebtypes.Target{r.Target()}}
		back, err := FromLive(live, r.ClusterARN(), testAccount)
		if err != nil || back == nil {
			t.Fatalf("%s: FromLive %v %v", r.Name, back, err)
		}
		if diff := cmp.Diff(r.Canonical().YAML(), back.YAML()); diff != "" {
			t.Errorf("%s round trip (-file +live):\n%s", r.Name, diff)
		}
	}
}

// TestFormats: the same rules written in YAML and Jsonnet (ext vars, natives) make
// the same targets; a .json file is templated JSON.
func TestFormats(t *testing.T) {
	vars := map[string]string{"ALPHA": "a"}
	y := load(t, "testdata/full.yaml", vars, nil)
	// disabled from --ext-str is a string; the file must give a boolean.
	_, err := Load(context.Background(), "testdata/full.jsonnet", "full.jsonnet", LoadOptions{Getenv: testEnv(vars),
		ExtStr: map[string]string{"REGION": "us-east-1", "PURGE_DISABLED": "true"}})
	if err == nil || !strings.Contains(err.Error(), "full.jsonnet:37: rules.disabled: expected true or false") {
		t.Errorf("a string for disabled: %v", err)
	}
	jc, err := Load(context.Background(), "testdata/full.jsonnet", "full.jsonnet", LoadOptions{Getenv: testEnv(vars),
		ExtStr: map[string]string{"REGION": "us-east-1"}, ExtCode: map[string]string{"PURGE_DISABLED": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range y.Resolve(testAccount) {
		o := jc.Resolve(testAccount)[i]
		if diff := cmp.Diff(r.Canonical().YAML(), o.Canonical().YAML()); diff != "" {
			t.Errorf("%s yaml vs jsonnet:\n%s", r.Name, diff)
		}
		if aws.ToString(r.Target().Input) != aws.ToString(o.Target().Input) {
			t.Errorf("%s inputs differ", r.Name)
		}
	}
	s := load(t, "testdata/simple.json", map[string]string{"CLUSTER": "jobs"}, nil)
	r := s.Resolve(testAccount)[0]
	if r.Cluster != "jobs" || r.TrackingID != "batch-jobs" || aws.ToString(r.Target().Input) != `{"containerOverrides":[{"name":"app","environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}]}` {
		t.Errorf("simple.json: %+v %s", r, aws.ToString(r.Target().Input))
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := dir + "/" + name
		if err := osWriteFile(p, text); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := "region: us-east-1\ncluster: c\nrules:\n- name: a\n  scheduleExpression: rate(1 hour)\n  taskDefinition: t\n"
	cases := []struct{ name, text, want string }{
		{"must_env", base + "  group: {{ must_env `NOPE` }}\n", "NOPE is not set"},
		{"unknown key", base + "  launchType: FARGATE\n", `did you mean "launch_type"?`},
		{"type", base + "  taskCount: many\n", "taskCount"},
		{"dup", base + "- name: a\n  scheduleExpression: rate(2 hours)\n  taskDefinition: t\n", `ecschedule.yaml:7: rules[1] (a).name: duplicate rule name "a"`},
		{"no region", "cluster: c\nrules:\n- name: a\n  scheduleExpression: rate(1 hour)\n  taskDefinition: t\n", "region is not set"},
		{"both launch settings", base + "  launch_type: FARGATE\n  capacityProviderStrategy:\n  - capacityProvider: FARGATE\n", "both set"},
		{"plugin", base + "plugins:\n- name: external\n", "external plugin is not supported"},
		{"scheduler bad timezone", base + "scheduler:\n  group: g\n  timezone: Asia/Tokio\n", `ecschedule.yaml:9: scheduler.timezone: unknown time zone "Asia/Tokio"`},
		{"scheduler bad window", base + "scheduler:\n  flexibleWindow: 90s\n", `ecschedule.yaml:8: scheduler.flexibleWindow: invalid flexibleWindow "90s"`},
		{"scheduler unknown key", base + "scheduler:\n  timezon: UTC\n", `ecschedule.yaml:8: scheduler.timezon: unknown key "timezon"`},
		{"scheduler bad at", "region: us-east-1\ncluster: c\nrules:\n- name: a\n  taskDefinition: t\n  scheduler:\n    at: 2026-12-24 09:00\n", `ecschedule.yaml:7: rules[0] (a).scheduler.at: invalid at "2026-12-24 09:00"`},
		{"scheduler at and expression", base + "  scheduler:\n    at: 2026-12-24T09:00:00\n", "scheduleExpression and scheduler.at are both set"},
		{"scheduler at on the file", base + "scheduler:\n  at: 2026-12-24T09:00:00\n", "at is a rule's one-time schedule"},
		{"scheduler retry", base + "  scheduler:\n    retry: {maximumRetryAttempts: 200}\n", "maximumRetryAttempts 200: must be 0 to 185"},
		{"scheduler bad cron", base + "  scheduler: {timezone: UTC}\n- name: b\n  scheduleExpression: cron(0 3 * * *)\n  taskDefinition: t\n  scheduler: {group: g}\n", "EventBridge takes 6"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := write("ecschedule.yaml", tc.text)
			_, err := Load(context.Background(), p, "ecschedule.yaml", LoadOptions{Getenv: testEnv(nil)})
			if err == nil || !strings.Contains(err.Error()+" "+diag.Hint(err), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if code := diag.ExitCode(err); code != diag.ExitUsage {
				t.Errorf("exit code %d, want 2", code)
			}
			var d *diag.Error
			if !errors.As(err, &d) && tc.name != "dup" {
				t.Errorf("not located: %v", err)
			}
		})
	}
}

func osWriteFile(p, text string) error { return os.WriteFile(p, []byte(text), 0o644) }

// TestPlanWritesOnlyWhatDiffers: each part of a rule that differs makes its own
// write, and a rule of another cluster is replaced, never merged.
func TestPlanWritesOnlyWhatDiffers(t *testing.T) {
	l := load(t, "testdata/simple.json", nil, nil)
	r := l.Resolve(testAccount)[0]
	live := func(mut func(*LiveRule)) *Live {
		put := r.PutRuleInput()
		lr := &LiveRule{Rule: ebtypes.Rule{Name: put.Name, Arn: aws.String(r.RuleARN()), Description: put.Description, ScheduleExpression: put.ScheduleExpression,
			State: put.State, RoleArn: put.RoleArn}, Targets: []ebtypes.Target{r.Target()}}
		if mut != nil {
			mut(lr)
		}
		return &Live{Rules: map[string]*LiveRule{"hourly": lr}, Tracked: map[string]map[string]bool{"batch-jobs": {"hourly": true}}}
	}
	cases := []struct {
		name               string
		mut                func(*LiveRule)
		action             Action
		rule, targets, tag bool
	}{
		{"same", nil, Unchanged, false, false, false},
		{"schedule", func(l *LiveRule) { l.Rule.ScheduleExpression = aws.String("rate(2 hours)") }, Update, true, false, false},
		{"state", func(l *LiveRule) { l.Rule.State = ebtypes.RuleStateDisabled }, Update, true, false, false},
		{"input", func(l *LiveRule) { l.Targets[0].Input = aws.String(`{"containerOverrides":null}`) }, Update, false, true, false},
		{"environment order", func(l *LiveRule) {
			l.Targets[0].Input = aws.String(`{"containerOverrides":[{"name":"app","environment":[{"name":"B","value":"2"},{"name":"A","value":"1"}]}]}`)
		}, Unchanged, false, false, false},
		{"other cluster", func(l *LiveRule) { l.Targets[0].Arn = aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/other") }, Update, true, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := Plan(l.File, testAccount, live(tc.mut), nil, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := cs[0]
			if c.Action != tc.action || c.PutRule != tc.rule || c.PutTargets != tc.targets || c.Tag != tc.tag {
				t.Errorf("%s: action %s rule %v targets %v tag %v", tc.name, c.Action, c.PutRule, c.PutTargets, c.Tag)
			}
		})
	}
	// Untracked: the tag is written, nothing else.
	lv := live(nil)
	lv.Tracked = map[string]map[string]bool{}
	cs, _ := Plan(l.File, testAccount, lv, nil, false, nil)
	if c := cs[0]; c.Action != Update || c.PutRule || c.PutTargets || !c.Tag {
		t.Errorf("untracked: %+v", c)
	}
}

// TestPrune: only tagged rules the command's files do not name are deleted.
func TestPrune(t *testing.T) {
	l := load(t, "testdata/simple.json", nil, nil)
	rule := func(name string) *LiveRule {
		return &LiveRule{Rule: ebtypes.Rule{Name: aws.String(name), Arn: aws.String("arn:aws:events:us-east-1:123456789012:rule/" + name), ScheduleExpression: aws.String("rate(1 hour)")},
			Targets: []ebtypes.Target{{Id: aws.String(name), Arn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/batch")}}}
	}
	live := &Live{Rules: map[string]*LiveRule{"old": rule("old"), "sibling": rule("sibling"), "untagged": rule("untagged")},
		Tracked: map[string]map[string]bool{"batch-jobs": {"old": true, "sibling": true}}}
	deleted := func(keep map[string]bool) []string {
		cs, err := Plan(l.File, testAccount, live, nil, true, keep)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			if c.Action == Delete {
				out = append(out, c.Rule)
			}
		}
		sortStrings(out)
		return out
	}
	if diff := cmp.Diff([]string{"old", "sibling"}, deleted(nil)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"old"}, deleted(map[string]bool{"sibling": true})); diff != "" {
		t.Errorf("a rule another file names was pruned: %s", diff)
	}
}

func sortStrings(s []string) { slices.Sort(s) }
