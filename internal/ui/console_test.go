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
	"github.com/doppio-ecs/doppio/internal/ui/vt"
)

// clock is a test clock that moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)} }

// script drives a console through what a deploy shows: a log line, a service's row
// changing over three polls while an event and a log line arrive, then its end.
func script(c *Console, clk *clock, log *slog.Logger) {
	log.Info("registered task definition", "taskDefinition", "web:8")
	clk.t = clk.t.Add(time.Second)
	c.SetRow("web", Entry{Msg: "deployment", Text: "web  deployment ecs-svc/2 IN_PROGRESS  running 0/2 pending 2",
		Attrs: []slog.Attr{slog.String("service", "web"), slog.Int("runningCount", 0), slog.Int("desiredCount", 2)}})
	c.SetRow("api", Entry{Msg: "deployment", Text: "api  deployment ecs-svc/9 IN_PROGRESS  running 1/1 pending 0",
		Attrs: []slog.Attr{slog.String("service", "api"), slog.Int("runningCount", 1), slog.Int("desiredCount", 1)}})
	clk.t = clk.t.Add(4 * time.Second)
	c.Print(Entry{Msg: "event", Text: "event  (service web) has started 2 tasks: (task a) (task b).",
		Attrs: []slog.Attr{slog.String("service", "web"), slog.String("event", "(service web) has started 2 tasks: (task a) (task b).")}})
	c.SetRow("web", Entry{Msg: "deployment", Text: "web  deployment ecs-svc/2 IN_PROGRESS  running 1/2 pending 1",
		Attrs: []slog.Attr{slog.String("service", "web"), slog.Int("runningCount", 1), slog.Int("desiredCount", 2)}})
	clk.t = clk.t.Add(5 * time.Second)
	log.Warn("slow to start", "service", "web")
	c.EndRow("web", Entry{Msg: "deployment", Text: "web  deployment ecs-svc/2 COMPLETED  running 2/2 pending 0",
		Attrs: []slog.Attr{slog.String("service", "web"), slog.Int("runningCount", 2), slog.Int("desiredCount", 2)}})
	fmt.Fprint(c, "type the service name: ")
}

// TestConsoleFormats renders the same script on a terminal (the final screen of a
// 60-column virtual terminal, and every frame), as plain lines and as JSON lines.
func TestConsoleFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    ConsoleOptions
	}{
		{"live", ConsoleOptions{Live: true, Width: 60}},
		{"plain", ConsoleOptions{UTC: true}},
		{"json", ConsoleOptions{JSON: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			time.Local = time.UTC
			clk := newClock()
			var b bytes.Buffer
			tc.o.Now = clk.now
			c := NewConsole(&b, tc.o)
			script(c, clk, NewLogger(c, LogOptions{}))
			got := b.String()
			if tc.o.Live {
				if strings.Contains(got, "\x1b[3") {
					t.Error("colour without Color")
				}
				got = "final screen:\n" + mustScreen(t, b.Bytes(), 60) + "\nraw:\n" + strconv.Quote(got)
				got = strings.ReplaceAll(got, `\n`, "\\n\n")
			}
			golden.Assert(t, "testdata/console-"+tc.name+".golden", []byte(got))
		})
	}
}

// TestConsoleLiveRowsFitWidth: a live row longer than the terminal is cut, so that
// the redraw's cursor movements count the right number of lines.
func TestConsoleLiveRowsFitWidth(t *testing.T) {
	var b bytes.Buffer
	clk := newClock()
	c := NewConsole(&b, ConsoleOptions{Live: true, Width: 20, Now: clk.now})
	c.SetRow("a", Entry{Text: strings.Repeat("x", 50)})
	c.SetRow("a", Entry{Text: strings.Repeat("y", 50)})
	want := strings.Repeat("y", 14) + "…  0s"
	if got := mustScreen(t, b.Bytes(), 20); got != want+"\n" {
		t.Errorf("screen:\n%q\nwant\n%q", got, want)
	}
}

func mustScreen(t *testing.T, p []byte, width int) string {
	t.Helper()
	s, err := vt.Screen(p, width)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConsoleColour: warnings and errors are coloured only when colour is on, and
// NO_COLOR (any value) or a pipe turns it off (UseColor).
func TestConsoleColour(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		flag, noColor, terminal bool
		wantColour              bool
	}{
		{"terminal", true, false, true, true},
		{"NO_COLOR", true, true, true, false},
		{"--no-color", false, false, true, false},
		{"pipe", true, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			c := NewConsole(&b, ConsoleOptions{Color: UseColor(tc.flag, tc.noColor, tc.terminal), Now: newClock().now})
			NewLogger(c, LogOptions{}).Error("boom")
			if got := strings.Contains(b.String(), "\x1b["); got != tc.wantColour {
				t.Errorf("colour %t, want %t: %q", got, tc.wantColour, b.String())
			}
		})
	}
}
