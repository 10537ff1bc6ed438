package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// fleetLive is a fleet's live view on a terminal: one row per member, redrawn in
// place with what the member's verb shows (its deployment's state and counts, its
// task's) and the elapsed time, as docker compose up does; each member's lines are
// printed above the rows with its name after the stamp. Without a terminal (or in
// CI, under GitHub Actions groups, with --log-format json) a fleet prints plain
// prefixed lines instead, and fleetLive does nothing (nil).
type fleetLive struct {
	c       *ui.Console
	mu      sync.Mutex
	prefix  map[*member]string
	done    map[*member]bool
	members []*member
}

// fleetLiveView starts the live view when stderr is a live console: every member gets
// a row ("waiting" until it starts) and writes through a member console of its own.
func (a *app) fleetLiveView(members []*member, width int, grouped bool) *fleetLive {
	c, ok := a.stderr.(*ui.Console)
	if !ok || !c.Live() || c.JSON() || grouped {
		return nil
	}
	l := &fleetLive{c: c, prefix: map[*member]string{}, done: map[*member]bool{}, members: members}
	for _, m := range members {
		prefix := fmt.Sprintf("[%-*s] ", width, m.label)
		l.prefix[m] = prefix
		mc := c.Member(prefix, m.label)
		m.app.errBase, m.app.stderr = mc, mc
		m.app.log = ui.NewLogger(mc, ui.LogOptions{Format: a.g.LogFormat, Debug: a.g.Debug})
		c.SetRow(m.label, l.entry(m, "waiting"))
	}
	return l
}

func (l *fleetLive) entry(m *member, state string) ui.Entry {
	return ui.Entry{Msg: "service", Text: l.prefix[m] + state, Attrs: []slog.Attr{slog.String("service", m.label), slog.String("state", state)}}
}

// started shows that the member's verb runs.
func (l *fleetLive) started(m *member, verb string) {
	if l == nil {
		return
	}
	l.c.SetRow(m.label, l.entry(m, verb+" started"))
}

// ended prints the member's outcome as a line and removes its row.
func (l *fleetLive) ended(m *member, err error) {
	if l == nil {
		return
	}
	_, outcome, _ := m.report.Values()
	code := diag.ExitCode(err)
	switch {
	case errors.Is(err, fleet.ErrNotStarted):
		outcome = fleet.OutcomeNotStarted
	case outcome == "" || (code != 0 && outcome == "succeeded"):
		outcome = fleet.CodeOutcome(code)
	}
	if err != nil && code != 0 {
		outcome += fmt.Sprintf(" (exit %d)", code)
	}
	l.mu.Lock()
	l.done[m] = true
	l.mu.Unlock()
	l.c.EndRow(m.label, l.entry(m, outcome))
}

// close ends the rows of members that never ran.
func (l *fleetLive) close(results []fleet.Result) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.members {
		if l.done[m] {
			continue
		}
		state := fleet.OutcomeNotStarted
		for _, r := range results {
			if r.Name == m.label && r.Outcome != "" {
				state = r.Outcome
			}
		}
		l.c.EndRow(m.label, l.entry(m, state))
	}
}
