package e2e

import (
	"strings"
	"testing"
)

// TestPlanE2EShowsWhatChanges: plan prints what the new task definition changes
// against the live one, and the whole definition only with --full.
func TestPlanE2EShowsWhatChanges(t *testing.T) {
	e := deployedProject(t)
	e.setenv("IMAGE", "nginx:1.28")
	out, _ := e.must(0, "app", "plan")
	wantIn(t, "plan", out, "task definition changes (--full shows the whole definition)", "-", "nginx:1.27", "+", "nginx:1.28")
	if strings.Contains(out, "task definition to register:") || strings.Contains(out, `"cpu": "256"`) {
		t.Errorf("plan printed the whole task definition without --full:\n%s", out)
	}
	out, _ = e.must(0, "app", "plan", "--full")
	wantIn(t, "plan --full", out, "task definition to register:", `"family": "web"`, "nginx:1.28")
	out, _ = e.must(0, "app", "deploy", "--dry-run")
	wantIn(t, "deploy --dry-run", out, "task definition changes", "nginx:1.28")
}
