// Command doppio deploys services and one-off tasks to Amazon ECS.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/doppio-ecs/doppio/internal/cli"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first SIGINT or SIGTERM cancels the command, which stops waiting and
		// says what it leaves behind; a second one exits at once.
		<-sigs
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "doppio: interrupted again; exiting now")
		os.Exit(130)
	}()
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	cancel()
	os.Exit(code)
}
