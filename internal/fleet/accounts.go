package fleet

import (
	"context"
	"sync"
)

// Accounts learns the AWS account of each set of credentials once: the first caller
// for a key looks it up, every later caller (concurrent ones included) gets the same
// answer, a failed lookup included (it is not retried). Safe for concurrent use.
type Accounts struct {
	mu      sync.Mutex
	entries map[any]*accountEntry
}

type accountEntry struct {
	once sync.Once
	id   string
}

// Of returns the account of the credentials named by key (e.g. the *awsclient.Lazy
// they come from), calling lookup only the first time; "" when it failed.
func (a *Accounts) Of(ctx context.Context, key any, lookup func(context.Context) (string, error)) string {
	a.mu.Lock()
	if a.entries == nil {
		a.entries = map[any]*accountEntry{}
	}
	e, ok := a.entries[key]
	if !ok {
		e = &accountEntry{}
		a.entries[key] = e
	}
	a.mu.Unlock()
	e.once.Do(func() {
		id, err := lookup(ctx)
		if err == nil {
			e.id = id
		}
	})
	return e.id
}
