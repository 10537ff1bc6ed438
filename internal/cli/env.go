package cli

import (
	"io"
	"os"
	"strings"
)

// Env is everything doppio takes from the process: streams, environment, working
// directory. Only cmd/doppio builds the real one; tests build their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Vars   map[string]string // process environment
	Dir    string            // working directory
	// IsTerminal reports whether stderr is an interactive terminal.
	IsTerminal bool

	// clients replaces the AWS client factory of every project (unit tests' fakes);
	// nil: real SDK clients on the project's AWS config.
	clients Clients
}

// OSEnv returns the real process environment.
func OSEnv() Env {
	vars := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	dir, _ := os.Getwd()
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Vars: vars, Dir: dir, IsTerminal: tty}
}
