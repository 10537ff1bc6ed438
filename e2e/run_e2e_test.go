package e2e

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// runProject writes a project whose web service definition gives run its launch
// settings (Fargate, awsvpc) and whose task definition logs with awslogs.
func runProject(t *testing.T) *e2e {
	t.Helper()
	e := fargateWebProject(t, 1, "", "", `{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "{{ must_env `+"`IMAGE`"+` }}", "essential": true,
    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1",
      "awslogs-stream-prefix": "app", "awslogs-create-group": "true"}}}]
}`)
	e.setenv("IMAGE", "nginx:1.27")
	return e
}

// stampedLogLine is a task's log line on stderr: the console's stamp, the container
// and the short task id.
var stampedLogLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  web [0-9a-f]{8} \| `)

// lines returns the lines of s that contain sub, in order.
func grepLines(s, sub string) []string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return out
}

func TestRunE2EMigrationFromTemplatedOverridesFile(t *testing.T) {
	e := runProject(t)
	e.setenv("DB", "db1")
	if _, err := ssm.NewFromConfig(e.sb.AWSConfig(t.Context())).PutParameter(t.Context(), &ssm.PutParameterInput{
		Name: aws.String("/web/db-password"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String("hunter2pw")}); err != nil {
		t.Fatal(err)
	}
	e.write("app/migrate.json", `{"containerOverrides": [{"name": "web",
  "command": ["sh", "-c", "echo migrating {{ must_env `+"`DB`"+` }}; echo step 2; echo password {{ ssm `+"`/web/db-password`"+` }}; exit {{ env `+"`CODE`"+` `+"`0`"+` }}"]}]}`)

	// A failing migration: its exit code, its log lines in order, once each.
	e.setenv("CODE", "3")
	code, out, errs := e.run("app", "", "run", "--overrides-file", "migrate.json", poll)
	if code != 3 {
		t.Fatalf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	logs := grepLines(errs, "  web ")
	want := []string{"started nginx:1.27", "migrating db1", "step 2", "password", "exited with code 3"}
	if len(logs) < len(want) {
		t.Fatalf("log lines %q, want %q\nstderr:\n%s", logs, want, errs)
	}
	for i, w := range want {
		// Log lines are console lines: the console's stamp, then container and task.
		if !strings.Contains(logs[i], w) || !stampedLogLine.MatchString(logs[i]) {
			t.Errorf("log line %d = %q, want it to contain %q (stamped, prefixed)", i, logs[i], w)
		}
	}
	if n := len(grepLines(strings.Join(logs, "\n"), "migrating db1")); n != 1 {
		t.Errorf("%q printed %d times", "migrating db1", n)
	}
	if !strings.Contains(out, ":task/e2e/") {
		t.Errorf("stdout lacks the task ARN:\n%s", out)
	}
	// A SecureString the overrides passed in never shows, even when the task prints it.
	if strings.Contains(out+errs, "hunter2pw") || !strings.Contains(errs, "password (secret ssm:/web/db-password)") {
		t.Errorf("secret in the output:\n%s", errs)
	}
	if !strings.Contains(errs, "why it failed") || !strings.Contains(errs, "web=3") {
		t.Errorf("no failure explanation:\nstderr:\n%s", errs)
	}

	// The same definition again: the family's revision is reused; a success is exit 0.
	e.setenv("CODE", "0")
	e.sb.ResetCounts()
	out, errs = e.must(0, "app", "run", "--overrides-file", "migrate.json", poll, "--output", "json")
	if strings.Contains(out+errs, "hunter2pw") {
		t.Errorf("secret in the JSON run:\n%s\n%s", out, errs)
	}
	if n := e.sb.Counts()["ecs:RegisterTaskDefinition"]; n != 0 {
		t.Errorf("registered %d times, want reuse", n)
	}
	var doc struct {
		TaskDefinitionARN string `json:"taskDefinitionArn"`
		ExitCode          int    `json:"exitCode"`
		Tasks             []struct {
			TaskARN   string `json:"taskArn"`
			ExitCode  *int   `json:"exitCode"`
			StartedAt string `json:"startedAt"`
			StoppedAt string `json:"executionStoppedAt"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if !strings.HasSuffix(doc.TaskDefinitionARN, "web:1") || doc.ExitCode != 0 || len(doc.Tasks) != 1 ||
		doc.Tasks[0].ExitCode == nil || *doc.Tasks[0].ExitCode != 0 || doc.Tasks[0].StartedAt == "" || doc.Tasks[0].StoppedAt == "" {
		t.Errorf("result document:\n%s\nstderr:\n%s", out, errs)
	}

	// The pipeline: run && deploy.
	e.must(0, "app", "deploy", poll)
}

func TestRunE2EExitCodesCountAndWaits(t *testing.T) {
	e := runProject(t)
	e.must(0, "app", "run", poll, "--overrides", `{"containerOverrides":[{"name":"web","command":["exit 0"]}]}`)
	code, _, errs := e.run("app", "", "run", poll, "--overrides", `{"containerOverrides":[{"name":"web","command":["sh","-c","exit 137"]}]}`)
	if code != 137 {
		t.Errorf("exit %d, want 137\n%s", code, errs)
	}

	// --count 3: every task reported, the first non-zero code wins.
	out, errs := e.must(0, "app", "run", poll, "--count", "3", "--output", "json")
	var doc struct {
		Tasks []struct {
			TaskARN string `json:"taskArn"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Tasks) != 3 {
		t.Errorf("count 3: %v\n%s\n%s", err, out, errs)
	}

	// --wait-until running returns while the task runs; --no-wait right after RunTask.
	e.setenv("IMAGE", "nginx:forever")
	_, errs = e.must(0, "app", "run", poll, "--wait-until", "running")
	if !strings.Contains(errs, "task is running") {
		t.Errorf("wait-until running:\n%s", errs)
	}
	e.sb.ResetCounts()
	out, _ = e.must(0, "app", "run", poll, "--no-wait")
	if c := e.sb.Counts(); c["ecs:DescribeTasks"] != 0 || c["ecs:RunTask"] != 1 || !strings.Contains(out, ":task/e2e/") {
		t.Errorf("--no-wait: calls %v, stdout %q", c, out)
	}
}

func TestRunE2EPullFailureExits4(t *testing.T) {
	e := runProject(t)
	e.setenv("IMAGE", "nginx:pullfail")
	out, errs := e.must(diag.ExitFailed, "app", "run", poll, "--output", "json")
	wantIn(t, "stderr", errs, "CannotPullContainerError", "TaskFailedToStart", `container "web" never started`)
	// The reason is shown once, by the explainer, not again per task.
	if n := strings.Count(errs, "CannotPullContainerError"); n != 1 {
		t.Errorf("the stopped reason is shown %d times, want once:\n%s", n, errs)
	}
	if !strings.Contains(out, `"stopCode": "TaskFailedToStart"`) || !strings.Contains(out, `"explanation"`) {
		t.Errorf("json:\n%s", out)
	}
}

func TestRunE2EInterruptLeavesTaskRunning(t *testing.T) {
	e := runProject(t)
	e.setenv("IMAGE", "nginx:forever")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &syncBuffer{onLine: func(l string) {
		if strings.Contains(l, "started nginx:forever") { // a log line: the wait is on
			cancel()
		}
	}}
	code, _ := e.runCtx(ctx, stderr, "run", poll)
	if code != diag.ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "left running") || !strings.Contains(stderr.String(), "doppio tasks stop --id") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	out, _ := e.must(0, "app", "tasks", "list", "--output", "tsv")
	if !strings.Contains(out, "RUNNING") {
		t.Errorf("the task is not running after the interrupt:\n%s", out)
	}

	// --timeout bounds the wait: exit 5, the task left running, how to stop it.
	code, _, errs := e.run("app", "", "run", poll, "--timeout", "6s") // room for planning on a loaded machine
	if code != diag.ExitTimeout || !strings.Contains(errs, "timed out waiting; task") || !strings.Contains(errs, "aws ecs stop-task --cluster e2e") {
		t.Errorf("timeout: exit %d\n%s", code, errs)
	}
}

func TestRunE2EInvalidInputBeforeAnyCall(t *testing.T) {
	e := runProject(t)
	e.write("app/bad.json", "{\"containerOverrides\": [\n  {\"name\": \"wbe\", \"command\": [\"true\"]}]}")
	e.write("app/unknown.json", "{\"containerOverrides\": [{\"name\": \"web\",\n \"comand\": [\"true\"]}]}")
	e.sb.ResetCounts()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown container", []string{"run", "--overrides-file", "bad.json"}, []string{"bad.json:2:12", `no container "wbe"`, `did you mean "web"`}},
		{"unknown field", []string{"run", "--overrides-file", "unknown.json"}, []string{"unknown.json:2", "comand"}},
		{"bad json", []string{"run", "--overrides", `{"containerOverrides": [`}, []string{"--overrides"}},
		{"watch container", []string{"run", "--watch-container", "db"}, []string{`--watch-container "db"`}},
		{"count", []string{"run", "--count", "11"}, []string{"--count 11: must be 1 to 10"}},
		{"tags", []string{"run", "--tags", "a"}, []string{`"a" is not K=V`}},
		{"propagate", []string{"run", "--propagate-tags", "ALL"}, []string{"want SERVICE or TASK_DEFINITION"}},
	} {
		code, _, errs := e.run("app", "", tc.args...)
		if code != diag.ExitUsage {
			t.Errorf("%s: exit %d, want 2\n%s", tc.name, code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", tc.name, w, errs)
			}
		}
	}
	if c := e.sb.Counts(); len(c) != 0 {
		t.Errorf("AWS calls before the usage errors: %v", c)
	}

	// Fargate without a network configuration.
	e.write("app/ecs-service-def.json", `{"launchType": "FARGATE", "desiredCount": 1}`)
	code, _, errs := e.run("app", "", "run")
	if code != diag.ExitUsage || !strings.Contains(errs, "awsvpc") || !strings.Contains(errs, "networkConfiguration") {
		t.Errorf("fargate without network: exit %d\n%s", code, errs)
	}
	if c := e.sb.Counts(); len(c) != 0 {
		t.Errorf("AWS calls before the usage error: %v", c)
	}
}

func TestRunE2ETaskDefinitionChoicesTagsAndWatchContainer(t *testing.T) {
	e := runProject(t)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"desiredCount": 1,`, `"desiredCount": 1, "tags": [{"key": "Team", "value": "db"}],`, 1))

	// --dry-run registers and runs nothing.
	e.sb.ResetCounts()
	out, _ := e.must(0, "app", "run", "--dry-run")
	if !strings.Contains(out, "register") || !strings.Contains(out, "watch container: web") {
		t.Errorf("dry run:\n%s", out)
	}
	if c := e.sb.Counts(); c["ecs:RunTask"]+c["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("dry run calls %v", c)
	}

	// --task-def: another file, with a sidecar whose exit code --watch-container picks.
	e.write("app/batch-def.json", `{"family": "batch", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [
    {"name": "main", "image": "app:v1", "essential": true, "command": ["sh", "-c", "exit 0"]},
    {"name": "side", "image": "app:v1", "essential": false, "command": ["sh", "-c", "exit 5"],
     "logConfiguration": {"logDriver": "fluentd", "options": {"tag": "side"}}}]}`)
	code, _, errs := e.run("app", "", "run", "--task-def", "batch-def.json", "--watch-container", "side", poll)
	if code != 5 || !strings.Contains(errs, `container "side" logs with the fluentd driver, not awslogs`) {
		t.Errorf("--watch-container side: exit %d\n%s", code, errs)
	}
	e.must(0, "app", "run", "--task-def", "batch-def.json", poll, "--no-logs")

	// The service must exist for --skip-task-definition and --propagate-tags SERVICE.
	e.must(0, "app", "deploy", poll)
	e.setenv("IMAGE", "nginx:1.28")
	e.must(0, "app", "register")
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--skip-task-definition"}, "web:1"},
		{[]string{"--latest-task-definition"}, "web:2"},
		{[]string{"--revision", "1"}, "web:1"},
	} {
		e.sb.ResetCounts()
		out, errs := e.must(0, "app", append([]string{"run", poll, "--output", "json"}, tc.flags...)...)
		if !strings.Contains(out, `"taskDefinitionArn": "arn:aws:ecs:us-east-1:`) || !strings.Contains(out, tc.want+`"`) {
			t.Errorf("%v: want %s\n%s\n%s", tc.flags, tc.want, out, errs)
		}
		if n := e.sb.Counts()["ecs:RegisterTaskDefinition"]; n != 0 {
			t.Errorf("%v registered %d times", tc.flags, n)
		}
	}

	// --revision naming a revision that does not exist: a usage error naming the
	// latest, before any call that changes anything.
	e.sb.ResetCounts()
	code, _, errs = e.run("app", "", "run", poll, "--revision", "7")
	if code != diag.ExitUsage || !strings.Contains(errs, `--revision 7: task definition web:7 does not exist; the latest revision of "web" is 2`) || strings.Contains(errs, "ClientException") {
		t.Errorf("--revision 7: exit %d\n%s", code, errs)
	}
	for op, n := range e.sb.Counts() {
		if mutating.MatchString(op) && n > 0 {
			t.Errorf("--revision 7 called %s", op)
		}
	}
	code, _, errs = e.run("app", "", "revisions", "--revision", "7")
	if code != diag.ExitUsage || !strings.Contains(errs, `--revision 7: task definition web:7 does not exist; the latest revision of "web" is 2`) {
		t.Errorf("revisions --revision 7: exit %d\n%s", code, errs)
	}

	// Tags: --tags and the service's own with --propagate-tags SERVICE (RunTask
	// itself refuses SERVICE); --client-token passes through.
	out, _ = e.must(0, "app", "run", poll, "--no-wait", "--propagate-tags", "SERVICE", "--tags", "Job=migrate,Run=1", "--client-token", "tok-1")
	arn := strings.TrimSpace(out)
	dt, err := e.ecs.DescribeTasks(t.Context(), &ecs.DescribeTasksInput{Cluster: aws.String("e2e"), Tasks: []string{arn}, Include: []types.TaskField{types.TaskFieldTags}})
	if err != nil || len(dt.Tasks) != 1 {
		t.Fatalf("describe %s: %v", arn, err)
	}
	tags := map[string]string{}
	for _, tg := range dt.Tasks[0].Tags {
		tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	if tags["Job"] != "migrate" || tags["Run"] != "1" || tags["Team"] != "db" {
		t.Errorf("task tags %v", tags)
	}
}

// A task's log lines under --log-format json are records with fields (task,
// container, the event's own time, the message), not text in msg; secrets stay
// redacted there too.
func TestRunE2ELogLinesAsJSONRecords(t *testing.T) {
	e := runProject(t)
	_, errs := e.must(0, "app", "run", poll, "--log-format", "json", "--overrides",
		`{"containerOverrides":[{"name":"web","command":["sh","-c","echo hello from the task"]}]}`)
	found := false
	for _, l := range strings.Split(strings.TrimSpace(errs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("stderr line is not JSON: %q", l)
		}
		if rec["msg"] == "log" && rec["message"] == "hello from the task" {
			found = true
			if rec["container"] != "web" || rec["taskId"] == nil || rec["eventTime"] == nil {
				t.Errorf("log record lacks its fields: %s", l)
			}
		}
	}
	if !found {
		t.Errorf("no log record with the task's line:\n%s", errs)
	}
}
