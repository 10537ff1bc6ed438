package view

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
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
	cells := [][]string{{"NAME", "IN USE"}}
	for _, x := range r {
		cells = append(cells, []string{x.Name, x.InUse})
	}
	var b strings.Builder
	writeTable(&b, cells)
	return flush(w, []byte(b.String()))
}

// WriteTSV prints name<TAB>in-use lines.
func (r Revisions) WriteTSV(w io.Writer) error {
	var b strings.Builder
	for _, x := range r {
		fmt.Fprintf(&b, "%s\t%s\n", x.Name, x.InUse)
	}
	return flush(w, []byte(b.String()))
}

// WriteJSON prints one indented object per revision, not an array, as ecspresso does.
func (r Revisions) WriteJSON(w io.Writer) error {
	var b strings.Builder
	for _, x := range r {
		j, err := json.MarshalIndent(x, "", "  ")
		if err != nil {
			return err
		}
		b.Write(j)
		b.WriteString("\n")
	}
	return flush(w, []byte(b.String()))
}

// writeTable writes a header row and rows with side borders and a rule under the
// header, the layout of ecspresso's tables: headers centred, cells left-aligned.
func writeTable(b *strings.Builder, cells [][]string) {
	widths := make([]int, len(cells[0]))
	for _, row := range cells {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for n, row := range cells {
		b.WriteString("|")
		for i, c := range row {
			gap := widths[i] - utf8.RuneCountInString(c)
			left := 0
			if n == 0 {
				left = gap / 2
			}
			fmt.Fprintf(b, " %s%s%s |", strings.Repeat(" ", left), c, strings.Repeat(" ", gap-left))
		}
		b.WriteString("\n")
		if n == 0 {
			b.WriteString("+")
			for _, w := range widths {
				b.WriteString(strings.Repeat("-", w+2) + "+")
			}
			b.WriteString("\n")
		}
	}
}
