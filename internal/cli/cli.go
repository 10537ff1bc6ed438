// Package cli is doppio's composition root: it parses flags and environment, builds
// AWS clients and wires the domain packages together. Nothing else reads os state.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"
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
	Continue   ContinueCmd   `cmd:"" help:"Continue (or --rollback) a deployment paused at a PAUSE lifecycle hook, then wait."`
	Appspec    AppspecCmd    `cmd:"" help:"Print the CodeDeploy AppSpec (YAML) a deploy of a CODE_DEPLOY service sends."`
	Deregister DeregisterCmd `cmd:"" help:"Deregister (and optionally delete) task definition revisions not in use."`
	Delete     DeleteCmd     `cmd:"" help:"Delete the service."`
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
		fmt.Fprintf(env.Stderr, "doppio: %v\n", err)
		fmt.Fprintln(env.Stderr, "hint: run 'doppio --help' for usage")
		return diag.ExitUsage
	}
	app, err := newApp(ctx, &cli.Globals, env)
	if err != nil {
		return report(env.Stderr, err)
	}
	defer app.close()
	kctx.BindTo(ctx, (*context.Context)(nil))
	err = kctx.Run(app)
	if err != nil {
		return report(env.Stderr, err)
	}
	return diag.ExitOK
}

// newParser builds the kong parser for cli.
func newParser(cli *CLI, env Env, exit *exitRecorder) (*kong.Kong, error) {
	return kong.New(cli,
		kong.Name("doppio"),
		kong.Description("doppio deploys services and one-off tasks to Amazon ECS from ecspresso-compatible definition files.\n\n"+exitCodeHelp),
		kong.Writers(env.Stdout, env.Stderr),
		kong.Exit(func(code int) { exit.called, exit.code = true, code }),
		kong.Resolvers(envResolver(env.Vars)),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.UsageOnError(),
	)
}

// report prints err once, with its hint, and returns its exit code.
func report(w io.Writer, err error) int {
	code := diag.ExitCode(err)
	if errors.Is(err, context.Canceled) && code == diag.ExitError {
		code = diag.ExitInterrupted
	}
	if errors.Is(err, errSilent) {
		return code
	}
	fmt.Fprintf(w, "doppio: error: %v\n", err)
	if h := diag.Hint(err); h != "" {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
	return code
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
		"timeout", "debug", "color", "log-format", "output":
		return true
	}
	return false
}

// envNames returns the environment variables consulted for a flag, in order.
func envNames(flag string) []string {
	suffix := strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
	return []string{"DOPPIO_" + suffix, "ECSPRESSO_" + suffix}
}
