package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/sandbox"
)

// TestE2EDeadlines pins that --timeout bounds the whole command, SDK retries and slow
// replies included: under 100% throttling or 8 s of latency a command ends with exit 5
// soon after its deadline instead of retrying for minutes. The bound asserted is
// loose (deadline + 4 s); the overrun itself is logged.
func TestE2EDeadlines(t *testing.T) {
	tests := []struct {
		name   string
		faults sandbox.Faults
		args   []string
	}{
		{"every call throttled: status", sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "*", Throttle: 1}}}, []string{"status", "--timeout", "2s"}},
		{"every call throttled: deploy", sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "*", Throttle: 1}}}, []string{"deploy", "--timeout", "2s"}},
		{"8 s latency: status", sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "*", Latency: sandbox.Duration(8 * time.Second)}}}, []string{"status", "--timeout", "2s"}},
		{"8 s latency: config timeout", sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "*", Latency: sandbox.Duration(8 * time.Second)}}}, []string{"diff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := startE2E(t)
			e.setenv("IMAGE", "nginx:1")
			e.write("app/ecspresso.yml", "region: us-east-1\ncluster: c\nservice: web\nservice_definition: sd.json\ntask_definition: td.json\ntimeout: 2s\n")
			e.write("app/sd.json", `{"desiredCount": 1}`)
			e.write("app/td.json", `{"family": "web", "containerDefinitions": [{"name": "web", "image": "{{ must_env "IMAGE" }}", "memory": 128}]}`)
			e.sb.SetFaults(tt.faults)
			start := time.Now()
			code, _, errs := e.run("app", "", tt.args...)
			elapsed := time.Since(start)
			t.Logf("%s: exit %d after %v (deadline 2s, overrun %v)", strings.Join(tt.args, " "), code, elapsed.Round(10*time.Millisecond), (elapsed - 2*time.Second).Round(10*time.Millisecond))
			if code != diag.ExitTimeout {
				t.Fatalf("exit %d, want %d\n%s", code, diag.ExitTimeout, errs)
			}
			if !strings.Contains(errs, "timeout") {
				t.Errorf("stderr does not say it timed out:\n%s", errs)
			}
			if elapsed > 6*time.Second {
				t.Errorf("took %v with a 2 s deadline", elapsed)
			}
			if n := e.sb.Counts()["ecs:RegisterTaskDefinition"] + e.sb.Counts()["ecs:CreateService"]; n != 0 {
				t.Errorf("%d mutating calls", n)
			}
		})
	}
}

// TestE2EServiceNotFound pins one exit code (1) and one message for a configured
// service that does not exist, whichever verb meets it.
func TestE2EServiceNotFound(t *testing.T) {
	e := startE2E(t)
	e.cluster("c")
	e.write("app/ecspresso.yml", "region: us-east-1\ncluster: c\nservice: ghost\ntask_definition: td.json\nservice_definition: sd.json\n")
	e.write("app/td.json", `{"family": "ghost", "containerDefinitions": [{"name": "app", "image": "busybox", "memory": 128}]}`)
	// The config has a service definition, so no verb may say there is none.
	e.write("app/sd.json", `{"desiredCount": 1, "launchType": "EC2"}`)
	for _, args := range [][]string{
		{"status"}, {"wait"}, {"delete", "--force"}, {"revisions", "--revision", "current"},
		{"rollback"}, {"rollback", "--dry-run"}, {"rollback", "--revision", "1"}, {"continue"}, {"continue", "--rollback"},
		{"appspec"}, {"appspec", "--task-definition", "current"}, {"scale", "--tasks", "2"}, {"scale", "--dry-run", "--tasks", "0"},
		{"refresh"}, {"refresh", "--dry-run"},
	} {
		code, _, errs := e.run("app", "", args...)
		if code != diag.ExitError || !strings.Contains(errs, `service "ghost" not found in cluster "c"`) ||
			!strings.Contains(errs, "check service and cluster in the config (and the region); 'doppio deploy' creates it") ||
			strings.Contains(errs, "no service definition") {
			t.Errorf("%s: exit %d, want 1 with the not-found message and hint\n%s", strings.Join(args, " "), code, errs)
		}
	}
}
