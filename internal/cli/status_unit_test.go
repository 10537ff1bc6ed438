package cli

import (
	"encoding/json"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli/view"
)

func TestUnitStatus(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.withService(2)
	out, _ := u.must(0, "status")
	contains(t, "status", out, "Service: web (ACTIVE)", "Cluster: prod", "TaskDefinition: web:2", "Deployments:", "PRIMARY", "steady state")

	out, _ = u.must(0, "status", "--output", "json", "--events", "1")
	var st view.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Service != "web" || len(st.Deployments) != 1 || len(st.Events) != 1 {
		t.Errorf("status json: %v\n%s", err, out)
	}
	u.noChanges()
}
