package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// runArgs are the flags every run test passes: no CloudWatch Logs (the fake has
// none) and a poll as short as the fake's answers.
var runArgs = []string{"run", "--no-logs", "--poll-interval", "1ms"}

func runWith(args ...string) []string { return append(append([]string{}, runArgs...), args...) }

func TestUnitRunBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--poll-interval", "0s"}, "--poll-interval 0s: must be above 0 and at most 5s"},
		{[]string{"run", "--poll-interval", "6s"}, "--poll-interval 6s"},
		{runWith("--tags", "novalue"), `--tags "novalue"`},
		{runWith("--wait-until", "forever"), "--wait-until"},
		{runWith("--count", "11"), "count"},
		{runWith("--revision", "1", "--latest-task-definition"), "--revision"},
		{runWith("--overrides", `{"containerOverrides": [{"name": "worker", "command": ["true"]}]}`), `containerOverrides[0].name: no container "worker" in task definition web`},
		{runWith("--watch-container", "worker"), `--watch-container "worker": no such container`},
		{runWith("--overrides", `{"containerOverrides": [`), "--overrides"},
		{runWith("--propagate-tags", "EVERYTHING"), "propagate"},
	} {
		u := newUnit(t)
		u.withService(1)
		_, errs := u.must(2, tc.args...)
		contains(t, strings.Join(tc.args, " "), errs, tc.want)
		u.noChanges()
		if strings.Contains(errs, "operation error") {
			t.Errorf("%v: a raw SDK error:\n%s", tc.args, errs)
		}
	}
}

// The line on stderr says which revision the task runs and whether run
// registered it or reused the family's latest.
func TestUnitRunRevisionChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		tag      string
		args     []string
		say      string
		register int
		runs     string
	}{
		{"changed definition registers", "1.25", nil, "registered task definition web:3", 1, "web:3"},
		{"equal definition reuses", "1.21", nil, "reusing task definition web:2", 0, "web:2"},
		{"--force-register registers an equal one", "1.21", []string{"--force-register"}, "registered task definition web:3", 1, "web:3"},
		{"--revision runs that revision", "1.25", []string{"--revision", "1"}, "running task definition web:1", 0, "web:1"},
		{"--latest-task-definition", "1.25", []string{"--latest-task-definition"}, "running task definition web:2", 0, "web:2"},
		{"--skip-task-definition runs the service's", "1.25", []string{"--skip-task-definition"}, "running task definition web:2", 0, "web:2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := newUnit(t)
			u.withService(2) // web:1 nginx:1.20, web:2 nginx:1.21 (the service's)
			u.vars["IMAGE_TAG"] = tc.tag
			u.ecs.runExitCode = aws.Int32(0)
			_, errs := u.must(0, runWith(tc.args...)...)
			contains(t, "run's stderr", errs, tc.say)
			if n := u.ecs.called("RegisterTaskDefinition"); n != tc.register {
				t.Errorf("RegisterTaskDefinition made %d times, want %d", n, tc.register)
			}
			if len(u.ecs.runs) != 1 || !strings.HasSuffix(aws.ToString(u.ecs.runs[0].TaskDefinition), "/"+tc.runs) && aws.ToString(u.ecs.runs[0].TaskDefinition) != tc.runs {
				t.Errorf("RunTask ran %v, want %s", u.ecs.runs, tc.runs)
			}
		})
	}
}

func TestUnitRunOverrides(t *testing.T) {
	u := startUnit(t, 1)
	u.ecs.runExitCode = aws.Int32(0)
	u.write("overrides.json", `{"containerOverrides": [{"name": "app", "command": ["echo", "{{ env "GREETING" "hi" }}"]}]}`)
	u.vars["GREETING"] = "hello"
	u.must(0, runWith("--overrides-file", "overrides.json", "--count", "2", "--tags", "team=core")...)
	if len(u.ecs.runs) != 1 {
		t.Fatalf("RunTask calls: %d", len(u.ecs.runs))
	}
	in := u.ecs.runs[0]
	if in.Overrides == nil || len(in.Overrides.ContainerOverrides) != 1 || strings.Join(in.Overrides.ContainerOverrides[0].Command, " ") != "echo hello" {
		t.Errorf("overrides sent: %+v", in.Overrides)
	}
	if aws.ToInt32(in.Count) != 2 {
		t.Errorf("count sent: %d", aws.ToInt32(in.Count))
	}
	found := false
	for _, tag := range in.Tags {
		found = found || aws.ToString(tag.Key) == "team" && aws.ToString(tag.Value) == "core"
	}
	if !found {
		t.Errorf("tags sent: %+v", in.Tags)
	}
	// --overrides wins over --overrides-file.
	u2 := newUnit(t)
	u2.withService(1)
	u2.ecs.runExitCode = aws.Int32(0)
	u2.write("overrides.json", `{"containerOverrides": [{"name": "app", "command": ["from-file"]}]}`)
	u2.must(0, runWith("--overrides-file", "overrides.json", "--overrides", `{"containerOverrides": [{"name": "app", "command": ["from-flag"]}]}`)...)
	if got := u2.ecs.runs[0].Overrides.ContainerOverrides[0].Command; strings.Join(got, " ") != "from-flag" {
		t.Errorf("--overrides and --overrides-file: sent %v, want from-flag", got)
	}
}

// --wait-until outcomes map to exit codes: the container's exit code when the task
// stops, 0 once it runs with --wait-until running, 5 on a timeout.
func TestUnitRunWaitOutcomes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		statuses []string
		exit     *int32
		args     []string
		code     int
		stdout   []string
		stderr   []string
	}{
		{"stopped, exit 0", nil, aws.Int32(0), nil, 0, []string{"arn:aws:ecs:us-east-1:123456789012:task/prod/"}, []string{"exitCode=0"}},
		{"stopped, exit 3 is run's exit code", nil, aws.Int32(3), nil, 3, nil, []string{"exitCode=3"}},
		{"stopped, exit 137", nil, aws.Int32(137), nil, 137, nil, []string{"exitCode=137"}},
		{"stopped before its container ran", []string{"STOPPED"}, nil, nil, 4, nil, []string{"Essential container in task exited"}},
		{"--wait-until running", []string{"PENDING", "RUNNING"}, nil, []string{"--wait-until", "running"}, 0, nil, []string{"task 00000000000000000000000000000001 RUNNING"}},
		{"--no-wait", []string{"PENDING"}, nil, []string{"--no-wait"}, 0, nil, nil},
		{"timeout", []string{"RUNNING"}, nil, []string{"--timeout", "0.05"}, 5, nil, []string{"timed out waiting; task 00000000000000000000000000000001 left running", "doppio tasks stop --id 00000000000000000000000000000001"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := startUnit(t, 1)
			u.ecs.runStatuses, u.ecs.runExitCode = tc.statuses, tc.exit
			code, out, errs := u.run("", runWith(tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			contains(t, "stdout", out, tc.stdout...)
			contains(t, "stderr", errs, tc.stderr...)
		})
	}
}

// --output json's result names the outcome and the exit code.
func TestUnitRunJSONResult(t *testing.T) {
	u := startUnit(t, 1)
	u.ecs.runExitCode = aws.Int32(2)
	code, out, errs := u.run("", runWith("--output", "json")...)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, out, errs)
	}
	contains(t, "run --output json", out, `"outcome": "failed"`, `"exitCode": 2`)
}
