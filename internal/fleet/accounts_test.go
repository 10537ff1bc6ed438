package fleet

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// Thirty members on two sets of credentials ask at once: one lookup per set, every
// member gets its set's account; a failed lookup is not repeated and names none.
func TestAccountsOncePerCredentials(t *testing.T) {
	var a Accounts
	var calls atomic.Int32
	lookup := func(id string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) {
			calls.Add(1)
			return id, err
		}
	}
	dev, prod, broken := new(int), new(int), new(int)
	var wg sync.WaitGroup
	got := make([]string, 30)
	for i := range got {
		wg.Go(func() {
			if i%2 == 0 {
				got[i] = a.Of(t.Context(), dev, lookup("111122223333", nil))
			} else {
				got[i] = a.Of(t.Context(), prod, lookup("444455556666", nil))
			}
		})
	}
	wg.Wait()
	for i, g := range got {
		want := map[bool]string{true: "111122223333", false: "444455556666"}[i%2 == 0]
		if g != want {
			t.Errorf("member %d: account %q, want %q", i, g, want)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d lookups for two sets of credentials, want 2", n)
	}
	for range 3 {
		if g := a.Of(t.Context(), broken, lookup("999999999999", errors.New("AccessDenied"))); g != "" {
			t.Errorf("failed lookup named account %q", g)
		}
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d lookups after a failing one asked three times, want 3", n)
	}
}
