package cli

import (
	"strings"
	"testing"
)

func TestUnitDeployDryRun(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(3)
	out, _ := u.must(0, "deploy", "--dry-run")
	contains(t, "deploy --dry-run", out, "task definition: register a new revision of web", "a new deployment will start", `+      "image": "nginx:1.25",`)
	u.noChanges()
}

func TestUnitDeployNothingToDo(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(3)
	_, errs := u.must(0, "deploy", "--skip-task-definition")
	contains(t, "deploy --skip-task-definition", errs, "nothing to change", "service is up to date; nothing to deploy")
	u.noChanges()
}

func TestUnitDeployBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "--revision", "2", "--latest-task-definition"}, "--revision and --latest-task-definition exclude each other"},
		{[]string{"deploy", "--revision=-1"}, "--revision -1: must be above 0"},
		{[]string{"deploy", "--tasks", "-5"}, "--tasks"},
		{[]string{"deploy", "--wait-until", "nowhere"}, "--wait-until"},
		{[]string{"deploy", "--output", "table"}, "--output table"},
	} {
		u := newUnit(t)
		u.withService(2)
		_, errs := u.must(2, tc.args...)
		contains(t, strings.Join(tc.args, " "), errs, tc.want)
		if len(u.ecs.calls) != 0 {
			t.Errorf("%v: bad flags made calls %v", tc.args, u.ecs.calls)
		}
	}
}

func TestUnitDeployInvalidDefinition(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(2)
	u.write("ecs-service-def.json", strings.Replace(unitServiceDef, `"desiredCount": 1`, `"desiredCount": "one"`, 1))
	_, errs := u.must(2, "deploy")
	contains(t, "deploy of a bad service definition", errs, "ecs-service-def.json")
	u.noChanges()
}

func TestUnitDeployMissingRevision(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(2)
	code, _, errs := u.run("", "deploy", "--revision", "7")
	if code == 0 {
		t.Fatalf("deploy --revision 7 of a family with 2 revisions: exit 0\n%s", errs)
	}
	contains(t, "deploy --revision 7", errs, "web:7")
	u.noChanges()
}
