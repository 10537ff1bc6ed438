package view

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// Tasks is what tasks (list) prints, in ecspresso's shapes: a table (also text),
// tsv, or JSON — one document, an array of API-shaped task objects. The columns live
// with the task package (task.Columns). On a terminal the table fits Width columns.
type Tasks struct {
	List []types.Task
	// Width is the terminal's width (0: not a terminal; the table is as wide as its
	// cells, for scripts).
	Width int
}

// WriteText prints the table.
func (t Tasks) WriteText(w io.Writer) error { return t.WriteTable(w) }

// WriteTable prints the table, cut to the terminal's width.
func (t Tasks) WriteTable(w io.Writer) error {
	return task.WriteTasksFit(w, Table, t.List, time.Local, t.Width)
}

// WriteTSV prints a header line and one tab-separated line per task.
func (t Tasks) WriteTSV(w io.Writer) error { return task.WriteTasks(w, TSV, t.List) }

// WriteJSON prints one array of API-shaped task objects.
func (t Tasks) WriteJSON(w io.Writer) error { return task.WriteTasks(w, JSON, t.List) }

// Task is what tasks find prints: the task, API-shaped, as ecspresso prints it, in
// every format (it is JSON already).
type Task struct{ types.Task }

// WriteText prints the task as indented API-shaped JSON.
func (t Task) WriteText(w io.Writer) error {
	b, err := ecsdef.Marshal(t.Task)
	if err != nil {
		return err
	}
	return flush(w, b)
}

// WriteJSON prints the same document as the text.
func (t Task) WriteJSON(w io.Writer) error { return t.WriteText(w) }

// Trace is what tasks trace prints: a task's lifecycle, one "TIME  what" line per
// moment (times in UTC, RFC 3339), then its containers' recent log lines. Its JSON is
// one document with both.
type Trace struct {
	TaskARN  string            `json:"taskArn"`
	Timeline []task.TraceEvent `json:"timeline"`
	Logs     []string          `json:"logs"`
}

// WriteText prints one line per moment, then the log lines.
func (t Trace) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, ev := range t.Timeline {
		fmt.Fprintf(&b, "%s  %s\n", ev.At.UTC().Format(time.RFC3339), ev.What)
	}
	for _, l := range t.Logs {
		b.WriteString(l + "\n")
	}
	return flush(w, []byte(b.String()))
}

// Logs is what tasks logs --output json prints once the reading ends: one document
// with the lines (the text form streams them as they come).
type Logs struct {
	TaskARN string   `json:"taskArn"`
	Lines   []string `json:"lines"`
}

// WriteText prints the lines.
func (l Logs) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, line := range l.Lines {
		b.WriteString(line + "\n")
	}
	return flush(w, []byte(b.String()))
}

// Lines splits the text a log writer produced into lines (nil for none).
func Lines(text string) []string {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return []string{}
	}
	return strings.Split(text, "\n")
}

// TaskChoices is the numbered list a pick shows on stderr before it asks for a number:
// a table with the number, the task id, its task definition, its status and when it
// started (UTC, RFC 3339), fitting the terminal's Width.
type TaskChoices struct {
	List  []types.Task
	Width int
}

// WriteText prints the table.
func (c TaskChoices) WriteText(w io.Writer) error {
	rows := make([][]string, len(c.List))
	for i, t := range c.List {
		started := ""
		if t.StartedAt != nil {
			started = t.StartedAt.UTC().Format(time.RFC3339)
		}
		rows[i] = []string{fmt.Sprint(i + 1), task.ID(aws.ToString(t.TaskArn)), task.ID(aws.ToString(t.TaskDefinitionArn)), aws.ToString(t.LastStatus), started}
	}
	var b strings.Builder
	if err := ui.WriteTable(&b, []string{"#", "ID", "TASK DEFINITION", "STATUS", "STARTED"}, rows); err != nil {
		return err
	}
	out := b.String()
	if c.Width > 0 {
		var cut strings.Builder
		for _, l := range strings.SplitAfter(out, "\n") {
			body, nl := strings.CutSuffix(l, "\n")
			if r := []rune(body); len(r) > c.Width {
				body = string(r[:c.Width-1]) + "…"
			}
			cut.WriteString(body)
			if nl {
				cut.WriteString("\n")
			}
		}
		out = cut.String()
	}
	return flush(w, []byte(out))
}
