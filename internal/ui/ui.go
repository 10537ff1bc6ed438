// Package ui owns how doppio talks to people: the slog logger on stderr (text or JSON
// lines), colour decisions, and result documents on stdout.
package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"time"
)

// LogOptions select the logger's shape.
type LogOptions struct {
	// Format is "text" (default) or "json".
	Format string
	// Debug enables DEBUG records.
	Debug bool
}

// NewLogger returns a logger writing to w (stderr) through its Console: w itself when
// it is one (see ConsoleFor), so that log records and progress share one format and
// one clock. Text records are "2026-11-22T10:00:00Z  message  key=value" (warnings
// and errors carry their level after the stamp); JSON records are one object per
// line.
func NewLogger(w io.Writer, o LogOptions) *slog.Logger {
	level := slog.LevelInfo
	if o.Debug {
		level = slog.LevelDebug
	}
	c, ok := w.(*Console)
	if !ok {
		c = NewConsole(w, ConsoleOptions{JSON: o.Format == "json", UTC: true})
	}
	return slog.New(&consoleHandler{c: c, level: level})
}

// UseColor decides whether to colour output: never when NO_COLOR is set (any value,
// per no-color.org), when --no-color was given, or when the stream is not a terminal.
func UseColor(flag bool, noColorSet bool, isTerminal bool) bool {
	return flag && !noColorSet && isTerminal
}

// WriteJSON writes v as one indented JSON document followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// MarshalNoEscape is json.Marshal without HTML escaping ("<", ">" and "&" stay as
// they are), as WriteJSON writes documents, on one line.
func MarshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Since formats an elapsed duration for humans, rounded to a tenth of a second.
func Since(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }

// ANSI colours for terminals.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// ColorDiff colours a diff's removed lines red and added lines green (the
// "---"/"+++" headers included), for a terminal.
func ColorDiff(b []byte) []byte {
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		body, nl := bytes.CutSuffix(l, []byte("\n"))
		switch {
		case bytes.HasPrefix(body, []byte("-")):
			out.WriteString(red)
			out.Write(body)
			out.WriteString(reset)
		case bytes.HasPrefix(body, []byte("+")):
			out.WriteString(green)
			out.Write(body)
			out.WriteString(reset)
		default:
			out.Write(body)
		}
		if nl {
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// Outcome colours an outcome word: green for success, red otherwise.
func Outcome(s string, color bool) string {
	if !color {
		return s
	}
	if s == "succeeded" {
		return green + s + reset
	}
	return red + s + reset
}
