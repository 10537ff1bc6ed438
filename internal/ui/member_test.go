package ui

import (
	"bytes"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/golden"
)

// fleetScript drives a console through what a fleet deploy of two services shows: a
// row per member from the start, each member's log lines and deployment rows, the
// end of one deployment, and the fleet ending each member's row with its outcome.
func fleetScript(c *Console, clk *clock) {
	c.SetRow("web", Entry{Msg: "member", Text: "[web] waiting"})
	c.SetRow("api", Entry{Msg: "member", Text: "[api] waiting"})
	web, api := c.Member("[web] ", "web"), c.Member("[api] ", "api")
	NewLogger(web, LogOptions{}).Info("registered task definition", "taskDefinition", "web:8")
	web.SetRow("ecs-svc/2", Entry{Msg: "deployment", Text: "deployment ecs-svc/2 IN_PROGRESS  running 0/2 pending 2"})
	clk.t = clk.t.Add(2 * time.Second)
	NewLogger(api, LogOptions{}).Info("task definition unchanged", "taskDefinition", "api:3")
	api.SetRow("ecs-svc/9", Entry{Msg: "deployment", Text: "deployment ecs-svc/9 IN_PROGRESS  running 1/1 pending 0"})
	clk.t = clk.t.Add(3 * time.Second)
	web.Print(Entry{Msg: "event", Text: "event  (service web) has started 2 tasks"})
	web.SetRow("ecs-svc/2", Entry{Msg: "deployment", Text: "deployment ecs-svc/2 IN_PROGRESS  running 2/2 pending 0"})
	fmt.Fprint(api, "a plan line\nand a second\n")
	clk.t = clk.t.Add(4 * time.Second)
	web.EndRow("ecs-svc/2", Entry{Msg: "deployment", Text: "deployment ecs-svc/2 COMPLETED  running 2/2 pending 0"})
	web.DropRow("ecs-svc/2")
	c.EndRow("web", Entry{Msg: "member", Text: "[web] succeeded", Attrs: []slog.Attr{slog.String("service", "web")}})
	clk.t = clk.t.Add(6 * time.Second)
	api.EndRow("ecs-svc/9", Entry{Msg: "deployment", Text: "deployment ecs-svc/9 COMPLETED  running 1/1 pending 0"})
	c.EndRow("api", Entry{Msg: "member", Text: "[api] succeeded"})
}

// TestConsoleFleet renders a fleet on a 60-column virtual terminal (the final screen,
// a frame in the middle, and every frame raw) and as plain lines.
func TestConsoleFleet(t *testing.T) {
	time.Local = time.UTC
	for _, live := range []bool{true, false} {
		name := "fleet-plain"
		if live {
			name = "fleet-live"
		}
		t.Run(name, func(t *testing.T) {
			clk := newClock()
			var b bytes.Buffer
			c := NewConsole(&b, ConsoleOptions{Live: live, UTC: !live, Width: 60, Now: clk.now})
			fleetScript(c, clk)
			got := b.String()
			if live {
				// Mid-run, each member has exactly one row, below the lines.
				screen := mustScreen(t, b.Bytes()[:bytes.Index(b.Bytes(), []byte("\x1b[2A\r\x1b[J[api] a plan line"))], 60)
				lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
				rows := lines[len(lines)-2:]
				if !strings.HasPrefix(rows[0], "[web] deployment ecs-svc/2 IN_PROGRESS  running 2/2") || !strings.HasPrefix(rows[1], "[api] deployment ecs-svc/9 IN_PROGRESS") {
					t.Errorf("rows mid-run:\n%s", screen)
				}
				got = "final screen:\n" + mustScreen(t, b.Bytes(), 60) + "\nmid-run screen:\n" + screen + "\nraw:\n" + strconv.Quote(got)
				got = strings.ReplaceAll(got, `\n`, "\\n\n")
			}
			golden.Assert(t, "testdata/console-"+name+".golden", []byte(got))
		})
	}
}
