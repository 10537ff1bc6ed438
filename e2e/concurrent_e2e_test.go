package e2e

import (
	"bytes"
	"maps"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestDeployE2ETwoDeploysAtOnce: two doppio deploys of the same service overlap.
// The first follows its own deployment, sees it replaced and exits 4 naming the
// deployment that superseded it; the second succeeds; the service runs the second
// image (issue 8 §3).
func TestDeployE2ETwoDeploysAtOnce(t *testing.T) {
	e := deployedProject(t)
	// Simulated time stands still until the second deploy has started its own
	// deployment, so the first cannot finish early however slow the machine is.
	e.sb.Clock().SetSpeed(0)

	varsA, varsB := maps.Clone(e.vars), maps.Clone(e.vars)
	varsA["IMAGE"], varsB["IMAGE"] = "nginx:1.28", "nginx:1.29"
	run := func(vars map[string]string, stderr *syncBuffer) (int, string) {
		var out bytes.Buffer
		code := cli.Main(t.Context(), []string{"deploy", poll}, cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr, Vars: vars, Dir: filepath.Join(e.dir, "app")})
		return code, out.String()
	}
	var wg sync.WaitGroup
	var codeB int
	errB := &syncBuffer{}
	var once sync.Once
	errA := &syncBuffer{}
	errA.onLine = func(l string) {
		if strings.Contains(l, "IN_PROGRESS") {
			once.Do(func() { // the second deploy starts while the first waits
				wg.Add(1)
				go func() {
					defer wg.Done()
					errB.onLine = func(l string) {
						if strings.Contains(l, "IN_PROGRESS") {
							e.sb.Clock().SetSpeed(40)
						}
					}
					codeB, _ = run(varsB, errB)
				}()
			})
		}
	}
	codeA, _ := run(varsA, errA)
	wg.Wait()
	if codeA != diag.ExitFailed || !strings.Contains(errA.String(), "superseded by ecs-svc/") {
		t.Errorf("first deploy: exit %d, want %d and \"superseded\"\nstderr:\n%s", codeA, diag.ExitFailed, errA.String())
	}
	if codeB != 0 {
		t.Errorf("second deploy: exit %d, want 0\nstderr:\n%s", codeB, errB.String())
	}
	svc := e.describe("e2e", "web")
	if !strings.HasSuffix(aws.ToString(svc.TaskDefinition), "web:3") || len(svc.Deployments) != 1 {
		t.Errorf("service runs %s with %d deployments; want web:3 alone", aws.ToString(svc.TaskDefinition), len(svc.Deployments))
	}
}
