package fleet

import (
	"context"
	"sync"
)

// Hold holds the first poll of every wait of a fleet until the fleet's apply phase
// is over, then lets them all go at once, so they share the same batched rounds.
//
// In a fleet of hundreds of services, the changes are applied one after another at
// the rate budget's pace (RegisterTaskDefinition and UpdateService: 20 a second),
// which takes a while: without the hold the first service would start polling long
// before the last had even been updated, spending read tokens on rollouts that cannot
// have finished, and the last service's watch would start long after the first's.
//
// The apply phase is over when every member of the run has applied its change
// (Gate.Applied, or Gate.Following after its gate), or ended without one (nothing to
// change, refused, failed, --no-wait, not started after --fail-fast), or when no
// member can apply any more until a wait ends: under --fail-fast every --parallel slot
// is held by a member that has applied (it keeps its slot until its outcome). A hold
// is released once and stays released: a member that applies later polls at once.
// The zero Hold is not usable; NewHold makes one. Safe for concurrent use.
type Hold struct {
	released chan struct{}
	once     sync.Once
}

// NewHold returns a hold that holds until released.
func NewHold() *Hold { return &Hold{released: make(chan struct{})} }

// Release lets every held and future first poll go.
func (h *Hold) Release() {
	if h == nil {
		return
	}
	h.once.Do(func() { close(h.released) })
}

// Released reports whether the hold was released.
func (h *Hold) Released() bool {
	if h == nil {
		return true
	}
	select {
	case <-h.released:
		return true
	default:
		return false
	}
}

// Wait returns once the hold is released, or with ctx's error when ctx ends first.
// held, when not nil, is called first if Wait has to wait (to tell the user why
// nothing moves). A nil Hold never holds.
func (h *Hold) Wait(ctx context.Context, held func()) error {
	if h.Released() {
		return nil
	}
	if held != nil {
		held()
	}
	select {
	case <-h.released:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
