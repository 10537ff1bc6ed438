// Command doppio deploys services and one-off tasks to Amazon ECS.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/doppio-ecs/doppio/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
