package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Annotator writes GitHub Actions workflow commands (::group::, ::error::) to a
// stream when the command runs in a GitHub Actions job, and nothing otherwise, so
// callers use it unconditionally. See "Workflow commands for GitHub Actions".
type Annotator struct {
	w  io.Writer
	on bool
}

// NewAnnotator returns an annotator writing to w (the command's stderr). It is
// enabled when vars (the command's environment) has GITHUB_ACTIONS=true, as every
// GitHub Actions runner sets.
func NewAnnotator(w io.Writer, vars map[string]string) *Annotator {
	return &Annotator{w: w, on: vars["GITHUB_ACTIONS"] == "true"}
}

// Enabled reports whether workflow commands are written.
func (a *Annotator) Enabled() bool { return a != nil && a.on }

// Group opens a collapsible group of log lines named name; call the returned
// function to close it. Groups do not nest in the GitHub log viewer.
func (a *Annotator) Group(name string) (end func()) {
	if !a.Enabled() {
		return func() {}
	}
	fmt.Fprintf(a.w, "::group::%s\n", escapeData(name))
	return func() { fmt.Fprintln(a.w, "::endgroup::") }
}

// Annotation is one ::error:: or ::warning:: message. File, Line and Column place it
// on a file of the repository when known.
type Annotation struct {
	Title   string
	Message string
	File    string
	Line    int
	Column  int
}

// Error writes an ::error:: annotation.
func (a *Annotator) Error(n Annotation) { a.write("error", n) }

// Warning writes a ::warning:: annotation.
func (a *Annotator) Warning(n Annotation) { a.write("warning", n) }

func (a *Annotator) write(kind string, n Annotation) {
	if !a.Enabled() {
		return
	}
	var props []string
	if n.File != "" {
		props = append(props, "file="+escapeProperty(n.File))
		if n.Line > 0 {
			props = append(props, "line="+strconv.Itoa(n.Line))
			if n.Column > 0 {
				props = append(props, "col="+strconv.Itoa(n.Column))
			}
		}
	}
	if n.Title != "" {
		props = append(props, "title="+escapeProperty(n.Title))
	}
	cmd := "::" + kind
	if len(props) > 0 {
		cmd += " " + strings.Join(props, ",")
	}
	fmt.Fprintf(a.w, "%s::%s\n", cmd, escapeData(n.Message))
}

// escapeData escapes a workflow command's message: % first, then CR and LF, so that a
// multi-line message stays one command and "%0A" typed by a user is not a newline.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value, where ':' and ',' also end the value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
