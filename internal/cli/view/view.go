// Package view is the only code that formats what verbs print on stdout. Each verb's
// result is a typed value with a text rendering and a JSON one (its own fields,
// indented), plus ecspresso's table and tsv where the verb lists things; Write picks
// the rendering from the global --output in one place. A verb builds its view and
// calls Write; it never formats.
package view

import (
	"io"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// The values of the global --output.
const (
	Text  = "text"
	JSON  = "json"
	Table = "table"
	TSV   = "tsv"
)

// View is a verb's result.
type View interface {
	// WriteText writes the result for people and for scripts that read lines.
	WriteText(w io.Writer) error
}

// jsonWriter is a view whose JSON is not the document of its fields (revisions
// prints one object per revision, as ecspresso does).
type jsonWriter interface {
	WriteJSON(w io.Writer) error
}

// tableWriter is a view with ecspresso's table and tsv shapes.
type tableWriter interface {
	WriteTable(w io.Writer) error
	WriteTSV(w io.Writer) error
}

// Collector takes result values instead of their rendering: a fleet member's stdout
// is one, and the fleet renders every member's values together once all have ended.
type Collector interface {
	Collect(format string, v View) error
}

// Write renders v in format: json as v's JSON document, table and tsv in ecspresso's
// shapes where v has them (the CLI refuses them for other verbs before any call), and
// text otherwise.
func Write(w io.Writer, format string, v View) error {
	if c, ok := w.(Collector); ok {
		return c.Collect(format, v)
	}
	switch format {
	case JSON:
		if j, ok := v.(jsonWriter); ok {
			return j.WriteJSON(w)
		}
		return ui.WriteJSON(w, v)
	case Table, TSV:
		if t, ok := v.(tableWriter); ok {
			if format == TSV {
				return t.WriteTSV(w)
			}
			return t.WriteTable(w)
		}
	}
	return v.WriteText(w)
}

// flush writes b to w in one call, so a failed write is reported once.
func flush(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}
