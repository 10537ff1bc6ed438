package view

import (
	"fmt"
	"io"

	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/verify"
)

// Version is what version prints.
type Version struct{ buildinfo.Info }

// WriteText prints "doppio VERSION (commit COMMIT, built DATE, GO)".
func (v Version) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "doppio %s (commit %s, built %s, %s)\n", v.Version, v.Commit, v.Date, v.Go)
	return err
}

// Verify is what verify prints: the checks as a tree and a summary line (text), or
// the report (JSON).
type Verify struct {
	verify.Report
	// Options choose the text form: repeated resources in full, colour.
	Options verify.TextOptions `json:"-"`
}

// WriteText prints the tree.
func (v Verify) WriteText(w io.Writer) error { return writeVerifyText(w, v.Report, v.Options) }
