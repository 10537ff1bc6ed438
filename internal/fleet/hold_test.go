package fleet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// holdFleet runs members that each apply for apply[i] (failing when fail[i]), say
// so, then wait for their first poll through one batching client and follow a
// rollout of rollout; it returns the results and when each member's first poll went
// out (from the start).
func holdFleet(t *testing.T, o Options, apply []time.Duration, fail []bool, rollout time.Duration) ([]Result, map[string]time.Duration, *fakeDescriber) {
	t.Helper()
	f := &fakeDescriber{}
	b := NewBatcher(f, BatchWindow)
	b.hold = o.Hold
	c := Client{Batcher: b}
	start := time.Now()
	var mu sync.Mutex
	first := map[string]time.Duration{}
	var ms []Member
	for i := range apply {
		name := fmt.Sprintf("svc-%02d", i)
		ms = append(ms, Member{Name: name, Run: func(ctx context.Context, g *Gate) error {
			if err := g.BeforeChange(ctx); err != nil {
				return err
			}
			<-time.After(apply[i]) // RegisterTaskDefinition + UpdateService at the rate budget's pace
			if fail[i] {
				return diag.WithCode(errors.New("UpdateService failed"), diag.ExitError)
			}
			g.Applied()
			if err := c.HoldFirstPoll(ctx, nil); err != nil {
				return err
			}
			mu.Lock()
			first[name] = time.Since(start)
			mu.Unlock()
			if _, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{name}}); err != nil {
				return err
			}
			<-time.After(rollout)
			return nil
		}})
	}
	res := Run(t.Context(), ms, o)
	return res, first, f
}

// 30 members apply 10 at a time, 1 s each (the last is applied at 3 s): every first
// poll is held until the last member has applied, then all go in one round of
// ceil(30/10) DescribeServices calls.
func TestHoldSendsFirstPollsTogether(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		apply := make([]time.Duration, 30)
		for i := range apply {
			apply[i] = time.Second
		}
		hold := NewHold()
		res, first, f := holdFleet(t, Options{Parallel: 10, Hold: hold}, apply, make([]bool, 30), time.Minute)
		if ExitCode(res) != 0 || len(first) != 30 {
			t.Fatalf("exit %d, %d first polls; want 0, 30", ExitCode(res), len(first))
		}
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for _, d := range first {
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo != 3*time.Second || hi != lo {
			t.Errorf("first polls from %v to %v, want all at 3s (when the last member applied)", lo, hi)
		}
		if len(f.calls) != 3 {
			t.Errorf("%d DescribeServices calls for the first round, want 3 (10 services each)", len(f.calls))
		}
		if !hold.Released() {
			t.Error("hold not released")
		}
	})
}

// A failing apply under --fail-fast stops the run at once: the members after it are
// not started, and the one that applied before it is released to poll as soon as the
// failure ends the apply phase, not held for the run's end.
func TestHoldFailFastStopsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		apply := []time.Duration{time.Second, 2 * time.Second, time.Second, time.Second, time.Second}
		fail := []bool{false, true, false, false, false}
		start := time.Now()
		res, first, _ := holdFleet(t, Options{Parallel: 2, FailFast: true, Hold: NewHold()}, apply, fail, time.Minute)
		notStarted := 0
		for _, r := range res[2:] {
			if r.NotStarted != "" {
				notStarted++
			}
		}
		if res[1].Code != diag.ExitError || notStarted != 3 || !res[0].Succeeded() {
			t.Errorf("results %+v; want svc-01 failed, svc-02..04 not started, svc-00 succeeded", res)
		}
		if first["svc-00"] != 2*time.Second || len(first) != 1 {
			t.Errorf("first polls %v, want svc-00's at 2s (when svc-01 failed)", first)
		}
		if took := time.Since(start); took != 62*time.Second+BatchWindow {
			t.Errorf("took %v, want 1m2s and a batching window", took)
		}
	})
}

// Under --fail-fast a member keeps its slot until its outcome: once every slot is
// held by a member that applied, no other member can apply before a wait ends, so
// the hold lets their polls go (instead of waiting for members that cannot apply).
func TestHoldFailFastSlotsFull(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		apply := []time.Duration{time.Second, time.Second, time.Second, time.Second}
		res, first, _ := holdFleet(t, Options{Parallel: 2, FailFast: true, Hold: NewHold()}, apply, make([]bool, 4), time.Minute)
		if ExitCode(res) != 0 {
			t.Fatalf("exit %d", ExitCode(res))
		}
		want := map[string]time.Duration{"svc-00": time.Second, "svc-01": time.Second, "svc-02": 62*time.Second + BatchWindow, "svc-03": 62*time.Second + BatchWindow}
		if fmt.Sprint(first) != fmt.Sprint(want) {
			t.Errorf("first polls %v, want %v", first, want)
		}
	})
}
