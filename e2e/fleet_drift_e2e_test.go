package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A drift sweep over three services: svc-a's image changed in its files (drift),
// svc-b got a tag its config's ignore.tags leaves alone (no drift), svc-c is as
// deployed. One report names svc-a; one JSON document has a record per service;
// --exit-code exits 3.
func TestE2EFleetDriftSweep(t *testing.T) {
	e := fleetProject(t, 3)
	e.write("services/svc-b/ecs-service-def.json", strings.Replace(e.read("services/svc-b/ecs-service-def.json"),
		`"launchType"`, `"tags": [{"key": "team", "value": "shop"}], "launchType"`, 1))
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	svc := e.describe("e2e", "svc-b")
	if _, err := e.ecs.TagResource(t.Context(), &ecs.TagResourceInput{ResourceArn: svc.ServiceArn,
		Tags: []types.Tag{{Key: aws.String("deployed-by"), Value: aws.String("pipeline-42")}}}); err != nil {
		t.Fatal(err)
	}
	e.write("services/svc-b/ecspresso.yml", e.read("services/svc-b/ecspresso.yml")+"ignore:\n  tags: [deployed-by]\n")
	e.setenv("IMAGE_0", "nginx:2")

	code, out, errs := e.run(".", "", "diff", "--config", "services/*/ecspresso.yml", "--exit-code")
	if code != 3 {
		t.Fatalf("exit %d, want 3\n%s%s", code, out, errs)
	}
	wantIn(t, "report", out, "drift: 1 of 3 services drifted", "svc-a    e2e      -        yes      task definition: image", "[svc-a] +", "svc-b    e2e      -        no")
	if strings.Contains(out, "[svc-b]") || strings.Contains(out, "[svc-c]") {
		t.Errorf("the report shows diffs of services that did not drift:\n%s", out)
	}

	code, out, errs = e.run(".", "", "diff", "--config", "services/*/ecspresso.yml", "--output", "json")
	if code != 0 {
		t.Fatalf("without --exit-code: exit %d\n%s", code, errs)
	}
	var doc struct {
		Services, Drifted int
		Members           []struct {
			Service string
			Drifted *bool
			Differs []string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Services != 3 || doc.Drifted != 1 || len(doc.Members) != 3 {
		t.Fatalf("not one drift document (%v):\n%s", err, out)
	}
	for _, m := range doc.Members {
		if m.Drifted == nil || *m.Drifted != (m.Service == "svc-a") {
			t.Errorf("%s: drifted %v", m.Service, m.Drifted)
		}
	}
}
