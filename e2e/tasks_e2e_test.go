package e2e

import (
	"bytes"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// runTerm runs doppio as if stderr were a terminal, with stdin.
func (e *e2e) runTerm(stdin string, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Vars: maps.Clone(e.vars), Dir: filepath.Join(e.dir, "app"), IsTerminal: true}
	code := cli.Main(e.t.Context(), args, env)
	return code, out.String(), errb.String()
}

// startTasks runs n tasks that never exit and returns their ARNs, once they run:
// the clock is advanced past their start instead of hoping real time carries the
// simulated clock far enough (the tests read their RUNNING state at once).
func (e *e2e) startTasks(n string) []string {
	e.t.Helper()
	e.setenv("IMAGE", "nginx:forever")
	out, _ := e.must(0, "app", "run", "--no-wait", "--count", n)
	e.sb.Clock().Advance(time.Minute)
	return strings.Fields(out)
}

func TestTasksE2EListFindStop(t *testing.T) {
	e := runProject(t)
	arns := e.startTasks("2")
	if len(arns) != 2 {
		t.Fatalf("started %v", arns)
	}
	id0 := arns[0][strings.LastIndexByte(arns[0], '/')+1:]

	out, _ := e.must(0, "app", "tasks", "list", "--output", "tsv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID\tTaskDefinition\tInstance\tLastStatus\tDesiredStatus\tCreatedAt\tGroup\tType") {
		t.Fatalf("tsv:\n%s", out)
	}
	if f := strings.Split(lines[1], "\t"); f[1] != "web:1" || f[4] != "RUNNING" || f[6] != "family:web" || f[7] != "FARGATE" {
		t.Errorf("tsv row %q", lines[1])
	}
	// The old flag form and the default subcommand print the same table, in
	// ecspresso's bordered layout (golden-tested in internal/task).
	table, _ := e.must(0, "app", "tasks")
	if !strings.Contains(table, "| "+id0+" |") || !strings.Contains(table, " LASTSTATUS ") || !strings.HasPrefix(strings.Split(table, "\n")[1], "+---") {
		t.Errorf("table:\n%s", table)
	}
	if list, _ := e.must(0, "app", "tasks", "list", "--output", "table"); !strings.Contains(list, " LASTSTATUS ") || !strings.Contains(list, "| "+id0+" |") {
		t.Errorf("tasks list --output table differs from tasks:\n%s\n%s", list, table)
	}
	out, _ = e.must(0, "app", "tasks", "--output", "json", "--id", id0)
	if !strings.Contains(out, `"taskArn": "`+arns[0]+`"`) {
		t.Errorf("json:\n%s", out)
	}

	// find: two tasks and no terminal is an error, not a prompt; on a terminal the
	// user picks; --id needs no pick.
	code, _, errs := e.run("app", "", "tasks", "find")
	if code != diag.ExitUsage || !strings.Contains(errs, "no terminal") || !strings.Contains(errs, "--id") {
		t.Errorf("find without terminal: exit %d\n%s", code, errs)
	}
	code, out, errs = e.runTerm("2\n", "tasks", "find")
	if code != 0 || !strings.Contains(errs, "pick a task") || !strings.Contains(errs, "| 2 | ") || !strings.Contains(out, `"lastStatus": "RUNNING"`) {
		t.Errorf("find on a terminal: exit %d\n%s\n%s", code, out, errs)
	}
	// --filter-command (peco, fzf) picks without a terminal: here the last line.
	out, _ = e.must(0, "app", "tasks", "find", "--filter-command", "tail -n 1")
	if !strings.Contains(out, `"taskArn": "arn:aws:ecs:`) {
		t.Errorf("find with a filter command:\n%s", out)
	}
	out, _ = e.must(0, "app", "tasks", "--find", "--id", id0)
	if !strings.Contains(out, arns[0]) {
		t.Errorf("--find --id:\n%s", out)
	}

	// stop: asks; "n" keeps the task; --force (old form) stops it.
	code, _, errs = e.runTerm("n\n", "tasks", "stop", "--id", id0)
	if code == 0 || !strings.Contains(errs, "stop task "+id0) || !strings.Contains(errs, "was not stopped") {
		t.Errorf("stop answered no: exit %d\n%s", code, errs)
	}
	e.must(0, "app", "tasks", "--stop", "--id", id0, "--force")
	out, _ = e.must(0, "app", "tasks", "list", "--output", "tsv", "--desired-status", "STOPPED")
	if !strings.Contains(out, id0) || strings.Contains(out, arns[1][strings.LastIndexByte(arns[1], '/')+1:]) {
		t.Errorf("stopped tasks:\n%s", out)
	}
	code, _, errs = e.runTerm("y\n", "tasks", "stop")
	if code != 0 || !strings.Contains(errs, "stopping task") {
		t.Errorf("stop the remaining task with y: exit %d\n%s", code, errs)
	}
}

func TestTasksE2ETraceAndLogs(t *testing.T) {
	e := runProject(t)
	e.must(0, "app", "run", poll, "--overrides", `{"containerOverrides":[{"name":"web","command":["sh","-c","echo one; echo two; exit 0"]}]}`)
	out, _ := e.must(0, "app", "tasks", "list", "--output", "tsv", "--desired-status", "STOPPED")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("tsv:\n%s", out)
	}
	id := strings.Split(lines[1], "\t")[0]
	out, _ = e.must(0, "app", "tasks", "trace", "--id", id)
	wantIn(t, "trace", out, "created", "started (RUNNING)", "container web exited with code 0", "stopped (EssentialContainerExited)", "| one")
	out, _ = e.must(0, "app", "tasks", "logs", "--id", id, "-d", "1h", "--container", "web")
	if got := grepLines(out, "| "); len(got) != 4 || !strings.Contains(got[1], "one") || !strings.Contains(got[2], "two") {
		t.Errorf("logs:\n%s", out)
	}
	code, _, errs := e.run("app", "", "tasks", "logs", "--id", id, "--container", "wbe")
	if code != diag.ExitUsage || !strings.Contains(errs, `did you mean "web"`) {
		t.Errorf("bad container: exit %d\n%s", code, errs)
	}

	// -f follows a running task's logs until it stops, then drains.
	e.setenv("IMAGE", "nginx:1.27")
	out, _ = e.must(0, "app", "run", "--no-wait", "--overrides", `{"containerOverrides":[{"name":"web","command":["sh","-c","echo late; exit 0"]}]}`)
	id = strings.TrimSpace(out)[strings.LastIndexByte(strings.TrimSpace(out), '/')+1:]
	out, _ = e.must(0, "app", "tasks", "logs", "-f", "--id", id, "--poll-interval=40ms")
	if !strings.Contains(out, "| late") || !strings.Contains(out, "exited with code 0") {
		t.Errorf("logs -f:\n%s", out)
	}
}

// A task-only project (no service, no service definition) runs with what its config
// and task definition give, and tasks lists the family's tasks.
func TestRunE2ETaskOnlyProject(t *testing.T) {
	e := startE2E(t)
	e.cluster("batch")
	e.sb.Clock().SetSpeed(40)
	e.write("app/doppio.yml", "region: us-east-1\ncluster: batch\ntask_definition: job.jsonnet\n")
	e.write("app/job.jsonnet", `{
  family: 'nightly',
  containerDefinitions: [{name: 'job', image: 'app:v1', memory: 128, essential: true,
    command: ['sh', '-c', 'echo report sent; exit 0'],
    logConfiguration: {logDriver: 'awslogs', options: {'awslogs-group': '/batch/nightly', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'n', 'awslogs-create-group': 'true'}}}],
}`)
	_, errs := e.must(0, "app", "run", poll)
	if !strings.Contains(errs, "job ") || !strings.Contains(errs, "| report sent") {
		t.Errorf("stderr:\n%s", errs)
	}
	out, _ := e.must(0, "app", "tasks", "--output", "tsv")
	if rows := strings.Split(strings.TrimSpace(out), "\n"); len(rows) != 2 || !strings.Contains(rows[1], "nightly:1\t") || !strings.Contains(rows[1], "STOPPED") {
		t.Errorf("tasks:\n%s", out)
	}
}
