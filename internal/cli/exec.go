package cli

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
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
	L           string `name:"L" short:"L" help:"Port forwarding in one flag, as ssh -L: LOCAL_PORT:HOST:PORT (LOCAL_PORT and HOST may be empty); sets --local-port, --host and --port and implies --port-forward." placeholder:"LOCAL:HOST:PORT"`

	RunCmd      ExecRunCmd         `cmd:"" name:"run" default:"withargs" help:"Run a command (default sh) in a container."`
	Portforward ExecPortforwardCmd `cmd:"" help:"Forward a local port to the container (or to --host through it)."`
	Cp          ExecCpCmd          `cmd:"" help:"Copy one file to or from a container: exec cp ./local TASK_ID:/path, or TASK_ID:/path ./local (_ picks the task)."`
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
	// A kind that cannot turn ECS Exec on (an Express Mode service has no
	// enableExecuteCommand to set): the hint says so.
	o.Express = e.p.declaredKind().NoExecuteCommand()
	s, err := e.p.clients.SSM(ctx)
	if err != nil {
		return nil, o, plugin, err
	}
	o.Region, o.SSMEndpoint = s.Region, s.Endpoint
	return e, o, plugin, nil
}

// ExecRunCmd runs a command in a container.
type ExecRunCmd struct{}

// Run opens the session (or, in the old form with --port-forward, forwards).
func (c *ExecRunCmd) Run(ctx context.Context, a *app, parent *ExecCmd) error {
	if parent.PortForward || parent.L != "" {
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
	f, err := forwardFlags(parent)
	if err != nil {
		return err
	}
	e, o, plugin, err := a.execTarget(ctx, parent)
	if err != nil {
		return err
	}
	s, err := e.p.clients.SSM(ctx)
	if err != nil {
		return err
	}
	return task.PortForward(ctx, e.deps, s.Client, plugin, o, f)
}

// forwardFlags reads --port, --local-port and --host, or -L LOCAL:HOST:PORT.
func forwardFlags(parent *ExecCmd) (task.Forward, error) {
	f := task.Forward{Port: parent.Port, LocalPort: parent.LocalPort, Host: parent.Host}
	if parent.L != "" {
		var err error
		if f, err = task.ParseForward(parent.L); err != nil {
			return f, diag.Invalid(fmt.Errorf("-L %s: %w", parent.L, err), "want LOCAL_PORT:HOST:PORT, e.g. -L 15432:db.internal:5432 (an empty LOCAL_PORT picks a free one, an empty HOST is the container)")
		}
		// -L sets all three, as in ecspresso; a flag that says otherwise is a mistake.
		if (parent.Port != 0 && parent.Port != f.Port) || (parent.LocalPort != 0 && parent.LocalPort != f.LocalPort) || (parent.Host != "" && parent.Host != f.Host) {
			return f, diag.Invalid(fmt.Errorf("-L %s contradicts --port %d --local-port %d --host %q", parent.L, parent.Port, parent.LocalPort, parent.Host), "give the ports once: -L LOCAL_PORT:HOST:PORT, or --local-port, --host and --port")
		}
	}
	if f.Port <= 0 || f.Port > 65535 {
		return f, diag.Invalid(fmt.Errorf("--port %d: port forwarding needs the remote port (1-65535)", f.Port), "e.g. --port 5432 --local-port 15432, or -L 15432::5432")
	}
	if f.LocalPort < 0 || f.LocalPort > 65535 {
		return f, diag.Invalid(fmt.Errorf("--local-port %d: want 0-65535", f.LocalPort), "")
	}
	return f, nil
}

// ExecCpCmd copies one file to or from a container through ECS Exec sessions.
type ExecCpCmd struct {
	Src      string `arg:"" help:"Source: a local path or TASK_ID:/path."`
	Dst      string `arg:"" help:"Destination: a local path or TASK_ID:/path."`
	Progress bool   `negatable:"" default:"true" help:"Print a line per uploaded chunk on stderr."`
}

// Run copies the file. The task comes from the TASK_ID: operand, else --id, else
// a pick on a terminal. ecspresso's --port (its transfer port) is accepted and not
// needed: doppio moves the bytes through the exec session itself.
func (c *ExecCpCmd) Run(ctx context.Context, a *app, parent *ExecCmd) error {
	id, cp, err := task.ParseCopy(c.Src, c.Dst, a.env.Dir)
	if err != nil {
		return err
	}
	if id != "" && parent.ID != "" && task.ID(parent.ID) != id {
		return diag.Invalid(fmt.Errorf("--id %s and the operand's task %s differ", parent.ID, id), "give the task once")
	}
	if id != "" {
		parent.ID = id
	}
	con := ui.ConsoleFor(a.stderr, a.ci())
	row := "exec cp " + cp.Remote
	progress := func(sent, total int) ui.Entry {
		return ui.Entry{Msg: "upload", Text: fmt.Sprintf("upload %s: sent %d/%d bytes", cp.Remote, sent, total),
			Attrs: []slog.Attr{slog.String("path", cp.Remote), slog.Int("sentBytes", sent), slog.Int("totalBytes", total)}}
	}
	var last ui.Entry
	if c.Progress {
		// One updating row on a terminal, a line per chunk otherwise (the console's
		// one format and clock; fields under --log-format json).
		cp.Progress = func(sent, total int) {
			last = progress(sent, total)
			con.SetRow(row, last)
		}
	}
	e, o, plugin, err := a.execTarget(ctx, parent)
	if err != nil {
		return err
	}
	n, err := task.CopyFile(ctx, e.deps, plugin, o, cp)
	if last.Msg != "" {
		con.DropRow(row)
	}
	if err != nil {
		return err
	}
	a.log.Info("copied", "bytes", n, "task", task.ID(aws.ToString(o.Task.TaskArn)), "path", cp.Remote)
	return nil
}
