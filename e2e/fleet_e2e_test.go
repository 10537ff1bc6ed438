package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli"
)

// fleetProject writes n Fargate services (svc-a, svc-b, ...) under services/, each
// with its own config, in cluster e2e. Service i's image comes from $IMAGE_<i>.
func fleetProject(t *testing.T, n int) *e2e {
	t.Helper()
	e, subnets, sg := webAccount(t)
	e.sb.Clock().SetSpeed(40)
	for i := range n {
		name := fmt.Sprintf("svc-%c", 'a'+i)
		dir := "services/" + name
		e.write(dir+"/ecspresso.yml", fmt.Sprintf("region: us-east-1\ncluster: e2e\nservice: %s\nservice_definition: ecs-service-def.json\ntask_definition: ecs-task-def.json\ntimeout: 3m\n", name))
		e.write(dir+"/ecs-service-def.json", fmt.Sprintf(`{
  "launchType": "FARGATE", "desiredCount": 1,
  "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}, "maximumPercent": 200, "minimumHealthyPercent": 100},
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q], "securityGroups": [%q]}}
}`, subnets[0], sg))
		e.write(dir+"/ecs-task-def.json", fmt.Sprintf(`{
  "family": %q, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "app", "image": "{{ must_env `+"`IMAGE_%d`"+` }}", "essential": true}]
}`, name, i))
		e.setenv(fmt.Sprintf("IMAGE_%d", i), "nginx:1")
	}
	return e
}

var batchingLine = regexp.MustCompile(`describeServicesRequests=(\d+) describeServicesCalls=(\d+)`)

// Four services deploy from one process: every line names its service, the waits
// share batched DescribeServices calls, a crashlooping service rolls back on its own
// while the others succeed, and the exit code (4) and the summary name it.
func TestE2EFleetDeploy(t *testing.T) {
	e := fleetProject(t, 4)
	_, errs := e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--debug")
	wantIn(t, "stderr", errs, "[svc-a] plan: create service svc-a", "[svc-d] ", "SERVICE", "svc-c  ")
	m := batchingLine.FindStringSubmatch(errs)
	if m == nil {
		t.Fatalf("no batching figures in the debug log:\n%s", errs)
	}
	reqs, calls := atoi(m[1]), atoi(m[2])
	if calls*2 > reqs {
		t.Errorf("%d DescribeServices calls for %d requests: the four waits should share calls", calls, reqs)
	}

	e.setenv("IMAGE_0", "nginx:2")
	e.setenv("IMAGE_1", "nginx:2")
	e.setenv("IMAGE_2", "nginx:2")
	e.setenv("IMAGE_3", "nginx:crashloop")
	out, errs := e.must(4, ".", "deploy", "--config", "services/*/ecspresso.yml", "--output", "json", "--poll-interval", "200ms")
	if !strings.Contains(errs, "1 of 4 services did not succeed: svc-d (rolled back)") {
		t.Errorf("summary does not name the failed service:\n%s", errs)
	}
	var docs []struct {
		Service string `json:"service"`
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil || len(docs) != 4 {
		t.Fatalf("stdout is not an array of 4 result documents (%v):\n%s", err, out)
	}
	for i, d := range docs {
		want := "succeeded"
		if i == 3 {
			want = "rolled back"
		}
		if d.Service != fmt.Sprintf("svc-%c", 'a'+i) || d.Outcome != want {
			t.Errorf("document %d: %+v, want outcome %s", i, d, want)
		}
	}
	for i := range 3 {
		if td := e.describe("e2e", fmt.Sprintf("svc-%c", 'a'+i)).TaskDefinition; !strings.HasSuffix(*td, ":2") {
			t.Errorf("svc-%c runs %s, want revision 2", 'a'+i, *td)
		}
	}
}

// A service whose definition is invalid stops the whole fleet before anything is
// registered, created or updated.
func TestE2EFleetChangesNothingUnlessAllPlansAreValid(t *testing.T) {
	e := fleetProject(t, 3)
	e.write("services/svc-b/ecs-service-def.json", `{"launchType": "FARGATE", "desiredCount": -1}`)
	e.sb.ResetCounts()
	_, errs := e.must(2, ".", "deploy", "--config", "services/svc-a/ecspresso.yml", "--config", "services/svc-[bc]/ecspresso.yml")
	for op, n := range e.sb.Counts() {
		if strings.Contains(op, "Register") || strings.Contains(op, "Create") || strings.Contains(op, "Update") {
			t.Errorf("%s called %d times; nothing may change", op, n)
		}
	}
	wantIn(t, "stderr", errs, "[svc-b] ", "desiredCount", "svc-a (not started)", "svc-c (not started)")
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// The other fleet verbs on two services: diff, status, wait and rollback run for
// each in one process, with prefixed lines and one exit code.
func TestE2EFleetDiffStatusWaitRollback(t *testing.T) {
	e := fleetProject(t, 2)
	glob := "services/*/ecspresso.yml"
	e.must(0, ".", "deploy", "--config", glob, "--poll-interval", "200ms")
	e.setenv("IMAGE_0", "nginx:2")
	e.setenv("IMAGE_1", "nginx:2")
	code, out, _ := e.run(".", "", "diff", "--config", glob, "--exit-code")
	if code != 3 || !strings.Contains(out, "[svc-a] ") || !strings.Contains(out, "[svc-b] ") || !strings.Contains(out, "nginx:2") {
		t.Fatalf("diff: exit %d, want 3 with both services' differences:\n%s", code, out)
	}
	e.must(0, ".", "deploy", "--config", glob, "--poll-interval", "200ms")
	e.must(0, ".", "diff", "--config", glob, "--exit-code")
	out, _ = e.must(0, ".", "status", "--config", glob)
	wantIn(t, "status", out, "[svc-a] ", "[svc-b] ")
	e.must(0, ".", "wait", "--config", glob, "--poll-interval", "200ms")
	e.must(0, ".", "scale", "--config", glob, "--tasks", "2", "--poll-interval", "200ms")
	e.must(0, ".", "refresh", "--config", glob, "--poll-interval", "200ms")
	for _, s := range []string{"svc-a", "svc-b"} {
		if svc := e.describe("e2e", s); svc.DesiredCount != 2 || svc.RunningCount != 2 {
			t.Errorf("%s after scale: desired %d running %d, want 2 and 2", s, svc.DesiredCount, svc.RunningCount)
		}
	}
	out, _ = e.must(0, ".", "register", "--config", glob, "--output", "json")
	var regs []struct {
		TaskDefinitionARN string `json:"taskDefinitionArn"`
	}
	if err := json.Unmarshal([]byte(out), &regs); err != nil || len(regs) != 2 || !strings.HasSuffix(regs[1].TaskDefinitionARN, "svc-b:3") {
		t.Errorf("register over two configs: %v\n%s", err, out)
	}
	_, errs := e.must(0, ".", "rollback", "--config", glob, "--poll-interval", "200ms")
	if !strings.Contains(errs, "SERVICE") {
		t.Errorf("rollback prints no summary:\n%s", errs)
	}
	for _, s := range []string{"svc-a", "svc-b"} {
		if td := *e.describe("e2e", s).TaskDefinition; !strings.HasSuffix(td, s+":1") {
			t.Errorf("%s runs %s after rollback, want revision 1 (revision 3, registered only, is not the previous one in use)", s, td)
		}
	}
}

// Ctrl-C during a fleet's waits interrupts every service: exit 130, each named.
func TestE2EFleetInterrupt(t *testing.T) {
	e := fleetProject(t, 2)
	e.setenv("IMAGE_0", "nginx:slow")
	e.setenv("IMAGE_1", "nginx:slow")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	updated := 0
	stderr := &syncBuffer{}
	stderr.onLine = func(l string) {
		if strings.Contains(l, "created service") {
			updated++
			if updated == 2 {
				cancel()
			}
		}
	}
	var out bytes.Buffer
	code := cli.Main(ctx, []string{"deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms"},
		cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr, Vars: maps.Clone(e.vars), Dir: filepath.Join(e.dir, ".")})
	if code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "2 of 2 services did not succeed: svc-a (interrupted), svc-b (interrupted)") {
		t.Errorf("summary does not name both interrupted services:\n%s", stderr.String())
	}
}

// --parallel 1 applies in config order; --fail-fast starts nothing after a failure.
func TestE2EFleetFailFast(t *testing.T) {
	e := fleetProject(t, 2)
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	e.setenv("IMAGE_0", "nginx:crashloop")
	e.setenv("IMAGE_1", "nginx:2")
	_, errs := e.must(4, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms", "--parallel", "1", "--fail-fast")
	if !strings.Contains(errs, "2 of 2 services did not succeed: svc-a (rolled back), svc-b (not started)") ||
		!strings.Contains(errs, "[svc-b] not started: --fail-fast after svc-a failed") {
		t.Errorf("svc-b should not start after svc-a failed:\n%s", errs)
	}
	if td := *e.describe("e2e", "svc-b").TaskDefinition; !strings.HasSuffix(td, "svc-b:1") {
		t.Errorf("svc-b runs %s; --fail-fast should have kept it on revision 1", td)
	}
}
