package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/doppio-ecs/doppio/internal/ecsdef"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
)

// activeRevisions lists the family's ACTIVE revision numbers with the plain SDK.
func (e *e2e) activeRevisions(family string) []int {
	e.t.Helper()
	out, err := e.ecs.ListTaskDefinitions(e.t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(family), Status: types.TaskDefinitionStatusActive})
	if err != nil {
		e.t.Fatal(err)
	}
	var revs []int
	for _, arn := range out.TaskDefinitionArns {
		if f, n, ok := ecsdef.ParseTaskDefinitionRef(arn); ok && f == family {
			revs = append(revs, n)
		}
	}
	slices.Sort(revs)
	return revs
}

// TestE2EServiceLifecycle runs status, revisions, rollback, deregister and delete
// against a service created with the plain SDK and imported with init.
func TestE2EServiceLifecycle(t *testing.T) {
	e := startE2E(t)
	e.cluster("prod")
	e.sb.Clock().SetSpeed(40)
	var last string
	for i := 0; i < 4; i++ {
		last = e.register(fargateTD("web", "nginx:1.2"+string(rune('0'+i))))
	}
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String(last),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.awsvpc(),
	})
	e.must(0, "", "init", "--cluster", "prod", "--service", "web")
	wait := []string{"--poll-interval", "50ms"}

	// status: text and JSON
	out, _ := e.must(0, "", "status")
	wantIn(t, "status", out, "Service: web (ACTIVE)", "Cluster: prod", "TaskDefinition: web:4", "Deployments:", "PRIMARY")
	out, _ = e.must(0, "", "status", "--output", "json", "--events", "2")
	var st view.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Service != "web" || len(st.Deployments) == 0 || len(st.Events) > 2 {
		t.Errorf("status json: %v\n%s", err, out)
	}

	// revisions in ecspresso's shapes: table, tsv, concatenated JSON objects
	out, _ = e.must(0, "", "revisions")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 6 || !strings.Contains(lines[0], "NAME") ||
		!strings.HasPrefix(lines[1], "+--") || !strings.HasPrefix(lines[2], "| web:1 ") || !strings.Contains(lines[5], "| PRIMARY deployment |") {
		t.Errorf("revisions table:\n%s", out)
	}
	out, _ = e.must(0, "", "revisions", "--output", "tsv")
	if !strings.HasPrefix(out, "web:1\t\n") || !strings.HasSuffix(out, "web:4\tPRIMARY deployment\n") {
		t.Errorf("revisions tsv:\n%q", out)
	}
	out, _ = e.must(0, "", "revisions", "--output", "json")
	// One JSON value (an array), as every verb's --output json.
	var revs view.Revisions
	if err := json.Unmarshal([]byte(out), &revs); err != nil {
		t.Fatalf("revisions json: %v\n%s", err, out)
	}
	if len(revs) != 4 || revs[3] != (view.Revision{Name: "web:4", InUse: "PRIMARY deployment"}) || revs[0].InUse != "" || !strings.Contains(out, `"in_use": ""`) {
		t.Errorf("revisions json:\n%s", out)
	}
	e.must(2, "", "status", "--output", "tsv")
	out, _ = e.must(0, "", "revisions", "--revision", "latest")
	if !strings.Contains(out, `"revision": 4`) || !strings.Contains(out, "nginx:1.23") {
		t.Errorf("revisions --revision latest:\n%s", out)
	}

	// rollback: plan, then roll back to web:3 and deregister web:4
	out, _ = e.must(0, "", "rollback", "--dry-run")
	if !strings.Contains(out, "update the service to web:3") {
		t.Errorf("rollback --dry-run:\n%s", out)
	}
	_, errs := e.must(0, "", append([]string{"rollback"}, wait...)...)
	t.Logf("rollback stderr:\n%s", errs)
	if got := aws.ToString(e.describe("prod", "web").TaskDefinition); !strings.HasSuffix(got, "web:3") {
		t.Fatalf("after rollback the service runs %s\n%s", got, errs)
	}
	if got := e.activeRevisions("web"); !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("after rollback (deregisters by default): active %v\n%s", got, errs)
	}

	// deregister: refuses the revision in use, asks, keeps
	_, errs = e.must(2, "", "deregister", "--revision", "3", "--force")
	if !strings.Contains(errs, "in use") {
		t.Errorf("deregister in-use revision:\n%s", errs)
	}
	if code, _, errs := e.run("", "n\n", "deregister", "--keeps", "1"); code != 1 || !strings.Contains(errs, "[y/N]") {
		t.Errorf("deregister answered no: exit %d\n%s", code, errs)
	}
	out, _ = e.must(0, "", "deregister", "--keeps", "1", "--dry-run")
	if !strings.Contains(out, "deregister web:1") || !strings.Contains(out, "keep web:2") {
		t.Errorf("deregister --dry-run:\n%s", out)
	}
	if code, out, errs := e.run("", "y\n", "deregister", "--keeps", "1", "--delete"); code != 0 || !strings.Contains(out, "deregistered web:1") {
		t.Errorf("deregister --keeps 1: exit %d\n%s\n%s", code, out, errs)
	}
	if got := e.activeRevisions("web"); slices.Contains(got, 1) || !slices.Contains(got, 3) || !slices.Contains(got, 2) {
		t.Errorf("after deregister --keeps 1: active %v", got)
	}

	// delete: dry run, wrong name, then for real
	out, _ = e.must(0, "", "delete", "--dry-run")
	if !strings.Contains(out, "Service: web") {
		t.Errorf("delete --dry-run:\n%s", out)
	}
	if code, _, errs := e.run("", "", "delete"); code != 1 || !strings.Contains(errs, "--terminate") {
		t.Errorf("delete of a service with tasks: exit %d, want 1\n%s", code, errs)
	}
	if code, _, errs := e.run("", "wrong\n", "delete", "--terminate"); code != 1 || !strings.Contains(errs, "cancelled") {
		t.Errorf("delete with a wrong name: exit %d, want 1\n%s", code, errs)
	}
	if st := aws.ToString(e.describe("prod", "web").Status); st != "ACTIVE" {
		t.Fatalf("service deleted without confirmation: %s", st)
	}
	if code, out, errs := e.run("", "web\n", "delete", "--terminate"); code != 0 || !strings.Contains(out, "service/prod/web") {
		t.Fatalf("delete: exit %d\n%s\n%s", code, out, errs)
	}
	if st := aws.ToString(e.describe("prod", "web").Status); st == "ACTIVE" {
		t.Errorf("after delete the service is %s", st)
	}
}

// TestE2ERollbackStop stops an in-progress deployment with ECS's ROLLBACK.
func TestE2ERollbackStop(t *testing.T) {
	e := startE2E(t)
	e.cluster("prod")
	e.sb.Clock().SetSpeed(40)
	v1 := e.register(fargateTD("web", "nginx:1.20"))
	v2 := e.register(fargateTD("web", "nginx:1.21"))
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String(v1),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.awsvpc(),
	})
	e.must(0, "", "init", "--cluster", "prod", "--service", "web")
	e.must(0, "", "wait", "--poll-interval", "50ms")
	e.sb.Clock().SetSpeed(0) // the next rollout stands still
	if _, err := e.ecs.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("web"), TaskDefinition: aws.String(v2)}); err != nil {
		t.Fatal(err)
	}
	out, _ := e.must(0, "", "rollback", "--stop", "--dry-run")
	if !strings.Contains(out, "with ROLLBACK") {
		t.Fatalf("rollback --stop --dry-run:\n%s", out)
	}
	// The rollout stands still until doppio has stopped it (its first line after the
	// plan comes after StopServiceDeployment); only then does the clock move, so the
	// deployment cannot complete between planning and stopping it.
	e.sb.Clock().SetSpeed(0)
	var once sync.Once
	stderr := &syncBuffer{onLine: func(l string) {
		if !strings.HasPrefix(l, "plan:") && !strings.HasPrefix(l, "  ") {
			once.Do(func() { e.sb.Clock().SetSpeed(40) })
		}
	}}
	code, _ := e.runCtxIn(t.Context(), "", stderr, "rollback", "--stop", "--poll-interval", "50ms")
	errs := stderr.String()
	if code != 0 {
		t.Fatalf("rollback --stop: exit %d\n%s", code, errs)
	}
	if got := aws.ToString(e.describe("prod", "web").TaskDefinition); got != v1 {
		t.Errorf("after rollback --stop the service runs %s, want %s\n%s", got, v1, errs)
	}
}
