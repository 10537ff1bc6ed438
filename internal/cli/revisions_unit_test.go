package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli/view"
)

func TestUnitRevisions(t *testing.T) {
	u := startUnit(t, 3)

	out, _ := u.must(0, "revisions")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "NAME") || !strings.HasPrefix(lines[2], "| web:1 ") || !strings.Contains(lines[4], "| web:3 | PRIMARY deployment |") {
		t.Errorf("revisions table:\n%s", out)
	}
	out, _ = u.must(0, "revisions", "--output", "tsv")
	if out != "web:1\t\nweb:2\t\nweb:3\tPRIMARY deployment\n" {
		t.Errorf("revisions tsv:\n%q", out)
	}
	out, _ = u.must(0, "revisions", "--output", "json")
	var revs view.Revisions
	if err := json.Unmarshal([]byte(out), &revs); err != nil || len(revs) != 3 {
		t.Fatalf("revisions json (one array of 3): %v\n%s", err, out)
	}
	u.noChanges()
}

func TestUnitRevisionsOne(t *testing.T) {
	u := startUnit(t, 3)
	out, _ := u.must(0, "revisions", "--revision", "latest")
	contains(t, "revisions --revision latest", out, `"revision": 3`, `"image": "nginx:1.22"`, `"status": "ACTIVE"`)
	out, _ = u.must(0, "revisions", "--revision", "1")
	contains(t, "revisions --revision 1", out, `"revision": 1`, `"image": "nginx:1.20"`)
	// A revision that does not exist is the user's input: exit 2, naming the latest.
	_, errs := u.must(2, "revisions", "--revision", "9")
	contains(t, "revisions --revision 9", errs, "web:9 does not exist", `the latest revision of "web" is 3`)
	u.noChanges()
}
