package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// hooks is a webhook server that keeps every payload posted to it.
type hooks struct {
	mu       sync.Mutex
	payloads []string
	status   int
	srv      *httptest.Server
}

func newHooks(t *testing.T) *hooks {
	h := &hooks{status: http.StatusOK}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.payloads = append(h.payloads, r.Method+" "+r.Header.Get("Content-Type")+" "+string(b))
		st := h.status
		h.mu.Unlock()
		w.WriteHeader(st)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// sentN is sent, and stops the test unless exactly n payloads were posted.
func (h *hooks) sentN(t *testing.T, n int) []map[string]any {
	t.Helper()
	ps := h.sent(t)
	if len(ps) != n {
		t.Fatalf("%d payloads, want %d: %v", len(ps), n, ps)
	}
	return ps
}

// sent decodes the payloads, failing the test on one that is not a JSON POST.
func (h *hooks) sent(t *testing.T) []map[string]any {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, p := range h.payloads {
		head, body, _ := strings.Cut(p, " {")
		if head != "POST application/json" {
			t.Errorf("payload sent as %q", head)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte("{"+body), &m); err != nil {
			t.Fatalf("payload is not JSON: %v\n%s", err, p)
		}
		out = append(out, m)
	}
	return out
}

func field(t *testing.T, m map[string]any, key, want string) {
	t.Helper()
	if got, _ := m[key].(string); got != want {
		t.Errorf("payload %s = %q, want %q (payload %v)", key, got, want, m)
	}
}

// A deploy posts "started" then its outcome, naming the service, the account
// (sts:GetCallerIdentity through the factory), the region, the revision and the
// image.
func TestUnitNotifyDeploySucceeded(t *testing.T) {
	u := startUnit(t, 1)
	h := newHooks(t)
	u.must(0, "deploy", "--poll-interval", "1ms", "--notify", h.srv.URL+"/hook")
	ps := h.sentN(t, 2)
	field(t, ps[0], "event", "started")
	field(t, ps[1], "event", "succeeded")
	field(t, ps[1], "outcome", "succeeded")
	for _, p := range ps {
		field(t, p, "source", "doppio")
		field(t, p, "service", "web")
		field(t, p, "cluster", "prod")
		field(t, p, "account", fakeAccount)
		field(t, p, "region", fakeRegion)
		field(t, p, "image", "nginx:1.25")
	}
	field(t, ps[1], "revision", "web:2")
	field(t, ps[1], "text", "doppio: web succeeded (web:2) on cluster prod, account 123456789012 after 0s")
}

// A failed deployment posts "failed" with CodeDeploy's reason; the exit code is
// the deployment's.
func TestUnitNotifyDeployFailed(t *testing.T) {
	t.Parallel()
	u := newCodeDeployUnit(t)
	u.aws.cd.statuses, u.aws.cd.errorMessage = []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusFailed}, "The ECS service cannot be updated"
	h := newHooks(t)
	u.must(4, "deploy", "--poll-interval", "1ms", "--notify", h.srv.URL)
	ps := h.sentN(t, 2)
	field(t, ps[0], "event", "started")
	field(t, ps[1], "event", "failed")
	field(t, ps[1], "outcome", "failed")
	field(t, ps[1], "revision", "web:3")
}

// A deploy that changes nothing posts nothing; webhooks from the flag and the
// config are merged.
func TestUnitNotifyNothingToDeploy(t *testing.T) {
	u := startUnit(t, 1)
	h := newHooks(t)
	u.must(0, "deploy", "--skip-task-definition", "--notify", h.srv.URL)
	if ps := h.sent(t); len(ps) != 0 {
		t.Errorf("payloads for a deploy that changed nothing: %v", ps)
	}
}

// A webhook that fails is a warning: the deploy's exit code is unchanged.
func TestUnitNotifyWebhookFails(t *testing.T) {
	u := startUnit(t, 1)
	h := newHooks(t)
	h.status = http.StatusInternalServerError
	_, errs := u.must(0, "deploy", "--poll-interval", "1ms", "--notify", h.srv.URL+"/broken")
	contains(t, "deploy's stderr", errs, "notify http://127.0.0.1", "(the deployment's outcome is unchanged)")
	if n := len(h.sent(t)); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

// Verbs that deploy nothing (plan, diff, run) post nothing.
func TestUnitNotifyOnlyDeployVerbs(t *testing.T) {
	u := startUnit(t, 1)
	h := newHooks(t)
	u.must(0, "plan", "--notify", h.srv.URL)
	u.must(0, "deploy", "--dry-run", "--notify", h.srv.URL)
	if ps := h.sent(t); len(ps) != 0 {
		t.Errorf("payloads: %v", ps)
	}
}
