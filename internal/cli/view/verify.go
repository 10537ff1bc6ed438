package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/verify"
)

// node is a group (children) or a check (result) of the text tree.
type node struct {
	name     string
	children []*node
	result   *verify.Result
}

// writeVerifyText prints rep as ecspresso does: a tree grouped by resource where each
// item prints its name, its children indented, then "--> [OK]", "--> [NG] reason"
// (with the hint below) or "--> [SKIP] why"; then the one-line summary.
func writeVerifyText(w io.Writer, rep verify.Report, o verify.TextOptions) error {
	root := &node{}
	for i := range rep.Checks {
		r := &rep.Checks[i]
		n := root
		for _, g := range r.Path {
			var next *node
			for _, c := range n.children {
				if c.result == nil && c.name == g {
					next = c
					break
				}
			}
			if next == nil {
				next = &node{name: g}
				n.children = append(n.children, next)
			}
			n = next
		}
		n.children = append(n.children, &node{name: r.Name(), result: r})
	}
	var b strings.Builder
	for _, c := range root.children {
		writeNode(&b, c, 1, o)
	}
	b.WriteString(rep.Summary())
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeNode(b *strings.Builder, n *node, level int, o verify.TextOptions) {
	indent := strings.Repeat("  ", level)
	fmt.Fprintf(b, "%s%s\n", indent, n.name)
	if r := n.result; r != nil {
		cached := ""
		if r.Cached {
			cached = " (cached)"
		}
		tag := statusTag(r.Status, o.Color)
		switch {
		case r.Cached && !o.Full:
			fmt.Fprintf(b, "%s--> [%s]%s\n", indent, tag, cached)
		case r.Reason != "":
			fmt.Fprintf(b, "%s--> [%s]%s %s\n", indent, tag, cached, r.Reason)
		default:
			fmt.Fprintf(b, "%s--> [%s]%s\n", indent, tag, cached)
		}
		if r.Hint != "" && r.Status == verify.NG && (!r.Cached || o.Full) {
			fmt.Fprintf(b, "%s    hint: %s\n", indent, r.Hint)
		}
		return
	}
	for _, c := range n.children {
		writeNode(b, c, level+1, o)
	}
	fmt.Fprintf(b, "%s--> [%s]\n", indent, statusTag(groupStatus(n), o.Color))
}

// groupStatus is NG when any check below is NG, SKIP when all are skipped, else OK.
func groupStatus(n *node) verify.Status {
	if n.result != nil {
		return n.result.Status
	}
	st := verify.Skipped
	for _, c := range n.children {
		switch groupStatus(c) {
		case verify.NG:
			return verify.NG
		case verify.OK:
			st = verify.OK
		}
	}
	return st
}

// statusTag is the bracketed word ecspresso prints: OK, NG or SKIP.
func statusTag(s verify.Status, color bool) string {
	word, code := string(s), "32"
	switch s {
	case verify.NG:
		code = "31"
	case verify.Skipped:
		word, code = "SKIP", "36"
	}
	if !color {
		return word
	}
	return "\x1b[" + code + "m" + word + "\x1b[0m"
}
