package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestRunE2EPartialPlacement: RunTask places 2 of 3 tasks (the sandbox's place2
// rule); doppio reports the failure, still follows the two that started (their log
// lines and exit codes) and exits with the most severe result.
func TestRunE2EPartialPlacement(t *testing.T) {
	e := runProject(t)
	overrides := func(cmd string) string {
		return `{"containerOverrides":[{"name":"web","command":["sh","-c",` + cmd + `],"environment":[{"name":"SANDBOX_BEHAVIOUR","value":"place2"}]}]}`
	}

	// The two tasks succeed: exit 4 for the one that never ran.
	code, out, errs := e.run("app", "", "run", poll, "--count", "3", "--output", "json", "--overrides", overrides(`"echo migrated"`))
	if code != diag.ExitFailed {
		t.Fatalf("exit %d, want 4\n%s\n%s", code, out, errs)
	}
	var doc struct {
		ExitCode int      `json:"exitCode"`
		TaskARNs []string `json:"taskArns"`
		Failures []struct {
			Reason string `json:"reason"`
		} `json:"failures"`
		Tasks []struct {
			ExitCode *int `json:"exitCode"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.ExitCode != 4 || len(doc.TaskARNs) != 2 || len(doc.Tasks) != 2 || len(doc.Failures) != 1 ||
		!strings.HasPrefix(doc.Failures[0].Reason, "Capacity is unavailable") {
		t.Errorf("result document:\n%s", out)
	}
	for _, tr := range doc.Tasks {
		if tr.ExitCode == nil || *tr.ExitCode != 0 {
			t.Errorf("a started task was not followed to its exit code:\n%s", out)
		}
	}
	if n := len(grepLines(errs, "migrated")); n != 2 {
		t.Errorf("log lines of the started tasks: %d, want 2\n%s", n, errs)
	}
	wantIn(t, "stderr", errs, "ECS could not place a task", "Capacity is unavailable", "1 of 3 tasks could not be placed")

	// A started task's non-zero exit code is more telling than the placement: it wins.
	code, _, errs = e.run("app", "", "run", poll, "--count", "3", "--overrides", overrides(`"exit 3"`))
	if code != 3 || !strings.Contains(errs, "1 of 3 tasks could not be placed") {
		t.Errorf("exit %d, want 3\n%s", code, errs)
	}

	// --no-wait: the started tasks on stdout, exit 4.
	code, out, errs = e.run("app", "", "run", poll, "--count", "3", "--no-wait", "--overrides", overrides(`"echo x"`))
	if code != diag.ExitFailed || len(strings.Fields(out)) != 2 || !strings.Contains(errs, "could not place") {
		t.Errorf("--no-wait: exit %d\n%s\n%s", code, out, errs)
	}

	// None placed: exit 4 at once, with the reason and a hint.
	code, _, errs = e.run("app", "", "run", poll, "--count", "3", "--overrides", strings.Replace(overrides(`"echo x"`), "place2", "place0", 1))
	if code != diag.ExitFailed || !strings.Contains(errs, "ECS could not place 3 task(s): Capacity is unavailable") || !strings.Contains(errs, "hint: check the cluster's capacity") {
		t.Errorf("none placed: exit %d\n%s", code, errs)
	}
}
