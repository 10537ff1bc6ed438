package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/google/go-cmp/cmp"
)

// The tests in this file hold the views made for verbs whose files other developers
// own (deploy, wait, codedeploy, run) to the code they will replace: the same values
// must print the same bytes. Delete each test when its old code goes.

const tdARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:"

func TestRunViewIsRunDoc(t *testing.T) {
	code := int32(3)
	tasks := []task.TaskResult{{TaskARN: "arn:task", LastStatus: "STOPPED", Container: "app", ExitCode: &code}}
	why := &task.Explanation{Reasons: []task.ReasonCount{{Reason: "exit 3"}}}
	assertSameJSON(t,
		runDoc{Cluster: "prod", TaskDefinitionARN: tdARN + "1", Outcome: "done", ExitCode: 3, TaskARNs: []string{"arn:task"}, Tasks: tasks, Explanation: why},
		view.Run{Cluster: "prod", TaskDefinitionARN: tdARN + "1", Outcome: "done", ExitCode: 3, TaskARNs: []string{"arn:task"}, Tasks: tasks, Explanation: why})
	assertSameJSON(t, runDoc{Cluster: "prod", Outcome: "started"}, view.Run{Cluster: "prod", Outcome: view.OutcomeStarted})
}

// TestNoDeploymentViewIsReportNoDeployment: view.NoDeployment replaces the body of
// reportNoDeployment (deploy.go): TaskDefinitionARN is taskDef, else the plan's, and
// PrintARN is taskDef != "".
func assertSameJSON(t *testing.T, old any, v view.View) {
	t.Helper()
	var want, got bytes.Buffer
	if err := ui.WriteJSON(&want, old); err != nil {
		t.Fatal(err)
	}
	if err := view.Write(&got, view.JSON, v); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("(-old +view):\n%s", diff)
	}
}

// TestTasksViewIsWriteTasks: view.Tasks replaces the direct task.WriteTasks call
// (tasks.go).
func TestTasksViewIsWriteTasks(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tasks := []types.Task{{TaskArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/abc"), TaskDefinitionArn: aws.String(tdARN + "3"),
		LastStatus: aws.String("RUNNING"), DesiredStatus: aws.String("RUNNING"), CreatedAt: &at, Group: aws.String("service:web")}}
	for _, format := range []string{view.Text, view.Table, view.TSV, view.JSON} {
		var old, got bytes.Buffer
		if err := task.WriteTasks(&old, format, tasks); err != nil {
			t.Fatal(err)
		}
		if err := view.Write(&got, format, view.Tasks(tasks)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(old.String(), got.String()); diff != "" {
			t.Errorf("%s (-WriteTasks +view):\n%s", format, diff)
		}
	}
}
