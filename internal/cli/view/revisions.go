package view

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// Revisions is what revisions lists: the family's ACTIVE revisions, oldest first, in
// ecspresso's shapes. Its text form is the table.
type Revisions []Revision

// Revision is one revision: family:revision and what uses it ("PRIMARY deployment",
// "RUNNING task"; empty when unused). The JSON keys are ecspresso's.
type Revision struct {
	Name  string `json:"name"`
	InUse string `json:"in_use"`
}

// WriteText prints the table.
func (r Revisions) WriteText(w io.Writer) error { return r.WriteTable(w) }

// WriteTable prints a bordered table, as ecspresso does.
func (r Revisions) WriteTable(w io.Writer) error {
	rows := make([][]string, len(r))
	for i, x := range r {
		rows[i] = []string{x.Name, x.InUse}
	}
	return ui.WriteTable(w, []string{"NAME", "IN USE"}, rows)
}

// WriteTSV prints name<TAB>in-use lines.
func (r Revisions) WriteTSV(w io.Writer) error {
	var b strings.Builder
	for _, x := range r {
		fmt.Fprintf(&b, "%s\t%s\n", x.Name, x.InUse)
	}
	return flush(w, []byte(b.String()))
}

// WriteJSON prints one document: an array of revision objects (ecspresso's keys).
func (r Revisions) WriteJSON(w io.Writer) error {
	if r == nil {
		r = Revisions{}
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return flush(w, append(j, '\n'))
}
