package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestUnitTasksList(t *testing.T) {
	u := startUnit(t, 2)
	running := u.ecs.addTask("prod", "service:web", tdARN("web", 2), types.DesiredStatusRunning)
	stopped := u.ecs.addTask("prod", "service:web", tdARN("web", 1), types.DesiredStatusStopped)
	u.ecs.addTask("prod", "service:other", u.ecs.addTaskDefinition(otherTD()), types.DesiredStatusRunning) // another family's task

	out, _ := u.must(0, "tasks", "--output", "tsv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID\tTaskDefinition\t") {
		t.Fatalf("tasks tsv: want a header and 2 tasks:\n%s", out)
	}
	contains(t, "tasks tsv", out, taskID(running)+"\tweb:2\t\tRUNNING\tRUNNING", taskID(stopped)+"\tweb:1\t\tSTOPPED\tSTOPPED")

	out, _ = u.must(0, "tasks", "--desired-status", "RUNNING", "--output", "json")
	var tasks []struct {
		TaskArn       string `json:"taskArn"`
		DesiredStatus string `json:"desiredStatus"`
	}
	if err := json.Unmarshal([]byte(out), &tasks); err != nil || len(tasks) != 1 || tasks[0].TaskArn != running {
		t.Errorf("tasks --desired-status RUNNING --output json (one array with the running task): %v\n%s", err, out)
	}
	u.noChanges()
}

func TestUnitTasksFind(t *testing.T) {
	u := startUnit(t, 1)
	arn := u.ecs.addTask("prod", "service:web", tdARN("web", 1), types.DesiredStatusRunning)
	out, _ := u.must(0, "tasks", "find", "--id", taskID(arn))
	contains(t, "tasks find", out, `"taskArn": "`+arn+`"`)
	_, errs := u.must(2, "tasks", "find", "--id", "0123456789abcdef")
	contains(t, "tasks find of a missing task", errs, "0123456789abcdef")
	u.noChanges()
}

func TestUnitTasksEmpty(t *testing.T) {
	u := startUnit(t, 1)
	out, _ := u.must(0, "tasks", "--output", "json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("tasks --output json without tasks: %q, want []", out)
	}
}

func otherTD() *ecs.RegisterTaskDefinitionInput {
	td := unitTD("1")
	td.Family = aws.String("other")
	return td
}

func taskID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func TestUnitTasksStop(t *testing.T) {
	u := startUnit(t, 1)
	arn := u.ecs.addTask("prod", "service:web", tdARN("web", 1), types.DesiredStatusRunning)
	// asked and not answered yes: nothing stopped
	_, errs := u.must(1, "tasks", "stop", "--id", taskID(arn))
	contains(t, "tasks stop without --force", errs, "cancelled; task "+taskID(arn)+" was not stopped")
	u.noChanges()

	out, _ := u.must(0, "tasks", "stop", "--id", taskID(arn), "--force")
	if out != arn+"\n" {
		t.Errorf("tasks stop stdout: %q, want the task ARN", out)
	}
	if c := u.ecs.changes(); len(c) != 1 || c[0] != "StopTask" {
		t.Errorf("tasks stop made %v, want one StopTask", c)
	}
}
