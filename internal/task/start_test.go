package task

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/google/go-cmp/cmp"
)

func TestStartPartialPlacement(t *testing.T) {
	capacity := types.Failure{Arn: aws.String("arn:aws:ecs:us-east-1:1:cluster/c"), Reason: aws.String("RESOURCE:MEMORY")}
	for _, c := range []struct {
		name     string
		started  int
		failures []types.Failure
		code     int // Started.ExitCode(0)
		err      string
	}{
		{name: "all placed", started: 3, code: 0},
		{name: "two of three", started: 2, failures: []types.Failure{capacity}, code: diag.ExitFailed},
		{name: "none", failures: []types.Failure{capacity, capacity, capacity}, err: "could not place 3 task(s): RESOURCE:MEMORY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var tasks []*scripted
			for i := range c.started {
				tasks = append(tasks, &scripted{arn: "arn:aws:ecs:us-east-1:1:task/c/" + strings.Repeat(string(rune('a'+i)), 32)})
			}
			f := newFake(tasks...)
			f.failures = c.failures
			p := &RunPlan{Cluster: "c"}
			p.TaskDefinition.ARN = "arn:aws:ecs:us-east-1:1:task-definition/job:1"
			s, err := NewRunner(f.deps()).Start(t.Context(), p)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || diag.ExitCode(err) != diag.ExitFailed {
					t.Fatalf("err %v, want %q with exit 4", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.TaskARNs) != c.started || len(s.Failures) != len(c.failures) {
				t.Errorf("started %d, failures %v", len(s.TaskARNs), s.Failures)
			}
			if d := cmp.Diff(c.code, s.ExitCode(0)); d != "" {
				t.Errorf("exit code without task failures: %s", d)
			}
			if got := s.ExitCode(3); got != 3 {
				t.Errorf("a task's exit code 3 became %d", got)
			}
		})
	}
}
