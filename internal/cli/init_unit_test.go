package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// emptyUnit is the harness on an empty directory (no project yet).
func emptyUnit(t *testing.T) *unit {
	u := newUnit(t)
	u.dir = t.TempDir()
	return u
}

// init writes the config and both definitions of a live service; diff right after
// finds nothing, and a local change shows (exit 3).
func TestUnitInitThenDiff(t *testing.T) {
	t.Parallel()
	u := emptyUnit(t)
	u.withService(2)
	_, errs := u.must(0, "init", "--cluster", "prod", "--service", "web")
	for _, f := range []string{"doppio.yml", "ecs-task-def.json", "ecs-service-def.json"} {
		if _, err := os.Stat(filepath.Join(u.dir, f)); err != nil {
			t.Errorf("init did not write %s: %v\n%s", f, err, errs)
		}
	}
	b, _ := os.ReadFile(filepath.Join(u.dir, "doppio.yml"))
	contains(t, "doppio.yml", string(b), "region: us-east-1", "cluster: prod", "service: web")
	b, _ = os.ReadFile(filepath.Join(u.dir, "ecs-task-def.json"))
	contains(t, "ecs-task-def.json", string(b), `"family": "web"`, `"image": "nginx:1.21"`)
	if strings.Contains(string(b), "taskDefinitionArn") || strings.Contains(string(b), "registeredAt") {
		t.Errorf("init kept read-only fields:\n%s", b)
	}
	u.noChanges()

	out, errs := u.must(0, "diff", "--exit-code")
	if out != "" {
		t.Errorf("diff right after init:\n%s\n%s", out, errs)
	}
	u.write("ecs-task-def.json", strings.Replace(string(b), "nginx:1.21", "nginx:9", 1))
	out, _ = u.must(3, "diff", "--exit-code")
	contains(t, "diff after a local change", out, `+      "image": "nginx:9",`)

	// a second init refuses to overwrite
	_, errs = u.must(2, "init", "--cluster", "prod", "--service", "web")
	contains(t, "init over existing files", errs, "doppio.yml")
	u.noChanges()
}

func TestUnitInitRefusals(t *testing.T) {
	t.Parallel()
	u := emptyUnit(t)
	u.withService(1)
	_, errs := u.must(1, "init", "--cluster", "prod", "--service", "ghost")
	contains(t, "init of a missing service", errs, `service "ghost" not found in cluster "prod"`)
	delete(u.vars, "AWS_REGION")
	_, errs = u.must(2, "init", "--cluster", "prod", "--service", "web")
	contains(t, "init without a region", errs, "no region", "--region")
	if entries, _ := os.ReadDir(u.dir); len(entries) != 0 {
		t.Errorf("refused inits wrote %d files", len(entries))
	}
}
