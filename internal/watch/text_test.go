package watch

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/ui/vt"
)

// TestTextObserverViews renders one rolling deployment — an old deployment draining,
// ours ramping up, an event between polls, ours completing — as a terminal shows it
// (the final screen of an 80-column virtual terminal), as plain lines and as JSON
// lines. Every line is stamped by doppio's clock when printed, never by ECS's.
func TestTextObserverViews(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    ui.ConsoleOptions
	}{
		{"live", ui.ConsoleOptions{Live: true, Width: 80}},
		{"plain", ui.ConsoleOptions{UTC: true}},
		{"json", ui.ConsoleOptions{JSON: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			time.Local = time.UTC
			now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
			ecsClock := now.Add(-3 * time.Hour) // a skewed (or simulated) AWS clock
			tc.o.Now = func() time.Time { return now }
			var b bytes.Buffer
			o := NewTextObserver(ui.NewConsole(&b, tc.o), false)
			old := DeploymentState{ID: "ecs-svc/1", Status: "ACTIVE", TaskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/web:7", RolloutState: "COMPLETED", Desired: 2, Running: 2}
			ours := DeploymentState{ID: "ecs-svc/2", Status: "PRIMARY", TaskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/web:8", RolloutState: "IN_PROGRESS", Desired: 2, Pending: 2, Ours: true}
			snap := func(ds ...DeploymentState) Snapshot {
				return Snapshot{At: ecsClock, Cluster: "default", Service: "web", DeploymentID: "ecs-svc/2", Deployments: ds}
			}
			o.Progress(snap(ours, old))
			now = now.Add(5 * time.Second)
			o.Event(ServiceEvent{ID: "e1", CreatedAt: ecsClock.Add(time.Second), Message: "(service web) has started 2 tasks: (task a) (task b)."})
			ours.Running, ours.Pending = 2, 0
			old.Running, old.Desired = 0, 0
			o.Progress(snap(ours, old))
			now = now.Add(5 * time.Second)
			ours.RolloutState = "COMPLETED"
			o.Progress(snap(ours))
			got := b.String()
			if tc.o.Live {
				s, err := vt.Screen(b.Bytes(), 80)
				if err != nil {
					t.Fatal(err)
				}
				got = "final screen:\n" + s + "\nraw:\n" + strings.ReplaceAll(strconv.Quote(got), `\n`, "\\n\n")
			}
			golden.Assert(t, "testdata/observer-"+tc.name+".golden", []byte(got))
		})
	}
}
