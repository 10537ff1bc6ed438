package cli

import (
	"testing"
)

func TestUnitDeleteRefusals(t *testing.T) {
	u := startUnit(t, 1)
	for _, args := range [][]string{{"delete"}, {"delete", "--force"}} {
		_, errs := u.must(1, args...)
		contains(t, "delete of a service with tasks", errs, `service "web" still wants 1 task(s); ECS deletes it only at 0`, "--terminate")
	}
	// without --force, deleting asks; no answer deletes nothing
	u.ecs.services["prod/web"].DesiredCount = 0
	code, _, errs := u.run("n\n", "delete")
	if code != 1 {
		t.Errorf("delete answered no: exit %d\n%s", code, errs)
	}
	u.noChanges()

	v := newUnit(t)
	_, errs = v.must(1, "delete", "--force")
	contains(t, "delete of a missing service", errs, `service "web" not found in cluster "prod"`)
	v.noChanges()

	w := newUnit(t)
	w.write("doppio.yml", "region: us-east-1\ncluster: prod\ntask_definition: ecs-task-def.json\n")
	_, errs = w.must(2, "delete", "--force")
	contains(t, "delete in a task-only project", errs, "no service configured")
	w.noCalls("a task-only project's delete")
}

func TestUnitDelete(t *testing.T) {
	u := startUnit(t, 1)
	out, errs := u.must(0, "delete", "--dry-run")
	contains(t, "delete --dry-run", out, "Service: web (ACTIVE)")
	u.noChanges()

	out, errs = u.must(0, "delete", "--terminate", "--force")
	if out != "arn:aws:ecs:us-east-1:123456789012:service/prod/web\n" {
		t.Errorf("delete stdout: %q, want the service ARN", out)
	}
	contains(t, "delete", errs, "deleted service")
	if c := u.ecs.changes(); len(c) != 1 || c[0] != "DeleteService" {
		t.Errorf("delete made %v, want one DeleteService", c)
	}
}
