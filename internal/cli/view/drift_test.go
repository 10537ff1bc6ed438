package view

import (
	"bytes"
	"errors"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// The drift report over four members: one drifted in both definitions, one clean,
// one whose service does not exist, one that could not be compared.
func TestDriftReportGolden(t *testing.T) {
	tdDiff := "--- arn:aws:ecs:us-east-1:111122223333:task-definition/web:3\n+++ services/web/ecs-task-def.json\n@@ -3,3 +3,3 @@\n-      \"image\": \"nginx:1.22\",\n+      \"image\": \"nginx:1.23\",\n       \"name\": \"app\"\n-  \"memory\": \"512\"\n+  \"memory\": \"1024\"\n"
	sdDiff := "--- arn:aws:ecs:us-east-1:111122223333:service/prod/web\n+++ services/web/ecs-service-def.json\n@@ -1 +1 @@\n-  \"desiredCount\": 2,\n+  \"desiredCount\": 3,\n"
	results := []fleet.Result{
		{Name: "api", Cluster: "prod", Config: "services/api/ecspresso.yml", Outcome: "ok", Items: []fleet.Item{{Value: NewDiff("", "", false)}}},
		{Name: "web", Cluster: "prod", Account: "111122223333", Config: "services/web/ecspresso.yml", Code: diag.ExitDiff, Outcome: "differences",
			Err: diag.WithCode(fleet.ErrReported, diag.ExitDiff), Items: []fleet.Item{{Value: NewDiff(sdDiff, tdDiff, false)}}},
		{Name: "jobs", Cluster: "prod", Config: "services/jobs/ecspresso.yml", Code: diag.ExitDiff, Outcome: "differences",
			Items: []fleet.Item{{Value: NewDiff("--- (service jobs does not exist)\n+++ services/jobs/ecs-service-def.json\n@@ -0,0 +1 @@\n+{\n", "", false)}}},
		{Name: "broken", Cluster: "prod", Config: "services/broken/ecspresso.yml", Code: diag.ExitError, Outcome: "error",
			Err: errors.New("describe services: AccessDenied")},
	}
	for _, format := range []string{Text, JSON} {
		var b bytes.Buffer
		if err := Write(&b, format, DriftReport{Results: results}); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "testdata/drift-report."+format+".golden", b.Bytes())
	}
}
