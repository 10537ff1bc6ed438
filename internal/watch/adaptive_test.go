package watch

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A slow rollout (one step a minute) is polled every 5 s right after each change,
// then 10 s, then every 15 s while nothing moves: fewer calls than fixed 5 s polls,
// and each change still seen within 15 s.
func TestAdaptivePollingBacksOffWhileQuiet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.step = time.Minute
		elapsed := waitForUpdate(t, f, Deployed)
		gaps := map[time.Duration]int{}
		for i := 1; i < len(f.dsAt); i++ {
			gaps[f.dsAt[i].Sub(f.dsAt[i-1])]++
		}
		if gaps[15*time.Second] == 0 || gaps[10*time.Second] == 0 || gaps[5*time.Second] == 0 {
			t.Errorf("gaps between polls %v: want 5s after changes, backing off through 10s to 15s", gaps)
		}
		for g := range gaps {
			if g > 15*time.Second {
				t.Errorf("a gap of %v: the idle ceiling is 15s", g)
			}
		}
		if fixed := int(elapsed / defaultInterval); len(f.dsAt) >= fixed*2/3 {
			t.Errorf("%d DescribeServices over %v; fixed 5 s polling makes %d, adaptive should make well under", len(f.dsAt), elapsed, fixed)
		}
		t.Logf("%d polls over %v, gaps %v", len(f.dsAt), elapsed, gaps)
	})
}

// A BLUE_GREEN deployment baking for 10 minutes runs all its tasks the whole time,
// but its end is not imminent: polls back off to the idle interval instead of
// coming every 5 s.
func TestAdaptivePollingDuringBakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.strategy = types.DeploymentStrategyBlueGreen
		f.bake = 10 * time.Minute
		elapsed := waitForUpdate(t, f, Deployed)
		if elapsed > 10*time.Minute+60*time.Second+15*time.Second {
			t.Errorf("took %v: completion after the bake noticed late", elapsed)
		}
		if fixed := int(elapsed / defaultInterval); len(f.dsAt) > fixed/2 {
			t.Errorf("%d DescribeServices over %v (%v), fixed 5 s polling makes %d: the bake time should be polled at the idle interval",
				len(f.dsAt), elapsed, f.calls, fixed)
		}
		t.Logf("%d polls over %v: %v", len(f.dsAt), elapsed, f.calls)
	})
}

// --wait-until stable after our deployment completed: while the old tasks wait out a
// 5-minute deregistration delay nothing moves, so polls back off; the drain itself
// is followed closely again.
func TestAdaptivePollingWhileOldTasksDrain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.drainHold = 5 * time.Minute
		elapsed := waitForUpdate(t, f, Stable)
		if elapsed > 6*time.Minute+30*time.Second+15*time.Second {
			t.Errorf("took %v: the steady state noticed late", elapsed)
		}
		if fixed := int(elapsed / defaultInterval); len(f.dsAt) > fixed/2 {
			t.Errorf("%d DescribeServices over %v, fixed 5 s polling makes %d: the deregistration delay should be polled at the idle interval",
				len(f.dsAt), elapsed, fixed)
		}
		t.Logf("%d polls over %v: %v", len(f.dsAt), elapsed, f.calls)
	})
}

// waitForUpdate deploys app:2 on f and waits for it (until) with the default
// options; the test stops unless it succeeds. It returns the wait's duration.
func waitForUpdate(t *testing.T, f *fakeECS, until Until) time.Duration {
	t.Helper()
	started := time.Now()
	id, arn := f.update("app:2", true)
	o, err := New(f, Options{}).Wait(t.Context(), Target{Cluster: "prod", Service: "web", DeploymentID: id, DeploymentARN: arn,
		TaskDefinition: f.tdARN("app:2"), StartedAt: started, Until: until})
	if err != nil || o.Kind != Succeeded {
		t.Fatalf("Wait = %v (%s), %v", o.Kind, o.Reason, err)
	}
	return o.Finished.Sub(o.Started)
}

// adapt: quiet polls back off by one interval up to the ceiling; movement and an
// imminent completion bring the interval back to the base.
func TestAdaptInterval(t *testing.T) {
	p := New(nil, Options{})
	r := newRun(p, Target{})
	inProgress := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 1, PendingCount: 2}
	var got []time.Duration
	for range 4 {
		r.moved = false
		r.adapt(inProgress)
		got = append(got, r.interval)
	}
	r.moved = true
	r.adapt(inProgress)
	got = append(got, r.interval)
	r.moved = false
	r.adapt(inProgress)
	got = append(got, r.interval)
	allUp := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 3}
	r.adapt(allUp)
	got = append(got, r.interval)
	want := []time.Duration{10 * time.Second, 15 * time.Second, 15 * time.Second, 15 * time.Second, 5 * time.Second, 10 * time.Second, 5 * time.Second}
	if len(got) != len(want) {
		t.Fatalf("intervals %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("intervals %v, want %v", got, want)
		}
	}
	// A throttled poll keeps its backoff.
	r.interval, r.throttled = 20*time.Second, true
	r.adapt(allUp)
	if r.interval != 20*time.Second {
		t.Errorf("after throttling: interval %v, want the backoff kept", r.interval)
	}
}

// With an Epoch, sleeps end on the epoch's 5 s grid, so a fleet's polls coincide.
func TestPollsAlignToEpoch(t *testing.T) {
	epoch := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now      time.Duration // after epoch
		interval time.Duration
		want     time.Duration // wake, after epoch
	}{
		{now: 0, interval: 5 * time.Second, want: 5 * time.Second},
		{now: 20 * time.Millisecond, interval: 5 * time.Second, want: 5 * time.Second},
		{now: 3 * time.Second, interval: 5 * time.Second, want: 10 * time.Second},
		{now: 7 * time.Second, interval: 10 * time.Second, want: 20 * time.Second},
		{now: 2400 * time.Millisecond, interval: 5 * time.Second, want: 10 * time.Second}, // never 2.6 s after the last poll
		{now: 4990 * time.Millisecond, interval: 15 * time.Second, want: 20 * time.Second},
	} {
		now := epoch.Add(tc.now)
		p := New(nil, Options{Epoch: epoch, Now: func() time.Time { return now }})
		r := newRun(p, Target{})
		r.interval = tc.interval
		if got := now.Add(r.nextDelay()).Sub(epoch); got != tc.want {
			t.Errorf("now +%v, interval %v: wakes at +%v, want +%v", tc.now, tc.interval, got, tc.want)
		}
	}
}

// In a fleet (an Epoch), the service's currentServiceDeployment taken as ours is
// confirmed at the second poll, where every service's confirmation shares one
// batched call, not at each service's first poll; the ARN reported is still ours.
func TestGuessConfirmedOnTheSharedGrid(t *testing.T) {
	for _, fleet := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			f := newFake()
			started := time.Now()
			id, arn := f.update("app:2", true)
			firstDSDAt := -1 // DescribeServices calls made when the first DSD came
			f.fault = func(op string, n int) error {
				if op == opDSD && n == 1 {
					firstDSDAt = f.calls[opDS]
				}
				return nil
			}
			o := Options{}
			if fleet {
				o.Epoch = started
			}
			out, err := New(f, o).Wait(t.Context(), Target{Cluster: "prod", Service: "web", DeploymentID: id,
				TaskDefinition: f.tdARN("app:2"), StartedAt: started})
			if err != nil || out.Kind != Succeeded || out.DeploymentARN != arn {
				t.Fatalf("fleet %t: %v %q (want %q), %v", fleet, out.Kind, out.DeploymentARN, arn, err)
			}
			want := 1
			if fleet {
				want = 2
			}
			if firstDSDAt != want {
				t.Errorf("fleet %t: first DescribeServiceDeployments after DescribeServices call %d, want %d", fleet, firstDSDAt, want)
			}
		})
	}
}

// waitersClient is a fleet's batching client as the poller sees it: n of its
// started waits are in progress.
type waitersClient struct {
	Client
	n, started int
}

func (w *waitersClient) AddWaiting(delta int) (int, int) {
	w.n += delta
	return w.n, w.started
}

// A fleet member (an Epoch and a batching client) whose end looks imminent polls on
// the half-interval grid, on the quarter-interval grid in the fleet's tail (its
// last tenth of waits, at most TailWaits); while its tasks are still starting it
// polls every two intervals even when counts move; outside a fleet nothing changes.
func TestFleetPacing(t *testing.T) {
	epoch := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	now := epoch.Add(60 * time.Second) // a poll on the 5 s grid
	allUp := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 3}
	starting := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 1, PendingCount: 2}
	failing := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 1, PendingCount: 2, FailedTasks: 1}
	for _, tc := range []struct {
		name             string
		waiting, started int
		epoch            time.Time
		ours             *types.Deployment
		moved            bool
		want             time.Duration
		prior            time.Duration // the interval before this poll, when not Interval
	}{
		{"tail of 300, imminent", TailWaits, 300, epoch, allUp, false, 1250 * time.Millisecond, 0},
		{"tail of 30, imminent", 3, 30, epoch, allUp, false, 1250 * time.Millisecond, 0},
		{"last of 5, imminent", 1, 5, epoch, allUp, false, 1250 * time.Millisecond, 0},
		{"11 of 300 left, imminent", TailWaits + 1, 300, epoch, allUp, false, 2500 * time.Millisecond, 0},
		{"4 of 30 left, imminent", 4, 30, epoch, allUp, false, 2500 * time.Millisecond, 0},
		{"10 of 10 left, imminent and moved", 10, 10, epoch, allUp, true, 2500 * time.Millisecond, 0},
		{"tail, not imminent", 3, 300, epoch, starting, false, 10 * time.Second, 0},
		{"fleet, tasks starting, moved", 20, 30, epoch, starting, true, 10 * time.Second, 0},
		{"fleet, tasks starting, quiet after 10s", 20, 30, epoch, starting, false, 10 * time.Second, 10 * time.Second},
		{"single service, tasks starting, quiet after 10s", 1, 1, time.Time{}, starting, false, 15 * time.Second, 10 * time.Second},
		{"fleet, a task failed, moved", 20, 30, epoch, failing, true, 5 * time.Second, 0},
		{"single service, imminent", 1, 1, time.Time{}, allUp, false, 5 * time.Second, 0},
		{"single service, tasks starting, moved", 1, 1, time.Time{}, starting, true, 5 * time.Second, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &waitersClient{n: tc.waiting, started: tc.started}
			r := newRun(New(c, Options{Epoch: tc.epoch, Now: func() time.Time { return now }}), Target{})
			r.moved = tc.moved
			if tc.prior > 0 {
				r.interval = tc.prior
			}
			r.adapt(tc.ours)
			if got := r.nextDelay(); got != tc.want {
				t.Errorf("next poll in %v, want %v", got, tc.want)
			}
		})
	}
}

// A fleet member notices its rollout's completion within half an interval (a
// quarter in the fleet's tail) once all its tasks run, where a single service polls
// every interval; while the tasks start, the member polls every two intervals.
func TestFleetNoticesTheEndSooner(t *testing.T) {
	for _, tc := range []struct {
		name             string
		fleet            bool
		waiting, started int
		within           time.Duration // from the completion to the outcome
		startGaps        time.Duration // the gaps between polls while tasks start (at most, outside a fleet)
	}{
		{"single service", false, 1, 1, defaultInterval, 3 * defaultInterval},
		{"fleet of 30, 20 waiting", true, 20, 30, defaultInterval / 2, 2 * defaultInterval},
		{"fleet of 30, its tail", true, 3, 30, defaultInterval / 4, 2 * defaultInterval},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake()
				f.settle = 20 * time.Second
				started := time.Now()
				f.last = started.Add(-4900 * time.Millisecond) // ECS steps 100 ms after a 5 s grid point
				id, arn := f.update("app:2", true)
				var c Client = f
				o := Options{}
				if tc.fleet {
					c = &waitersClient{Client: f, n: tc.waiting - 1, started: tc.started}
					o.Epoch = started
				}
				out, err := New(c, o).Wait(t.Context(), Target{Cluster: "prod", Service: "web", DeploymentID: id, DeploymentARN: arn,
					TaskDefinition: f.tdARN("app:2"), StartedAt: started})
				if err != nil || out.Kind != Succeeded {
					t.Fatalf("Wait = %v (%s), %v", out.Kind, out.Reason, err)
				}
				var completed time.Time
				for _, d := range f.deps {
					if d.id == id {
						completed = aws.ToTime(d.sd.FinishedAt)
					}
				}
				if lag := out.Finished.Sub(completed); completed.IsZero() || lag < 0 || lag > tc.within {
					t.Errorf("outcome %v after the completion, want within %v", lag, tc.within)
				}
				// The polls before all tasks ran (the first 3 steps of 10 s).
				for i := 2; i < len(f.dsAt) && f.dsAt[i].Sub(started) < 3*f.step; i++ {
					gap := f.dsAt[i].Sub(f.dsAt[i-1])
					if gap > tc.startGaps || (tc.fleet && gap != tc.startGaps) {
						t.Errorf("poll %d came %v after the one before, while tasks start: want %v", i, gap, tc.startGaps)
					}
				}
				var gaps []time.Duration
				for i := 1; i < len(f.dsAt); i++ {
					gaps = append(gaps, f.dsAt[i].Sub(f.dsAt[i-1]))
				}
				t.Logf("%d DescribeServices, outcome %v after the completion, gaps %v", len(f.dsAt), out.Finished.Sub(completed), gaps)
			})
		})
	}
}

// A fleet member's next poll is due an interval after its last poll started, not
// after its reply came: a reply that took 700 ms does not push the next poll of the
// fleet's tail (every 1.25 s) to the grid point after; after a throttled poll the
// backoff (here 10 s) counts from the reply.
func TestFleetPollsCountFromThePollsStart(t *testing.T) {
	epoch := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	polled := epoch.Add(60 * time.Second) // a poll on the grid
	now := polled.Add(700 * time.Millisecond)
	allUp := &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, DesiredCount: 3, RunningCount: 3}
	r := newRun(New(&waitersClient{n: 1, started: 30}, Options{Epoch: epoch, Now: func() time.Time { return now }}), Target{})
	r.polledAt = polled
	r.adapt(allUp)
	if got := r.nextDelay(); got != 550*time.Millisecond {
		t.Errorf("next poll in %v after a 700ms reply, want 550ms (1.25s after the poll started)", got)
	}
	r.hurry, r.throttled, r.interval = false, true, 10*time.Second
	if got := r.nextDelay(); got != 14300*time.Millisecond {
		t.Errorf("next poll in %v after a throttled reply, want 14.3s (the first grid point 10s after the reply)", got)
	}
}
