package task

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// PluginName is the AWS Session Manager plugin every ECS Exec client hands the session
// to.
const PluginName = "session-manager-plugin"

// SSM is the SSM call port forwarding needs.
type SSM interface {
	StartSession(context.Context, *ssm.StartSessionInput, ...func(*ssm.Options)) (*ssm.StartSessionOutput, error)
}

// Plugin runs session-manager-plugin with the command's environment and streams.
type Plugin struct {
	Env    map[string]string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Path finds the plugin on PATH (of Env, not the process), or explains how to
// install it.
func (p Plugin) Path() (string, error) {
	for _, dir := range filepath.SplitList(p.Env["PATH"]) {
		if dir == "" {
			continue
		}
		f := filepath.Join(dir, PluginName)
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return f, nil
		}
	}
	return "", diag.WithHint(diag.WithCode(fmt.Errorf("%s is not installed (not found on PATH)", PluginName), diag.ExitError),
		"install the Session Manager plugin for the AWS CLI: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html")
}

// run starts the plugin with args and waits for it. Cancelling ctx does not kill
// it: on a terminal Ctrl-C reaches the plugin directly and is forwarded to the
// remote process, as with the AWS CLI.
func (p Plugin) run(ctx context.Context, path string, args []string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Cancel = func() error { return nil }
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.Stdin, p.Stdout, p.Stderr
	keys := make([]string, 0, len(p.Env))
	for k := range p.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+p.Env[k])
	}
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return diag.WithCode(fmt.Errorf("%s exited with code %d", PluginName, ee.ExitCode()), ee.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("run %s: %w", PluginName, err)
	}
	return nil
}

// ExecOptions say where to open a session.
type ExecOptions struct {
	Cluster   string
	Region    string
	Task      types.Task
	Container string
	// Command runs in the container (exec run).
	Command string
	// SSMEndpoint is the SSM endpoint the plugin talks to (the AWS CLI passes the
	// SSM client's endpoint URL).
	SSMEndpoint string
	// Express is set when the task belongs to an Express Mode service, which cannot
	// turn ECS Exec on: the hint of a task without it says so.
	Express bool
}

// container returns the named container of t, or its only one.
func container(t types.Task, name string) (types.Container, error) {
	var names []string
	for _, c := range t.Containers {
		names = append(names, aws.ToString(c.Name))
		if name != "" && aws.ToString(c.Name) == name {
			return c, nil
		}
	}
	switch {
	case name != "":
		return types.Container{}, diag.Invalid(fmt.Errorf("--container %q: no such container in task %s", name, ID(aws.ToString(t.TaskArn))),
			strings.TrimSpace(diag.DidYouMean(name, names)+" containers: "+strings.Join(names, ", ")))
	case len(t.Containers) == 1:
		return t.Containers[0], nil
	}
	return types.Container{}, diag.Invalid(fmt.Errorf("task %s has %d containers", ID(aws.ToString(t.TaskArn)), len(names)), "pick one with --container ("+strings.Join(names, ", ")+")")
}

func execReady(t types.Task, express bool) error {
	if st := aws.ToString(t.LastStatus); st != "RUNNING" {
		return diag.Invalid(fmt.Errorf("task %s is %s; ECS Exec needs a RUNNING task", ID(aws.ToString(t.TaskArn)), st), "pick a running task ('doppio tasks list --desired-status RUNNING')")
	}
	if !t.EnableExecuteCommand {
		return execDisabled(ID(aws.ToString(t.TaskArn)), express)
	}
	return nil
}

func execDisabled(id string, express bool) error {
	err := fmt.Errorf("ECS Exec (execute command) is not enabled on task %s", id)
	if express {
		return diag.WithHint(err, `an Express Mode service cannot turn ECS Exec on (CreateExpressGatewayService and UpdateExpressGatewayService have no enableExecuteCommand); `+
			`read its tasks' logs with 'doppio tasks logs', or run a one-off task from a project whose service definition sets "enableExecuteCommand": true`)
	}
	return diag.WithHint(err,
		`set "enableExecuteCommand": true in the service definition and deploy (doppio forces a new deployment so the tasks get it), or run the task with it; the task role also needs the ssmmessages permissions`)
}

// target is the SSM target of a container, "ecs:<cluster>_<task id>_<runtime id>",
// as the AWS CLI builds it for ECS Exec.
func target(cluster string, t types.Task, c types.Container) string {
	return fmt.Sprintf("ecs:%s_%s_%s", cluster[strings.LastIndexByte(cluster, '/')+1:], ID(aws.ToString(t.TaskArn)), aws.ToString(c.RuntimeId))
}

// Exec calls ECS ExecuteCommand and hands the session to session-manager-plugin
// with the arguments the AWS CLI (aws ecs execute-command) passes: the session
// JSON, the region, "StartSession", the profile (empty), the request parameters
// JSON ({"Target": ...}) and the SSM endpoint.
func Exec(ctx context.Context, d Deps, p Plugin, o ExecOptions) error {
	path, err := p.Path()
	if err != nil {
		return err
	}
	args, err := startExec(ctx, d, o)
	if err != nil {
		return err
	}
	return p.run(ctx, path, args)
}

// startExec checks the task, calls ExecuteCommand with o.Command and returns the
// plugin's arguments for the session.
func startExec(ctx context.Context, d Deps, o ExecOptions) ([]string, error) {
	if err := execReady(o.Task, o.Express); err != nil {
		return nil, err
	}
	c, err := container(o.Task, o.Container)
	if err != nil {
		return nil, err
	}
	out, err := d.ECS.ExecuteCommand(ctx, &ecs.ExecuteCommandInput{
		Cluster: aws.String(o.Cluster), Task: o.Task.TaskArn, Container: c.Name,
		Command: aws.String(o.Command), Interactive: true,
	})
	if err != nil {
		if strings.Contains(err.Error(), "execute command was not enabled") {
			return nil, fmt.Errorf("execute command in task %s: %w", ID(aws.ToString(o.Task.TaskArn)), execDisabled(ID(aws.ToString(o.Task.TaskArn)), o.Express))
		}
		return nil, fmt.Errorf("execute command in task %s: %w", ID(aws.ToString(o.Task.TaskArn)), err)
	}
	sess, err := json.Marshal(map[string]string{
		"sessionId": aws.ToString(out.Session.SessionId), "streamUrl": aws.ToString(out.Session.StreamUrl), "tokenValue": aws.ToString(out.Session.TokenValue),
	})
	if err != nil {
		return nil, err
	}
	params, err := json.Marshal(map[string]string{"Target": target(o.Cluster, o.Task, c)})
	if err != nil {
		return nil, err
	}
	return []string{string(sess), o.Region, "StartSession", "", string(params), o.SSMEndpoint}, nil
}

// Forward describes a port forwarding session.
type Forward struct {
	Port      int
	LocalPort int // 0: the plugin picks a free port
	Host      string
}

// PortForward starts an SSM port forwarding session to the task's container (to a
// remote host through it when Host is set) and hands it to the plugin, as
// `aws ssm start-session` does: the StartSession response JSON, region,
// "StartSession", profile, the request JSON, the endpoint.
func PortForward(ctx context.Context, d Deps, s SSM, p Plugin, o ExecOptions, f Forward) error {
	path, err := p.Path()
	if err != nil {
		return err
	}
	if err := execReady(o.Task, o.Express); err != nil {
		return err
	}
	c, err := container(o.Task, o.Container)
	if err != nil {
		return err
	}
	req := map[string]any{
		"Target":       target(o.Cluster, o.Task, c),
		"DocumentName": "AWS-StartPortForwardingSession",
		"Parameters":   map[string][]string{"portNumber": {strconv.Itoa(f.Port)}, "localPortNumber": {strconv.Itoa(f.LocalPort)}},
	}
	if f.Host != "" {
		req["DocumentName"] = "AWS-StartPortForwardingSessionToRemoteHost"
		req["Parameters"].(map[string][]string)["host"] = []string{f.Host}
	}
	out, err := s.StartSession(ctx, &ssm.StartSessionInput{
		Target: aws.String(req["Target"].(string)), DocumentName: aws.String(req["DocumentName"].(string)),
		Parameters: req["Parameters"].(map[string][]string), Reason: aws.String("doppio exec portforward"),
	})
	if err != nil {
		return fmt.Errorf("start port forwarding session to task %s: %w", ID(aws.ToString(o.Task.TaskArn)), err)
	}
	sess, err := json.Marshal(map[string]string{"SessionId": aws.ToString(out.SessionId), "StreamUrl": aws.ToString(out.StreamUrl), "TokenValue": aws.ToString(out.TokenValue)})
	if err != nil {
		return err
	}
	params, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return p.run(ctx, path, []string{string(sess), o.Region, "StartSession", "", string(params), o.SSMEndpoint})
}

// ParseForward reads ssh's -L form LOCAL_PORT:HOST:PORT. An empty LOCAL_PORT lets
// the plugin pick a free port; an empty HOST forwards to the container itself.
func ParseForward(s string) (Forward, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return Forward{}, fmt.Errorf("%d fields, want 3", len(parts))
	}
	var f Forward
	if parts[0] != "" {
		n, err := strconv.Atoi(parts[0])
		if err != nil {
			return f, fmt.Errorf("local port %q is not a number", parts[0])
		}
		f.LocalPort = n
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil {
		return f, fmt.Errorf("port %q is not a number", parts[2])
	}
	f.Port, f.Host = n, parts[1]
	return f, nil
}
