// Command sandbox runs the local AWS (moto_server behind doppio's simulating proxy)
// until interrupted, printing the environment that points AWS SDKs and the doppio
// binary at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/doppio-ecs/doppio/sandbox"
)

func main() {
	os.Exit(run())
}

func run() int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	port := fs.Int("port", 0, "proxy port on 127.0.0.1 (0: a free port)")
	speed := fs.Float64("speed", 1, "simulated seconds per real second (0: manual clock, moved with POST /_sandbox/clock/advance)")
	deploy := fs.Duration("deployment-duration", 5*time.Second, "simulated time a healthy rolling deployment takes")
	taskRun := fs.Duration("task-run-duration", 3*time.Second, "simulated time a RunTask task runs before it exits")
	seed := fs.Uint64("seed", 1, "seed for ids and fault injection")
	motoLog := fs.String("moto-log", "", "file for moto_server's log (default: discard)")
	envFile := fs.String("env-file", "", "also write the export lines to this file")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	opts := sandbox.Options{
		Addr:               fmt.Sprintf("127.0.0.1:%d", *port),
		ClockSpeed:         *speed,
		DeploymentDuration: *deploy,
		TaskRunDuration:    *taskRun,
		Seed:               *seed,
		CodeDeploy:         sandbox.DefaultCodeDeploy,
	}
	if *motoLog != "" {
		f, err := os.Create(*motoLog)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
		defer f.Close()
		opts.MotoLog = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := sandbox.NewServer(ctx, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		if errors.Is(err, context.Canceled) {
			return 130
		}
		return 1
	}
	defer srv.Close()
	lines := fmt.Sprintf("export AWS_ENDPOINT_URL=%s AWS_ENDPOINT_URL_CODEDEPLOY=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_EC2_METADATA_DISABLED=true %s=%s\n",
		srv.URL(), srv.URL(), "test", sandbox.SecretAccessKey, sandbox.DefaultRegion, sandbox.DefaultRegion, sandbox.RegistryEndpointVar, srv.Registry().URL())
	fmt.Print(lines)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(lines), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "sandbox:", err)
			return 1
		}
	}
	fmt.Fprintf(os.Stderr, "sandbox: ready in %s (proxy %s, moto %s, clock speed %g); control API at %s/_sandbox/; Ctrl-C stops\n",
		srv.StartupTime().Round(time.Millisecond), srv.URL(), srv.MotoURL(), *speed, srv.URL())
	<-ctx.Done()
	fmt.Fprintln(os.Stderr, "sandbox: stopping")
	return 0
}
