package cli

import (
	"bytes"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// localZone hides the machine's time zone: status prints event times in local time.
var localZone = regexp.MustCompile(`(T\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)`)

// TestGoldenTextEdgeCases pins the text forms of status, revisions and the rollback
// plan in cases the sandbox does not produce: failed tasks, deployments without a
// rollout state, wide cells, a stopped deployment.
func TestGoldenTextEdgeCases(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local) // printed in local time: only the offset varies
	arn := func(rev string) string { return "arn:aws:ecs:us-east-1:123456789012:task-definition/web:" + rev }
	t.Run("status", func(t *testing.T) {
		d := statusDoc{
			Service: "web", Cluster: "prod", ServiceARN: "arn:aws:ecs:us-east-1:123456789012:service/prod/web", Status: "ACTIVE",
			TaskDefinition: arn("7"), LaunchType: "EC2", Desired: 3, Running: 2, Pending: 1,
			Deployments: []statusDeploy{
				{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: arn("7"), Desired: 3, Running: 1, Pending: 1, Failed: 2,
					RolloutState: "IN_PROGRESS", RolloutReason: "ECS deployment ecs-svc/1 in progress.", CreatedAt: at},
				{ID: "ecs-svc/0", Status: "ACTIVE", TaskDefinition: arn("6"), Desired: 1, Running: 1},
			},
			Events: []statusEventJS{{CreatedAt: at, Message: "(service web) has started 1 tasks: (task 1234)."}, {CreatedAt: at.Add(time.Minute), Message: "second"}},
		}
		var b bytes.Buffer
		if err := writeStatus(&b, d); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join("testdata", "views", "unit", "status.text.golden"), localZone.ReplaceAll(b.Bytes(), []byte("${1}ZONE")))
	})
	rows := []revisionRow{{Name: "web:9", InUse: ""}, {Name: "web:10", InUse: "PRIMARY deployment, RUNNING task"}, {Name: "wéb:11", InUse: "ACTIVE deployment"}}
	for _, format := range []string{"text", "table", "tsv", "json"} {
		t.Run("revisions."+format, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeRevisions(&b, format, rows); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, filepath.Join("testdata", "views", "unit", "revisions."+format+".golden"), b.Bytes())
		})
	}
	t.Run("revisions.empty", func(t *testing.T) {
		var b bytes.Buffer
		if err := writeRevisions(&b, "table", nil); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join("testdata", "views", "unit", "revisions-empty.table.golden"), b.Bytes())
	})
	t.Run("rollback-stop-plan", func(t *testing.T) {
		var b bytes.Buffer
		a := &app{stdout: &b}
		printRollbackPlan(a, &deploy.RollbackPlan{Cluster: "prod", Service: "web", Current: arn("7"),
			StopDeployment: "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc"}, true)
		golden.Assert(t, filepath.Join("testdata", "views", "unit", "rollback-stop-plan.text.golden"), b.Bytes())
	})
}
