package view

import (
	"io"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// Diff is what diff prints: how the local service and task definitions differ from
// the live ones, each as a unified diff (or whole documents with --no-unified), ""
// when they are equal or were not compared.
type Diff struct {
	Differences       bool   `json:"differences"`
	ServiceDefinition string `json:"serviceDefinition"`
	TaskDefinition    string `json:"taskDefinition"`
	// Color colours removed lines red and added lines green in the text form.
	Color bool `json:"-"`
}

// NewDiff returns the view of the two diffs.
func NewDiff(service, taskDefinition string, color bool) Diff {
	return Diff{Differences: service != "" || taskDefinition != "", ServiceDefinition: service, TaskDefinition: taskDefinition, Color: color}
}

// WriteText prints the service definition's diff, then the task definition's;
// nothing when there are no differences.
func (d Diff) WriteText(w io.Writer) error {
	text := []byte(d.ServiceDefinition + d.TaskDefinition)
	if len(text) == 0 {
		return nil
	}
	if d.Color {
		text = ui.ColorDiff(text)
	}
	return flush(w, text)
}

// DefinitionDiff is what diff prints for a kind of workload with a definition
// file of its own: the diff of that file against the live workload, as text in
// every output format.
type DefinitionDiff struct {
	Text string
}

// WriteText prints the diff (nothing when there is none).
func (d DefinitionDiff) WriteText(w io.Writer) error { return flush(w, []byte(d.Text)) }
