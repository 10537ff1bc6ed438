package cli

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/golden"
)

// TestRenderProjects renders realistic projects under testdata/projects. Each
// NAME.args file holds one command line; its stdout must equal NAME.golden (rewrite
// with go test ./internal/cli -run TestRenderProjects -update). An optional `env` file
// sets the process environment for every case of the project.
func TestRenderProjects(t *testing.T) {
	dirs, err := filepath.Glob("testdata/projects/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		cases, _ := filepath.Glob(filepath.Join(dir, "*.args"))
		for _, argsFile := range cases {
			name := filepath.Base(dir) + "/" + strings.TrimSuffix(filepath.Base(argsFile), ".args")
			t.Run(name, func(t *testing.T) {
				raw, err := os.ReadFile(argsFile)
				if err != nil {
					t.Fatal(err)
				}
				abs, _ := filepath.Abs(dir)
				vars := readEnvFile(t, filepath.Join(dir, "env"))
				var stdout, stderr bytes.Buffer
				code := Main(context.Background(), strings.Fields(string(raw)), Env{
					Stdout: &stdout, Stderr: &stderr, Vars: vars, Dir: abs,
				})
				if code != 0 {
					t.Fatalf("exit %d\nstderr:\n%s", code, stderr.String())
				}
				golden.Assert(t, strings.TrimSuffix(argsFile, ".args")+".golden", stdout.Bytes())
			})
		}
	}
}

func readEnvFile(t *testing.T, path string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return vars
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), "="); ok {
			vars[k] = v
		}
	}
	return vars
}
