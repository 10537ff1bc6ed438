package cli

import (
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// annotateError turns the command's final error into a GitHub Actions ::error::
// annotation on w (when GITHUB_ACTIONS=true), titled by what kind of failure it is and
// placed on the file and line the error names, if any. w is the redacting stderr.
func annotateError(w io.Writer, env Env, err error, code int) {
	n := ui.Annotation{Title: errorTitle(code), Message: err.Error()}
	if h := diag.Hint(err); h != "" {
		n.Message += "\nhint: " + h
	}
	var de *diag.Error
	if errors.As(err, &de) {
		n.File, n.Line, n.Column = workspacePath(env, de.File), de.Line, de.Column
	}
	ui.NewAnnotator(w, env.Vars).Error(n)
}

// errorTitle names a failure by its exit code.
func errorTitle(code int) string {
	switch code {
	case diag.ExitUsage:
		return "doppio: invalid input"
	case diag.ExitFailed:
		return "doppio: deployment failed"
	case diag.ExitTimeout:
		return "doppio: timed out"
	case diag.ExitPaused:
		return "doppio: deployment paused"
	case diag.ExitInterrupted:
		return "doppio: interrupted"
	}
	return "doppio: error"
}

// workspacePath makes file relative to the repository checkout (GITHUB_WORKSPACE), as
// annotations name files, so that they land on the right file whatever the step's
// working directory. Files outside the workspace keep their path.
func workspacePath(env Env, file string) string {
	ws := env.Vars["GITHUB_WORKSPACE"]
	if file == "" || ws == "" {
		return file
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(env.Dir, abs)
	}
	rel, err := filepath.Rel(ws, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return file
	}
	return filepath.ToSlash(rel)
}
