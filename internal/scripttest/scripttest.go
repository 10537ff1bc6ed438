// Package scripttest holds what the CLI's testscript suites share: the `doppio`
// command run in-process and the `exits` assertion. internal/cli runs the scripts
// that never reach AWS; e2e runs those that do, against the sandbox.
package scripttest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/rogpeppe/go-internal/testscript"
)

// Doppio runs main as the `doppio` command of a script (testscript.RunMain): with
// the process's arguments, on a context that ends on SIGINT or SIGTERM, returning
// its exit code.
func Doppio(main func(ctx context.Context, args []string) int) func() int {
	return func() int {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return main(ctx, os.Args[1:])
	}
}

// Params returns the testscript parameters both suites use: the scripts in dir,
// the `exits` command plus cmds, goldens rewritten under -update, and a clean AWS
// environment (no instance metadata, no shared config or credentials files), so a
// script that reaches AWS sets what it needs.
func Params(dir string, cmds map[string]func(ts *testscript.TestScript, neg bool, args []string)) testscript.Params {
	all := map[string]func(ts *testscript.TestScript, neg bool, args []string){"exits": Exits}
	for k, v := range cmds {
		all[k] = v
	}
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: golden.Update(),
		Cmds:          all,
		Setup: func(e *testscript.Env) error {
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_CONFIG_FILE", e.WorkDir+"/.aws-config-none")
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.WorkDir+"/.aws-credentials-none")
			return nil
		},
	}
}

// Exits runs a command and asserts its exit code: `exits 3 doppio diff --exit-code`.
// Its stdout and stderr stay available to the following stdout/stderr assertions.
func Exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		got = ee.ExitCode()
	default:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d\nstderr:\n%s", args[1], got, want, ts.ReadFile("stderr"))
	}
}
