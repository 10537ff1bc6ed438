// Package ui owns how doppio talks to people: the slog logger on stderr (text or JSON
// lines), colour decisions, and result documents on stdout.
package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// LogOptions select the logger's shape.
type LogOptions struct {
	// Format is "text" (default) or "json".
	Format string
	// Debug enables DEBUG records.
	Debug bool
}

// NewLogger returns a logger writing to w (stderr). Text records are
// "2026-11-22T10:00:00.000Z INFO message key=value"; JSON records are one object per
// line.
func NewLogger(w io.Writer, o LogOptions) *slog.Logger {
	level := slog.LevelInfo
	if o.Debug {
		level = slog.LevelDebug
	}
	hopts := &slog.HandlerOptions{Level: level, ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
			a.Value = slog.StringValue(a.Value.Time().UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		}
		return a
	}}
	if o.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, hopts))
	}
	return slog.New(slog.NewTextHandler(w, hopts))
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

// Since formats an elapsed duration for humans, rounded to a tenth of a second.
func Since(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }

// ANSI colours for terminals.
const (
	red   = "\x1b[31m"
	green = "\x1b[32m"
	reset = "\x1b[0m"
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

// JSONLines is a writer for the human-readable stderr stream under --log-format
// json: every line written to it (plans, progress, events, prompts) comes out as one
// JSON object like the logger's ({"time":…,"level":"INFO","msg":…}), so that every
// stderr line of a command is JSON. Each Write is taken as whole lines; a trailing
// fragment without a newline (a prompt) is emitted as a line of its own.
type JSONLines struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// NewJSONLines returns a JSONLines writing to w.
func NewJSONLines(w io.Writer) *JSONLines { return &JSONLines{w: w, now: time.Now} }

// Write converts p's lines to JSON lines.
func (j *JSONLines) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		b, err := json.Marshal(struct {
			Time  string `json:"time"`
			Level string `json:"level"`
			Msg   string `json:"msg"`
		}{j.now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), "INFO", line})
		if err != nil {
			return 0, err
		}
		out.Write(b)
		out.WriteByte('\n')
	}
	if _, err := j.w.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
