package cli

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestUnitRegister(t *testing.T) {
	u := startUnit(t, 1)
	u.vars["IMAGE_TAG"] = "2.0"
	out, errs := u.must(0, "register")
	if out != tdARN("web", 2)+"\n" {
		t.Errorf("register stdout: %q, want the new revision's ARN", out)
	}
	contains(t, "register stderr", errs, "registered task definition")
	if n := u.ecs.called("RegisterTaskDefinition"); n != 1 {
		t.Errorf("RegisterTaskDefinition calls: %d, want 1", n)
	}
	if img := aws.ToString(u.ecs.families["web"][1].ContainerDefinitions[0].Image); img != "nginx:2.0" {
		t.Errorf("registered image %q, want the rendered nginx:2.0", img)
	}
}

func TestUnitRegisterInvalid(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.write("ecs-task-def.json", strings.Replace(unitTaskDef, `"cpu": "256"`, `"cpu": 256, "memroy": "x"`, 1))
	_, errs := u.must(2, "register")
	contains(t, "register of a bad definition", errs, "ecs-task-def.json")
	u.noCalls("a bad definition")
}

func TestUnitRegisterDryRun(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	out, _ := u.must(0, "register", "--dry-run")
	contains(t, "register --dry-run", out, `"family": "web"`, `"image": "nginx:1.25"`)
	u.noCalls("register --dry-run")
}
