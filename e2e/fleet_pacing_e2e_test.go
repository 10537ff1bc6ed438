package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/sandbox"
)

// A fleet member frees its --parallel slot once its change is applied, not when its
// rollout ends: with --parallel 1 and the clock stopped (no rollout can end), all
// three services are updated, and the run ends once the clock runs again.
func TestE2EFleetSlotFreedAfterApply(t *testing.T) {
	e := fleetProject(t, 3)
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	for i := range 3 {
		e.setenv("IMAGE_"+string(rune('0'+i)), "nginx:2")
	}
	e.sb.Clock().SetSpeed(0)
	var mu sync.Mutex
	updated := 0
	stderr := &syncBuffer{onLine: func(l string) {
		if !strings.Contains(l, "updated service") {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if updated++; updated == 3 {
			e.sb.Clock().SetSpeed(40)
		}
	}}
	// With the slot held for the whole rollout, the second service would wait for
	// a rollout that cannot end: the run would time out instead.
	code, _ := e.runCtxIn(context.Background(), ".", stderr, "deploy", "--config", "services/*/ecspresso.yml",
		"--poll-interval", "200ms", "--parallel", "1", "--timeout", "30s")
	mu.Lock()
	defer mu.Unlock()
	if code != diag.ExitOK {
		t.Fatalf("exit %d, want 0 (%d services updated while the clock stood still)\n%s", code, updated, stderr.String())
	}
}

// callLog is a reverse proxy in front of the sandbox that notes, per service, when
// its UpdateService came and every DescribeServices naming it (simulated time).
type callLog struct {
	mu      sync.Mutex
	updated map[string]int // service → index of its UpdateService in calls
	calls   []loggedCall
}

type loggedCall struct {
	op       string
	services []string
	at       time.Time // the account's simulated clock
	real     time.Time
}

func (e *e2e) callLog() *callLog {
	e.t.Helper()
	u, err := url.Parse(e.vars["AWS_ENDPOINT_URL"])
	if err != nil {
		e.t.Fatal(err)
	}
	l := &callLog{updated: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		if op == "DescribeServices" || op == "UpdateService" {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			var body struct {
				Service  string   `json:"service"`
				Services []string `json:"services"`
			}
			_ = json.Unmarshal(b, &body)
			l.mu.Lock()
			c := loggedCall{op: op, services: body.Services, at: e.sb.Clock().Now(), real: time.Now()}
			if op == "UpdateService" {
				c.services = []string{body.Service}
				l.updated[body.Service] = len(l.calls)
			}
			l.calls = append(l.calls, c)
			l.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	e.t.Cleanup(srv.Close)
	e.setenv("AWS_ENDPOINT_URL", srv.URL)
	return l
}

// firstPolls returns, per updated service, the index in calls of its first
// DescribeServices after its UpdateService.
func (l *callLog) firstPolls() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := map[string]int{}
	for svc, u := range l.updated {
		for i := u + 1; i < len(l.calls); i++ {
			if l.calls[i].op == "DescribeServices" && slices.Contains(l.calls[i].services, svc) {
				first[svc] = i
				break
			}
		}
	}
	return first
}

// A fleet holds each member's first poll until every member has applied its change,
// then polls them all in one batched round: the last member's first poll comes within
// one poll interval of the first's, however long applying took. Here applying takes
// long (one service at a time, each UpdateService 150 ms late), the sandbox clock
// stands still and moves 1 s with each DescribeServices: a member polling while the
// others apply would see its rollout move on and end before the last one was polled.
func TestE2EFleetFirstPollsTogether(t *testing.T) {
	const n = 12
	e := fleetProject(t, n)
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	for i := range n {
		e.setenv(fmt.Sprintf("IMAGE_%d", i), "nginx:2")
	}
	log := e.callLog()
	e.sb.Clock().SetSpeed(0)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: time.Second})
	e.sb.SetFaults(sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "ecs:UpdateService", Latency: sandbox.Duration(150 * time.Millisecond)}}})
	stderr := &syncBuffer{}
	code, _ := e.runCtxIn(t.Context(), ".", stderr, "deploy", "--config", "services/*/ecspresso.yml",
		"--poll-interval", "200ms", "--parallel", "1", "--timeout", "2m")
	if code != diag.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	first := log.firstPolls()
	if len(first) != n {
		t.Fatalf("%d services polled after their update, want %d", len(first), n)
	}
	lo, hi := len(log.calls), 0
	for _, i := range first {
		lo, hi = min(lo, i), max(hi, i)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	// One round: ceil(12/10) = 2 DescribeServices calls, nothing else in between, and
	// the same simulated and (within one poll interval) real time.
	round := log.calls[lo : hi+1]
	spread, realSpread := round[len(round)-1].at.Sub(round[0].at), round[len(round)-1].real.Sub(round[0].real)
	t.Logf("first polls: calls %d..%d, simulated spread %v, real spread %v", lo, hi, spread, realSpread)
	if len(round) != 2 || spread > time.Second || realSpread > 200*time.Millisecond {
		var b strings.Builder
		for _, c := range log.calls {
			fmt.Fprintf(&b, "  %s %s %v\n", c.at.Format("15:04:05"), c.op, c.services)
		}
		t.Errorf("the first polls took %d calls over %v simulated (%v real), want one round of 2 calls within one poll interval:\n%s",
			len(round), spread, realSpread, b.String())
	}
	// While held, the members said why nothing moved.
	if !regexp.MustCompile(`(?m)^\[svc-a\] \S+  applied, waiting for the fleet's other services before polling$`).MatchString(stderr.String()) {
		t.Errorf("no line saying svc-a waits for the fleet:\n%s", stderr.String())
	}
}
