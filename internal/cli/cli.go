// Package cli is doppio's composition root: it parses flags and environment, builds
// AWS clients and wires the domain packages together. Nothing else reads os state.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/doppio-ecs/doppio/internal/config"
	"github.com/doppio-ecs/doppio/internal/diag"
)

const exitCodeHelp = `Exit codes:
  0    success
  1    error
  2    usage error or invalid input (config, flags, definitions)
  3    diff --exit-code found differences
  4    deployment rolled back, failed or was superseded
  5    timed out waiting (resume with 'doppio wait')
  6    deployment paused awaiting approval
  130  interrupted
  run: the watched container's exit code when it is non-zero`

// CLI is the whole command line: global flags and one field per verb.
type CLI struct {
	Globals

	Version VersionCmd `cmd:"" help:"Print doppio's version, commit and build date."`
	Render  RenderCmd  `cmd:"" help:"Render the config, service definition or task definition to stdout."`

	Deploy     DeployCmd     `cmd:"" help:"Register the task definition and create or update the service, then wait."`
	Plan       PlanCmd       `cmd:"" help:"Print what deploy would do, without changing anything."`
	Register   RegisterCmd   `cmd:"" help:"Register the task definition and print its ARN."`
	Wait       WaitCmd       `cmd:"" help:"Wait for the service's current deployment to finish."`
	Scale      ScaleCmd      `cmd:"" help:"Change the desired count (and auto scaling) without a new task definition."`
	Refresh    RefreshCmd    `cmd:"" help:"Start a new deployment of the current task definition."`
	Init       InitCmd       `cmd:"" help:"Import a live service: write a config and both definition files."`
	Diff       DiffCmd       `cmd:"" help:"Show the differences between local definitions and the live service."`
	Status     StatusCmd     `cmd:"" help:"Show the service, its deployments and recent events."`
	Revisions  RevisionsCmd  `cmd:"" help:"List task definition revisions of the family, or print one."`
	Rollback   RollbackCmd   `cmd:"" help:"Point the service back at the previous task definition revision."`
	Continue   ContinueCmd   `cmd:"" help:"Continue (or --rollback) a deployment paused at a PAUSE lifecycle hook, or a CodeDeploy one waiting to reroute traffic, then wait."`
	Appspec    AppspecCmd    `cmd:"" help:"Print the CodeDeploy AppSpec (YAML) a deploy of a CODE_DEPLOY service sends."`
	Deregister DeregisterCmd `cmd:"" help:"Deregister (and optionally delete) task definition revisions not in use."`
	Delete     DeleteCmd     `cmd:"" help:"Delete the service."`
	Run        RunCmd        `cmd:"" help:"Run a one-off task and exit with its container's exit code."`
	Tasks      TasksCmd      `cmd:"" help:"List, find, stop, trace and read the logs of the project's tasks."`
	Exec       ExecCmd       `cmd:"" help:"Open an ECS Exec session (command or port forwarding) in a task's container."`
	Verify     VerifyCmd     `cmd:"" help:"Check that roles, images, secrets, log groups, network and load balancers the definitions use exist."`
	Schedule   ScheduleCmd   `cmd:"" help:"Manage ECS scheduled tasks (EventBridge rules) from ecschedule files: dump, diff, apply, run, status."`
	Completion CompletionCmd `cmd:"" help:"Print a shell completion script: doppio completion bash|zsh|fish."`
}

// exitRecorder captures kong's requests to exit (after --help, --version) without
// exiting the process.
type exitRecorder struct {
	called bool
	code   int
}

// Main runs doppio with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || (len(args) == 1 && args[0] == "help") {
		args = []string{"--help"}
	}
	args = ecspressoArgs(args)
	var cli CLI
	exit := &exitRecorder{}
	parser, err := newParser(&cli, env, exit)
	if err != nil {
		fmt.Fprintf(env.Stderr, "doppio: internal error building the command line: %v\n", err)
		return diag.ExitError
	}
	kctx, err := parser.Parse(args)
	if exit.called {
		return exit.code
	}
	if err != nil {
		err = diag.WithCode(err, diag.ExitUsage)
		if diag.Hint(err) == "" {
			err = diag.WithHint(err, "run 'doppio --help' for usage")
		}
		return report(env.Stderr, jsonLogs(args, env), err, env)
	}
	app, err := newApp(ctx, &cli.Globals, env)
	if err != nil {
		return report(env.Stderr, jsonLogs(args, env), err, env)
	}
	verb, _, _ := strings.Cut(kctx.Command(), " ")
	app.verb = verb
	if err := app.checkOutput(verb); err != nil {
		return app.report(err)
	}
	paths, err := app.configPaths()
	if err != nil {
		return app.report(err)
	}
	if len(paths) > 1 {
		return app.runFleet(ctx, kctx, paths)
	}
	if len(paths) == 1 {
		app.configPath, app.roleARN = paths[0].Path, paths[0].RoleARN
	}
	ctx, cancel, err := app.deadline(ctx, kctx.Command())
	if err != nil {
		return app.report(err)
	}
	defer cancel()
	kctx.BindTo(ctx, (*context.Context)(nil))
	if err := app.refuseForWorkload(ctx, verb); err != nil { // workloads.go
		return app.report(err)
	}
	end := app.watchForNotify() // notify.go
	err = kctx.Run(app)
	end(ctx, err)
	if err != nil {
		return app.report(err)
	}
	return diag.ExitOK
}

// deadline bounds the whole command — planning, every AWS call and its retries, and
// the waits — by --timeout, else the config's timeout, else the default, as ecspresso
// does. Verbs that need a config load it here, so its timeout applies from the start;
// exec sessions are interactive and have no deadline (as in ecspresso).
func (a *app) deadline(ctx context.Context, command string) (context.Context, context.CancelFunc, error) {
	verb, _, _ := strings.Cut(command, " ")
	switch verb {
	case "exec":
		ctx, cancel := context.WithCancel(ctx)
		return ctx, cancel, nil
	case "version", "init", "schedule", "completion":
	default:
		if a.timeout == 0 {
			p, err := a.project(ctx)
			if err != nil {
				return nil, nil, err
			}
			a.timeout = p.cfg.TimeoutOrDefault()
		}
	}
	if a.timeout == 0 {
		a.timeout = config.DefaultTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, a.timeout, errCommandTimeout{a.timeout})
	return ctx, cancel, nil
}

// errCommandTimeout is the cause of the command's context when its deadline passes.
type errCommandTimeout struct{ d time.Duration }

func (e errCommandTimeout) Error() string {
	return fmt.Sprintf("the command did not finish within its timeout (%s)", e.d)
}

func (e errCommandTimeout) Unwrap() error { return context.DeadlineExceeded }

// globalValueFlags are the global flags that take a separate value argument.
var globalValueFlags = []string{"--config", "--envfile", "--ext-str", "--ext-code", "--assume-role-arn", "--timeout",
	"--log-format", "--output", "--filter-command", "--max-rps", "--notify"}

// ecspressoArgs rewrites the few ecspresso spellings that clash with doppio's global
// flags: 'register --output' is a bool in ecspresso (print the registered task
// definition), while doppio's --output takes a format. A bare --output (or
// --output=true) after register becomes --print-definition; --no-output and
// --output=false are dropped.
func ecspressoArgs(args []string) []string {
	verb := -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if slices.Contains(globalValueFlags, a) {
			i++
			continue
		}
		if !strings.HasPrefix(a, "-") {
			verb = i
			break
		}
	}
	if verb < 0 || args[verb] != "register" {
		return args
	}
	out := slices.Clone(args[:verb+1])
	for i := verb + 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--output=true":
			out = append(out, "--print-definition")
		case a == "--output=false" || a == "--no-output":
		case a == "--output":
			if i+1 < len(args) && slices.Contains(outputFormats, args[i+1]) {
				out = append(out, a, args[i+1])
				i++
				continue
			}
			out = append(out, "--print-definition")
		default:
			out = append(out, a)
		}
	}
	return out
}

// globalFlags is the help heading of the flags every verb takes: a verb's help lists
// its own flags first, then these.
var globalFlags = &kong.Group{Key: "global", Title: "Global flags (every verb; also from DOPPIO_<NAME> environment variables):"}

// newParser builds the kong parser for cli. A verb's help shows its own flags first
// and the global ones after a heading, and every flag's value has a readable
// placeholder (--revision=N, not INT-32).
func newParser(cli *CLI, env Env, exit *exitRecorder) (*kong.Kong, error) {
	k, err := newKong(cli, env, exit)
	if err != nil {
		return nil, err
	}
	for _, f := range k.Model.Flags {
		f.Group = globalFlags
	}
	_ = kong.Visit(k.Model, func(n kong.Visitable, next kong.Next) error {
		if node, ok := n.(*kong.Node); ok {
			for _, f := range node.Flags {
				readablePlaceholder(f)
			}
		}
		return next(nil)
	})
	return k, nil
}

// readablePlaceholder gives a value flag without a placeholder or default one named
// after what it takes, instead of kong's type name (INT-32, FLOAT-64).
func readablePlaceholder(f *kong.Flag) {
	if f.PlaceHolder != "" || f.HasDefault || f.IsBool() || f.IsCounter() || f.Value.IsMap() {
		return
	}
	switch f.Value.Target.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		f.PlaceHolder = "N"
	case reflect.String:
		f.PlaceHolder = strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
	}
}

func newKong(cli *CLI, env Env, exit *exitRecorder) (*kong.Kong, error) {
	return kong.New(cli,
		kong.Name("doppio"),
		kong.Description("doppio deploys services and one-off tasks to Amazon ECS from ecspresso-compatible definition files.\n\n"+exitCodeHelp),
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { exit.called, exit.code = true, code }),
		kong.Resolvers(envResolver(env.Vars)),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.UsageOnError(),
		kindVars(), // workloads.go
	)
}

// report prints err once, with its hint, and returns its exit code.
func (a *app) report(err error) int {
	w := a.secrets.Writer(a.env.Stderr)
	if a.shared != nil {
		w = a.errBase // a fleet's service: prefixed with its name
	}
	return report(w, a.g.LogFormat == "json", err, a.env)
}

// report prints err once, with its hint, as text or as one JSON line, and returns its
// exit code. A command that ran out of time exits 5, one that was interrupted 130.
// Under GitHub Actions the text error is also an ::error:: annotation on w.
func report(w io.Writer, asJSON bool, err error, env Env) int {
	code := diag.ExitCode(err)
	if code == diag.ExitError {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			code = diag.ExitTimeout
		case errors.Is(err, context.Canceled):
			code = diag.ExitInterrupted
		}
	}
	if errors.Is(err, errSilent) {
		return code
	}
	hint := diag.Hint(err)
	if code == diag.ExitTimeout && hint == "" {
		hint = "raise --timeout or the config's timeout"
	}
	if asJSON {
		doc := map[string]any{"time": time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), "level": "ERROR", "msg": err.Error(), "exitCode": code}
		if hint != "" {
			doc["hint"] = hint
		}
		b, _ := json.Marshal(doc)
		fmt.Fprintf(w, "%s\n", b)
		return code
	}
	fmt.Fprintf(w, "doppio: error: %v\n", err)
	if hint != "" {
		fmt.Fprintf(w, "hint: %s\n", hint)
	}
	annotateError(w, env, err, code)
	return code
}

// jsonLogs reports whether --log-format json (or DOPPIO_LOG_FORMAT=json) was asked
// for, for errors printed before the flags are fully parsed.
func jsonLogs(args []string, env Env) bool {
	for i, arg := range args {
		if arg == "--log-format=json" || (arg == "--log-format" && i+1 < len(args) && args[i+1] == "json") {
			return true
		}
	}
	for _, k := range envNames("log-format") {
		if v := env.Vars[k]; v != "" {
			return v == "json"
		}
	}
	return false
}

// errSilent marks an error whose message was already shown (e.g. diff's differences).
var errSilent = errors.New("already reported")

// silentExit returns an error that prints nothing and exits with code.
func silentExit(code int) error { return diag.WithCode(errSilent, code) }

// envResolver fills global flags from DOPPIO_<FLAG>, then ECSPRESSO_<FLAG>, so the
// precedence is flag > DOPPIO_* > ECSPRESSO_* > config file > default.
func envResolver(vars map[string]string) kong.Resolver {
	return kong.ResolverFunc(func(kctx *kong.Context, parent *kong.Path, flag *kong.Flag) (any, error) {
		if !isGlobal(flag) {
			return nil, nil
		}
		for _, name := range envNames(flag.Name) {
			if v, ok := vars[name]; ok && v != "" {
				return v, nil
			}
		}
		return nil, nil
	})
}

// isGlobal reports whether f takes DOPPIO_*/ECSPRESSO_* environment values.
func isGlobal(f *kong.Flag) bool {
	switch f.Name {
	case "config", "envfile", "envfile-override", "ext-str", "ext-code", "assume-role-arn",
		"timeout", "debug", "color", "log-format", "output", "filter-command", "redact-env", "max-rps", "parallel", "fail-fast":
		return true
	}
	return false
}

// envNames returns the environment variables consulted for a flag, in order.
func envNames(flag string) []string {
	suffix := strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
	return []string{"DOPPIO_" + suffix, "ECSPRESSO_" + suffix}
}
