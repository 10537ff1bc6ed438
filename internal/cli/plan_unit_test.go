package cli

import (
	"strings"
	"testing"
)

func TestUnitPlanChanges(t *testing.T) {
	u := startUnit(t, 3)
	out, _ := u.must(0, "plan", "--tasks", "2")
	contains(t, "plan", out, "plan: update service web in cluster prod", "task definition: register a new revision of web",
		"desired count: 1 -> 2", "a new deployment will start", `+      "image": "nginx:1.25",`)
	u.noChanges()
}

func TestUnitPlanNothingToDo(t *testing.T) {
	u := startUnit(t, 3)
	u.vars["IMAGE_TAG"] = "1.22"
	out, _ := u.must(0, "plan")
	contains(t, "plan of what runs", out, "plan: update service web in cluster prod", "nothing to change")
	if strings.Contains(out, "register a new revision") || strings.Contains(out, "---") {
		t.Errorf("plan of what runs registers or diffs:\n%s", out)
	}
	u.noChanges()
}

func TestUnitPlanCreate(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	out, _ := u.must(0, "plan")
	contains(t, "plan of a new service", out, "create service web in cluster prod")
	u.noChanges()
}
