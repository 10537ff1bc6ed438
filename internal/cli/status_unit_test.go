package cli

import (
	"encoding/json"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli/view"
)

func TestUnitStatus(t *testing.T) {
	u := startUnit(t, 2)
	out, _ := u.must(0, "status")
	contains(t, "status", out, "Service: web (ACTIVE)", "Cluster: prod", "TaskDefinition: web:2", "Deployments:", "PRIMARY", "steady state")

	out, _ = u.must(0, "status", "--output", "json", "--events", "1")
	var st view.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Service != "web" || len(st.Deployments) != 1 || len(st.Events) != 1 {
		t.Errorf("status json: %v\n%s", err, out)
	}
	u.noChanges()
}

// One exit code (1) and one message for a configured service that does not exist,
// whichever verb meets it (the unit form of TestE2EServiceNotFound).
func TestUnitServiceNotFound(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"status"}, {"wait"}, {"delete", "--force"}, {"revisions", "--revision", "current"}} {
		u := newUnit(t)
		u.write("doppio.yml", "region: us-east-1\ncluster: prod\nservice: web\ntask_definition: ecs-task-def.json\n")
		_, errs := u.must(1, args...)
		contains(t, args[0], errs, `service "web" not found in cluster "prod"`, "'doppio deploy' creates it")
		u.noChanges()
	}
}
