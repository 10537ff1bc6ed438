package cli

import (
	"testing"
)

func TestUnitDiffDrift(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(3) // live web:3 runs nginx:1.22; the file renders nginx:1.25
	out, _ := u.must(0, "diff")
	contains(t, "diff", out, "--- "+tdARN("web", 3), "+++ ecs-task-def.json", `-      "image": "nginx:1.22",`, `+      "image": "nginx:1.25",`)
	out2, _ := u.must(3, "diff", "--exit-code")
	if out2 != out {
		t.Errorf("diff --exit-code prints another diff:\n%s", out2)
	}
	u.noChanges()
}

func TestUnitDiffIdentical(t *testing.T) {
	u := startUnit(t, 3)
	u.vars["IMAGE_TAG"] = "1.22"
	out, errs := u.must(0, "diff", "--exit-code")
	if out != "" {
		t.Errorf("diff of identical definitions printed:\n%s", out)
	}
	contains(t, "diff stderr", errs, "no differences")
	u.noChanges()
}

func TestUnitDiffServiceDrift(t *testing.T) {
	u := startUnit(t, 3)
	u.vars["IMAGE_TAG"] = "1.22"
	u.ecs.services["prod/web"].DesiredCount = 4
	out, _ := u.must(3, "diff", "--exit-code")
	contains(t, "diff of a scaled service", out, `"desiredCount": 4`, `"desiredCount": 1`)
	u.noChanges()
}
