package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestUnitRollbackPlan(t *testing.T) {
	u := startUnit(t, 3)
	out, _ := u.must(0, "rollback", "--dry-run")
	if want := "plan: roll back service web in cluster prod from web:3\n  update the service to web:2\n  then deregister web:3 unless still in use\n"; out != want {
		t.Errorf("rollback --dry-run:\n%s\nwant:\n%s", out, want)
	}
	out, _ = u.must(0, "rollback", "--dry-run", "--revision", "1", "--no-deregister-task-definition")
	contains(t, "rollback --revision 1", out, "update the service to web:1")
	if strings.Contains(out, "deregister") {
		t.Errorf("rollback --no-deregister-task-definition plans a deregistration:\n%s", out)
	}
	u.noChanges()
}

func TestUnitRollbackSkipsInactive(t *testing.T) {
	u := startUnit(t, 3)
	u.ecs.families["web"][1].Status = types.TaskDefinitionStatusInactive // web:2
	out, _ := u.must(0, "rollback", "--dry-run")
	contains(t, "rollback past an INACTIVE revision", out, "update the service to web:1")
	u.noChanges()
}

func TestUnitRollbackRefusals(t *testing.T) {
	u := startUnit(t, 1)
	_, errs := u.must(1, "rollback")
	contains(t, "rollback with nothing older", errs, `no ACTIVE revision of "web" older than 1 to roll back to`)
	u.noChanges()

	v := newUnit(t)
	v.withService(3)
	_, errs = v.must(2, "rollback", "--revision", "9")
	contains(t, "rollback --revision 9", errs, `--revision 9: task definition web:9 is not ACTIVE; the latest ACTIVE revision of "web" is 3`)
	_, errs = v.must(2, "rollback", "--no-wait", "--deregister-task-definition")
	contains(t, "rollback --no-wait", errs, "needs to wait for the rollback, but --no-wait was given")
	v.noChanges()

	// (rollback exits 2 here where status, wait and delete exit 1: internal/deploy's
	// own not-found error; the code is not pinned until they agree)
	w := newUnit(t)
	code, _, errs := w.run("", "rollback")
	if code == 0 {
		t.Errorf("rollback of a missing service: exit 0")
	}
	contains(t, "rollback of a missing service", errs, `service "web" not found in cluster "prod"`)
	w.noChanges()
}

func TestUnitRollbackApply(t *testing.T) {
	u := startUnit(t, 3)
	_, errs := u.must(0, "rollback", "--poll-interval", "1ms")
	contains(t, "rollback", errs, "deployment succeeded", "rolled back")
	// the log names the deployment the rollback started
	if !regexp.MustCompile(`rolled back.* deployment=ecs-svc/\d+`).MatchString(errs) {
		t.Errorf("rollback does not name its deployment:\n%s", errs)
	}
	if td := aws.ToString(u.ecs.services["prod/web"].TaskDefinition); td != tdARN("web", 2) {
		t.Errorf("service runs %s after rollback, want web:2", td)
	}
	// no task runs web:3 any more: it is deregistered
	if u.revStatus(3) != types.TaskDefinitionStatusInactive {
		t.Errorf("web:3 is %s after rollback, want INACTIVE", u.revStatus(3))
	}

	// a task still running the old revision keeps it registered, with a warning
	v := newUnit(t)
	v.withService(3)
	v.ecs.addTask("prod", "service:web", tdARN("web", 3), types.DesiredStatusRunning)
	_, errs = v.must(0, "rollback", "--poll-interval", "1ms")
	contains(t, "rollback with web:3 in use", errs, "left web:3 registered: still in use")
	if v.revStatus(3) != types.TaskDefinitionStatusActive {
		t.Errorf("web:3 in use was deregistered")
	}
}

// continue refuses when no deployment waits at a PAUSE hook, and changes nothing.
func TestUnitContinueNothingPaused(t *testing.T) {
	u := startUnit(t, 2)
	for _, args := range [][]string{{"continue"}, {"continue", "--rollback"}} {
		_, errs := u.must(1, args...)
		contains(t, "continue", errs, `no deployment of service "web" is waiting at a PAUSE lifecycle hook`)
	}
	u.noChanges()
}
