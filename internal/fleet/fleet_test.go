package fleet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

type fakeDescriber struct {
	mu    sync.Mutex
	calls []*ecs.DescribeServicesInput
	sds   [][]string
	err   error
}

func (f *fakeDescriber) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := &ecs.DescribeServicesOutput{}
	for _, s := range in.Services {
		if s == "missing" {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/" + aws.ToString(in.Cluster) + "/missing"), Reason: aws.String("MISSING")})
			continue
		}
		out.Services = append(out.Services, types.Service{ServiceName: aws.String(s), ClusterArn: in.Cluster,
			ServiceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/" + aws.ToString(in.Cluster) + "/" + s)})
	}
	return out, nil
}

func (f *fakeDescriber) DescribeServiceDeployments(ctx context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	f.mu.Lock()
	f.sds = append(f.sds, in.ServiceDeploymentArns)
	f.mu.Unlock()
	out := &ecs.DescribeServiceDeploymentsOutput{}
	for _, a := range in.ServiceDeploymentArns {
		out.ServiceDeployments = append(out.ServiceDeployments, types.ServiceDeployment{ServiceDeploymentArn: aws.String(a)})
	}
	return out, nil
}

// 25 waits on one cluster and 3 on another, polling together, cost 3 + 1 calls of at
// most 10 services; each caller sees only its own service.
func TestBatcherCoalescesDescribeServices(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeDescriber{}
		b := NewBatcher(f, 20*time.Millisecond)
		var wg sync.WaitGroup
		var wrong atomic.Int32
		ask := func(cluster, name string) {
			out, err := b.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
			if name == "missing" {
				if err != nil || len(out.Services) != 0 || len(out.Failures) != 1 {
					wrong.Add(1)
				}
				return
			}
			if err != nil || len(out.Services) != 1 || aws.ToString(out.Services[0].ServiceName) != name || len(out.Failures) != 0 {
				wrong.Add(1)
			}
		}
		for i := range 25 {
			wg.Go(func() { ask("a", fmt.Sprintf("svc-%02d", i)) })
		}
		for i := range 2 {
			wg.Go(func() { ask("b", fmt.Sprintf("svc-%02d", i)) })
		}
		wg.Go(func() { ask("b", "missing") })
		wg.Wait()
		if wrong.Load() != 0 {
			t.Errorf("%d callers got a reply that was not theirs", wrong.Load())
		}
		perCluster := map[string][]int{}
		for _, c := range f.calls {
			perCluster[aws.ToString(c.Cluster)] = append(perCluster[aws.ToString(c.Cluster)], len(c.Services))
			if len(c.Services) > MaxServicesPerDescribe {
				t.Errorf("a call with %d services", len(c.Services))
			}
		}
		if len(perCluster["a"]) != 3 || len(perCluster["b"]) != 1 {
			t.Errorf("calls per cluster %v, want 3 for a and 1 for b", perCluster)
		}
		if s := b.Stats(); s.DescribeServicesCalls != 4 || s.DescribeServicesRequests != 28 {
			t.Errorf("stats %+v", s)
		}
	})
}

func TestBatcherCoalescesServiceDeployments(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeDescriber{}
		b := NewBatcher(f, 20*time.Millisecond)
		var wg sync.WaitGroup
		var wrong atomic.Int32
		for i := range 30 {
			wg.Go(func() {
				arn := fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s%d/x", i)
				out, err := b.DescribeServiceDeployments(t.Context(), &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
				if err != nil || len(out.ServiceDeployments) != 1 || aws.ToString(out.ServiceDeployments[0].ServiceDeploymentArn) != arn {
					wrong.Add(1)
				}
			})
		}
		wg.Wait()
		if wrong.Load() != 0 || len(f.sds) != 2 {
			t.Errorf("%d wrong replies, %d calls (want 0 and 2)", wrong.Load(), len(f.sds))
		}
	})
}

// An error reaches every caller of the batch; a caller that gives up returns at once
// without failing the others.
func TestBatcherErrorsAndCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		b := NewBatcher(&fakeDescriber{err: boom}, 20*time.Millisecond)
		var wg sync.WaitGroup
		var got atomic.Int32
		for i := range 3 {
			wg.Go(func() {
				_, err := b.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{fmt.Sprint(i)}})
				if errors.Is(err, boom) {
					got.Add(1)
				}
			})
		}
		wg.Wait()
		if got.Load() != 3 {
			t.Errorf("%d of 3 callers saw the error", got.Load())
		}

		b = NewBatcher(&fakeDescriber{}, 20*time.Millisecond)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := b.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"x"}}); !errors.Is(err, context.Canceled) {
			t.Errorf("canceled caller: %v", err)
		}
		if out, err := b.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{"y"}}); err != nil || len(out.Services) != 1 {
			t.Errorf("next caller: %v %v", out, err)
		}
	})
}

func member(name string, plan error, apply func() error, log *[]string, mu *sync.Mutex) Member {
	return Member{Name: name, Run: func(ctx context.Context, g *Gate) error {
		if plan != nil {
			return plan
		}
		if err := g.BeforeChange(ctx); err != nil {
			return err
		}
		mu.Lock()
		*log = append(*log, name)
		mu.Unlock()
		return apply()
	}}
}

// With one slot, members apply in their order (the configs' order).
func TestRunAppliesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var log []string
		var ms []Member
		for i := range 6 {
			m := member(fmt.Sprint(i), nil, func() error { <-time.After(time.Second); return nil }, &log, &mu)
			run := m.Run
			m.Run = func(ctx context.Context, g *Gate) error {
				<-time.After(time.Duration(6-i) * time.Second) // the last plans first
				return run(ctx, g)
			}
			ms = append(ms, m)
		}
		Run(t.Context(), ms, Options{Parallel: 1})
		if fmt.Sprint(log) != "[0 1 2 3 4 5]" {
			t.Errorf("applied in order %v", log)
		}
	})
}

// One member failing before any change stops every member at its gate.
func TestRunChangesNothingUnlessEveryPlanIsValid(t *testing.T) {
	var mu sync.Mutex
	var changed []string
	ok := func() error { return nil }
	bad := diag.Invalid(errors.New("bad definition"), "")
	res := Run(t.Context(), []Member{
		member("a", nil, ok, &changed, &mu), member("b", bad, ok, &changed, &mu), member("c", nil, ok, &changed, &mu),
	}, Options{Parallel: 2})
	if len(changed) != 0 {
		t.Errorf("changed %v; want nothing", changed)
	}
	if res[1].Code != diag.ExitUsage || res[0].NotStarted == "" || res[2].NotStarted == "" || res[0].Changed {
		t.Errorf("results %+v", res)
	}
	if ExitCode(res) != diag.ExitUsage {
		t.Errorf("exit %d", ExitCode(res))
	}
}

// Parallel bounds the members applying at once; a failure does not stop the others
// unless FailFast.
func TestRunParallelAndFailFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var log []string
		var inFlight, peak atomic.Int32
		work := func(fail bool) func() error {
			return func() error {
				n := inFlight.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-time.After(time.Second) // virtual time inside the bubble
				inFlight.Add(-1)
				if fail {
					return diag.WithCode(errors.New("rolled back"), diag.ExitFailed)
				}
				return nil
			}
		}
		var ms []Member
		for i := range 7 {
			ms = append(ms, member(fmt.Sprint(i), nil, work(i == 0), &log, &mu))
		}
		res := Run(t.Context(), ms, Options{Parallel: 3})
		if peak.Load() != 3 || len(log) != 7 || ExitCode(res) != diag.ExitFailed {
			t.Errorf("peak %d, %d applied, exit %d; want 3, 7, 4", peak.Load(), len(log), ExitCode(res))
		}

		log = nil
		ms = ms[:0]
		for i := range 4 {
			ms = append(ms, member(fmt.Sprint(i), nil, work(true), &log, &mu))
		}
		res = Run(t.Context(), ms, Options{Parallel: 1, FailFast: true})
		notStarted := 0
		for _, r := range res {
			if r.NotStarted != "" {
				notStarted++
			}
		}
		if len(log) != 1 || log[0] != "0" || notStarted != 3 {
			t.Errorf("fail-fast: %d applied, %d not started; want 1 and 3 (%+v)", len(log), notStarted, res)
		}
	})
}

func TestExitCodeRanking(t *testing.T) {
	for _, tc := range []struct {
		codes []int
		want  int
	}{
		{[]int{0, 0}, 0},
		{[]int{6, 5, 0}, 5},
		{[]int{6, 4, 5}, 4},
		{[]int{4, 130, 1}, 130},
		{[]int{3, 6}, 6},
		{[]int{1, 4}, 4},
		{[]int{42, 3}, 3},
	} {
		var rs []Result
		for _, c := range tc.codes {
			rs = append(rs, Result{Code: c})
		}
		if got := ExitCode(rs); got != tc.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tc.codes, got, tc.want)
		}
	}
}

// --parallel bounds planning and applying, not following: six members that apply for
// 1 s and then follow their deployment for 60 s finish in 63 s with two slots (three
// rounds of applies, then the shared wait), not 183 s. Under FailFast a member keeps
// its slot until its outcome is known.
func TestRunFollowingFreesTheSlot(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failFast bool
		noChange bool // members that only wait (the wait verb)
		want     time.Duration
	}{
		{"following frees the slot", false, false, 63 * time.Second},
		{"fail-fast keeps it", true, false, 183 * time.Second},
		{"waits without a change", false, true, 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var ms []Member
				for i := range 6 {
					ms = append(ms, Member{Name: fmt.Sprint(i), Run: func(ctx context.Context, g *Gate) error {
						if tc.noChange {
							g.Following()
							<-time.After(time.Minute)
							return nil
						}
						if err := g.BeforeChange(ctx); err != nil {
							return err
						}
						<-time.After(time.Second) // apply
						g.Following()
						<-time.After(time.Minute) // the rollout
						return nil
					}})
				}
				start := time.Now()
				res := Run(t.Context(), ms, Options{Parallel: 2, FailFast: tc.failFast})
				if got := time.Since(start); got != tc.want || ExitCode(res) != 0 {
					t.Errorf("took %s (exit %d), want %s", got, ExitCode(res), tc.want)
				}
			})
		})
	}
}

// Results carry what members recorded, and the summary order puts failures first.
func TestRunReportsAndOrder(t *testing.T) {
	rep := func(td, outcome string) *Report {
		r := &Report{}
		r.Record(td, outcome)
		r.Add("doc")
		return r
	}
	ms := []Member{
		{Name: "ok", Report: rep("arn:td/ok:2", "succeeded"), Run: func(context.Context, *Gate) error { return nil }},
		{Name: "rb", Report: rep("arn:td/rb:2", "rolled back"), Run: func(context.Context, *Gate) error {
			return diag.WithCode(errors.New("rolled back"), diag.ExitFailed)
		}},
		{Name: "bad", Run: func(context.Context, *Gate) error { return diag.Invalid(errors.New("x"), "") }},
	}
	res := Run(t.Context(), ms, Options{Parallel: 3})
	if res[0].Outcome != "succeeded" || res[0].TaskDefinition != "arn:td/ok:2" || len(res[0].Items) != 1 || res[1].Outcome != "rolled back" || res[2].Outcome != OutcomeInvalid {
		t.Errorf("results %+v", res)
	}
	var order []string
	for _, r := range ByOutcome(res) {
		order = append(order, r.Name)
	}
	if fmt.Sprint(order) != "[rb bad ok]" {
		t.Errorf("summary order %v, want failures first (most severe first)", order)
	}
}
