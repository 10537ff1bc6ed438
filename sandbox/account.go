package sandbox

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

// account is everything the proxy keeps for one AWS account. One mutex guards it;
// accounts never share state, so parallel tests do not contend.
type account struct {
	id    string
	clock *simclock.Clock
	opts  Options

	mu       sync.Mutex
	counts   map[string]int
	faults   *faultState
	rng      *rand.Rand
	services map[string]*service // region|cluster|name
	tasks    map[string]*task    // task ARN
	taskList []*task             // creation order
	tds      map[string]obj      // task definition ARN → taskDefinition (immutable content)
	regAt    map[string]time.Time
	sessions map[string]execRecord // ECS Exec session id → what it runs (ecs_exec.go)
	// runTokens are RunTask client tokens → the task ARNs they started (ecs_tasks.go).
	runTokens map[string][]string
	events    *eventsState               // scheduled EventBridge rules (events.go)
	express   map[string]*expressService // service ARN → Express Mode service (express.go)
	daemons   *daemonState               // Managed Daemons (daemon.go)
}

func newAccount(id string, opts Options) *account {
	c := simclock.New(time.Time{})
	c.SetSpeed(opts.ClockSpeed)
	var seed uint64
	for _, ch := range id {
		seed = seed*31 + uint64(ch)
	}
	return &account{
		id:       id,
		clock:    c,
		opts:     opts,
		counts:   map[string]int{},
		rng:      rand.New(rand.NewPCG(opts.Seed, seed)),
		services: map[string]*service{},
		tasks:    map[string]*task{},
		tds:      map[string]obj{},
		regAt:    map[string]time.Time{},
		sessions: map[string]execRecord{},
	}
}

// admit counts the call and draws its fault.
func (a *account) admit(c call) (faultKind, int, time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.counts[c.Key()]++
	return a.faults.decide(c)
}

func (a *account) countsCopy() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.counts)
}

func (a *account) resetCounts() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.counts = map[string]int{}
}

func (a *account) setFaults(f Faults, seed uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(f.Rules) == 0 {
		a.faults = nil
		return
	}
	a.faults = newFaultState(f, seed)
}

func (a *account) faultsCopy() Faults {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.faults == nil {
		return Faults{Rules: []FaultRule{}}
	}
	return a.faults.cfg
}

// IDs. ECS deployment ids are "ecs-svc/" and 19 digits; task ids 32 hex digits;
// service deployment ids 22 URL-safe characters (see the ARN examples in the
// ListServiceDeployments API reference).
func (a *account) deploymentID() string {
	return fmt.Sprintf("ecs-svc/%019d", 1_000_000_000_000_000_000+a.rng.Uint64N(8_000_000_000_000_000_000))
}

func (a *account) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[a.rng.IntN(16)]
	}
	return string(b)
}

func (a *account) sdID() string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 22)
	for i := range b {
		b[i] = chars[a.rng.IntN(len(chars))]
	}
	return string(b)
}

func (a *account) uuid() string {
	h := a.hex(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}
