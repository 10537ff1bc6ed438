package watch

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/google/go-cmp/cmp"
)

// recorder is an Observer that keeps everything it is told.
type recorder struct {
	mu     sync.Mutex
	events []ServiceEvent
	snaps  []Snapshot
}

func (r *recorder) Event(e ServiceEvent) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() }
func (r *recorder) Progress(s Snapshot)  { r.mu.Lock(); r.snaps = append(r.snaps, s); r.mu.Unlock() }

// result is the part of an Outcome a scenario asserts exactly.
type result struct {
	Kind         Kind
	ExitCode     int
	Ours         bool // DeploymentID is the one the fake's update created
	OursARN      bool // DeploymentARN is its ServiceDeployment
	SupersededBy string
	RolledBackTo string
	Elapsed      time.Duration
	StoppedTasks int
}

type scenario struct {
	name    string
	setup   func(f *fakeECS) // before our update
	later   func(f *fakeECS) // right after our update
	unready bool             // our task definition fails its health checks
	until   Until
	// known adjusts what the caller tells the poller (default: everything).
	known       func(t Target) Target
	timeout     time.Duration // ctx deadline; default 10 minutes
	cancelAfter time.Duration
	want        result
	reason      []string // substrings of Outcome.Reason
	pending     []string // substrings of Outcome.Pending
	// maxCalls bounds calls per operation; DescribeServices is always checked
	// to be at most one per Interval.
	maxCalls map[string]int
	check    func(t *testing.T, o Outcome, f *fakeECS, rec *recorder)
}

func throttle() error {
	return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
}

// throttleFirstPolls is a setup whose first n DescribeServices calls are throttled.
func throttleFirstPolls(n int) func(*fakeECS) {
	return func(f *fakeECS) {
		f.fault = func(op string, call int) error {
			if op == opDS && call <= n {
				return throttle()
			}
			return nil
		}
	}
}

// deploysAt is a later in which someone else deploys td at the given time.
func deploysAt(at time.Duration, td string) func(*fakeECS) {
	return func(f *fakeECS) {
		f.after(at, func(f *fakeECS, now time.Time) { f.updateLocked(now, td, true) })
	}
}

func serverError() error {
	return &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}},
		Err:      errors.New("service unavailable"),
	}
}

func TestWait(t *testing.T) {
	const sd = "arn:aws:ecs:us-east-1:123456789012:task-definition/"
	tests := []scenario{
		{
			name:     "deployed",
			until:    Deployed,
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 60 * time.Second},
			maxCalls: map[string]int{opLSD: 0, opDSD: 1, opLT: 0, opDT: 0},
		},
		{
			name:     "stable waits for old tasks to drain",
			until:    Stable,
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 90 * time.Second},
			maxCalls: map[string]int{opLSD: 0, opDSD: 1},
		},
		{
			name:  "identified by task definition and start time",
			until: Deployed,
			known: func(t Target) Target { t.DeploymentID, t.DeploymentARN = "", ""; return t },
			want:  result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 60 * time.Second},
			// List once to learn the ARN, never again.
			maxCalls: map[string]int{opLSD: 1, opDSD: 1},
		},
		{
			name:    "circuit breaker rolls back",
			unready: true,
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 120 * time.Second, StoppedTasks: 3},
			reason:   []string{"circuit breaker threshold was exceeded", "tasks failed to start", "circuit breaker triggered after 3 failed tasks"},
			maxCalls: map[string]int{opLSD: 0, opDSD: 4, opLT: 1, opDT: 1},
			check: func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
				for _, st := range o.StoppedTasks {
					if st.StopCode != "EssentialContainerExited" || st.StoppedReason == "" {
						t.Errorf("stopped task %s: code %q reason %q", st.TaskARN, st.StopCode, st.StoppedReason)
					}
					if len(st.Containers) == 0 || st.Containers[0].ExitCode == nil || *st.Containers[0].ExitCode != 1 {
						t.Errorf("stopped task %s: containers %+v, want app exit code 1", st.TaskARN, st.Containers)
					}
				}
				if len(o.StoppedTasks) > 1 && o.StoppedTasks[0].StoppedAt.Before(o.StoppedTasks[1].StoppedAt) {
					t.Errorf("stopped tasks not newest first")
				}
			},
		},
		{
			name:    "circuit breaker rollback without ServiceDeployment APIs",
			setup:   func(f *fakeECS) { f.noSD = true },
			unready: true,
			known:   func(t Target) Target { t.DeploymentARN = ""; return t },
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true,
				RolledBackTo: sd + "app:1", Elapsed: 120 * time.Second, StoppedTasks: 3},
			reason:   []string{"ECS deployment circuit breaker: tasks failed to start"},
			maxCalls: map[string]int{opLSD: 1, opDSD: 0},
		},
		{
			name:    "deadline during rollback still reports the rollback",
			unready: true,
			timeout: 90 * time.Second,
			want:    result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true, RolledBackTo: sd + "app:1", Elapsed: 90 * time.Second},
			reason:  []string{"circuit breaker"},
			pending: []string{"rollback still in progress"},
		},
		{
			name:     "failed without rollback",
			setup:    func(f *fakeECS) { f.rollback = false },
			unready:  true,
			want:     result{Kind: Failed, ExitCode: 4, Ours: true, OursARN: true, Elapsed: 60 * time.Second, StoppedTasks: 3},
			reason:   []string{"deployment stopped", "tasks failed to start"},
			maxCalls: map[string]int{opDSD: 2, opLT: 1, opDT: 1},
		},
		{
			name:    "failed without rollback, DescribeServices only",
			setup:   func(f *fakeECS) { f.rollback = false; f.noSD = true },
			unready: true,
			known:   func(t Target) Target { t.DeploymentARN = ""; return t },
			// FAILED at 60 s; two more polls give ECS the chance to start a rollback.
			want:     result{Kind: Failed, ExitCode: 4, Ours: true, Elapsed: 75 * time.Second, StoppedTasks: 3},
			reason:   []string{"deployment failed", "ECS deployment circuit breaker: tasks failed to start"},
			maxCalls: map[string]int{opLSD: 1, opDSD: 0},
		},
		{
			name:     "superseded by another deployment",
			later:    deploysAt(25*time.Second, "app:3"),
			want:     result{Kind: Superseded, ExitCode: 4, Ours: true, OursARN: true, SupersededBy: "{primary}", Elapsed: 35 * time.Second},
			reason:   []string{"{primary}", "app:3"},
			maxCalls: map[string]int{opDSD: 2, opLT: 0},
		},
		{
			name:     "superseded, DescribeServices only",
			setup:    func(f *fakeECS) { f.noSD = true },
			later:    deploysAt(25*time.Second, "app:3"),
			known:    func(t Target) Target { t.DeploymentARN = ""; return t },
			want:     result{Kind: Superseded, ExitCode: 4, Ours: true, SupersededBy: "{primary}", Elapsed: 35 * time.Second},
			reason:   []string{"{primary}", "app:3"},
			maxCalls: map[string]int{opLSD: 1, opDSD: 0},
		},
		{
			name: "throttling backs off and recovers",
			setup: func(f *fakeECS) {
				f.fault = func(op string, n int) error {
					if op == opDS && n >= 2 && n <= 5 {
						return throttle()
					}
					return nil
				}
			},
			until: Stable,
			// Polls at 0, 5 (throttled, next in 10), 15 (20), 35 (30), 65 (30),
			// 95 (ok, 15), 110: backoff delays the end, but only by so much.
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 95 * time.Second},
			maxCalls: map[string]int{opDS: 8, opDSD: 1},
			check: func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
				var gaps []time.Duration
				for i := 1; i < len(f.dsAt); i++ {
					gaps = append(gaps, f.dsAt[i].Sub(f.dsAt[i-1]))
				}
				want := []time.Duration{5, 10, 20, 30, 30}
				for i := range want {
					want[i] *= time.Second
				}
				if diff := cmp.Diff(want, gaps[:len(want)]); diff != "" {
					t.Errorf("poll gaps while throttled (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "transient 5xx backs off",
			setup: func(f *fakeECS) {
				f.fault = func(op string, n int) error {
					if op == opDS && n == 3 {
						return serverError()
					}
					return nil
				}
			},
			want: result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 60 * time.Second},
		},
		{
			name:  "ServiceDeployment APIs missing: one failed attempt, then DescribeServices only",
			setup: func(f *fakeECS) { f.noSD = true },
			known: func(t Target) Target { t.DeploymentARN = ""; return t },
			until: Stable,
			want:  result{Kind: Succeeded, ExitCode: 0, Ours: true, Elapsed: 90 * time.Second},
			check: func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
				if n := f.count(opLSD) + f.count(opDSD); n != 1 {
					t.Errorf("ServiceDeployment calls = %d, want exactly 1", n)
				}
			},
		},
		{
			name: "ServiceDeployment APIs answer 500: degrade once",
			setup: func(f *fakeECS) {
				f.fault = func(op string, n int) error {
					if op == opDSD {
						return serverError()
					}
					return nil
				}
			},
			unready: true,
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 120 * time.Second, StoppedTasks: 3},
			maxCalls: map[string]int{opDSD: 1, opLSD: 0},
		},
		{
			name: "resume on the current deployment knowing only the service",
			known: func(t Target) Target {
				return Target{Cluster: t.Cluster, Service: t.Service, Until: Stable}
			},
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 90 * time.Second},
			maxCalls: map[string]int{opLSD: 1, opDSD: 1},
		},
		{
			name:    "throttled ServiceDeployment call backs off but does not degrade",
			unready: true,
			setup: func(f *fakeECS) {
				f.fault = func(op string, n int) error {
					if op == opDSD && n == 1 {
						return throttle()
					}
					return nil
				}
			},
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 125 * time.Second, StoppedTasks: 3},
			reason: []string{"circuit breaker threshold was exceeded"},
		},
		{
			name:    "timeout",
			timeout: 35 * time.Second,
			want:    result{Kind: TimedOut, ExitCode: 5, Ours: true, OursARN: true, Elapsed: 35 * time.Second},
			reason:  []string{"doppio wait", "{id}"},
			pending: []string{"1 of 3 tasks running", "rollout IN_PROGRESS"},
			maxCalls: map[string]int{
				opLT: 0, opDT: 0,
			},
		},
		{
			name:        "cancel",
			cancelAfter: 30 * time.Second,
			want:        result{Kind: Interrupted, ExitCode: 130, Ours: true, OursARN: true, Elapsed: 30 * time.Second},
			reason:      []string{"interrupted", "doppio wait"},
		},
		{
			// A fast crashloop: breaker, rollback and drain all happen while the
			// first polls are throttled (a slow first poll), and someone else
			// deploys app:3 after the rollback. Our deployment is never seen, two
			// ServiceDeployments were created since our update; ours (by its task
			// definition) says it was rolled back.
			name:    "rolled back before the first poll, then replaced",
			unready: true,
			setup:   throttleFirstPolls(8),
			later:   deploysAt(125*time.Second, "app:3"),
			known:   func(t Target) Target { t.DeploymentARN = ""; return t },
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 210 * time.Second, StoppedTasks: 3},
			reason:   []string{"circuit breaker threshold was exceeded"},
			maxCalls: map[string]int{opLSD: 1, opDSD: 1, opDSR: 2},
			check:    wantEvent("deployment failed: tasks failed to start"),
		},
		{
			// Rolled back and replaced before the first poll, our deployment still
			// listed (draining): the rollback restored app:1, not the app:3 that
			// is PRIMARY now.
			name:    "rolled back and replaced before the first poll, still listed",
			unready: true,
			setup:   throttleFirstPolls(6),
			later:   deploysAt(125*time.Second, "app:3"),
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 150 * time.Second, StoppedTasks: 3},
			reason: []string{"circuit breaker threshold was exceeded"},
		},
		{
			// The same, but the first ListServiceDeployments is throttled too: a
			// missing answer is no reason to call it superseded.
			name:    "rolled back before the first poll, list throttled once",
			unready: true,
			setup: func(f *fakeECS) {
				f.fault = func(op string, n int) error {
					if op == opDS && n <= 6 || op == opLSD && n == 1 {
						return throttle()
					}
					return nil
				}
			},
			known: func(t Target) Target { t.DeploymentARN = ""; return t },
			want: result{Kind: RolledBack, ExitCode: 4, Ours: true, OursARN: true,
				RolledBackTo: sd + "app:1", Elapsed: 180 * time.Second, StoppedTasks: 3},
			reason:   []string{"circuit breaker threshold was exceeded"},
			maxCalls: map[string]int{opLSD: 2, opDSD: 1},
			check:    wantEvent("deployment failed: tasks failed to start"),
		},
		{
			// Ours completed and was replaced before the first poll: superseded.
			name:   "completed and replaced before the first poll",
			setup:  throttleFirstPolls(6),
			later:  deploysAt(65*time.Second, "app:3"),
			known:  func(t Target) Target { t.DeploymentARN = ""; return t },
			want:   result{Kind: Superseded, ExitCode: 4, Ours: true, OursARN: true, SupersededBy: "{primary}", Elapsed: 150 * time.Second},
			reason: []string{"{primary}", "app:3"},
		},
		{
			// currentServiceDeployment still names the previous deployment's: the
			// guess is rejected once, then our ServiceDeployment is listed.
			name:     "stale currentServiceDeployment",
			setup:    func(f *fakeECS) { f.staleCurrent = aws.ToString(f.sds[0].ServiceDeploymentArn) },
			known:    func(t Target) Target { t.DeploymentARN = ""; return t },
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 60 * time.Second},
			maxCalls: map[string]int{opLSD: 1, opDSD: 2},
		},
		{
			// The same when the first poll that gets through already shows ours
			// COMPLETED: the guessed ARN is checked before it is reported.
			name: "stale currentServiceDeployment, completed at the first poll",
			setup: func(f *fakeECS) {
				f.staleCurrent = aws.ToString(f.sds[0].ServiceDeploymentArn)
				f.fault = func(op string, n int) error {
					if op == opDS && n <= 4 {
						return throttle()
					}
					return nil
				}
			},
			known:    func(t Target) Target { t.DeploymentARN = ""; return t },
			want:     result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 90 * time.Second},
			maxCalls: map[string]int{opLSD: 1, opDSD: 2},
		},
		{
			// ECS completes the deployment with 2 of 3 tasks running; the progress
			// line says so, and deployed ends there.
			name: "early success",
			setup: func(f *fakeECS) {
				f.early = &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(60)}
			},
			want:   result{Kind: Succeeded, ExitCode: 0, Ours: true, OursARN: true, Elapsed: 40 * time.Second},
			reason: []string{"completed early with 2 of 3 tasks running (earlySuccessCriteria.healthyPercent 60)"},
			check: func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
				last := rec.snaps[len(rec.snaps)-1]
				if !strings.Contains(last.EarlySuccess, "completed early with 2 of 3 tasks running") {
					t.Errorf("last snapshot's EarlySuccess %q", last.EarlySuccess)
				}
				var b bytes.Buffer
				NewTextObserver(&b, true).Progress(last)
				if !strings.Contains(b.String(), "COMPLETED  running 2/3 pending 0  (ECS deployment "+o.DeploymentID+" completed.)  (completed early with 2 of 3 tasks running") {
					t.Errorf("progress line does not say it completed early:\n%s", b.String())
				}
			},
		},
		{
			name: "paused at a lifecycle hook",
			setup: func(f *fakeECS) {
				f.strategy = "BLUE_GREEN"
				f.pauseHook = true
			},
			want:   result{Kind: Paused, ExitCode: 6, Ours: true, OursARN: true, Elapsed: 60 * time.Second},
			reason: []string{"POST_SCALE_UP", "hook-approve", "rollback"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { runScenario(t, tc) })
		})
	}
}

func runScenario(t *testing.T, tc scenario) {
	f := newFake()
	if tc.setup != nil {
		tc.setup(f)
	}
	// The fake's history (an event ten minutes ago) predates StartedAt; it must
	// not be shown.
	started := time.Now()
	td := "app:2"
	id, arn := f.update(td, !tc.unready)
	if tc.later != nil {
		tc.later(f)
	}
	target := Target{
		Cluster: "prod", Service: "web", DeploymentID: id, DeploymentARN: arn,
		TaskDefinition: f.tdARN(td), StartedAt: started, Until: tc.until,
	}
	if tc.known != nil {
		target = tc.known(target)
	}
	timeout := tc.timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	if tc.cancelAfter > 0 {
		time.AfterFunc(tc.cancelAfter, cancel)
	}
	rec := &recorder{}
	p := New(f, Options{Observer: rec})
	o, err := p.Wait(ctx, target)
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}

	got := result{
		Kind: o.Kind, ExitCode: o.ExitCode(),
		Ours: o.DeploymentID == id, OursARN: o.DeploymentARN == arn,
		SupersededBy: o.SupersededBy, RolledBackTo: o.RolledBackTo,
		Elapsed: o.Finished.Sub(o.Started), StoppedTasks: len(o.StoppedTasks),
	}
	f.mu.Lock()
	primary := f.primary().id
	f.mu.Unlock()
	subst := strings.NewReplacer("{id}", id, "{primary}", primary).Replace
	want := tc.want
	want.SupersededBy = subst(want.SupersededBy)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcome (-want +got):\n%s\nreason: %s\npending: %s", diff, o.Reason, o.Pending)
	}
	for _, s := range tc.reason {
		if s = subst(s); !strings.Contains(o.Reason, s) {
			t.Errorf("reason %q lacks %q", o.Reason, s)
		}
	}
	for _, s := range tc.pending {
		if !strings.Contains(o.Pending, s) {
			t.Errorf("pending %q lacks %q", o.Pending, s)
		}
	}

	// At most one DescribeServices per poll: consecutive calls are an interval apart.
	for i := 1; i < len(f.dsAt); i++ {
		if gap := f.dsAt[i].Sub(f.dsAt[i-1]); gap < defaultInterval {
			t.Errorf("DescribeServices calls %d and %d only %v apart", i-1, i, gap)
		}
	}
	polls := f.count(opDS)
	if n := f.count(opDSD); n > polls {
		t.Errorf("DescribeServiceDeployments %d times in %d polls", n, polls)
	}
	if n := f.count(opLSD); n > maxListTries {
		t.Errorf("ListServiceDeployments %d times, want at most %d", n, maxListTries)
	}
	for op, max := range tc.maxCalls {
		if n := f.count(op); n > max {
			t.Errorf("%s called %d times, want at most %d", op, n, max)
		}
	}

	t.Logf("%v after %v: calls %v, %d events, %d snapshots; reason %q", o.Kind, got.Elapsed, f.calls, len(rec.events), len(rec.snaps), o.Reason)
	checkEvents(t, f, rec, started)
	checkSnapshots(t, rec)
	if tc.check != nil {
		tc.check(t, o, f, rec)
	}
}

// wantEvent checks that an event containing msg was delivered.
func wantEvent(msg string) func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
	return func(t *testing.T, o Outcome, f *fakeECS, rec *recorder) {
		t.Helper()
		for _, e := range rec.events {
			if strings.Contains(e.Message, msg) {
				return
			}
		}
		t.Errorf("no event with %q among %d delivered", msg, len(rec.events))
	}
}

// checkEvents: each event once, oldest first, none before StartedAt, and none
// missed among those ECS had by the last poll.
func checkEvents(t *testing.T, f *fakeECS, rec *recorder, started time.Time) {
	t.Helper()
	seen := map[string]bool{}
	for i, e := range rec.events {
		if seen[e.ID] {
			t.Errorf("event %s delivered twice", e.ID)
		}
		seen[e.ID] = true
		if e.CreatedAt.Before(started) {
			t.Errorf("event %s from %v, before StartedAt %v", e.ID, e.CreatedAt, started)
		}
		if i > 0 && e.CreatedAt.Before(rec.events[i-1].CreatedAt) {
			t.Errorf("event %s out of order", e.ID)
		}
	}
	lastPoll := f.dsAt[len(f.dsAt)-1]
	for _, e := range f.events {
		if !e.CreatedAt.Before(started) && !e.CreatedAt.After(lastPoll) && !seen[*e.Id] {
			// A throttled last poll legitimately misses events; only successful
			// polls count, so compare against the last reply we acted on.
			if f.fault == nil {
				t.Errorf("event %s (%s) never delivered", *e.Id, *e.Message)
			}
		}
	}
}

// checkSnapshots: progress is only sent when something changed.
func checkSnapshots(t *testing.T, rec *recorder) {
	t.Helper()
	if len(rec.snaps) == 0 {
		t.Errorf("no progress snapshots")
	}
	for i := 1; i < len(rec.snaps); i++ {
		if rec.snaps[i].equal(rec.snaps[i-1]) {
			t.Errorf("snapshot %d repeats snapshot %d", i, i-1)
		}
	}
}

func TestWaitUnexpectedErrorIsWrapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		f.fault = func(op string, n int) error {
			if op == opDS {
				return &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "no"}
			}
			return nil
		}
		_, err := New(f, Options{}).Wait(t.Context(), Target{Cluster: "prod", Service: "web", StartedAt: time.Now()})
		var ae smithy.APIError
		if err == nil || !errors.As(err, &ae) || !strings.Contains(err.Error(), `describe service "web" in cluster "prod"`) {
			t.Fatalf("err = %v, want a wrapped AccessDeniedException", err)
		}
	})
}

func TestWaitMissingService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake()
		_, err := New(f, Options{}).Wait(t.Context(), Target{Cluster: "prod", Service: "api"})
		if err == nil || !strings.Contains(err.Error(), "MISSING") {
			t.Fatalf("err = %v, want MISSING", err)
		}
	})
}

func TestExitCodes(t *testing.T) {
	want := map[Kind]int{Succeeded: 0, RolledBack: 4, Failed: 4, Superseded: 4, TimedOut: 5, Paused: 6, Interrupted: 130}
	for k, code := range want {
		if got := (Outcome{Kind: k}).ExitCode(); got != code {
			t.Errorf("%v.ExitCode() = %d, want %d", k, got, code)
		}
	}
}

func TestTextObserver(t *testing.T) {
	var b bytes.Buffer
	at := time.Date(2026, 11, 22, 10, 0, 3, 0, time.UTC)
	now := at.Add(time.Minute) // doppio's clock, not ECS's: the event's own time is a field
	o := NewTextObserver(ui.NewConsole(&b, ui.ConsoleOptions{UTC: true, Now: func() time.Time { return now }}), true)
	o.Event(ServiceEvent{ID: "e1", CreatedAt: at.Add(-time.Second), Message: "(service web) has started 1 tasks:\n(task t1)."})
	now = now.Add(time.Second)
	o.Progress(Snapshot{At: at, DeploymentID: "ecs-svc/123", RolloutState: "IN_PROGRESS", Deployments: []DeploymentState{
		{ID: "ecs-svc/1", Status: "ACTIVE", TaskDefinition: "app:1", RolloutState: "COMPLETED", Desired: 3, Running: 3},
		{ID: "ecs-svc/123", Status: "PRIMARY", TaskDefinition: "app:2", RolloutState: "IN_PROGRESS", Desired: 3, Running: 1, Pending: 2, Ours: true},
	}})
	want := "2026-11-22T10:01:03Z  event  (service web) has started 1 tasks: (task t1).\n" +
		"2026-11-22T10:01:04Z  deployment ecs-svc/123 IN_PROGRESS  running 1/3 pending 2\n" +
		"2026-11-22T10:01:04Z  deployment ecs-svc/1 COMPLETED  running 3/3 pending 0  active app:1\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}
