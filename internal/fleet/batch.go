// Package fleet runs one verb over many services in one process: it plans every
// service before any changes (a barrier), bounds how many are applied at once, ranks
// their outcomes, and shares one batching ECS client, so that thirty waits cost a
// handful of DescribeServices calls per poll instead of thirty.
package fleet

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// API limits (ECS API Reference: DescribeServices "services" holds up to 10 names or
// ARNs; DescribeServiceDeployments "serviceDeploymentArns" up to 20).
const (
	MaxServicesPerDescribe    = 10
	MaxDeploymentsPerDescribe = 20
)

// Describer is the part of the ECS API the batcher coalesces.
type Describer interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error)
}

// batchTimeout bounds one coalesced call, which runs detached from the callers'
// contexts (one caller leaving must not fail the others).
const batchTimeout = 2 * time.Minute

// Batcher coalesces concurrent DescribeServices calls on one cluster (same include
// list) into calls of up to 10 services, and concurrent DescribeServiceDeployments
// calls into calls of up to 20 ARNs. A call waits at most Window for company; a full
// batch goes at once. Each caller gets a reply holding only what it asked for, as if
// it had made the call itself. Safe for concurrent use.
type Batcher struct {
	next   Describer
	window time.Duration

	mu     sync.Mutex
	svcs   map[string]*batch // by cluster and include list
	sds    *batch
	primed map[string]primed // by cluster, include list and service

	waiting, waits atomic.Int64 // waits in progress and started on this batcher (watch.Waiters)
	hold           *Hold        // the fleet's hold on first polls (nil: none)

	stats struct {
		describeServicesCalls, describeServicesRequests atomic.Int64
		describeSDCalls, describeSDRequests             atomic.Int64
	}
}

// NewBatcher returns a batcher in front of next; window is how long a call waits for
// others to join it (at least 1 ms).
func NewBatcher(next Describer, window time.Duration) *Batcher {
	return &Batcher{next: next, window: max(window, time.Millisecond), svcs: map[string]*batch{}, primed: map[string]primed{}}
}

// primed is one service described ahead of its first lookup.
type primed struct {
	out *ecs.DescribeServicesOutput
	at  time.Time
}

// primeTTL bounds how old a primed reply may be when it is used.
const primeTTL = 30 * time.Second

// Prime describes services of cluster ahead of time, 10 per call, so that each
// service's first single-service DescribeServices with the same include list (the
// lookup every verb starts with) is answered from this reply instead of a call of
// its own. Each primed reply is used once, within 30 s.
func (b *Batcher) Prime(ctx context.Context, cluster string, services []string, include []types.ServiceField) error {
	for chunk := range slices.Chunk(services, MaxServicesPerDescribe) {
		b.stats.describeServicesCalls.Add(1)
		out, err := b.next.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: nonEmpty(cluster), Services: chunk, Include: include})
		if err != nil {
			return err
		}
		now := time.Now()
		b.mu.Lock()
		for _, name := range chunk {
			b.primed[primeKey(cluster, include, name)] = primed{out: filterServices(out, []string{name}), at: now}
		}
		b.mu.Unlock()
	}
	return nil
}

func primeKey(cluster string, include []types.ServiceField, name string) string {
	return cluster + "\x00" + includeKey(include) + "\x00" + name
}

// takePrimed returns (and forgets) a fresh primed reply for in, if any.
func (b *Batcher) takePrimed(in *ecs.DescribeServicesInput) *ecs.DescribeServicesOutput {
	if len(in.Services) != 1 {
		return nil
	}
	key := primeKey(aws.ToString(in.Cluster), in.Include, in.Services[0])
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.primed[key]
	if !ok {
		return nil
	}
	delete(b.primed, key)
	if time.Since(p.at) > primeTTL {
		return nil
	}
	return p.out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// Stats counts the calls the batcher made and the calls it was asked to make.
type Stats struct {
	DescribeServicesCalls, DescribeServicesRequests                     int64
	DescribeServiceDeploymentsCalls, DescribeServiceDeploymentsRequests int64
}

// Stats returns the counts so far.
func (b *Batcher) Stats() Stats {
	return Stats{
		DescribeServicesCalls: b.stats.describeServicesCalls.Load(), DescribeServicesRequests: b.stats.describeServicesRequests.Load(),
		DescribeServiceDeploymentsCalls: b.stats.describeSDCalls.Load(), DescribeServiceDeploymentsRequests: b.stats.describeSDRequests.Load(),
	}
}

// batch is one pending or in-flight coalesced call.
type batch struct {
	ids   []string // service names/ARNs or deployment ARNs, without duplicates
	sent  bool
	done  chan struct{}
	timer *time.Timer
	ctx   context.Context // the first caller's values, without its cancellation
	sds   bool            // a DescribeServiceDeployments batch

	// For DescribeServices.
	cluster *string
	include []types.ServiceField
	svcOut  *ecs.DescribeServicesOutput
	// For DescribeServiceDeployments.
	sdOut *ecs.DescribeServiceDeploymentsOutput
	err   error
}

// DescribeServices coalesces in with other calls on the same cluster. Calls that
// cannot be merged (more than 10 services, per-call options) go straight through.
func (b *Batcher) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	b.stats.describeServicesRequests.Add(1)
	if len(optFns) > 0 || len(in.Services) == 0 || len(in.Services) > MaxServicesPerDescribe {
		b.stats.describeServicesCalls.Add(1)
		return b.next.DescribeServices(ctx, in, optFns...)
	}
	if out := b.takePrimed(in); out != nil {
		return out, nil
	}
	key := aws.ToString(in.Cluster) + "\x00" + includeKey(in.Include)
	get := func() *batch { return b.svcs[key] }
	set := func(p *batch) {
		if p == nil {
			delete(b.svcs, key)
			return
		}
		b.svcs[key] = p
	}
	bt := b.join(ctx, get, set, in.Services, MaxServicesPerDescribe, func(nb *batch) {
		nb.cluster, nb.include = in.Cluster, in.Include
	})
	if err := bt.wait(ctx); err != nil {
		return nil, err
	}
	return filterServices(bt.svcOut, in.Services), nil
}

// DescribeServiceDeployments coalesces in with other calls.
func (b *Batcher) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	b.stats.describeSDRequests.Add(1)
	if len(optFns) > 0 || len(in.ServiceDeploymentArns) == 0 || len(in.ServiceDeploymentArns) > MaxDeploymentsPerDescribe {
		b.stats.describeSDCalls.Add(1)
		return b.next.DescribeServiceDeployments(ctx, in, optFns...)
	}
	bt := b.join(ctx, func() *batch { return b.sds }, func(p *batch) { b.sds = p }, in.ServiceDeploymentArns, MaxDeploymentsPerDescribe,
		func(nb *batch) { nb.sds = true })
	if err := bt.wait(ctx); err != nil {
		return nil, err
	}
	return filterDeployments(bt.sdOut, in.ServiceDeploymentArns), nil
}

// join adds ids to the pending batch (get/set address it), starting a new one when
// there is none or they do not fit, and sends the batch when it is full.
func (b *Batcher) join(ctx context.Context, get func() *batch, set func(*batch), ids []string, limit int, init func(*batch)) *batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := get()
	if cur != nil && len(union(cur.ids, ids)) > limit {
		b.sendLocked(cur, set)
		cur = nil
	}
	if cur == nil {
		cur = &batch{done: make(chan struct{}), ctx: context.WithoutCancel(ctx)}
		if init != nil {
			init(cur)
		}
		set(cur)
		nb := cur
		cur.timer = time.AfterFunc(b.window, func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.sendLocked(nb, set)
		})
	}
	cur.ids = union(cur.ids, ids)
	if len(cur.ids) >= limit {
		b.sendLocked(cur, set)
	}
	return cur
}

// wait waits for the batch's reply (or ctx) and returns its error.
func (bt *batch) wait(ctx context.Context) error {
	select {
	case <-bt.done:
		return bt.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendLocked starts bt's call once; b.mu is held.
func (b *Batcher) sendLocked(bt *batch, set func(*batch)) {
	if bt.sent {
		return
	}
	bt.sent = true
	bt.timer.Stop()
	set(nil)
	go b.call(bt)
}

func (b *Batcher) call(bt *batch) {
	defer close(bt.done)
	ctx, cancel := context.WithTimeout(bt.ctx, batchTimeout)
	defer cancel()
	if !bt.sds {
		b.stats.describeServicesCalls.Add(1)
		bt.svcOut, bt.err = b.next.DescribeServices(ctx, &ecs.DescribeServicesInput{
			Cluster: bt.cluster, Services: bt.ids, Include: bt.include,
		})
		return
	}
	b.stats.describeSDCalls.Add(1)
	bt.sdOut, bt.err = b.next.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: bt.ids})
}

func includeKey(fs []types.ServiceField) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = string(f)
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// matchesService reports whether want (a name or ARN, as callers pass it) names the
// service with this name and ARN.
func matchesService(want, name, arn string) bool {
	return want == name || want == arn || (arn != "" && strings.HasSuffix(arn, "/"+want))
}

// filterServices returns the part of out that answers for services.
func filterServices(out *ecs.DescribeServicesOutput, services []string) *ecs.DescribeServicesOutput {
	res := &ecs.DescribeServicesOutput{ResultMetadata: out.ResultMetadata}
	for _, s := range out.Services {
		for _, want := range services {
			if matchesService(want, aws.ToString(s.ServiceName), aws.ToString(s.ServiceArn)) {
				res.Services = append(res.Services, s)
				break
			}
		}
	}
	for _, f := range out.Failures {
		for _, want := range services {
			if matchesService(want, "", aws.ToString(f.Arn)) || aws.ToString(f.Arn) == want {
				res.Failures = append(res.Failures, f)
				break
			}
		}
	}
	return res
}

// filterDeployments returns the part of out that answers for arns.
func filterDeployments(out *ecs.DescribeServiceDeploymentsOutput, arns []string) *ecs.DescribeServiceDeploymentsOutput {
	res := &ecs.DescribeServiceDeploymentsOutput{ResultMetadata: out.ResultMetadata}
	for _, d := range out.ServiceDeployments {
		if slices.Contains(arns, aws.ToString(d.ServiceDeploymentArn)) {
			res.ServiceDeployments = append(res.ServiceDeployments, d)
		}
	}
	for _, f := range out.Failures {
		if slices.Contains(arns, aws.ToString(f.Arn)) {
			res.Failures = append(res.Failures, f)
		}
	}
	return res
}

// Client is an ECS client whose DescribeServices and DescribeServiceDeployments go
// through a Batcher; every other call goes straight to the embedded client.
type Client struct {
	*ecs.Client
	Batcher *Batcher
}

// AddWaiting counts the waits in progress on the client's batcher (every member of
// one account and region): the pollers' view of how many share the polls.
func (c Client) AddWaiting(delta int) (waiting, started int) {
	if delta > 0 {
		c.Batcher.waits.Add(int64(delta))
	}
	return int(c.Batcher.waiting.Add(int64(delta))), int(c.Batcher.waits.Load())
}

// HoldFirstPoll waits until the fleet's apply phase is over (see Hold) or ctx ends;
// held is called first when it has to wait (watch.FirstPollHolder).
func (c Client) HoldFirstPoll(ctx context.Context, held func()) error {
	return c.Batcher.hold.Wait(ctx, held)
}

// DescribeServices is batched.
func (c Client) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return c.Batcher.DescribeServices(ctx, in, optFns...)
}

// DescribeServiceDeployments is batched.
func (c Client) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	return c.Batcher.DescribeServiceDeployments(ctx, in, optFns...)
}
