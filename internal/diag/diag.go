// Package diag carries what a user needs to fix a problem: where it is (file, line,
// column, field path), what is wrong, a hint, and the exit code the CLI should use.
// Every package returns these instead of printing; only internal/cli prints them.
package diag

import (
	"fmt"
	"strings"
)

// Exit codes shared by every verb (see README "Exit codes").
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2 // usage error or invalid input
	ExitDiff        = 3 // diff --exit-code found differences
	ExitFailed      = 4 // deployment rolled back, failed or superseded
	ExitTimeout     = 5 // timed out waiting
	ExitPaused      = 6 // paused awaiting approval
	ExitInterrupted = 130
)

// Error is a located, explained failure. Zero-valued parts are omitted when printed.
type Error struct {
	File   string // file the problem is in, as the user named it
	Line   int    // 1-based; 0 when unknown
	Column int    // 1-based; 0 when unknown
	Field  string // JSON path such as containerDefinitions[0].image
	Err    error  // what is wrong
	Hint   string // how to fix it, or "" when there is nothing useful to say
	Code   int    // exit code; 0 means ExitError
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
			if e.Column > 0 {
				fmt.Fprintf(&b, ":%d", e.Column)
			}
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error with only a message; set the other fields on the result.
func Errorf(format string, args ...any) *Error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// Invalid marks err as invalid input (exit code 2) and attaches a hint.
func Invalid(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &coded{err: err, code: ExitUsage, hint: hint}
}

// WithHint attaches a hint to err, keeping its exit code.
func WithHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &coded{err: err, code: ExitCode(err), hint: hint}
}

// WithCode attaches an exit code to err.
func WithCode(err error, code int) error {
	if err == nil {
		return nil
	}
	return &coded{err: err, code: code}
}

type coded struct {
	err  error
	code int
	hint string
}

func (c *coded) Error() string { return c.err.Error() }
func (c *coded) Unwrap() error { return c.err }

// ExitCode returns the exit code carried by err (the outermost one wins, searching
// joined errors too), ExitOK for nil and ExitError when none is set.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	code := ExitError
	walk(err, func(e error) bool {
		switch v := e.(type) {
		case *coded:
			if v.code != 0 {
				code = v.code
				return true
			}
		case *Error:
			if v.Code != 0 {
				code = v.Code
				return true
			}
		}
		return false
	})
	return code
}

// Hint returns the outermost hint carried by err, or "".
func Hint(err error) string {
	hint := ""
	walk(err, func(e error) bool {
		switch v := e.(type) {
		case *coded:
			hint = v.hint
		case *Error:
			hint = v.Hint
		}
		return hint != ""
	})
	return hint
}

// walk visits err and what it wraps depth first, outermost first, following both
// Unwrap() error and Unwrap() []error, until visit returns true.
func walk(err error, visit func(error) bool) bool {
	for err != nil {
		if visit(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if walk(e, visit) {
					return true
				}
			}
			return false
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return false
		}
	}
	return false
}

// Suggest returns the candidate closest to name by edit distance, or "" when none is
// close enough to be a plausible typo. Comparison ignores case, so "Image" suggests
// "image".
func Suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	ln := strings.ToLower(name)
	for _, c := range candidates {
		d := distance(ln, strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(2, len(name)/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// DidYouMean formats Suggest's answer as a hint ("did you mean \"image\"?"), or "".
func DidYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return ""
}

// distance is the Levenshtein edit distance over bytes.
func distance(a, b string) int { return Distance(a, b, len(a)+len(b)) }

// Distance is the Levenshtein edit distance between a and b over bytes, giving up
// (returning limit+1) once every path exceeds limit, so that matching a name against
// many long candidates (Terraform addresses) stays cheap. It is the one fuzzy
// matcher behind every did-you-mean.
func Distance(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
