package e2e

import (
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// A deploy whose image cannot be pulled: the service's tasks stop before any
// container runs, the circuit breaker rolls back, and the explainer names the pull
// error and the stop code (no exit codes, no log lines: nothing ran).
func TestDeployE2EPullFailureExplained(t *testing.T) {
	e := deployedProject(t)

	e.setenv("IMAGE", "nginx:pullfail")
	out, errs := e.must(diag.ExitFailed, "app", "deploy", poll, "--output", "json")
	wantIn(t, "stderr", errs,
		"why it failed:",
		"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:pullfail",
		"[TaskFailedToStart]\n",
		`no log lines: container "web" never started (TaskFailedToStart), so it wrote none`)
	if strings.Contains(errs, "exit codes:") {
		t.Errorf("exit codes for containers that never ran:\n%s", errs)
	}
	if !strings.Contains(out, `"explanation"`) || !strings.Contains(out, "CannotPullContainerError") {
		t.Errorf("json lacks the explanation:\n%s", out)
	}
	// The rollback restored the image that pulls.
	e.runsImage("nginx:1.27")
}
