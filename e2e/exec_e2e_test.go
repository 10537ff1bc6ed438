package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// fakePlugin puts a stand-in session-manager-plugin on doppio's PATH that records
// its arguments, one per line, and exits with $PLUGIN_EXIT; it returns a reader of
// the recorded arguments.
func (e *e2e) fakePlugin() func() []string {
	e.t.Helper()
	bin := filepath.Join(e.dir, "bin")
	record := filepath.Join(e.dir, "plugin-args")
	e.write("bin/session-manager-plugin", "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \""+record+"\"\nexit ${PLUGIN_EXIT:-0}\n")
	if err := os.Chmod(filepath.Join(bin, "session-manager-plugin"), 0o755); err != nil {
		e.t.Fatal(err)
	}
	e.setenv("PATH", bin+string(os.PathListSeparator)+e.vars["PATH"])
	return func() []string {
		b, err := os.ReadFile(record)
		if err != nil {
			e.t.Fatalf("the plugin was not run: %v", err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
}

func TestExecE2ESessionManagerPlugin(t *testing.T) {
	e := runProject(t)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"desiredCount": 1,`, `"desiredCount": 1, "enableExecuteCommand": true,`, 1))

	// Without the plugin: a clear error naming it and how to install it, before any call.
	e.setenv("PATH", "/nonexistent")
	e.sb.ResetCounts()
	code, _, errs := e.run("app", "", "exec", "--id", "0123")
	if code != diag.ExitError || !strings.Contains(errs, "session-manager-plugin is not installed") || !strings.Contains(errs, "session-manager-working-with-install-plugin") {
		t.Errorf("no plugin: exit %d\n%s", code, errs)
	}
	if c := e.sb.Counts(); len(c) != 0 {
		t.Errorf("calls without a plugin: %v", c)
	}
	e.setenv("PATH", os.Getenv("PATH"))
	args := e.fakePlugin()

	arns := e.startTasks("1")
	id := arns[0][strings.LastIndexByte(arns[0], '/')+1:]
	e.sb.Clock().Advance(30e9) // RUNNING

	// exec run: ExecuteCommand, then the plugin with the AWS CLI's six arguments.
	e.must(0, "app", "exec", "run", "--id", id, "--command", "ls /")
	got := args()
	if len(got) != 6 {
		t.Fatalf("plugin args %q", got)
	}
	var sess map[string]string
	if err := json.Unmarshal([]byte(got[0]), &sess); err != nil || !strings.HasPrefix(sess["sessionId"], "ecs-execute-command-") || sess["streamUrl"] == "" || sess["tokenValue"] == "" {
		t.Errorf("session %q: %v", got[0], err)
	}
	if got[1] != "us-east-1" || got[2] != "StartSession" || got[3] != "" || !strings.HasPrefix(got[4], `{"Target":"ecs:e2e_`+id+"_") || got[5] != e.sb.Endpoint {
		t.Errorf("plugin args %q (endpoint %s)", got, e.sb.Endpoint)
	}

	// The old flag form for port forwarding: SSM StartSession, document and ports.
	e.must(0, "app", "exec", "--id", id, "--port-forward", "--port", "5432", "--local-port", "15432")
	got = args()
	if len(got) != 6 || !strings.Contains(got[0], `"SessionId"`) || !strings.Contains(got[4], `"DocumentName":"AWS-StartPortForwardingSession"`) ||
		!strings.Contains(got[4], `"portNumber":["5432"]`) || !strings.Contains(got[4], `"localPortNumber":["15432"]`) {
		t.Errorf("port forward args %q", got)
	}
	e.must(0, "app", "exec", "portforward", "--id", id, "--port", "5432", "--host", "db.internal")
	if got = args(); !strings.Contains(got[4], "AWS-StartPortForwardingSessionToRemoteHost") || !strings.Contains(got[4], `"host":["db.internal"]`) {
		t.Errorf("remote host args %q", got)
	}

	// ssh's -L LOCAL:HOST:PORT, on the old form (implying --port-forward) and on the
	// subcommand; an empty HOST is the container, an empty LOCAL lets the plugin pick.
	for _, c := range []struct {
		args      []string
		doc, want string
		not       string
	}{
		{[]string{"exec", "--id", id, "-L", "15432:db.internal:5432"}, "AWS-StartPortForwardingSessionToRemoteHost",
			`"Parameters":{"host":["db.internal"],"localPortNumber":["15432"],"portNumber":["5432"]}`, ""},
		{[]string{"exec", "portforward", "--id", id, "-L", "8080::80"}, "AWS-StartPortForwardingSession",
			`"Parameters":{"localPortNumber":["8080"],"portNumber":["80"]}`, "host"},
		{[]string{"exec", "portforward", "--id", id, "-L", "8080::80", "--port", "80"}, "AWS-StartPortForwardingSession",
			`"Parameters":{"localPortNumber":["8080"],"portNumber":["80"]}`, "host"},
		{[]string{"exec", "portforward", "--id", id, "-L", "::80"}, "AWS-StartPortForwardingSession",
			`"Parameters":{"localPortNumber":["0"],"portNumber":["80"]}`, "host"},
		{[]string{"exec", "--port-forward", "--id", id, "--port", "6379", "--host", "cache.internal"}, "AWS-StartPortForwardingSessionToRemoteHost",
			`"Parameters":{"host":["cache.internal"],"localPortNumber":["0"],"portNumber":["6379"]}`, ""},
	} {
		e.must(0, "app", c.args...)
		got := args()
		if len(got) != 6 || !strings.Contains(got[4], `"DocumentName":"`+c.doc+`"`) || !strings.Contains(got[4], c.want) ||
			(c.not != "" && strings.Contains(got[4], c.not)) || !strings.Contains(got[4], `"Target":"ecs:e2e_`+id+"_") {
			t.Errorf("%v: plugin args %q", c.args, got)
		}
	}

	// The plugin's exit code is doppio's.
	e.setenv("PLUGIN_EXIT", "7")
	if code, _, errs := e.run("app", "", "exec", "--id", id); code != 7 {
		t.Errorf("plugin exit 7: doppio exit %d\n%s", code, errs)
	}
	e.setenv("PLUGIN_EXIT", "0")

	// A task without ECS Exec: say so and how to enable it.
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"enableExecuteCommand": true,`, "", 1))
	arns = e.startTasks("1")
	e.sb.Clock().Advance(30e9)
	code, _, errs = e.run("app", "", "exec", "--id", arns[0])
	if code == 0 || !strings.Contains(errs, "not enabled") || !strings.Contains(errs, "enableExecuteCommand") {
		t.Errorf("exec disabled: exit %d\n%s", code, errs)
	}
}
