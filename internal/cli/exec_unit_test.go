package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// withPlugin puts a session-manager-plugin on the harness's PATH that writes the
// arguments it gets, one per line, to the returned file.
func (u *unit) withPlugin() string {
	u.t.Helper()
	bin := u.t.TempDir()
	args := filepath.Join(u.t.TempDir(), "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "session-manager-plugin"), []byte(script), 0o755); err != nil {
		u.t.Fatal(err)
	}
	u.vars["PATH"] = bin
	return args
}

// execTask adds a RUNNING task of service web, with ECS Exec on or off; it
// returns the task's ID.
func (u *unit) execTask(enabled bool, containers ...string) string {
	u.t.Helper()
	arn := u.ecs.addTask("prod", "service:web", tdARN("web", 1), types.DesiredStatusRunning)
	for i := range u.ecs.tasks {
		t := &u.ecs.tasks[i]
		if aws.ToString(t.TaskArn) != arn {
			continue
		}
		t.EnableExecuteCommand = enabled
		t.Containers = nil
		for j, c := range containers {
			t.Containers = append(t.Containers, types.Container{Name: aws.String(c), LastStatus: aws.String("RUNNING"), RuntimeId: aws.String(c + "-runtime-" + string(rune('0'+j)))})
		}
	}
	return arn[strings.LastIndexByte(arn, '/')+1:]
}

func TestUnitExecOneTaskPicked(t *testing.T) {
	u := startUnit(t, 1)
	args := u.withPlugin()
	id := u.execTask(true, "app")
	u.must(0, "exec", "--command", "ls -l")
	if len(u.ecs.execs) != 1 {
		t.Fatalf("ExecuteCommand calls: %d", len(u.ecs.execs))
	}
	in := u.ecs.execs[0]
	if !strings.HasSuffix(aws.ToString(in.Task), "/"+id) || aws.ToString(in.Container) != "app" || aws.ToString(in.Command) != "ls -l" || aws.ToString(in.Cluster) != "prod" {
		t.Errorf("ExecuteCommand(cluster %s, task %s, container %s, command %q)", aws.ToString(in.Cluster), aws.ToString(in.Task), aws.ToString(in.Container), aws.ToString(in.Command))
	}
	b, err := os.ReadFile(args)
	if err != nil {
		t.Fatalf("the plugin did not run: %v", err)
	}
	// As the AWS CLI: session JSON, region, StartSession, profile, target, endpoint.
	contains(t, "plugin arguments", string(b), `"sessionId":"sess-1"`, "\nus-east-1\nStartSession\n\n", `{"Target":"ecs:prod_`+id+`_app-runtime-0"}`, "https://ssm.us-east-1.amazonaws.com")
}

func TestUnitExecContainerChoice(t *testing.T) {
	u := startUnit(t, 1)
	u.withPlugin()
	id := u.execTask(true, "app", "sidecar")
	_, errs := u.must(2, "exec")
	contains(t, "exec without --container", errs, "task "+id+" has 2 containers", "pick one with --container (app, sidecar)")
	_, errs = u.must(2, "exec", "--container", "sidecra")
	contains(t, "exec --container sidecra", errs, `--container "sidecra": no such container`, "sidecar")
	if len(u.ecs.execs) != 0 {
		t.Fatalf("refusals called ExecuteCommand: %v", u.ecs.execs)
	}
	u.must(0, "exec", "--container", "sidecar")
	if len(u.ecs.execs) != 1 || aws.ToString(u.ecs.execs[0].Container) != "sidecar" {
		t.Errorf("ExecuteCommand: %+v", u.ecs.execs)
	}
}

// exec refuses, before ExecuteCommand, what cannot work, each with what to do.
func TestUnitExecRefusals(t *testing.T) {
	t.Parallel()
	t.Run("no plugin", func(t *testing.T) {
		u := startUnit(t, 1)
		u.execTask(true, "app")
		u.vars["PATH"] = t.TempDir()
		_, errs := u.must(1, "exec")
		contains(t, "exec without the plugin", errs, "session-manager-plugin is not installed", "install the Session Manager plugin")
		u.noCalls("exec without the plugin")
	})
	t.Run("ECS Exec off", func(t *testing.T) {
		u := startUnit(t, 1)
		u.withPlugin()
		id := u.execTask(false, "app")
		_, errs := u.must(1, "exec")
		contains(t, "exec in a task without ECS Exec", errs, "ECS Exec (execute command) is not enabled on task "+id, `"enableExecuteCommand": true`)
		u.noExec("exec in a task without ECS Exec")
	})
	t.Run("several tasks and no terminal", func(t *testing.T) {
		u := startUnit(t, 1)
		u.withPlugin()
		u.execTask(true, "app")
		u.execTask(true, "app")
		_, errs := u.must(2, "exec")
		contains(t, "exec with two tasks", errs, "2 tasks match and there is no terminal to pick one", "pass --id TASK_ID")
		u.noExec("exec with two tasks")
	})
	t.Run("no running task", func(t *testing.T) {
		u := startUnit(t, 1)
		u.withPlugin()
		_, errs := u.must(1, "exec")
		contains(t, "exec with no task", errs, "no tasks found")
	})
	t.Run("--id of a stopped task", func(t *testing.T) {
		u := startUnit(t, 1)
		u.withPlugin()
		arn := u.ecs.addTask("prod", "service:web", tdARN("web", 1), types.DesiredStatusStopped)
		id := arn[strings.LastIndexByte(arn, '/')+1:]
		_, errs := u.must(2, "exec", "--id", id)
		contains(t, "exec in a stopped task", errs, "task "+id+" is STOPPED; ECS Exec needs a RUNNING task")
		u.noExec("exec in a stopped task")
	})
	t.Run("the agent refuses", func(t *testing.T) {
		u := startUnit(t, 1)
		u.withPlugin()
		id := u.execTask(true, "app")
		// The task says ECS Exec is on, ECS answers it is not (agent not running).
		u.ecs.tasks[0].EnableExecuteCommand = true
		u.ecs.execOff = true
		_, errs := u.must(1, "exec")
		contains(t, "exec refused by ECS", errs, "execute command in task "+id+": ECS Exec (execute command) is not enabled on task "+id)
		if strings.Contains(errs, "operation error") {
			t.Errorf("raw SDK error:\n%s", errs)
		}
	})
}
