package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The one clock and the one line format of stderr.
//
// Every line doppio writes to stderr — log records, deployment progress, service
// events, hook results — goes through one Console, and the Console stamps each line
// with its own clock (doppio's local clock, Now) at the moment it prints it. Times that
// come from AWS (an event's createdAt, a deployment's updatedAt) are never used as a
// line's stamp: they are on another clock (the sandbox's runs faster than real time,
// and real AWS may be skewed), and mixing the two put lines out of order. They stay
// available as fields (eventTime) under --log-format json. Lines are thus in the order
// they were printed and their stamps never go backwards.
//
// The format depends on where stderr goes:
//   - plain (not a terminal, or CI=true): append-only lines
//     "2026-11-22T10:00:03Z  message  key=value", stamps in UTC (RFC 3339);
//   - live (a terminal outside CI): the same lines with local "15:04:05" stamps, plus
//     a block of rows at the bottom — one per service deployment or task — redrawn in
//     place with its state, counts and elapsed time, as docker compose up does;
//   - json (--log-format json): one JSON object per line with structured fields.

// ConsoleOptions select how a Console writes.
type ConsoleOptions struct {
	// JSON writes one JSON object per line (--log-format json).
	JSON bool
	// Live redraws rows in place (a terminal outside CI). Without it, rows are
	// printed as lines whenever they change.
	Live bool
	// UTC stamps lines with full RFC 3339 UTC times (CI logs, pipes, files); otherwise
	// with the local time of day, which reads better in a terminal.
	UTC bool
	// Color colours warnings and errors (never under NO_COLOR: see UseColor).
	Color bool
	// Width is the terminal's width in columns; live rows are cut to fit it so that
	// redrawing never miscounts wrapped lines. 0 means DefaultWidth.
	Width int
	// Now is the console's clock; default time.Now.
	Now func() time.Time
}

// DefaultWidth is the width assumed for a terminal whose width is unknown.
const DefaultWidth = 100

// Entry is one thing to show on stderr: Msg is the JSON record's "msg" (a short
// name: "deployment", "event", "started task"), Text the human line after the
// stamp ("" means Msg followed by the fields as key=value), Attrs the structured
// fields.
type Entry struct {
	Level slog.Level
	Msg   string
	Text  string
	Attrs []slog.Attr
}

// Console is stderr: it owns every byte written there, so log records, progress and
// free text (plans, prompts) come out in one format, in order.
type Console struct {
	mu    sync.Mutex
	w     io.Writer
	o     ConsoleOptions
	rows  []*row
	drawn int // lines of the live block now on screen
	// up is set on a fleet member's Console (member.go): everything goes to its
	// parent, prefixed, and its rows to the member's one row there.
	up *memberOf
}

type row struct {
	key   string
	e     Entry
	since time.Time
}

// NewConsole returns a Console writing to w.
func NewConsole(w io.Writer, o ConsoleOptions) *Console {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.JSON {
		o.Live = false
	}
	return &Console{w: w, o: o}
}

// ConsoleFor returns w itself when it is a Console, else a plain Console on w (with
// UTC stamps when utc is set), so that code handed an io.Writer still prints in the
// one format.
func ConsoleFor(w io.Writer, utc bool) *Console {
	if c, ok := w.(*Console); ok {
		return c
	}
	return NewConsole(w, ConsoleOptions{UTC: utc})
}

// NewJSONLines returns a Console writing JSON lines to w: every line written to it
// (plans, progress, events, prompts) comes out as one JSON object like the logger's
// ({"time":…,"level":"INFO","msg":…}), so that every stderr line of a command is JSON.
func NewJSONLines(w io.Writer) *Console { return NewConsole(w, ConsoleOptions{JSON: true, UTC: true}) }

// JSON reports whether the console writes JSON lines.
func (c *Console) JSON() bool { return c.o.JSON }

// Live reports whether the console redraws rows in place.
func (c *Console) Live() bool { return c.o.Live }

// Stamp formats t as the console stamps its lines.
func (c *Console) Stamp(t time.Time) string {
	if c.o.UTC {
		return t.UTC().Format(time.RFC3339)
	}
	return t.Local().Format(time.TimeOnly)
}

// Print writes e as one line (or one JSON object), above the live block.
func (c *Console) Print(e Entry) {
	if c.up != nil {
		c.up.print(e)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.printLocked(e)
}

// printLocked writes e as one line above the live block; c.mu is held.
func (c *Console) printLocked(e Entry) {
	var b bytes.Buffer
	c.render(&b, e)
	c.emit(b.Bytes())
}

// SetRow shows e as the row named key: redrawn in place on a live console, else
// printed as a line.
func (c *Console) SetRow(key string, e Entry) {
	if c.up != nil {
		c.up.setRow(e)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.o.Live {
		c.printLocked(e)
		return
	}
	for _, r := range c.rows {
		if r.key == key {
			r.e = e
			c.emit(nil)
			return
		}
	}
	c.rows = append(c.rows, &row{key: key, e: e, since: c.o.Now()})
	c.emit(nil)
}

// EndRow removes the row named key from the live block and prints e as a line of
// its own; on a plain console it prints e.
func (c *Console) EndRow(key string, e Entry) {
	if c.up != nil {
		c.up.endRow(e)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.o.Live {
		for i, r := range c.rows {
			if r.key == key {
				e.Text = c.text(e) + "  " + shortDuration(c.o.Now().Sub(r.since))
				c.rows = append(c.rows[:i], c.rows[i+1:]...)
				break
			}
		}
	}
	c.printLocked(e)
}

// DropRow removes the row named key without printing anything (plain: nothing).
func (c *Console) DropRow(key string) {
	if c.up != nil {
		return // the member keeps its row until the fleet ends it
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, r := range c.rows {
		if r.key == key {
			c.rows = append(c.rows[:i], c.rows[i+1:]...)
			c.emit(nil)
			return
		}
	}
}

// Write writes free text (a plan, a prompt, an explanation) above the live block;
// under JSON each line becomes a record of its own, and a trailing fragment without
// a newline (a prompt) a line of its own.
func (c *Console) Write(p []byte) (int, error) {
	if c.up != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.up.write(p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.o.JSON {
		if err := c.emit(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		c.render(&out, Entry{Level: slog.LevelInfo, Msg: line})
	}
	if err := c.emit(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// emit writes p above the live block, redrawing the block below it.
func (c *Console) emit(p []byte) error {
	if !c.o.Live || (len(c.rows) == 0 && c.drawn == 0) {
		if len(p) == 0 {
			return nil
		}
		_, err := c.w.Write(p)
		return err
	}
	var b bytes.Buffer
	if c.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r\x1b[J", c.drawn)
	}
	b.Write(p)
	if len(p) > 0 && p[len(p)-1] != '\n' {
		b.WriteByte('\n') // a prompt's fragment: the block goes below it
	}
	now := c.o.Now()
	for _, r := range c.rows {
		// The elapsed time stays visible: the text is cut, not it.
		el := "  " + shortDuration(now.Sub(r.since))
		b.WriteString(cut(oneLine(c.text(r.e)), c.o.Width-1-len(el)))
		b.WriteString(el)
		b.WriteByte('\n')
	}
	c.drawn = len(c.rows)
	_, err := c.w.Write(b.Bytes())
	return err
}

// render appends e's line (text or JSON) to b.
func (c *Console) render(b *bytes.Buffer, e Entry) {
	now := c.o.Now()
	if c.o.JSON {
		doc := map[string]any{}
		for _, a := range e.Attrs {
			addAttr(doc, a)
		}
		// The record's own keys come first and win over fields of the same name.
		var head bytes.Buffer
		enc := func(v any) []byte { j, _ := MarshalNoEscape(v); return j }
		head.WriteString(`{"time":`)
		head.Write(enc(now.UTC().Format("2006-01-02T15:04:05.000Z07:00")))
		head.WriteString(`,"level":`)
		head.Write(enc(e.Level.String()))
		head.WriteString(`,"msg":`)
		head.Write(enc(e.Msg))
		for _, a := range e.Attrs {
			k := a.Key
			if k == "time" || k == "level" || k == "msg" {
				continue
			}
			v, ok := doc[k]
			if !ok {
				continue
			}
			delete(doc, k) // first occurrence only
			head.WriteByte(',')
			head.Write(enc(k))
			head.WriteByte(':')
			head.Write(enc(v))
		}
		head.WriteString("}\n")
		b.Write(head.Bytes())
		return
	}
	b.WriteString(c.Stamp(now))
	b.WriteString("  ")
	if e.Level != slog.LevelInfo {
		lvl := e.Level.String()
		if c.o.Color {
			switch {
			case e.Level >= slog.LevelError:
				lvl = red + lvl + reset
			case e.Level >= slog.LevelWarn:
				lvl = yellow + lvl + reset
			}
		}
		b.WriteString(lvl)
		b.WriteString("  ")
	}
	b.WriteString(oneLine(c.text(e)))
	b.WriteByte('\n')
}

// text is e's human line: its Text, else its message and fields.
func (c *Console) text(e Entry) string {
	if e.Text != "" {
		return e.Text
	}
	var b strings.Builder
	b.WriteString(e.Msg)
	for i, a := range e.Attrs {
		if i == 0 {
			b.WriteString(" ")
		}
		b.WriteString(" ")
		appendTextAttr(&b, "", a)
	}
	return b.String()
}

func appendTextAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		for i, g := range a.Value.Group() {
			if i > 0 {
				b.WriteString(" ")
			}
			appendTextAttr(b, prefix+a.Key+".", g)
		}
		return
	}
	b.WriteString(prefix + a.Key + "=")
	var s string
	switch a.Value.Kind() {
	case slog.KindTime:
		s = a.Value.Time().UTC().Format(time.RFC3339)
	case slog.KindDuration:
		s = a.Value.Duration().String()
	default:
		s = a.Value.String()
	}
	if s == "" || strings.ContainsAny(s, " \t\n\"=") || !utf8.ValidString(s) {
		s = strconv.Quote(s)
	}
	b.WriteString(s)
}

func addAttr(doc map[string]any, a slog.Attr) {
	a.Value = a.Value.Resolve()
	switch a.Value.Kind() {
	case slog.KindGroup:
		sub := map[string]any{}
		for _, g := range a.Value.Group() {
			addAttr(sub, g)
		}
		doc[a.Key] = sub
	case slog.KindTime:
		doc[a.Key] = a.Value.Time().UTC().Format(time.RFC3339Nano)
	case slog.KindDuration:
		doc[a.Key] = a.Value.Duration().String()
	case slog.KindAny:
		v := a.Value.Any()
		if err, ok := v.(error); ok {
			v = err.Error()
		}
		doc[a.Key] = v
	default:
		doc[a.Key] = a.Value.Any()
	}
}

// oneLine folds a multi-line text into one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// cut shortens s to n runes, ending with "…" when it was longer.
func cut(s string, n int) string {
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// shortDuration is an elapsed time in whole seconds (1m05s style past a minute).
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// consoleHandler is the slog handler of doppio's logger: records become console
// entries, in the console's one format.
type consoleHandler struct {
	c      *Console
	level  slog.Level
	attrs  []slog.Attr
	groups []string
}

func (h *consoleHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *consoleHandler) Handle(_ context.Context, r slog.Record) error {
	attrs := append([]slog.Attr(nil), h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		for i := len(h.groups) - 1; i >= 0; i-- {
			a = slog.Group(h.groups[i], a)
		}
		attrs = append(attrs, a)
		return true
	})
	h.c.Print(Entry{Level: r.Level, Msg: r.Message, Attrs: attrs})
	return nil
}

func (h *consoleHandler) WithAttrs(as []slog.Attr) slog.Handler {
	n := *h
	n.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &n
}

func (h *consoleHandler) WithGroup(name string) slog.Handler {
	n := *h
	n.groups = append(append([]string(nil), h.groups...), name)
	return &n
}
