package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// A fleet member frees its --parallel slot once its change is applied, not when its
// rollout ends: with --parallel 1 and the clock stopped (no rollout can end), all
// three services are updated, and the run ends once the clock runs again.
func TestE2EFleetSlotFreedAfterApply(t *testing.T) {
	e := fleetProject(t, 3)
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	for i := range 3 {
		e.setenv("IMAGE_"+string(rune('0'+i)), "nginx:2")
	}
	e.sb.Clock().SetSpeed(0)
	var mu sync.Mutex
	updated := 0
	stderr := &syncBuffer{onLine: func(l string) {
		if !strings.Contains(l, "updated service") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if updated++; updated == 3 {
			e.sb.Clock().SetSpeed(40)
		}
	}}
	// With the slot held for the whole rollout, the second service would wait for
	// a rollout that cannot end: the run would time out instead.
	code, _ := e.runCtxIn(context.Background(), ".", stderr, "deploy", "--config", "services/*/ecspresso.yml",
		"--poll-interval", "200ms", "--parallel", "1", "--timeout", "30s")
	mu.Lock()
	defer mu.Unlock()
	if code != diag.ExitOK {
		t.Fatalf("exit %d, want 0 (%d services updated while the clock stood still)\n%s", code, updated, stderr.String())
	}
}
