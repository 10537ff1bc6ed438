package sandbox

import (
	"testing"
	"time"
)

// TestDaemonDeploymentPhases: a healthy revision rolls instance by instance to
// SUCCESSFUL; a crashing one rolls back after its first instance, or stops when
// there is nothing to roll back to; a newer deployment stops the one in flight.
func TestDaemonDeploymentPhases(t *testing.T) {
	T0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dm := &daemon{cps: []string{"cp-a", "cp-b"}}
	good, bad := &daemonRevision{arn: "good"}, &daemonRevision{arn: "bad", crash: true}
	step := 10 * time.Second
	healthy := &daemonDeployment{d: dm, target: good, createdAt: T0, step: step, instances: 6}
	for _, c := range []struct {
		at     time.Duration
		status string
		n      int
	}{{0, "IN_PROGRESS", 0}, {25 * time.Second, "IN_PROGRESS", 2}, {60 * time.Second, "SUCCESSFUL", 6}, {time.Hour, "SUCCESSFUL", 6}} {
		if st, n, _, _ := healthy.phase(T0.Add(c.at)); st != c.status || n != c.n {
			t.Errorf("healthy at %v: %s %d, want %s %d", c.at, st, n, c.status, c.n)
		}
	}
	crash := &daemonDeployment{d: dm, source: good, target: bad, createdAt: T0, step: step, instances: 6}
	for _, c := range []struct {
		at     time.Duration
		status string
	}{{5 * time.Second, "IN_PROGRESS"}, {15 * time.Second, "ROLLBACK_IN_PROGRESS"}, {25 * time.Second, "ROLLBACK_SUCCESSFUL"}} {
		if st, _, _, _ := crash.phase(T0.Add(c.at)); st != c.status {
			t.Errorf("crash at %v: %s, want %s", c.at, st, c.status)
		}
	}
	first := &daemonDeployment{d: dm, target: bad, createdAt: T0, step: step, instances: 6}
	if st, _, _, reason := first.phase(T0.Add(time.Minute)); st != "STOPPED" || reason == "" {
		t.Errorf("crash without a source: %s %q", st, reason)
	}
	healthy.stoppedAt, healthy.stopReason = T0.Add(15*time.Second), "superseded by a newer daemon deployment"
	if st, n, _, _ := healthy.phase(T0.Add(time.Minute)); st != "STOPPED" || n != 1 {
		t.Errorf("superseded: %s %d", st, n)
	}
}

// TestExpressMerge: an update keeps what it leaves out and a change of the
// container needs a new task definition, a change of scaling does not.
func TestExpressMerge(t *testing.T) {
	old := expressDefaults(expressConfigMembers{PrimaryContainer: &expressContainer{Image: "a:1"}, CPU: "512"})
	next := mergeExpress(old, expressConfigMembers{ScalingTarget: &expressScalingTarget{MinTaskCount: ptr(3)}})
	if next.CPU != "512" || next.PrimaryContainer.Image != "a:1" || *next.ScalingTarget.MaxTaskCount != 20 {
		t.Errorf("merge lost members: %+v", next)
	}
	if needsTaskDefinition(old, next) {
		t.Error("a scaling change registered a task definition")
	}
	if !needsTaskDefinition(old, mergeExpress(old, expressConfigMembers{PrimaryContainer: &expressContainer{Image: "a:2"}})) {
		t.Error("an image change did not register a task definition")
	}
}
