// Package bench holds doppio's performance benchmarks. They are measurements, not
// timed tests: run them with go test -bench, or bench/tfstate.sh for the
// whole-process figures (wall time and peak RSS) the target is about.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/doppio-ecs/doppio/bench/internal/tfbench"
	"github.com/doppio-ecs/doppio/internal/plugin/tfstate"
	"github.com/doppio-ecs/doppio/internal/render"
)

// benchState returns a 50 MB state, generated once into the OS temp dir and reused
// across runs (DOPPIO_BENCH_TFSTATE names an existing one instead).
func benchState(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("DOPPIO_BENCH_TFSTATE"); p != "" {
		return p
	}
	path := filepath.Join(os.TempDir(), "doppio-bench-50mb-v1.tfstate")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + fmt.Sprintf(".%d.tmp", os.Getpid())
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	if err := tfbench.WriteState(f, 50); err != nil {
		f.Close()
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// renderOnce renders td as one doppio command does: a fresh tfstate plugin on state
// and a fresh renderer. It returns the plugin's state.
func renderOnce(ctx context.Context, b *testing.B, state, td string) *tfstate.State {
	b.Helper()
	st, err := tfstate.Open(tfstate.Config{Path: state}, tfstate.Deps{})
	if err != nil {
		b.Fatal(err)
	}
	r, err := render.New(ctx, render.Options{Functions: tfstate.Functions(st, "")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := r.RenderFile(ctx, td); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkRenderTfstate200 renders a task definition with 200 tfstate lookups
// against a 50 MB state: fresh plugin and renderer each iteration, as in one
// doppio command. Target: < 0.15 s per command, < 100 MB peak RSS.
func BenchmarkRenderTfstate200(b *testing.B) {
	ctx := context.Background()
	state := benchState(b)
	td := filepath.Join(b.TempDir(), "ecs-task-def.json")
	if err := os.WriteFile(td, tfbench.Template(200), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if st := renderOnce(ctx, b, state, td); st.Passes() != 1 {
			b.Fatalf("state read %d times, want 1", st.Passes())
		}
	}
}

// BenchmarkRenderTfstateJsonnet renders the same lookups from Jsonnet, where calls
// are only known during evaluation: one targeted pass, then one full index.
func BenchmarkRenderTfstateJsonnet(b *testing.B) {
	ctx := context.Background()
	state := benchState(b)
	src := "local tfstate = std.native('tfstate');\n{ containerDefinitions: [\n"
	for i := 0; i < 200; i++ {
		src += fmt.Sprintf("  { name: 'c%d', image: tfstate('module.svc[\"svc-%04d\"].aws_iam_role.task.arn') },\n", i, i)
	}
	src += "] }\n"
	td := filepath.Join(b.TempDir(), "ecs-task-def.jsonnet")
	if err := os.WriteFile(td, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		renderOnce(ctx, b, state, td)
	}
}
