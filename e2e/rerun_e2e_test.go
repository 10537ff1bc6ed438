package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// killAt runs a deploy that dies at the first stderr line containing at, as a CI
// runner killed at that point: the command's context ends there, so no call after
// it reaches AWS. It returns the dead run's stderr.
func (e *e2e) killAt(at string, args ...string) string {
	e.t.Helper()
	ctx, cancel := context.WithCancel(e.t.Context())
	defer cancel()
	var once sync.Once
	stderr := &syncBuffer{onLine: func(l string) {
		if strings.Contains(l, at) {
			once.Do(cancel)
		}
	}}
	code, _ := e.runCtx(ctx, stderr, args...)
	if code != diag.ExitInterrupted {
		e.t.Fatalf("the run killed at %q exited %d, want %d (interrupted)\n%s", at, code, diag.ExitInterrupted, stderr.String())
	}
	return stderr.String()
}

// rerun runs doppio again on a stopped clock and starts the clock once the run has
// printed its plan (planning is over), returning the exit code and stderr.
func (e *e2e) rerun(args ...string) (int, string) {
	e.t.Helper()
	var once sync.Once
	stderr := &syncBuffer{onLine: func(l string) {
		if strings.HasPrefix(l, "plan:") {
			once.Do(func() { e.sb.Clock().SetSpeed(40) })
		}
	}}
	code, _ := e.runCtx(e.t.Context(), stderr, args...)
	return code, stderr.String()
}

// rerunFinished checks the re-run of a deploy whose runner died (errs, its stderr;
// the account's counts since the re-run started): it made register
// RegisterTaskDefinition and update UpdateService calls, said it follows a
// deployment it did not start exactly when adopted, and never claimed the service
// was up to date.
func (e *e2e) rerunFinished(errs string, register, update int, adopted bool) {
	e.t.Helper()
	counts := e.sb.Counts()
	if counts["ecs:RegisterTaskDefinition"] != register || counts["ecs:UpdateService"] != update {
		e.t.Errorf("re-run registered %d and updated %d times, want %d and %d: %v\nre-run:\n%s", counts["ecs:RegisterTaskDefinition"],
			counts["ecs:UpdateService"], register, update, counts, errs)
	}
	if said := strings.Contains(errs, "which this run did not start"); said != adopted {
		e.t.Errorf("re-run says it follows a deployment it did not start: %v, want %v\n%s", said, adopted, errs)
	}
	if strings.Contains(errs, "up to date") {
		e.t.Errorf("re-run claims the service is up to date:\n%s", errs)
	}
}

// TestE2ERerunAfterDeadRunner kills a deploy at each phase and runs it again: the
// re-run must finish the job it finds and report the real outcome, never "up to
// date" while the wanted revision is still rolling out.
func TestE2ERerunAfterDeadRunner(t *testing.T) {
	for _, tc := range []struct {
		name, image, killAt string
		want                int
		// register and update are the calls the re-run makes.
		register, update int
		adopted          bool
	}{
		{name: "after register", image: "nginx:1.28", killAt: "registered task definition", want: 0, register: 0, update: 1},
		{name: "after UpdateService", image: "nginx:1.28", killAt: "updated service", want: 0, adopted: true},
		{name: "during the wait", image: "nginx:1.28", killAt: "IN_PROGRESS  running", want: 0, adopted: true},
		{name: "crashloop after UpdateService", image: "nginx:crashloop", killAt: "updated service", want: diag.ExitFailed, adopted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := deployedProject(t)
			e.setenv("IMAGE", tc.image)
			// The clock stands still from the runner's death until the re-run has
			// planned, so the rollout it started is still in progress then.
			e.sb.Clock().SetSpeed(0)
			dead := e.killAt(tc.killAt, "deploy", poll)
			e.sb.ResetCounts()
			code, errs := e.rerun("deploy", poll)
			if code != tc.want {
				t.Fatalf("re-run exited %d, want %d\nfirst run:\n%s\nre-run:\n%s", code, tc.want, dead, errs)
			}
			e.rerunFinished(errs, tc.register, tc.update, tc.adopted)
			if tc.want == 0 {
				e.runsImage(tc.image)
			}
		})
	}
}

// TestE2ERerunCodeDeploy kills a CodeDeploy deploy once its deployment was created:
// the re-run follows that deployment instead of creating another one.
func TestE2ERerunCodeDeploy(t *testing.T) {
	e := codeDeployProject(t, "")
	e.sb.Clock().SetSpeed(0)
	dead := e.killAt("created CodeDeploy deployment", "deploy", poll)
	e.sb.ResetCounts()
	code, errs := e.rerun("deploy", poll)
	if code != 0 {
		t.Fatalf("re-run exited %d\nfirst run:\n%s\nre-run:\n%s", code, dead, errs)
	}
	counts := e.sb.Counts()
	if counts["codedeploy:CreateDeployment"] != 0 || counts["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("re-run created or registered again: %v", counts)
	}
	wantIn(t, "re-run", errs, "which this run did not start", "CodeDeploy deployment succeeded")
}

// TestE2ERerunPausedAtHook kills a blue/green deploy during its wait: the re-run
// finds the deployment paused at its PAUSE hook and exits 6 with how to go on.
func TestE2ERerunPausedAtHook(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [`+pauseHook+`]}`, 40)
	e.sb.Clock().SetSpeed(0)
	dead := e.killAt("updated service", "deploy", poll)
	e.sb.ResetCounts()
	code, errs := e.rerun("deploy", poll)
	if code != diag.ExitPaused {
		t.Fatalf("re-run exited %d, want %d\nfirst run:\n%s\nre-run:\n%s", code, diag.ExitPaused, dead, errs)
	}
	if c := e.sb.Counts(); c["ecs:UpdateService"] != 0 || c["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("re-run changed something: %v", c)
	}
	wantIn(t, "re-run", errs, "which this run did not start", "is paused", "doppio continue")
}

// TestE2ERerunRunSameClientToken kills a run once its task started: the re-run with
// the same --client-token finds that task (RunTask is idempotent on the token) and
// exits with its container's exit code instead of starting another one.
func TestE2ERerunRunSameClientToken(t *testing.T) {
	e := runProject(t)
	e.sb.Clock().SetSpeed(0)
	dead := e.killAt("started task", "run", poll, "--client-token", "migrate-build-42")
	e.sb.Clock().SetSpeed(40)
	e.sb.ResetCounts()
	code, _, errs := e.run("app", "", "run", poll, "--client-token", "migrate-build-42")
	if code != 0 {
		t.Fatalf("re-run exited %d\nfirst run:\n%s\nre-run:\n%s", code, dead, errs)
	}
	if c := e.sb.Counts(); c["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("re-run registered again: %v", c)
	}
	var tasks []string
	for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		out, err := e.ecs.ListTasks(t.Context(), &ecs.ListTasksInput{Cluster: aws.String("e2e"), DesiredStatus: status})
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, out.TaskArns...)
	}
	if len(tasks) != 1 {
		t.Errorf("%d tasks in the cluster after the re-run, want the one the first run started: %v", len(tasks), tasks)
	}
}

// TestE2ECreateExternalService: creating an EXTERNAL-controller service from nothing
// ends at once (it has no deployment and no task set of ours to wait for).
func TestE2ECreateExternalService(t *testing.T) {
	e := deployProject(t)
	e.write("app/ecs-service-def.json", `{"desiredCount": 0, "deploymentController": {"type": "EXTERNAL"}}`)
	e.setenv("IMAGE", "nginx:1.27")
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "create", errs, "created service", "deployment succeeded")
	if svc := e.describe("e2e", "web"); svc.DeploymentController == nil || svc.DeploymentController.Type != types.DeploymentControllerTypeExternal {
		t.Errorf("service: %+v", svc.DeploymentController)
	}
}
