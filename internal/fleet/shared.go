package fleet

import (
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/awsclient"
)

// BatchWindow is how long a DescribeServices call of a fleet waits for others of the
// same poll to join it.
const BatchWindow = 25 * time.Millisecond

// Shared is what the members of one fleet run share: one lazily built AWS config per
// account role and region (so one credential chain and one rate budget per account
// and region), one batching client per AWS config, and the epoch their polls align
// to. Safe for concurrent use.
type Shared struct {
	// Epoch is the time the members' polls align to.
	Epoch time.Time
	// Hold holds the members' first polls until the fleet's apply phase is over
	// (give it to Run as Options.Hold); the batching clients wait on it.
	Hold *Hold
	// Accounts caches the account of each credentials (one sts:GetCallerIdentity
	// per account role and region at most).
	Accounts Accounts

	mu       sync.Mutex
	lazies   map[string]*awsclient.Lazy
	batchers map[*awsclient.Lazy]*Batcher
}

// NewShared returns the shared state of a fleet run starting now.
func NewShared() *Shared {
	return &Shared{Epoch: time.Now(), Hold: NewHold(), lazies: map[string]*awsclient.Lazy{}, batchers: map[*awsclient.Lazy]*Batcher{}}
}

// Lazy returns the AWS config source for o's region and role, building it once.
func (s *Shared) Lazy(o awsclient.Options) *awsclient.Lazy {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := o.Region + "\x00" + o.AssumeRoleARN
	if l, ok := s.lazies[key]; ok {
		return l
	}
	l := awsclient.NewLazy(o)
	s.lazies[key] = l
	return l
}

// Batcher returns the batching client in front of c, the ECS client of l.
func (s *Shared) Batcher(l *awsclient.Lazy, c *ecs.Client) *Batcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.batchers[l]; ok {
		return b
	}
	b := NewBatcher(c, BatchWindow)
	b.hold = s.Hold
	s.batchers[l] = b
	return b
}

// Stats sums every batcher's counts.
func (s *Shared) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t Stats
	for _, b := range s.batchers {
		st := b.Stats()
		t.DescribeServicesCalls += st.DescribeServicesCalls
		t.DescribeServicesRequests += st.DescribeServicesRequests
		t.DescribeServiceDeploymentsCalls += st.DescribeServiceDeploymentsCalls
		t.DescribeServiceDeploymentsRequests += st.DescribeServiceDeploymentsRequests
	}
	return t
}
