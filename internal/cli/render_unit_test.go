package cli

import (
	"testing"
)

// render renders locally: no AWS call, and the config's template functions see
// the environment (envfiles included).
func TestUnitRender(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.write("prod.env", "IMAGE_TAG=3.1\n")
	out, _ := u.must(0, "render", "taskdef", "--envfile", "prod.env")
	contains(t, "render taskdef", out, `"image": "nginx:3.1"`, `"family": "web"`)
	out, _ = u.must(0, "render", "servicedef")
	contains(t, "render servicedef", out, `"desiredCount": 1`, `"launchType": "FARGATE"`)
	out, _ = u.must(0, "render", "config")
	contains(t, "render config", out, "cluster: prod", "service: web")
	if len(u.ecs.calls) != 0 {
		t.Errorf("render made AWS calls: %v", u.ecs.calls)
	}
}

func TestUnitRenderInvalid(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.write("ecs-task-def.json", `{"family": "web", "containerDefinitions": [`)
	_, errs := u.must(2, "render", "taskdef")
	contains(t, "render of broken JSON", errs, "ecs-task-def.json")
}
