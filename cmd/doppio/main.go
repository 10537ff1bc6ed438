// Command doppio deploys services and one-off tasks to Amazon ECS.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/doppio-ecs/doppio/internal/cli"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, stop := handleSignals(context.Background(), sigs, os.Stderr, os.Exit)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}

// handleSignals returns a context that the first SIGINT or SIGTERM cancels — the
// command then stops waiting and says what it leaves behind — and calls exit(130) on
// a second one, for a command that does not stop soon enough.
func handleSignals(parent context.Context, sigs <-chan os.Signal, stderr io.Writer, exit func(int)) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-sigs:
		case <-ctx.Done():
			return
		}
		cancel()
		if _, ok := <-sigs; ok {
			fmt.Fprintln(stderr, "doppio: interrupted again; exiting now")
			exit(130)
		}
	}()
	return ctx, cancel
}
