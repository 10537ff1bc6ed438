package render

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestRenderReturnsOnCancel: an evaluation that does not look at its context (a
// long Jsonnet program, a slow lookup) must not hold a signal or the command's
// deadline back: RenderFile returns as soon as the context ends.
func TestRenderReturnsOnCancel(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	r := mustNew(t, Options{Functions: []Function{{
		Name: "busy",
		Call: func(context.Context, []any) (any, error) {
			close(started)
			<-release // ignores its context, like CPU-bound work
			return "done", nil
		},
	}}})
	path := filepath.Join(t.TempDir(), "td.json")
	if err := os.WriteFile(path, []byte(`{"family": "{{ busy }}"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel() // the first SIGTERM
	}()
	_, err := r.RenderFile(ctx, path)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled while the evaluation still runs", err)
	}
}
