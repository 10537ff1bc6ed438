package ui

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteTable writes a header and rows in the layout of ecspresso's (and ecsta's)
// tables: side borders, a rule under the header, headers centred, cells
// left-aligned, no top or bottom border. Cells are not wrapped: one line per row,
// so grep and awk -F'|' work on it.
func WriteTable(w io.Writer, header []string, rows [][]string) error {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	var b strings.Builder
	line := func(row []string, centre bool) {
		b.WriteString("|")
		for i, width := range widths {
			c := ""
			if i < len(row) {
				c = row[i]
			}
			gap := width - utf8.RuneCountInString(c)
			left := 0
			if centre {
				left = gap / 2
			}
			fmt.Fprintf(&b, " %s%s%s |", strings.Repeat(" ", left), c, strings.Repeat(" ", gap-left))
		}
		b.WriteString("\n")
	}
	line(header, true)
	b.WriteString("+")
	for _, width := range widths {
		b.WriteString(strings.Repeat("-", width+2) + "+")
	}
	b.WriteString("\n")
	for _, row := range rows {
		line(row, false)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteTableFit is WriteTable cut to width columns (0 or less: no limit): while the
// table is wider, the widest column loses a character, down to a few, and its
// longer cells end in "…". One row stays one line.
func WriteTableFit(w io.Writer, header []string, rows [][]string, width int) error {
	if width <= 0 {
		return WriteTable(w, header, rows)
	}
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], utf8.RuneCountInString(c))
			}
		}
	}
	total := func() int {
		n := 1
		for _, wd := range widths {
			n += wd + 3
		}
		return n
	}
	const minWidth = 6
	for total() > width {
		widest := 0
		for i, wd := range widths {
			if wd > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minWidth {
			break
		}
		widths[widest]--
	}
	fit := func(row []string) []string {
		out := make([]string, len(row))
		for i, c := range row {
			if i < len(widths) {
				c = cut(c, widths[i])
			}
			out[i] = c
		}
		return out
	}
	cutRows := make([][]string, len(rows))
	for i, r := range rows {
		cutRows[i] = fit(r)
	}
	return WriteTable(w, fit(header), cutRows)
}
