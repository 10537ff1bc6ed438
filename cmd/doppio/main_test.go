package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
)

// TestHandleSignals: the first signal (SIGTERM as well as SIGINT) cancels the
// command's context; a second one exits at once with 130.
func TestHandleSignals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sigs := make(chan os.Signal, 2)
		var stderr bytes.Buffer
		exited := make(chan int, 1)
		ctx, stop := handleSignals(context.Background(), sigs, &stderr, func(code int) { exited <- code })
		defer stop()

		sigs <- syscall.SIGTERM
		synctest.Wait()
		if ctx.Err() == nil {
			t.Fatal("SIGTERM did not cancel the command")
		}
		select {
		case code := <-exited:
			t.Fatalf("the first signal exited (%d)", code)
		default:
		}

		sigs <- os.Interrupt
		synctest.Wait()
		select {
		case code := <-exited:
			if code != 130 {
				t.Errorf("exit %d, want 130", code)
			}
		default:
			t.Fatal("the second signal did not exit")
		}
		if !strings.Contains(stderr.String(), "interrupted again") {
			t.Errorf("stderr: %q", stderr.String())
		}
	})
}
