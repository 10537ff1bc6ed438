package ui

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteTable(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		rows   [][]string
		want   []string
	}{
		{"headers centred, cells left-aligned", []string{"NAME", "IN USE"}, [][]string{{"web:10", "PRIMARY deployment"}, {"web:9", ""}},
			[]string{
				"|  NAME  |       IN USE       |",
				"+--------+--------------------+",
				"| web:10 | PRIMARY deployment |",
				"| web:9  |                    |",
			}},
		{"width in characters, not bytes", []string{"A"}, [][]string{{"wéb"}},
			[]string{
				"|  A  |",
				"+-----+",
				"| wéb |",
			}},
		{"a short row is padded, a long one cut to the header", []string{"A", "B"}, [][]string{{"x"}, {"y", "z", "dropped"}},
			[]string{
				"| A | B |",
				"+---+---+",
				"| x |   |",
				"| y | z |",
			}},
		{"no rows: header and rule", []string{"NAME", "IN USE"}, nil,
			[]string{
				"| NAME | IN USE |",
				"+------+--------+",
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteTable(&b, c.header, c.rows); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.Join(c.want, "\n")+"\n", b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestWriteTableFit: a table wider than the terminal is cut to its width, widest
// column first, each row still one line.
func TestWriteTableFit(t *testing.T) {
	var b strings.Builder
	header := []string{"ID", "STOPPEDREASON"}
	rows := [][]string{{"0123456789abcdef", "Essential container in task exited because the health check failed"}}
	if err := WriteTableFit(&b, header, rows, 40); err != nil {
		t.Fatal(err)
	}
	want := "|        ID        |   STOPPEDREASON   |\n" +
		"+------------------+-------------------+\n" +
		"| 0123456789abcdef | Essential contai… |\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if n := len([]rune(l)); n > 40 {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
}
