package cli

import (
	"testing"
)

func TestUnitScale(t *testing.T) {
	u := startUnit(t, 2)
	_, errs := u.must(0, "scale", "--tasks", "3", "--poll-interval", "1ms")
	contains(t, "scale", errs, "desired count: 1 -> 3", "no new deployment (attributes only)", "deployment succeeded")
	if got := u.ecs.services["prod/web"].DesiredCount; got != 3 {
		t.Errorf("desired count after scale: %d, want 3", got)
	}
	if c := u.ecs.changes(); len(c) != 1 || c[0] != "UpdateService" {
		t.Errorf("scale changed %v, want one UpdateService", c)
	}
	if n := u.ecs.called("RegisterTaskDefinition"); n != 0 {
		t.Errorf("scale registered %d task definitions", n)
	}
}

func TestUnitScaleDryRun(t *testing.T) {
	u := startUnit(t, 2)
	out, errs := u.must(0, "scale", "--tasks", "0", "--dry-run")
	contains(t, "scale --dry-run", out+errs, "desired count: 1 -> 0")
	u.noChanges()
}

func TestUnitScaleRefusals(t *testing.T) {
	u := startUnit(t, 1)
	_, errs := u.must(2, "scale", "--tasks", "-2")
	contains(t, "scale --tasks -2", errs, "--tasks")
	_, errs = u.must(2, "scale", "--resume-auto-scaling", "--suspend-auto-scaling")
	contains(t, "scale --resume --suspend", errs, "doppio: error:")
	u.noCalls("bad flags")
	// no such service: scale creates none, and says so as every verb does (exit 1)
	v := newUnit(t)
	_, errs = v.must(1, "scale", "--tasks", "2")
	contains(t, "scale of a missing service", errs, `service "web" not found in cluster "prod"`, "'doppio deploy' creates it")
	v.noChanges()
}

// refresh starts a new deployment of what runs: no registration, one UpdateService
// that forces a new deployment.
func TestUnitRefresh(t *testing.T) {
	u := startUnit(t, 2)
	_, errs := u.must(0, "refresh", "--poll-interval", "1ms")
	contains(t, "refresh", errs, "deployment ecs-svc/1002", "deployment succeeded")
	if c := u.ecs.changes(); len(c) != 1 || c[0] != "UpdateService" {
		t.Errorf("refresh changed %v, want one UpdateService", c)
	}
	out, _ := u.must(0, "refresh", "--dry-run")
	contains(t, "refresh --dry-run", out, "plan: update service web in cluster prod")
	if n := u.ecs.called("UpdateService"); n != 1 {
		t.Errorf("refresh --dry-run updated the service")
	}
}
