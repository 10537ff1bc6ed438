package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/internal/secret"
	"github.com/google/go-cmp/cmp"
)

var rolledBack = Message{
	Event: RolledBack, Service: "web", Cluster: "prod", Account: "111122223333", Region: "eu-west-1",
	Revision: "web:42", Image: "123.dkr.ecr.eu-west-1.amazonaws.com/web:v42", Duration: 95 * time.Second, Outcome: "rolled back",
	Failure: "circuit breaker: tasks failed to start; 3 tasks stopped: Essential container in task exited (app=1)",
	RunURL:  "https://github.com/acme/shop/actions/runs/42",
}

// The payloads are golden files: what a Slack channel and a JSON webhook receive.
func TestPayloadGoldens(t *testing.T) {
	started := Message{Event: Started, Service: "web", Cluster: "prod", Revision: "web:43", Image: "nginx:1.27"}
	for _, tc := range []struct {
		name    string
		payload func(Message) ([]byte, error)
		m       Message
	}{
		{"json_rolled_back", JSON, rolledBack},
		{"json_started", JSON, started},
		{"slack_rolled_back", Slack, rolledBack},
		{"slack_started", Slack, started},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.payload(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "testdata/"+tc.name+".golden.json", b)
		})
	}
}

type hook struct {
	mu     sync.Mutex
	bodies []string
	status int
	block  bool
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	status, block := h.status, h.block
	h.mu.Unlock()
	if block {
		<-r.Context().Done() // a webhook that never answers
		return
	}
	if status != 0 {
		w.WriteHeader(status)
	}
}

// Each URL gets one post; secrets in the message never leave; a failing and a silent
// webhook produce a warning each, within the timeout, and nothing else.
func TestSendToLocalWebhooks(t *testing.T) {
	ok, failing, silent := &hook{}, &hook{status: 500}, &hook{block: true}
	srvs := []*httptest.Server{httptest.NewServer(ok), httptest.NewServer(failing), httptest.NewServer(silent)}
	for _, s := range srvs {
		defer s.Close()
	}
	secrets := secret.NewSet()
	secrets.Add("hunter2", "ssm /prod/db")
	var mu sync.Mutex
	var warnings []string
	n := New(Options{
		URLs:    []string{srvs[0].URL + "/ok", srvs[1].URL + "/token-xyz", srvs[2].URL},
		Timeout: 200 * time.Millisecond, Redact: secrets.Redact,
		Warn: func(m string) { mu.Lock(); warnings = append(warnings, m); mu.Unlock() },
	})
	m := rolledBack
	m.Failure = "container app exited 1: password hunter2 rejected"
	start := time.Now()
	n.Send(t.Context(), m)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Send took %s; a silent webhook must be cut off at the timeout", d)
	}
	if len(ok.bodies) != 1 || !strings.Contains(ok.bodies[0], `"event": "rolled back"`) {
		t.Fatalf("the webhook got %q", ok.bodies)
	}
	if strings.Contains(ok.bodies[0], "hunter2") {
		t.Errorf("a secret left in the payload:\n%s", ok.bodies[0])
	}
	if len(warnings) != 2 {
		t.Fatalf("warnings %q, want one per broken webhook", warnings)
	}
	all := strings.Join(warnings, "\n")
	for _, want := range []string{"answered 500", "no answer within 200ms", "outcome is unchanged"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "token-xyz") {
		t.Errorf("a warning shows the webhook's path (its secret):\n%s", all)
	}
}

// A canceled command still reports (the interrupted deploy is news).
func TestSendSurvivesCanceledContext(t *testing.T) {
	h := &hook{}
	s := httptest.NewServer(h)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	New(Options{URLs: []string{s.URL}}).Send(ctx, rolledBack)
	if len(h.bodies) != 1 {
		t.Errorf("got %d posts, want 1", len(h.bodies))
	}
}

func TestSlackDetectionAndRunURL(t *testing.T) {
	if !IsSlack("https://hooks.slack.com/services/T/B/X") || IsSlack("https://example.com/hooks.slack.com") {
		t.Error("Slack detection is by host")
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"github", map[string]string{"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/shop", "GITHUB_RUN_ID": "7"}, "https://github.com/acme/shop/actions/runs/7"},
		{"codebuild", map[string]string{"CODEBUILD_BUILD_URL": "https://console.aws.amazon.com/codesuite/codebuild/x"}, "https://console.aws.amazon.com/codesuite/codebuild/x"},
		{"none", map[string]string{}, ""},
	} {
		if diff := cmp.Diff(tc.want, RunURL(tc.env)); diff != "" {
			t.Errorf("%s: %s", tc.name, diff)
		}
	}
	for outcome, want := range map[string]Event{"succeeded": Succeeded, "rolled back": RolledBack, "superseded": Failed, "paused": Paused, "timed out": TimedOut} {
		if got, ok := EventOf(outcome); !ok || got != want {
			t.Errorf("EventOf(%q) = %q", outcome, got)
		}
	}
	if _, ok := EventOf("unchanged"); ok {
		t.Error("an unchanged service is not news")
	}
}
