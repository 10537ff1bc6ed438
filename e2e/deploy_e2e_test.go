package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/sandbox"
)

// deployProject writes a Fargate web service project (circuit breaker with rollback)
// whose image comes from $IMAGE, creates its cluster, and speeds the account's clock
// up so a 5 s simulated rollout takes a fraction of a second.
func deployProject(t *testing.T) *e2e {
	t.Helper()
	return fargateWebProject(t, 2, `  "deploymentConfiguration": {
    "deploymentCircuitBreaker": {"enable": true, "rollback": true},
    "maximumPercent": 200, "minimumHealthyPercent": 100
  },
`, `,
  "tags": [{"key": "Team", "value": "web"}]`, webTaskDef)
}

// runCtx runs doppio in-process with a caller-controlled context and stderr.
func (e *e2e) runCtx(ctx context.Context, stderr *syncBuffer, args ...string) (int, string) {
	e.t.Helper()
	return e.runCtxIn(ctx, "app", stderr, args...)
}

// runCtxIn is runCtx in dir (relative to the test's directory).
func (e *e2e) runCtxIn(ctx context.Context, dir string, stderr *syncBuffer, args ...string) (int, string) {
	e.t.Helper()
	var out bytes.Buffer
	code := cli.Main(ctx, args, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr, Vars: maps.Clone(e.vars), Dir: filepath.Join(e.dir, dir)})
	return code, out.String()
}

// syncBuffer is a goroutine-safe stderr that calls onLine for every complete line,
// so a test can act at a precise point of a deploy (no sleeps, no timing guesses).
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	onLine func(string)
	part   string
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf.Write(p)
	b.part += string(p)
	var lines []string
	for {
		i := strings.IndexByte(b.part, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, b.part[:i])
		b.part = b.part[i+1:]
	}
	f := b.onLine
	b.mu.Unlock()
	for _, l := range lines {
		if f != nil {
			f(l)
		}
	}
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const poll = "--poll-interval=40ms"

func TestDeployE2ECreateUpdateReuse(t *testing.T) {
	e := deployProject(t)
	e.setenv("IMAGE", "nginx:1.27")
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "create: stderr", errs, "plan: create service web in cluster e2e", "created service", "deployment succeeded")
	svc := e.describe("e2e", "web")
	if svc.DesiredCount != 2 || svc.RunningCount != 2 || len(svc.Deployments) != 1 {
		t.Fatalf("after create: desired %d running %d deployments %d", svc.DesiredCount, svc.RunningCount, len(svc.Deployments))
	}

	// A new image: one registration, one UpdateService, one new deployment.
	e.setenv("IMAGE", "nginx:1.28")
	e.sb.ResetCounts()
	out, errs := e.must(0, "app", "deploy", poll, "--output", "json")
	counts := e.sb.Counts()
	if counts["ecs:RegisterTaskDefinition"] != 1 || counts["ecs:UpdateService"] != 1 || counts["ecs:CreateService"] != 0 {
		t.Errorf("update calls: %v", counts)
	}
	if !strings.Contains(out, `"outcome": "succeeded"`) || !strings.Contains(out, `web:2"`) {
		t.Errorf("update result document:\n%s\nstderr:\n%s", out, errs)
	}
	svc = e.describe("e2e", "web")
	if !strings.HasSuffix(aws.ToString(svc.TaskDefinition), "web:2") || len(svc.Deployments) != 1 {
		t.Errorf("after update: td %s, %d deployments", aws.ToString(svc.TaskDefinition), len(svc.Deployments))
	}

	// Nothing changed: the live revision is reused and no deployment starts.
	e.sb.ResetCounts()
	_, errs = e.must(0, "app", "deploy", poll)
	if !strings.Contains(errs, "reuse arn:aws:ecs:us-east-1:") || !strings.Contains(errs, "nothing to deploy") {
		t.Errorf("reuse: stderr:\n%s", errs)
	}
	if c := e.sb.Counts(); c["ecs:RegisterTaskDefinition"] != 0 || c["ecs:UpdateService"] != 0 {
		t.Errorf("reuse made mutating calls: %v", c)
	}

	// Only the desired count changes: no deployment starts, and deploy still waits
	// until the new tasks run (ecspresso's behaviour).
	_, errs = e.must(0, "app", "deploy", poll, "--tasks", "3")
	if svc := e.describe("e2e", "web"); svc.DesiredCount != 3 || svc.RunningCount != 3 {
		t.Errorf("deploy --tasks 3 returned at running %d/%d\n%s", svc.RunningCount, svc.DesiredCount, errs)
	}

	// --dry-run and plan change nothing.
	e.setenv("IMAGE", "nginx:1.29")
	e.sb.ResetCounts()
	out, _ = e.must(0, "app", "deploy", "--dry-run")
	if !strings.Contains(out, "register a new revision of web") || !strings.Contains(out, `"image": "nginx:1.29"`) {
		t.Errorf("dry-run output:\n%s", out)
	}
	out, _ = e.must(0, "app", "plan", "--output", "json")
	if !strings.Contains(out, `"action": "register"`) || !strings.Contains(out, `"startsDeployment": true`) {
		t.Errorf("plan json:\n%s", out)
	}
	for op, n := range e.sb.Counts() {
		if strings.Contains(op, "Register") || strings.Contains(op, "Update") || strings.Contains(op, "Create") {
			t.Errorf("dry run called %s %d times", op, n)
		}
	}
}

func TestDeployE2ECircuitBreakerRollback(t *testing.T) {
	e := deployedProject(t)
	e.setenv("IMAGE", "nginx:crashloop")
	out, errs := e.must(diag.ExitFailed, "app", "deploy", poll, "--output", "json")
	wantIn(t, "stderr", errs, "rolled back", "circuit breaker", "web:1 again", "why it failed", "task(s) stopped")
	// Each distinct stopped reason once, with its count: not once per task again.
	if n := strings.Count(errs, "Essential container in task exited"); n != 1 {
		t.Errorf("the stopped reason is shown %d times, want once:\n%s", n, errs)
	}
	if !strings.Contains(out, `"outcome": "rolled back"`) || !strings.Contains(out, `"exitCode": 1`) {
		t.Errorf("result document:\n%s", out)
	}
	if td := aws.ToString(e.describe("e2e", "web").TaskDefinition); !strings.HasSuffix(td, "web:1") {
		t.Errorf("service runs %s after rollback, want web:1", td)
	}

	// --log-format json: every stderr line (plan, progress, events, the error) is a
	// JSON object.
	_, errs = e.must(diag.ExitFailed, "app", "deploy", poll, "--log-format", "json")
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	for _, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil || v["msg"] == nil {
			t.Errorf("stderr line is not a JSON log record: %q", l)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, `"level":"ERROR"`) || !strings.Contains(last, `"exitCode":4`) {
		t.Errorf("last line is not the error: %s", last)
	}
}

func TestDeployE2ETimeout(t *testing.T) {
	e := deployedProject(t)
	e.sb.Clock().SetSpeed(0) // the rollout stands still
	e.setenv("IMAGE", "nginx:1.28")
	_, errs := e.must(diag.ExitTimeout, "app", "deploy", poll, "--timeout", "4s")
	if !strings.Contains(errs, "timed out waiting") || !strings.Contains(errs, "doppio wait") {
		t.Errorf("stderr:\n%s", errs)
	}
	// Resuming with wait follows the same deployment to the end.
	e.sb.Clock().SetSpeed(40)
	e.must(0, "app", "wait", poll)
}

func TestDeployE2EInterrupted(t *testing.T) {
	e := deployedProject(t)
	e.sb.Clock().SetSpeed(0) // the rollout stands still
	e.setenv("IMAGE", "nginx:1.28")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &syncBuffer{onLine: func(l string) {
		if strings.Contains(l, "IN_PROGRESS") { // the wait has begun: press Ctrl-C
			cancel()
		}
	}}
	code, _ := e.runCtx(ctx, stderr, "deploy", poll)
	if code != diag.ExitInterrupted {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, diag.ExitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "left as it is") || !strings.Contains(stderr.String(), "doppio rollback") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	svc := e.describe("e2e", "web")
	if !strings.HasSuffix(aws.ToString(svc.TaskDefinition), "web:2") {
		t.Errorf("interrupting changed the service: %s", aws.ToString(svc.TaskDefinition))
	}
}

func TestDeployE2ESuperseded(t *testing.T) {
	e := deployedProject(t)
	e.sb.Clock().SetSpeed(1)
	e.setenv("IMAGE", "nginx:1.28")
	var once sync.Once
	stderr := &syncBuffer{}
	stderr.onLine = func(l string) {
		if strings.Contains(l, "IN_PROGRESS") {
			once.Do(func() { // someone else deploys while we wait
				_, err := e.ecs.UpdateService(context.Background(), &ecs.UpdateServiceInput{
					Cluster: aws.String("e2e"), Service: aws.String("web"), ForceNewDeployment: true,
				})
				if err != nil {
					t.Errorf("competing update: %v", err)
				}
				e.sb.Clock().SetSpeed(40)
			})
		}
	}
	code, _ := e.runCtx(t.Context(), stderr, "deploy", poll)
	if code != diag.ExitFailed {
		t.Fatalf("exit %d, want %d\nstderr:\n%s", code, diag.ExitFailed, stderr.String())
	}
	if !strings.Contains(stderr.String(), "superseded by ecs-svc/") {
		t.Errorf("stderr does not name the other deployment:\n%s", stderr.String())
	}
}

func TestDeployE2EThrottledAndFlaky(t *testing.T) {
	e := deployedProject(t)
	e.sb.SetFaults(sandbox.Faults{Seed: 7, Rules: []sandbox.FaultRule{{Operation: "*", Throttle: 0.30, Error: 0.05}}})
	e.setenv("IMAGE", "nginx:1.28")
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "deploy", poll)
	e.sb.SetFaults(sandbox.Faults{})
	out, err := e.ecs.ListServiceDeployments(t.Context(), &ecs.ListServiceDeploymentsInput{Cluster: aws.String("e2e"), Service: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(out.ServiceDeployments); n != 2 {
		t.Errorf("%d service deployments, want 2 (create + exactly one update)\nstderr:\n%s", n, errs)
	}
	if td := aws.ToString(e.describe("e2e", "web").TaskDefinition); !strings.HasSuffix(td, "web:2") {
		t.Errorf("service runs %s", td)
	}
	t.Logf("calls under faults: %v", e.sb.Counts())
}

// TestDeployE2EAPICalls reports the calls a rolling deploy makes, by operation, and
// holds the budget: at most one DescribeServices per poll, no repeated
// DescribeTaskDefinition, no CodeDeploy or Cloud Map calls.
func TestDeployE2EAPICalls(t *testing.T) {
	e := deployedProject(t)
	e.setenv("IMAGE", "nginx:slow")
	e.sb.ResetCounts()
	// Each poll moves simulated time by 5 s, the production poll interval, and
	// nothing else moves it: the calls counted do not depend on the machine's speed.
	e.sb.Clock().SetSpeed(0)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 5 * time.Second})
	_, errs := e.must(0, "app", "deploy", poll)
	counts := e.sb.Counts()
	ops := make([]string, 0, len(counts))
	for op := range counts {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var table strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&table, "%-40s %d\n", op, counts[op])
	}
	t.Logf("API calls for one rolling deploy (25 s simulated rollout, 5 s polls):\n%s", table.String())
	// The budget, exact because the clock moves only with the polls: the plan's
	// DescribeServices plus one per 5 s poll until the 25 s rollout completes; the
	// service's current revision described once; no CodeDeploy or Cloud Map call.
	want := map[string]int{
		"ecs:DescribeServices":           6,
		"ecs:DescribeServiceDeployments": 1,
		"ecs:DescribeTaskDefinition":     1,
		"ecs:RegisterTaskDefinition":     1,
		"ecs:UpdateService":              1,
	}
	if !maps.Equal(counts, want) {
		t.Errorf("calls %v, want %v\nstderr:\n%s", counts, want, errs)
	}
}
