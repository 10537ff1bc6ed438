package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// moreStableOutput masks what the run, tasks and continue outputs add to
// stableOutput: CodeDeploy deployment IDs, the network a task got, the task in log
// line prefixes, and how far ECS got in releasing a stopped task's resources when
// doppio looked (STOPPED, or still STOPPING or DEPROVISIONING, and so whether
// stoppedAt is known yet).
var moreStableOutput = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\bd-[A-Z0-9]{6,}\b`), "d-ID"},
	{regexp.MustCompile(`\b(subnet|eni)-[0-9a-f]+\b`), "${1}-ID"},
	{regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "UUID"},
	{regexp.MustCompile(`\b\d+\.\d+\.\d+\.\d+\b`), "IP"},
	{regexp.MustCompile(`\b([0-9a-f]{2}:){5}[0-9a-f]{2}\b`), "MAC"},
	{regexp.MustCompile(`(?m)^(\w+) [0-9a-f]{8} \| `), "$1 TASK | "},
	{regexp.MustCompile(`"(\w+) [0-9a-f]{8} \| `), `"$1 TASK | `},                                                      // in JSON documents
	{regexp.MustCompile(`"lastStatus": "(STOPPING|DEPROVISIONING)",(\n\s*"container")`), `"lastStatus": "STOPPED",$2`}, // run's task results
	{regexp.MustCompile(`,\n\s*"stoppedAt": "TIME"`), ""},
}

var tableLine, spaces, dashes = regexp.MustCompile(`(?m)^[|+].*$`), regexp.MustCompile(` +`), regexp.MustCompile(`-+`)

// assertViewExit is assertView for a command that exits with code; it returns the
// unmasked stdout.
func (e *e2e) assertViewExit(name, dir string, code int, args ...string) string {
	e.t.Helper()
	out, _ := e.must(code, dir, args...)
	assertOneJSON(e.t, name, out)
	stable := out
	for _, r := range stableOutput {
		stable = r.re.ReplaceAllString(stable, r.with)
	}
	for _, r := range moreStableOutput {
		stable = r.re.ReplaceAllString(stable, r.with)
	}
	// A table's column widths follow its cells, and times are in the machine's zone
	// (ecspresso's choice): squeeze the padding so the goldens hold in any zone
	// (ui.TestWriteTable pins the alignment).
	stable = tableLine.ReplaceAllStringFunc(stable, func(l string) string {
		return dashes.ReplaceAllString(spaces.ReplaceAllString(l, " "), "-")
	})
	golden.Assert(e.t, filepath.Join("testdata", "views", name+".golden"), []byte(stable))
	return out
}

// TestE2EGoldenViewsRunTasks pins what run and tasks print on stdout, as text and as
// JSON (and tasks' table and tsv): the dry-run plan, tasks started without waiting,
// a waited-for run that succeeds, one that fails, one ECS could partly place; the
// task list; a stopped task. The goldens were written by the code before run and
// tasks printed through views.
func TestE2EGoldenViewsRunTasks(t *testing.T) {
	e := runProject(t)
	echo := func(cmd string, extra ...string) string {
		env := ""
		for _, x := range extra {
			env += `,"environment":[{"name":"SANDBOX_BEHAVIOUR","value":"` + x + `"}]`
		}
		return `{"containerOverrides":[{"name":"web","command":["sh","-c",` + cmd + `]` + env + `}]}`
	}
	e.assertViewExit("run-dry-run.text", "app", 0, "run", "--dry-run")
	e.assertViewExit("run-dry-run.json", "app", 0, "run", "--dry-run", "--output", "json")
	e.assertViewExit("run.text", "app", 0, "run", poll, "--overrides", echo(`"echo done"`))
	ran := e.assertViewExit("run.json", "app", 0, "run", poll, "--overrides", echo(`"echo done"`), "--output", "json")
	e.assertViewExit("run-exit-3.text", "app", 3, "run", poll, "--overrides", echo(`"exit 3"`))
	e.assertViewExit("run-exit-3.json", "app", 3, "run", poll, "--overrides", echo(`"exit 3"`), "--output", "json")
	e.assertViewExit("run-placement.text", "app", diag.ExitFailed, "run", poll, "--count", "3", "--overrides", echo(`"echo ok"`, "place2"))
	e.assertViewExit("run-placement.json", "app", diag.ExitFailed, "run", poll, "--count", "3", "--overrides", echo(`"echo ok"`, "place2"), "--output", "json")

	// One stopped task, by ID: the list in each shape.
	id := taskIDIn(t, ran)
	for _, f := range []string{"text", "table", "tsv", "json"} {
		e.assertViewExit("tasks-id."+f, "app", 0, "tasks", "list", "--id", id, "--output", f)
	}
	e.assertViewExit("tasks-find.text", "app", 0, "tasks", "find", "--id", id)
	e.assertViewExit("tasks-find.json", "app", 0, "tasks", "--find", "--id", id, "--output", "json")
	e.assertViewExit("tasks-trace.text", "app", 0, "tasks", "trace", "--id", id)
	e.assertViewExit("tasks-trace.json", "app", 0, "tasks", "--trace", "--id", id, "--output", "json")

	// Tasks that never exit: started without waiting, then stopped (the subcommand
	// and the old flag form).
	e.setenv("IMAGE", "nginx:forever")
	e.assertViewExit("run-no-wait.text", "app", 0, "run", "--no-wait")
	e.assertViewExit("run-no-wait.json", "app", 0, "run", "--no-wait", "--output", "json")
	out, _ := e.must(0, "app", "run", poll, "--wait-until", "running", "--count", "2")
	arns := strings.Fields(out)
	if len(arns) != 2 {
		t.Fatalf("want 2 task ARNs, got %q", out)
	}
	e.assertViewExit("tasks-stop.text", "app", 0, "tasks", "stop", "--id", arns[0], "--force")
	e.assertViewExit("tasks-stop.json", "app", 0, "tasks", "--stop", "--id", arns[1], "--force", "--output", "json")
}

// taskIDIn returns the ID of the first task ARN in s.
func taskIDIn(t *testing.T, s string) string {
	t.Helper()
	m := regexp.MustCompile(`:task/[\w-]+/([0-9a-f]{32})`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no task ARN in:\n%s", s)
	}
	return m[1]
}

// TestE2EGoldenViewsContinue pins what continue --no-wait prints on stdout for an ECS
// blue/green deployment paused at a hook and for a CodeDeploy deployment waiting for
// traffic to be rerouted.
func TestE2EGoldenViewsContinue(t *testing.T) {
	t.Run("ecs", func(t *testing.T) {
		e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [`+pauseHook+`]}`, 40)
		e.must(diag.ExitPaused, "app", "deploy", poll)
		e.assertViewExit("continue-no-wait.json", "app", 0, "continue", "--no-wait", "--output", "json")
		e.must(0, "app", "wait", poll)
		e.setenv("IMAGE", "nginx:1.29")
		e.must(diag.ExitPaused, "app", "deploy", poll)
		e.assertViewExit("continue-no-wait.text", "app", 0, "continue", "--no-wait")
	})
	t.Run("codedeploy", func(t *testing.T) {
		e := codeDeployProject(t, "")
		e.waitForReroute()
		e.must(diag.ExitPaused, "app", "deploy", poll)
		e.assertViewExit("continue-codedeploy-no-wait.json", "app", 0, "continue", "--no-wait", "--output", "json")
		// CodeDeploy stays Ready a moment after ContinueDeployment (the sandbox's
		// ContinueDelay); a wait started at once would rightly see it paused.
		e.sb.Clock().Advance(5 * time.Second)
		e.must(0, "app", "wait", poll)
		e.setenv("IMAGE", "nginx:1.29")
		e.must(diag.ExitPaused, "app", "deploy", poll)
		e.assertViewExit("continue-codedeploy-no-wait.text", "app", 0, "continue", "--rollback", "--no-wait")
	})
}
