package cli

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// revStatus is the fake account's status of web:rev.
func (u *unit) revStatus(rev int) types.TaskDefinitionStatus {
	u.ecs.mu.Lock()
	defer u.ecs.mu.Unlock()
	return u.ecs.families["web"][rev-1].Status
}

func TestUnitDeregisterRevision(t *testing.T) {
	u := startUnit(t, 3)
	// the latest revision is the one in use: refused, nothing deregistered
	_, errs := u.must(2, "deregister", "--revision", "latest", "--force")
	contains(t, "deregister --revision latest", errs, "web:3 is in use (PRIMARY deployment)")
	u.noChanges()

	out, _ := u.must(0, "deregister", "--revision", "2", "--force")
	contains(t, "deregister --revision 2", out, "web:2")
	if u.revStatus(2) != types.TaskDefinitionStatusInactive || u.revStatus(1) != types.TaskDefinitionStatusActive || u.revStatus(3) != types.TaskDefinitionStatusActive {
		t.Errorf("after deregister --revision 2: web:1 %s, web:2 %s, web:3 %s", u.revStatus(1), u.revStatus(2), u.revStatus(3))
	}
	if n := u.ecs.called("DeregisterTaskDefinition"); n != 1 {
		t.Errorf("DeregisterTaskDefinition calls: %d, want 1", n)
	}
	// a revision that is not ACTIVE (any more): exit 2, naming the latest ACTIVE one
	_, errs = u.must(2, "deregister", "--revision", "2", "--force")
	contains(t, "deregister --revision 2 again", errs, `--revision 2: task definition web:2 is not ACTIVE; the latest ACTIVE revision of "web" is 3`)
	_, errs = u.must(2, "deregister", "--revision", "7", "--force")
	contains(t, "deregister --revision 7", errs, `task definition web:7 is not ACTIVE; the latest ACTIVE revision of "web" is 3`)
}

func TestUnitDeregisterKeeps(t *testing.T) {
	u := startUnit(t, 4)
	out, _ := u.must(0, "deregister", "--keeps", "1", "--dry-run")
	if out != "deregister web:1\nderegister web:2\nkeep web:3\nkeep web:4 (in use: PRIMARY deployment)\n" {
		t.Errorf("deregister --keeps 1 --dry-run:\n%s", out)
	}
	u.noChanges()

	// without --force, a "no" (or no terminal) deregisters nothing
	code, _, errs := u.run("n\n", "deregister", "--keeps", "1")
	if code != 1 {
		t.Errorf("deregister answered no: exit %d\n%s", code, errs)
	}
	u.noChanges()

	out, _ = u.must(0, "deregister", "--keeps", "1", "--force", "--delete", "--output", "json")
	var res struct {
		Deregistered []string `json:"deregistered"`
		Deleted      []string `json:"deleted"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Deregistered) != 2 || len(res.Deleted) != 2 {
		t.Errorf("deregister --keeps 1 --delete json: %v\n%s", err, out)
	}
	if u.revStatus(1) != types.TaskDefinitionStatusDeleteInProgress || u.revStatus(2) != types.TaskDefinitionStatusDeleteInProgress ||
		u.revStatus(3) != types.TaskDefinitionStatusActive || u.revStatus(4) != types.TaskDefinitionStatusActive {
		t.Errorf("after --keeps 1 --delete: %s %s %s %s", u.revStatus(1), u.revStatus(2), u.revStatus(3), u.revStatus(4))
	}
}

func TestUnitDeregisterBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"deregister"},
		{"deregister", "--revision", "2", "--keeps", "1"},
		{"deregister", "--revision", "x"},
		{"deregister", "--revision", "0"},
		{"deregister", "--keeps", "-1"},
	} {
		u := newUnit(t)
		u.withService(2)
		_, errs := u.must(2, args...)
		contains(t, "deregister bad flags", errs, "doppio: error:")
		if len(u.ecs.calls) != 0 {
			t.Errorf("%v: bad flags made calls %v", args, u.ecs.calls)
		}
	}
}
