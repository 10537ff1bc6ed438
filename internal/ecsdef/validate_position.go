package ecsdef

import (
	"fmt"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// problemsError turns problems, after any string of the file that is not UTF-8
// text (textErrors), into one error of located *diag.Error values (joined), using
// the decoder's positions; base is the path of the definition inside the file
// ("" or "taskDefinition", "services[0]", "service").
func (d *decoder) problemsError(problems []Problem, base string) error {
	errs := d.textErrors()
	for _, p := range problems {
		path := joinPath(base, p.Field)
		off := d.offsetOf(path)
		line, col := lineCol(d.data, off)
		errs = append(errs, &diag.Error{File: d.file, Line: line, Column: col, Field: path, Err: fmt.Errorf("%s", p.Msg),
			Hint: "see " + p.Ref, Code: diag.ExitUsage})
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &problemList{errs: errs}
}

// offsetOf returns the offset of path's value, or of its nearest ancestor present in
// the file (a missing required field points at the object that lacks it).
func (d *decoder) offsetOf(path string) int {
	for {
		if off, ok := d.pos[path]; ok {
			return off
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// problemList is several located problems; it prints one per line and carries exit
// code 2 and the first problem's hint through diag's walk of joined errors.
type problemList struct{ errs []error }

func (p *problemList) Error() string {
	s := make([]string, len(p.errs))
	for i, e := range p.errs {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

func (p *problemList) Unwrap() []error { return p.errs }
