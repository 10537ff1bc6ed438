package view

import (
	"io"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/task"
)

// Tasks is what tasks (list) prints, in ecspresso's shapes: a table (also text), tsv,
// or one API-shaped JSON object per task. The shapes live with the task package's
// columns (task.WriteTasks).
type Tasks []types.Task

// WriteText prints the table.
func (t Tasks) WriteText(w io.Writer) error { return t.WriteTable(w) }

// WriteTable prints the table.
func (t Tasks) WriteTable(w io.Writer) error { return task.WriteTasks(w, Table, t) }

// WriteTSV prints a header line and one tab-separated line per task.
func (t Tasks) WriteTSV(w io.Writer) error { return task.WriteTasks(w, TSV, t) }

// WriteJSON prints one object per task, not an array.
func (t Tasks) WriteJSON(w io.Writer) error { return task.WriteTasks(w, JSON, t) }
