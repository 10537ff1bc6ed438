package e2e

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/sandbox"
)

// stableOutput replaces what differs between runs — account IDs, times, durations,
// generated IDs, the Go version — so the views' goldens hold only what the verbs print.
var stableOutput = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "TIME"},
	{regexp.MustCompile(`"durationSeconds": [0-9.e+-]+`), `"durationSeconds": N`},
	{regexp.MustCompile(`\b\d{12}\b`), "ACCOUNT"},
	{regexp.MustCompile(`ecs-svc/\d+`), "ecs-svc/ID"},
	{regexp.MustCompile(`(service-deployment/[\w-]+/[\w-]+/)[\w-]+`), "${1}ID"},
	{regexp.MustCompile(`\b[0-9a-f]{32}\b`), "TASKID"},
	{regexp.MustCompile(`go1[.\w-]*`), "GOVERSION"},
}

// assertView runs doppio with args, expecting exit 0, and compares its stdout, made
// stable, with testdata/views/NAME.golden.
func (e *e2e) assertView(name, dir string, args ...string) {
	e.t.Helper()
	out, _ := e.must(0, dir, args...)
	assertOneJSON(e.t, name, out)
	for _, r := range stableOutput {
		out = r.re.ReplaceAllString(out, r.with)
	}
	golden.Assert(e.t, filepath.Join("testdata", "views", name+".golden"), []byte(out))
}

// assertOneJSON checks that a JSON view (its name says .json) is exactly one JSON
// value: scripts decode stdout once.
func assertOneJSON(t *testing.T, name, out string) {
	t.Helper()
	if !strings.Contains(name, ".json") {
		return
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Errorf("%s: stdout is not JSON: %v\n%s", name, err, out)
		return
	}
	if dec.More() {
		t.Errorf("%s: stdout holds more than one JSON value:\n%s", name, out)
	}
}

// TestE2EGoldenViews pins what each verb prints on stdout, as text and as JSON, for
// the verbs whose results are views: status, revisions, register, rollback,
// deregister, delete and version. Scripts parse these outputs, so a change here is a
// change users see (rewrite with -update only on purpose).
func TestE2EGoldenViews(t *testing.T) {
	e := startE2E(t)
	e.cluster("prod")
	e.sb.Clock().SetSpeed(40)
	var last string
	for i := range 3 {
		last = e.register(fargateTD("web", "nginx:1.2"+string(rune('0'+i))))
	}
	for _, name := range []string{"web", "api"} {
		e.createService(&ecs.CreateServiceInput{
			Cluster: aws.String("prod"), ServiceName: aws.String(name), TaskDefinition: aws.String(last),
			DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.awsvpc(),
		})
	}
	e.must(0, "", "init", "--cluster", "prod", "--service", "web")
	e.must(0, "api", "init", "--cluster", "prod", "--service", "api")
	wait := []string{"--poll-interval", "50ms"}
	e.must(0, "", append([]string{"wait"}, wait...)...)
	e.must(0, "api", append([]string{"wait"}, wait...)...)

	e.assertView("version.text", "", "version")
	e.assertView("version.json", "", "version", "--output", "json")
	e.assertView("status.text", "", "status", "--events", "1")
	e.assertView("status.json", "", "status", "--events", "1", "--output", "json")
	e.assertView("status-no-events.text", "", "status", "--events", "0")

	e.assertView("revisions.text", "", "revisions")
	e.assertView("revisions.table", "", "revisions", "--output", "table")
	e.assertView("revisions.tsv", "", "revisions", "--output", "tsv")
	e.assertView("revisions.json", "", "revisions", "--output", "json")

	e.assertView("register.text", "", "register") // web:4
	e.assertView("register.json", "", "register", "--output", "json")

	// The service runs web:3; rollback goes to web:2.
	e.assertView("rollback-dry-run.text", "", "rollback", "--dry-run")
	e.assertView("rollback-dry-run.json", "", "rollback", "--dry-run", "--output", "json")
	e.assertView("rollback-no-wait.text", "", "rollback", "--no-wait", "--no-deregister-task-definition")
	e.must(0, "", append([]string{"wait"}, wait...)...)
	e.assertView("rollback-no-wait.json", "", "rollback", "--no-wait", "--no-deregister-task-definition", "--revision", "3", "--output", "json")
	e.must(0, "", append([]string{"wait"}, wait...)...)

	// Revisions 1, 2, 4 and 5 are unused; web:3 runs.
	e.assertView("deregister-dry-run.text", "", "deregister", "--keeps", "2", "--dry-run")
	e.assertView("deregister-dry-run.json", "", "deregister", "--keeps", "2", "--dry-run", "--output", "json")
	e.assertView("deregister.text", "", "deregister", "--revision", "1", "--force")
	e.assertView("deregister.json", "", "deregister", "--revision", "2", "--force", "--delete", "--output", "json")

	// rollback --stop: the rollout of a slow image (5 times slower in the sandbox) is
	// still in progress when doppio stops it. Its text form is empty (the unit goldens
	// of the view pin it). The clock stands still and moves only with doppio's polls,
	// so the rollout cannot finish before doppio stops it, however loaded the machine.
	e.sb.Clock().SetSpeed(0)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 5 * time.Second})
	slow := e.register(fargateTD("web", "nginx:1.22-slow"))
	if _, err := e.ecs.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String("prod"), Service: aws.String("web"),
		TaskDefinition: aws.String(slow)}); err != nil {
		t.Fatal(err)
	}
	e.assertView("rollback-stop.json", "", append([]string{"rollback", "--stop", "--no-deregister-task-definition", "--output", "json"}, wait...)...)
	e.sb.StepClock()
	e.sb.Clock().SetSpeed(40)

	// diff: nothing, then the image changed in the file.
	e.assertView("diff-none.text", "", "diff")
	e.assertView("diff-none.json", "", "diff", "--output", "json")
	e.write("ecs-task-def.json", strings.Replace(e.read("ecs-task-def.json"), "nginx:1.22", "nginx:1.23", 1))
	e.assertView("diff.text", "", "diff")
	e.assertView("diff-no-unified.text", "", "diff", "--no-unified")
	e.assertView("diff.json", "", "diff", "--output", "json")

	e.assertView("delete-dry-run.text", "", "delete", "--dry-run")
	e.assertView("delete-dry-run.json", "", "delete", "--dry-run", "--output", "json")
	e.assertView("delete.text", "", "delete", "--force", "--terminate")
	e.assertView("delete.json", "api", "delete", "--force", "--terminate", "--output", "json")
}
