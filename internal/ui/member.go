package ui

import (
	"bytes"
	"strings"
)

// A fleet's live view: on a terminal, a fleet shows one row per member (its state,
// counts and elapsed time), redrawn in place as docker compose up does, and every
// member's lines above the rows, each prefixed with the member's name.
//
// Member returns the Console a fleet member writes to: its lines go to c with prefix
// after the stamp ("10:00:03  [web] message", so stamps stay aligned and in order),
// free text with prefix in front of each line, and its rows — whatever rows the member's verb
// shows: a deployment, a task — all become c's one row named key, so a member has one
// row however many it shows. A row the member ends is printed as a line of its own and
// stays the member's row until the fleet ends it with EndRow(key, ...) on c. On a
// plain console the member's rows are lines, prefixed.
func (c *Console) Member(prefix, key string) *Console {
	return &Console{w: c.w, o: c.o, up: &memberOf{parent: c, prefix: prefix, key: key}}
}

// memberOf is where a member's Console forwards to.
type memberOf struct {
	parent      *Console
	prefix, key string
	midLine     bool // the last Write ended without a newline
}

// prefixed puts the member's prefix in front of e's text, dropping the service name
// a line may start with ("web  deployment ..."): the prefix names it already.
func (m *memberOf) prefixed(e Entry) Entry {
	e.Text = m.prefix + strings.TrimPrefix(m.parent.text(e), m.key+"  ")
	return e
}

func (m *memberOf) print(e Entry) {
	if !m.parent.o.JSON {
		e = m.prefixed(e)
	}
	m.parent.Print(e)
}

func (m *memberOf) setRow(e Entry) {
	e = m.prefixed(e)
	if !m.parent.o.Live {
		m.parent.Print(e)
		return
	}
	m.parent.SetRow(m.key, e)
}

func (m *memberOf) endRow(e Entry) {
	m.print(e)
	if m.parent.o.Live {
		m.parent.SetRow(m.key, m.prefixed(e))
	}
}

// write prefixes each line of p that starts in p.
func (m *memberOf) write(p []byte) (int, error) {
	if m.parent.o.JSON {
		var out bytes.Buffer
		for _, line := range bytes.Split(bytes.TrimRight(p, "\n"), []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				out.WriteString(m.prefix)
				out.Write(line)
				out.WriteByte('\n')
			}
		}
		if _, err := m.parent.Write(out.Bytes()); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(p, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		if !m.midLine {
			out.WriteString(m.prefix)
		}
		out.Write(l)
		m.midLine = l[len(l)-1] != '\n'
	}
	if _, err := m.parent.Write(out.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
