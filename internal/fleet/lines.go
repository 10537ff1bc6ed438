package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
)

// LockedWriter serialises whole writes of several members onto one stream.
type LockedWriter struct {
	mu sync.Mutex
	W  io.Writer
}

// Write writes p in one call under the lock.
func (l *LockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.W.Write(p)
}

// LineWriter carries one member's stderr lines: prefixed and as they come, or, under
// GitHub Actions (grouped), kept and written as one ::group:: when the member ends
// (groups cannot interleave). JSON lines get a "service" key instead of a prefix.
type LineWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	service string
	grouped bool
	json    bool
	partial []byte
	held    bytes.Buffer
}

// NewLineWriter returns a LineWriter onto w.
func NewLineWriter(w io.Writer, prefix string, grouped, json bool) *LineWriter {
	return &LineWriter{w: w, prefix: prefix, grouped: grouped, json: json}
}

// Name sets the line prefix and the "service" key of JSON lines.
func (l *LineWriter) Name(prefix, service string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prefix, l.service = prefix, service
}

// Write writes p's complete lines.
func (l *LineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(&out, l.partial[:i])
		l.partial = l.partial[i+1:]
	}
	if out.Len() > 0 {
		if l.grouped {
			l.held.Write(out.Bytes())
		} else if _, err := l.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (l *LineWriter) line(out *bytes.Buffer, line []byte) {
	switch {
	case l.json && l.service != "" && bytes.HasPrefix(line, []byte("{")):
		key, _ := json.Marshal(l.service)
		out.WriteString(`{"service":`)
		out.Write(key)
		if len(line) > 2 {
			out.WriteByte(',')
		}
		out.Write(line[1:])
	case l.json || l.grouped:
		out.Write(line)
	default:
		out.WriteString(l.prefix)
		out.Write(line)
	}
	out.WriteByte('\n')
}

// Flush writes a trailing partial line and, under GitHub Actions, the held lines as
// one group named name.
func (l *LineWriter) Flush(name string) {
	l.mu.Lock()
	if len(l.partial) > 0 {
		var out bytes.Buffer
		l.line(&out, l.partial)
		l.partial = nil
		if l.grouped {
			l.held.Write(out.Bytes())
		} else {
			_, _ = l.w.Write(out.Bytes())
		}
	}
	held := slices.Clone(l.held.Bytes())
	l.held.Reset()
	l.mu.Unlock()
	if len(held) == 0 {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "::group::%s\n", name)
	b.Write(held)
	b.WriteString("::endgroup::\n")
	_, _ = l.w.Write(b.Bytes())
}
