package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/task"
)

// RunStarted is what run prints as soon as ECS started its tasks: their ARNs, one a
// line, so that they are on stdout while the tasks run. It has no JSON: run prints
// one JSON document, its Run, once it is done with the tasks.
type RunStarted struct {
	TaskARNs []string
}

// WriteText prints the task ARNs, one a line.
func (r RunStarted) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, arn := range r.TaskARNs {
		fmt.Fprintln(&b, arn)
	}
	return flush(w, []byte(b.String()))
}

// WriteJSON prints nothing: the Run document follows.
func (RunStarted) WriteJSON(io.Writer) error { return nil }

// Run is the result document of run: the tasks it started, the ones ECS could not
// place and, once the started ones stopped, how (the watched container's exit code,
// or why a task never ran). Outcome is OutcomeStarted for tasks not waited for.
type Run struct {
	Cluster           string            `json:"cluster"`
	TaskDefinitionARN string            `json:"taskDefinitionArn"`
	Outcome           string            `json:"outcome"`
	ExitCode          int               `json:"exitCode"`
	TaskARNs          []string          `json:"taskArns"`
	Failures          []task.Failure    `json:"failures,omitempty"`
	Tasks             []task.TaskResult `json:"tasks,omitempty"`
	Explanation       *task.Explanation `json:"explanation,omitempty"`
}

// WriteText prints nothing: the task ARNs were printed when the tasks started
// (RunStarted), and the outcome was logged on stderr.
func (Run) WriteText(io.Writer) error { return nil }
