// Package cli is doppio's composition root: it parses flags and environment, builds
// AWS clients and wires the domain packages together. Nothing else reads os state.
package cli

import (
	"context"
	"fmt"
)

// Main runs doppio with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	_ = ctx
	fmt.Fprintln(env.Stderr, "doppio: not implemented yet")
	return 1
}
