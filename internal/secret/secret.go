// Package secret holds the values that must never be printed — SecureString
// parameters and Secrets Manager values the templates looked up, and the live values
// that sit where those are used — and the redactor every output path goes through:
// stdout, stderr, logs and error messages all pass a Writer of the command's Set, so
// redaction is a property of the value, not of one output path.
package secret

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"
)

// Set is a command's set of secret values. It is safe for concurrent use; the zero
// value is not usable (use NewSet).
type Set struct {
	mu     sync.Mutex
	values map[string]string // value → label, e.g. "ssm:/app/db-password"
	show   bool
	repl   *strings.Replacer // built lazily, reset by Add
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{values: map[string]string{}} }

// Add records value as secret, shown as "(secret LABEL)". Empty values are ignored.
func (s *Set) Add(value, label string) {
	if value == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.values[value]; ok {
		return
	}
	s.values[value] = label
	s.repl = nil
}

// Contains reports whether value is a recorded secret.
func (s *Set) Contains(value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.values[value]
	return ok
}

// Label returns the label of a recorded secret value.
func (s *Set) Label(value string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.values[value]
	return l, ok
}

// Show turns redaction off (--show-secrets).
func (s *Set) Show() {
	s.mu.Lock()
	s.show = true
	s.mu.Unlock()
}

// Redact replaces every recorded value, raw or in any JSON-escaped form, with its
// placeholder.
func (s *Set) Redact(b []byte) []byte {
	r := s.replacer()
	if r == nil {
		return b
	}
	return []byte(r.Replace(string(b)))
}

// RedactString is Redact for strings.
func (s *Set) RedactString(v string) string {
	r := s.replacer()
	if r == nil {
		return v
	}
	return r.Replace(v)
}

func (s *Set) replacer() *strings.Replacer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.show || len(s.values) == 0 {
		return nil
	}
	if s.repl != nil {
		return s.repl
	}
	type pair struct{ old, new string }
	var pairs []pair
	for v, label := range s.values {
		ph := "(secret " + label + ")"
		for _, form := range forms(v) {
			pairs = append(pairs, pair{form, ph})
		}
	}
	// Longest first, so a secret containing another is hidden whole.
	slices.SortFunc(pairs, func(a, b pair) int {
		if d := len(b.old) - len(a.old); d != 0 {
			return d
		}
		return strings.Compare(a.old, b.old)
	})
	args := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		args = append(args, p.old, p.new)
	}
	s.repl = strings.NewReplacer(args...)
	return s.repl
}

// forms lists the ways a value can appear in rendered or re-encoded JSON: raw,
// escaped with and without HTML escaping, and escaped twice (a JSON string inside a
// JSON string, e.g. a container command holding JSON).
func forms(v string) []string {
	out := []string{v}
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	once := jsonEscape(v, true)
	add(once)
	add(jsonEscape(v, false))
	add(jsonEscape(once, true))
	add(jsonEscape(jsonEscape(v, false), false))
	return out
}

func jsonEscape(s string, html bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	_ = enc.Encode(s) // encoding a string cannot fail
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}

// Writer returns a writer that redacts everything written to w. Each Write is
// redacted on its own: output paths write whole lines or documents.
func (s *Set) Writer(w io.Writer) io.Writer { return &writer{s: s, w: w} }

type writer struct {
	s *Set
	w io.Writer
}

func (w *writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.s.Redact(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// JSONEscape escapes s for use inside a JSON string (what the template function
// json_escape does), HTML characters included when html is set.
func JSONEscape(s string, html bool) string { return jsonEscape(s, html) }
