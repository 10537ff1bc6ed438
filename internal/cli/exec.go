package cli

import (
	"context"
	"fmt"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/task"
)

// ExecCmd opens an ECS Exec session in a task's container: the v2.8 subcommands
// and the older flag form (exec [--port-forward] ...), which runs as `exec run`.
type ExecCmd struct {
	ID          string `help:"Task ID or ARN (default: pick a running task, on a terminal)." placeholder:"TASK_ID"`
	Command     string `help:"Command to run in the container." default:"sh"`
	Container   string `help:"Container name (needed when the task has several)."`
	PortForward bool   `help:"Forward a local port instead of running a command (same as 'exec portforward')." hidden:""`
	Port        int    `help:"Remote port (port forwarding)."`
	LocalPort   int    `help:"Local port (port forwarding; 0 picks a free one)."`
	Host        string `help:"Remote host to reach through the container (port forwarding)."`

	RunCmd      ExecRunCmd         `cmd:"" name:"run" default:"withargs" help:"Run a command (default sh) in a container."`
	Portforward ExecPortforwardCmd `cmd:"" help:"Forward a local port to the container (or to --host through it)."`
	Cp          ExecCpCmd          `cmd:"" hidden:"" help:"Not available yet: copying files through ECS Exec (accepted so that it can say so)."`
}

// AfterApply makes the parent's flags available to the subcommands.
func (c *ExecCmd) AfterApply(kctx *kong.Context) error {
	kctx.Bind(c)
	return nil
}

// execTarget picks the running task and builds the session options.
func (a *app) execTarget(ctx context.Context, parent *ExecCmd) (*tasksEnv, task.ExecOptions, task.Plugin, error) {
	// The session is the user's terminal: its streams are passed through untouched.
	plugin := task.Plugin{Env: a.vars, Stdin: a.env.Stdin, Stdout: a.env.Stdout, Stderr: a.env.Stderr}
	if _, err := plugin.Path(); err != nil {
		return nil, task.ExecOptions{}, plugin, err
	}
	e, err := a.tasksEnv(ctx, "RUNNING")
	if err != nil {
		return nil, task.ExecOptions{}, plugin, err
	}
	t, err := e.one(ctx, parent.ID, "to open a session in", true)
	if err != nil {
		return nil, task.ExecOptions{}, plugin, err
	}
	o := task.ExecOptions{Cluster: e.q.Cluster, Task: *t, Container: parent.Container, Command: parent.Command}
	cfg, err := e.p.aws.Get(ctx)
	if err != nil {
		return nil, o, plugin, err
	}
	o.Region = cfg.Region
	so := ssm.NewFromConfig(cfg).Options()
	ep, err := so.EndpointResolverV2.ResolveEndpoint(ctx, ssm.EndpointParameters{Region: aws.String(so.Region), Endpoint: so.BaseEndpoint})
	if err != nil {
		return nil, o, plugin, fmt.Errorf("resolve the SSM endpoint: %w", err)
	}
	o.SSMEndpoint = ep.URI.String()
	return e, o, plugin, nil
}

// ExecRunCmd runs a command in a container.
type ExecRunCmd struct{}

// Run opens the session (or, in the old form with --port-forward, forwards).
func (c *ExecRunCmd) Run(ctx context.Context, a *app, parent *ExecCmd) error {
	if parent.PortForward {
		return (&ExecPortforwardCmd{}).Run(ctx, a, parent)
	}
	e, o, plugin, err := a.execTarget(ctx, parent)
	if err != nil {
		return err
	}
	return task.Exec(ctx, e.deps, plugin, o)
}

// ExecPortforwardCmd forwards a local port.
type ExecPortforwardCmd struct{}

// Run starts an SSM port forwarding session.
func (c *ExecPortforwardCmd) Run(ctx context.Context, a *app, parent *ExecCmd) error {
	if parent.Port <= 0 || parent.Port > 65535 {
		return diag.Invalid(fmt.Errorf("--port %d: port forwarding needs the remote port (1-65535)", parent.Port), "e.g. --port 5432 --local-port 15432")
	}
	if parent.LocalPort < 0 || parent.LocalPort > 65535 {
		return diag.Invalid(fmt.Errorf("--local-port %d: want 0-65535", parent.LocalPort), "")
	}
	e, o, plugin, err := a.execTarget(ctx, parent)
	if err != nil {
		return err
	}
	cfg, err := e.p.aws.Get(ctx)
	if err != nil {
		return err
	}
	return task.PortForward(ctx, e.deps, ssm.NewFromConfig(cfg), plugin, o, task.Forward{Port: parent.Port, LocalPort: parent.LocalPort, Host: parent.Host})
}

// ExecCpCmd copies files; see the report of issue 9: not implemented yet.
type ExecCpCmd struct {
	Src string `arg:"" help:"Source: a local path or TASK_ID:/path."`
	Dst string `arg:"" help:"Destination: a local path or TASK_ID:/path."`
}

// Run refuses clearly until cp is built.
func (c *ExecCpCmd) Run(ctx context.Context, a *app, parent *ExecCmd) error {
	return diag.WithHint(diag.WithCode(fmt.Errorf("exec cp is not implemented in doppio yet"), diag.ExitUsage),
		"use 'doppio exec portforward' with a file server in the container, or 'doppio exec run --command \"cat /path\"' for small text files")
}
