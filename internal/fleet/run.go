package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Member is one service of a fleet run. Run does the verb's work for it and calls
// gate.BeforeChange right before its first call that changes anything.
type Member struct {
	Name string
	// Config, Cluster and Account say where the member deploys (for summaries).
	Config, Cluster, Account string
	// Report, when set, is where the member's verb records its task definition,
	// outcome and result values; Run copies them into the member's Result.
	Report *Report
	Run    func(ctx context.Context, gate *Gate) error
}

// Options tune Run.
type Options struct {
	// Parallel bounds how many members plan or apply at once; at least 1. A member
	// that has applied and follows its deployment (Gate.Following) frees its slot:
	// waits are shared batched polls, bounded by the rate budget, not by members.
	Parallel int
	// FailFast stops starting members once one has failed. Members then keep their
	// slot until they end, so a failure is known before the next one starts.
	FailFast bool
	// ExitCode maps a member's error to its exit code.
	ExitCode func(error) int
	// Hold, when set, is released once the run's apply phase is over (see Hold):
	// every member has applied its change or ended, or, under FailFast, every slot
	// is held by a member that has applied.
	Hold *Hold
}

// Result is how one member ended.
type Result struct {
	Name                     string
	Config, Cluster, Account string
	// TaskDefinition and Outcome are what the member recorded (Outcome is named
	// from the exit code when it recorded none).
	TaskDefinition, Outcome string
	// Items are the member's result values, in order.
	Items []Item
	Err   error
	Code  int
	// Started and Finished bound the member's run.
	Started, Finished time.Time
	// Changed reports whether the member passed its gate (it may have changed
	// something).
	Changed bool
	// NotStarted explains why a member was stopped at its gate: another member's
	// plan failed, or --fail-fast after a failure.
	NotStarted string
}

// ErrReported marks a member's error that its own stderr already showed; summaries
// give its outcome, not its message again.
var ErrReported = errors.New("already reported")

// ErrNotStarted is returned by Gate.BeforeChange when the member must not change
// anything.
var ErrNotStarted = errors.New("not started")

// Gate is the barrier between a member's planning and its changes.
type Gate struct {
	f       *run
	idx     int  // the member's place: slots are taken in members' order
	holding bool // holds a parallel slot
	passed  bool
	err     error
	once    sync.Once

	applied      sync.Once // the member counted as done applying (run.settle)
	holdsApplied bool      // holding a slot after it applied (counted in run.appliedHolding)
}

// BeforeChange blocks until every member has planned (reached its gate or ended),
// then takes a parallel slot. It returns an error wrapping ErrNotStarted when
// another member failed before changing anything, or when --fail-fast applies; the
// member must then return it without changing anything. Later calls return the
// first call's answer.
func (g *Gate) BeforeChange(ctx context.Context) error {
	g.once.Do(func() { g.err = g.pass(ctx) })
	return g.err
}

func (g *Gate) pass(ctx context.Context) error {
	f := g.f
	g.release()
	f.resolve(nil)
	select {
	case <-f.planned:
	case <-ctx.Done():
		return ctx.Err()
	}
	if names := f.planFailures(); len(names) > 0 {
		return fmt.Errorf("%w: nothing was changed because %s failed before any change", ErrNotStarted, strings.Join(names, ", "))
	}
	// Applied in the members' order: wait for the one before to have its slot.
	select {
	case <-f.turn[g.idx]:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer f.passTurn(g.idx)
	if err := g.acquire(ctx); err != nil {
		return err
	}
	if failed := f.failedNames(); f.o.FailFast && len(failed) > 0 {
		return fmt.Errorf("%w: --fail-fast after %s failed", ErrNotStarted, strings.Join(failed, ", "))
	}
	g.passed = true
	return nil
}

// Following tells the fleet that the member will only wait for an outcome from now
// on (a member that changes something calls it again once its change is applied):
// its parallel slot goes to the next member (unless FailFast, which needs each
// outcome before the next member starts). After the member's gate it also counts
// as Applied.
func (g *Gate) Following() {
	if g == nil {
		return
	}
	if g.passed {
		g.Applied()
		return
	}
	if !g.f.o.FailFast {
		g.release()
	}
}

// Applied tells the fleet that the member has applied its change (or changes
// nothing, as wait) and now only follows it: as Following, and the member no longer
// holds up the fleet's first polls (Options.Hold).
func (g *Gate) Applied() {
	if g == nil {
		return
	}
	if !g.f.o.FailFast {
		g.release()
	}
	g.applied.Do(func() { g.f.settle(g) })
}

func (g *Gate) acquire(ctx context.Context) error {
	select {
	case g.f.slots <- struct{}{}:
		g.holding = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *Gate) release() {
	if g.holding {
		if g.holdsApplied {
			g.f.mu.Lock()
			g.f.appliedHolding--
			g.f.mu.Unlock()
			g.holdsApplied = false
		}
		<-g.f.slots
		g.holding = false
	}
}

type run struct {
	o     Options
	slots chan struct{}

	// turn[i] is closed once member i may take its apply slot; passOnce[i]
	// closes turn[i+1].
	turn     []chan struct{}
	passOnce []sync.Once

	mu         sync.Mutex
	unresolved int
	planned    chan struct{} // closed when every member has planned
	planFailed []string      // members that ended with an error before their gate
	failed     []string      // members that failed after their gate

	// The apply phase (Options.Hold): members that applied or ended, and those of
	// them holding a slot (FailFast).
	settled, appliedHolding int
	members                 int
}

// settle counts g's member as done applying (applied, or ended) and releases the
// hold once the apply phase is over.
func (f *run) settle(g *Gate) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settled++
	if g.holding {
		g.holdsApplied = true
		f.appliedHolding++
	}
	if f.settled >= f.members || (f.o.FailFast && f.appliedHolding >= f.o.Parallel) {
		f.o.Hold.Release()
	}
}

func (f *run) resolve(err error, name ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.planFailed = append(f.planFailed, name...)
	}
	f.unresolved--
	if f.unresolved == 0 {
		close(f.planned)
	}
}

// passTurn lets the member after i take its slot.
func (f *run) passTurn(i int) {
	f.passOnce[i].Do(func() { close(f.turn[i+1]) })
}

func (f *run) planFailures() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.planFailed)
}

func (f *run) failedNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.failed)
}

// Run runs every member and returns their results in members' order. Nothing is
// changed by any member unless every member planned without error: each member
// plans (up to Parallel at once), then waits at its gate for the others.
func Run(ctx context.Context, members []Member, o Options) []Result {
	o.Parallel = max(o.Parallel, 1)
	if o.ExitCode == nil {
		o.ExitCode = diag.ExitCode
	}
	f := &run{o: o, slots: make(chan struct{}, o.Parallel), unresolved: len(members), planned: make(chan struct{}), members: len(members),
		turn: make([]chan struct{}, len(members)+1), passOnce: make([]sync.Once, len(members))}
	for i := range f.turn {
		f.turn[i] = make(chan struct{})
	}
	close(f.turn[0])
	if len(members) == 0 {
		close(f.planned)
		o.Hold.Release()
	}
	results := make([]Result, len(members))
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Go(func() {
			results[i] = f.member(ctx, i, m)
		})
	}
	wg.Wait()
	return results
}

func (f *run) member(ctx context.Context, i int, m Member) (res Result) {
	g := &Gate{f: f, idx: i}
	defer g.applied.Do(func() { f.settle(g) }) // ended: it holds up no first poll
	defer f.passTurn(i)                        // a member that ends before its turn must not hold up the next
	res = Result{Name: m.Name, Config: m.Config, Cluster: m.Cluster, Account: m.Account}
	defer func() {
		if m.Report == nil {
			res.Outcome = outcome("", res)
			return
		}
		var recorded string
		res.TaskDefinition, recorded, res.Items = m.Report.Values()
		res.Outcome = outcome(recorded, res)
	}()
	if err := g.acquire(ctx); err != nil {
		f.resolve(err, m.Name)
		res.Err, res.Code = err, f.o.ExitCode(err)
		return res
	}
	res.Started = time.Now()
	err := m.Run(ctx, g)
	res.Finished = time.Now()
	reached := true
	g.once.Do(func() { reached, g.err = false, errNeverReached }) // a later BeforeChange cannot pass
	res.Changed = g.passed
	switch {
	case err != nil && errors.Is(err, ErrNotStarted):
		res.NotStarted = strings.TrimPrefix(err.Error(), ErrNotStarted.Error()+": ")
	case err != nil:
		res.Err, res.Code = err, f.o.ExitCode(err)
	}
	if res.Code != 0 && g.passed {
		// Recorded before the slot is released, so --fail-fast stops the next one.
		f.mu.Lock()
		f.failed = append(f.failed, m.Name)
		f.mu.Unlock()
	}
	g.release()
	if !reached {
		f.resolve(err, m.Name)
	}
	return res
}

var errNeverReached = errors.New("member ended before its gate")

// severity ranks exit codes for the fleet's own exit code: interrupted, then
// failed or rolled back, error, invalid input, timed out, paused, differences.
var severity = []int{diag.ExitInterrupted, diag.ExitFailed, diag.ExitError, diag.ExitUsage, diag.ExitTimeout, diag.ExitPaused, diag.ExitDiff}

// ExitCode is the most severe exit code of results (0 when all succeeded).
func ExitCode(results []Result) int {
	best, rank := 0, len(severity)+1
	for _, r := range results {
		if r.Code == 0 {
			continue
		}
		k := slices.Index(severity, r.Code)
		if k < 0 {
			k = len(severity) // other codes (a task's exit code) rank last
		}
		if k < rank {
			best, rank = r.Code, k
		}
	}
	return best
}
