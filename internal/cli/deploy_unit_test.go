package cli

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/cli/view"
)

func TestUnitDeployDryRun(t *testing.T) {
	u := startUnit(t, 3)
	out, _ := u.must(0, "deploy", "--dry-run")
	contains(t, "deploy --dry-run", out, "task definition: register a new revision of web", "a new deployment will start", `+      "image": "nginx:1.25",`)
	u.noChanges()
}

func TestUnitDeployNothingToDo(t *testing.T) {
	u := startUnit(t, 3)
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
	u := startUnit(t, 2)
	u.write("ecs-service-def.json", strings.Replace(unitServiceDef, `"desiredCount": 1`, `"desiredCount": "one"`, 1))
	_, errs := u.must(2, "deploy")
	contains(t, "deploy of a bad service definition", errs, "ecs-service-def.json")
	u.noChanges()
}

func TestUnitDeployMissingRevision(t *testing.T) {
	u := startUnit(t, 2)
	code, _, errs := u.run("", "deploy", "--revision", "7")
	if code == 0 {
		t.Fatalf("deploy --revision 7 of a family with 2 revisions: exit 0\n%s", errs)
	}
	contains(t, "deploy --revision 7", errs, "web:7")
	u.noChanges()
}

// deploy registers the rendered revision, points the service at it and reports the
// finished deployment as JSON.
func TestUnitDeployApplies(t *testing.T) {
	u := startUnit(t, 3)
	out, errs := u.must(0, "deploy", "--poll-interval", "1ms", "--output", "json")
	var res view.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Outcome != "succeeded" || res.TaskDefinitionARN != tdARN("web", 4) {
		t.Errorf("deploy json: %v\n%s\n%s", err, out, errs)
	}
	if c := u.ecs.changes(); !slices.Equal(c, []string{"RegisterTaskDefinition", "UpdateService"}) {
		t.Errorf("deploy changed %v, want a registration and one update", c)
	}
	if td := aws.ToString(u.ecs.services["prod/web"].TaskDefinition); td != tdARN("web", 4) {
		t.Errorf("service runs %s after deploy, want web:4", td)
	}
	// the same deploy again: nothing to register, nothing to deploy
	_, errs = u.must(0, "deploy", "--poll-interval", "1ms")
	contains(t, "second deploy", errs, "nothing to deploy")
	if n := u.ecs.called("RegisterTaskDefinition"); n != 1 {
		t.Errorf("a second identical deploy registered again (%d registrations)", n)
	}
}
