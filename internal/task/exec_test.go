package task

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// A task without ECS Exec: the hint says how to turn it on, and for an Express
// Mode service (whose API has no enableExecuteCommand) that it cannot be.
func TestExecNotEnabledHint(t *testing.T) {
	running := types.Task{TaskArn: aws.String("arn:aws:ecs:us-east-1:1:task/c/0123abcd"), LastStatus: aws.String("RUNNING"),
		Containers: []types.Container{{Name: aws.String("app"), RuntimeId: aws.String("r")}}}
	for _, tt := range []struct {
		name    string
		express bool
		want    []string
		notWant string
	}{
		{"service", false, []string{`set "enableExecuteCommand": true in the service definition and deploy`}, "Express Mode"},
		{"express service", true, []string{"an Express Mode service cannot turn ECS Exec on", "UpdateExpressGatewayService have no enableExecuteCommand", "'doppio tasks logs'"},
			"in the service definition and deploy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			_, err := startExec(t.Context(), f.deps(), ExecOptions{Cluster: "c", Task: running, Command: "sh", Express: tt.express})
			if err == nil || !strings.Contains(err.Error(), "ECS Exec (execute command) is not enabled on task 0123abcd") {
				t.Fatalf("err = %v, want ECS Exec not enabled", err)
			}
			hint := diag.Hint(err)
			for _, w := range tt.want {
				if !strings.Contains(hint, w) {
					t.Errorf("hint %q lacks %q", hint, w)
				}
			}
			if strings.Contains(hint, tt.notWant) {
				t.Errorf("hint %q says %q", hint, tt.notWant)
			}
			if f.calls["ExecuteCommand"] != 0 {
				t.Errorf("ExecuteCommand called for a task without ECS Exec")
			}
		})
	}
}
