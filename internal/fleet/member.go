package fleet

import (
	"slices"
	"sync"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Report is what one member tells the fleet while its verb runs: the task definition
// and outcome it reached and the result values it produced (the documents a single
// run would print on stdout), in order. The fleet renders them once every member has
// ended; nothing is read back from printed output. Safe for concurrent use.
type Report struct {
	mu             sync.Mutex
	taskDefinition string
	outcome        string
	items          []Item
}

// Item is one result a member produced: a value (a verb's result document) or, for
// verbs that print files as they are (render), raw bytes.
type Item struct {
	Value any
	Raw   []byte
}

// Record notes the member's task definition and outcome (empty values leave the
// previous ones).
func (r *Report) Record(taskDefinition, outcome string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if taskDefinition != "" {
		r.taskDefinition = taskDefinition
	}
	if outcome != "" {
		r.outcome = outcome
	}
}

// Add appends a result value.
func (r *Report) Add(v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items = append(r.items, Item{Value: v})
}

// Write appends raw output; consecutive writes make one item.
func (r *Report) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.items); n > 0 && r.items[n-1].Value == nil {
		r.items[n-1].Raw = append(r.items[n-1].Raw, p...)
		return len(p), nil
	}
	r.items = append(r.items, Item{Raw: slices.Clone(p)})
	return len(p), nil
}

// Values returns what the member recorded so far.
func (r *Report) Values() (taskDefinition, outcome string, items []Item) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.taskDefinition, r.outcome, slices.Clone(r.items)
}

// The outcomes of members that ended without naming one, by exit code.
const (
	OutcomeOK          = "ok"
	OutcomeNotStarted  = "not started"
	OutcomeInvalid     = "invalid"
	OutcomeDifferences = "differences"
	OutcomeFailed      = "failed"
	OutcomeTimedOut    = "timed out"
	OutcomePaused      = "paused"
	OutcomeInterrupted = "interrupted"
	OutcomeError       = "error"
)

// outcome names how a member ended: "not started" when stopped at its gate, else the
// outcome its verb recorded (unless it recorded a success and then failed), else a
// name for its exit code.
func outcome(recorded string, r Result) string {
	if r.NotStarted != "" {
		return OutcomeNotStarted
	}
	if recorded != "" && (r.Code == 0 || recorded != "succeeded") {
		return recorded
	}
	return CodeOutcome(r.Code)
}

// CodeOutcome names the outcome of a member that ended with exit code code and named
// none itself.
func CodeOutcome(code int) string {
	switch code {
	case diag.ExitOK:
		return OutcomeOK
	case diag.ExitUsage:
		return OutcomeInvalid
	case diag.ExitDiff:
		return OutcomeDifferences
	case diag.ExitFailed:
		return OutcomeFailed
	case diag.ExitTimeout:
		return OutcomeTimedOut
	case diag.ExitPaused:
		return OutcomePaused
	case diag.ExitInterrupted:
		return OutcomeInterrupted
	}
	return OutcomeError
}

// Duration is how long the member ran (0 when it never started).
func (r Result) Duration() time.Duration {
	if r.NotStarted != "" || r.Started.IsZero() || r.Finished.IsZero() {
		return 0
	}
	return r.Finished.Sub(r.Started)
}

// Succeeded reports whether the member ended well.
func (r Result) Succeeded() bool { return r.Code == 0 && r.NotStarted == "" }

// Failed returns the results that did not succeed, in members' order.
func Failed(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if !r.Succeeded() {
			out = append(out, r)
		}
	}
	return out
}

// ByOutcome orders results for a summary people read: failures first (most severe
// exit code first), then by outcome name, members' order within an outcome.
func ByOutcome(results []Result) []Result {
	out := slices.Clone(results)
	slices.SortStableFunc(out, func(a, b Result) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		if a.Outcome < b.Outcome {
			return -1
		}
		if a.Outcome > b.Outcome {
			return 1
		}
		return 0
	})
	return out
}

func rank(r Result) int {
	if r.Succeeded() {
		return len(severity) + 2
	}
	if r.NotStarted != "" {
		return len(severity) + 1
	}
	if k := slices.Index(severity, r.Code); k >= 0 {
		return k
	}
	return len(severity)
}
