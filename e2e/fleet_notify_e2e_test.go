package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// webhook is a local HTTP server that keeps the JSON documents posted to it.
type webhook struct {
	mu   sync.Mutex
	docs []map[string]any
}

func (h *webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var doc map[string]any
	_ = json.Unmarshal(b, &doc)
	h.mu.Lock()
	h.docs = append(h.docs, doc)
	h.mu.Unlock()
}

func (h *webhook) events() map[string][]string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string][]string{}
	for _, d := range h.docs {
		s, _ := d["service"].(string)
		ev, _ := d["event"].(string)
		out[s] = append(out[s], ev)
	}
	return out
}

// A fleet deploy with --notify posts started and the outcome of each service (a
// rolled-back one with its failure summary and the CI run's URL); a webhook that
// answers 500 is a warning and the exit code stays the deploy's own. A single
// service's deploy notifies the webhook its config names under doppio.notify.
func TestE2ENotify(t *testing.T) {
	e := fleetProject(t, 2)
	e.must(0, ".", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms")
	hook := &webhook{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer broken.Close()

	e.setenv("IMAGE_0", "nginx:2")
	e.setenv("IMAGE_1", "nginx:crashloop")
	e.setenv("GITHUB_SERVER_URL", "https://github.com")
	e.setenv("GITHUB_REPOSITORY", "acme/shop")
	e.setenv("GITHUB_RUN_ID", "99")
	e.sb.ResetCounts()
	code, _, errs := e.run(".", "", "deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms",
		"--notify", srv.URL+"/hook", "--notify", broken.URL)
	if code != 4 {
		t.Fatalf("exit %d, want 4 (svc-b rolls back; the broken webhook changes nothing)\n%s", code, errs)
	}
	got := hook.events()
	if strings.Join(got["svc-a"], ",") != "started,succeeded" || strings.Join(got["svc-b"], ",") != "started,rolled back" {
		t.Errorf("events %v", got)
	}
	for _, d := range hook.docs {
		if d["service"] == "svc-b" && d["event"] == "rolled back" {
			if f, _ := d["failure"].(string); f == "" || d["runUrl"] != "https://github.com/acme/shop/actions/runs/99" || d["image"] != "nginx:crashloop" {
				t.Errorf("rolled-back document lacks failure, image or run URL: %v", d)
			}
		}
	}
	// No member names a role: the account comes from sts:GetCallerIdentity, asked
	// once for the credentials every member shares.
	for _, d := range hook.docs {
		if d["account"] != e.sb.Account {
			t.Errorf("%v %v: account %v, want %s", d["service"], d["event"], d["account"], e.sb.Account)
		}
	}
	if n := e.sb.Counts()["sts:GetCallerIdentity"]; n != 1 {
		t.Errorf("%d sts:GetCallerIdentity calls for one set of credentials, want 1", n)
	}
	if !strings.Contains(errs, "answered 500 Internal Server Error (the deployment's outcome is unchanged)") {
		t.Errorf("no warning about the broken webhook:\n%s", errs)
	}

	hook.docs = nil
	e.setenv("IMAGE_1", "nginx:3")
	cfg := e.read("services/svc-b/ecspresso.yml")
	e.write("services/svc-b/ecspresso.yml", cfg+"doppio:\n  notify: ["+srv.URL+"]\n")
	e.sb.ResetCounts()
	e.must(0, ".", "deploy", "--config", "services/svc-b/ecspresso.yml", "--poll-interval", "200ms")
	if got := hook.events(); strings.Join(got["svc-b"], ",") != "started,succeeded" || len(got) != 1 {
		t.Errorf("single service: events %v", got)
	}
	for _, d := range hook.docs {
		if d["account"] != e.sb.Account {
			t.Errorf("single service %v: account %v, want %s", d["event"], d["account"], e.sb.Account)
		}
	}
	if n := e.sb.Counts()["sts:GetCallerIdentity"]; n != 1 {
		t.Errorf("single service: %d sts:GetCallerIdentity calls, want 1", n)
	}
}
