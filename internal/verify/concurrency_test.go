package verify

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestConcurrencyBound runs the checks against an account where every call takes 1 s
// (virtual time): they overlap, never more than Options.Concurrency at once, and the
// run takes a fraction of the calls' total time.
func TestConcurrencyBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := world()
		f.delay = time.Second
		start := time.Now()
		rep := run(t, f, input(t, taskDef, serviceDef), Options{GetSecrets: true, PutLogs: true, Concurrency: 4})
		elapsed := time.Since(start)
		if rep.NG != 0 {
			t.Fatalf("NG in a clean world: %+v", rep)
		}
		total := 0
		for _, n := range f.calls {
			total += n
		}
		if f.maxInflight != 4 {
			t.Errorf("at most %d calls in flight, want 4", f.maxInflight)
		}
		// Some checks wait for a lookup another one makes (memoised), so the order of
		// the goroutines decides between about 5 and 7 s; run one at a time it is 19 s.
		if limit := time.Duration(total) * time.Second / 2; elapsed > limit {
			t.Errorf("%d calls of 1 s took %v, want at most %v", total, elapsed, limit)
		}
	})
}

// TestTimeout: the context's deadline ends the run, and Run says so.
func TestTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := world()
		f.delay = time.Minute
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := New(f.deps(), Options{GetSecrets: true}).Run(ctx, input(t, taskDef, serviceDef))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the deadline", err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("returned after %v, want 10s", d)
		}
	})
}
