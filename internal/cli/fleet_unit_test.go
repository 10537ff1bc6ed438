package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fleetUnit writes one project per service under DIR/<service>/, all in cluster
// prod, and creates the services in the fake account.
func fleetUnit(t *testing.T, services ...string) *unit {
	u := emptyUnit(t)
	for i, s := range services {
		if err := os.MkdirAll(filepath.Join(u.dir, s), 0o755); err != nil {
			t.Fatal(err)
		}
		u.write(filepath.Join(s, "doppio.yml"), strings.Replace(unitConfig, "service: web", "service: "+s, 1))
		u.write(filepath.Join(s, "ecs-task-def.json"), unitTaskDef)
		u.write(filepath.Join(s, "ecs-service-def.json"), unitServiceDef)
		arn := u.ecs.addTaskDefinition(unitTD("1.2" + string(rune('0'+i))))
		u.ecs.addService("prod", s, arn, 1)
	}
	return u
}

// Several configs run in one process on the same factory: every member's calls go
// to the fake (a fake ECS is not batched).
func TestUnitFleetStatusAndDiff(t *testing.T) {
	t.Parallel()
	u := fleetUnit(t, "api", "web")
	out, _ := u.must(0, "status", "--config", "*/doppio.yml")
	contains(t, "fleet status", out, "Service: api (ACTIVE)", "Service: web (ACTIVE)")

	u.vars["IMAGE_TAG"] = "1.20" // api runs web:1 (nginx:1.20); web runs web:2 (nginx:1.21)
	out, _ = u.must(3, "diff", "--exit-code", "--config", "*/doppio.yml")
	contains(t, "fleet diff", out, `+      "image": "nginx:1.20",`)
	u.noChanges()
}

// A fleet changes nothing unless every member's plan is valid.
func TestUnitFleetChangesNothingUnlessAllValid(t *testing.T) {
	t.Parallel()
	u := fleetUnit(t, "api", "web")
	u.write(filepath.Join("web", "ecs-service-def.json"), strings.Replace(unitServiceDef, `"desiredCount": 1`, `"desiredCount": "one"`, 1))
	code, out, errs := u.run("", "deploy", "--config", "*/doppio.yml")
	if code != 2 {
		t.Errorf("fleet deploy with one bad member: exit %d, want 2\n%s\n%s", code, out, errs)
	}
	u.noChanges()
}
