//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// doppioBinary is the doppio command built for the test binary's subprocess tests.
type doppioBinary struct {
	once sync.Once
	path string
	err  error
}

var builtDoppio doppioBinary

// build builds cmd/doppio into dir, once per test binary.
func (b *doppioBinary) build(t *testing.T, dir string) string {
	t.Helper()
	b.once.Do(func() {
		b.path = filepath.Join(dir, "doppio")
		out, err := exec.Command("go", "build", "-o", b.path, "github.com/doppio-ecs/doppio/cmd/doppio").CombinedOutput()
		if err != nil {
			b.err = err
			b.path = string(out)
		}
	})
	if b.err != nil {
		t.Fatalf("go build doppio: %v\n%s", b.err, b.path)
	}
	return b.path
}

// holdingProxy stands between the doppio process and the sandbox. Armed with an
// operation, it holds every request for it until release and never forwards it: a
// process killed while such a request is held has not made that call, however late
// its stderr pipe delivered the line that triggered the kill.
type holdingProxy struct {
	mu   sync.Mutex
	hold string // X-Amz-Target suffix, e.g. ".UpdateService"; "" holds nothing
	gone chan struct{}
	once sync.Once
}

func startHoldingProxy(t *testing.T, target string) (*holdingProxy, string) {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	hp := &holdingProxy{gone: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hp.mu.Lock()
		hold := hp.hold != "" && strings.HasSuffix(r.Header.Get("X-Amz-Target"), hp.hold)
		hp.mu.Unlock()
		if hold {
			select {
			case <-hp.gone:
			case <-r.Context().Done():
			}
			http.Error(w, "held until the process died", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		hp.release()
		srv.Close()
	})
	return hp, srv.URL
}

func (hp *holdingProxy) arm(op string) {
	hp.mu.Lock()
	defer hp.mu.Unlock()
	hp.hold = op
}

// release stops holding and lets held requests fail.
func (hp *holdingProxy) release() {
	hp.mu.Lock()
	hp.hold = ""
	hp.mu.Unlock()
	hp.once.Do(func() { close(hp.gone) })
}

// process runs the doppio binary in the test's app directory with the test's
// environment (AWS endpoint: endpoint), calling onLine for each stderr line as it
// comes, and returns its exit code (-1 when killed by a signal) and stderr.
func (e *e2e) process(bin, endpoint string, onLine func(cmd *exec.Cmd, line string), args ...string) (int, string) {
	e.t.Helper()
	vars := maps.Clone(e.vars)
	vars["AWS_ENDPOINT_URL"], vars["AWS_ENDPOINT_URL_CODEDEPLOY"] = endpoint, endpoint
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join(e.dir, "app")
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	pipe, err := cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd.Stdout = &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	var errb bytes.Buffer
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		errb.WriteString(sc.Text() + "\n")
		if onLine != nil {
			onLine(cmd, sc.Text())
		}
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return -1, errb.String()
		}
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		e.t.Fatalf("doppio %s: %v", strings.Join(args, " "), err)
	}
	return 0, errb.String()
}

// TestE2ESigKillRerun kills the doppio process for real (SIGKILL: no deferred call,
// no signal handler runs) after it registered the task definition, after its
// UpdateService and during its wait, each phase read from its stderr, then runs the
// same deploy again: the re-run must finish the job it finds and say when it follows
// a deployment it did not start.
func TestE2ESigKillRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the doppio binary")
	}
	bin := builtDoppio.build(t, t.TempDir())
	for _, tc := range []struct {
		name, image, killAt string
		// hold is the call the killed process must not have made (held by the
		// proxy from the start until it died).
		hold             string
		want             int
		register, update int
		adopted          bool
	}{
		{name: "after register", image: "nginx:1.28", killAt: "registered task definition", hold: ".UpdateService", want: 0, update: 1},
		{name: "after UpdateService", image: "nginx:1.28", killAt: "updated service", want: 0, adopted: true},
		{name: "during the wait", image: "nginx:1.28", killAt: "IN_PROGRESS  running", want: 0, adopted: true},
		{name: "crashloop during the wait", image: "nginx:crashloop", killAt: "IN_PROGRESS  running", want: diag.ExitFailed, adopted: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := deployedProject(t)
			e.setenv("IMAGE", tc.image)
			hp, endpoint := startHoldingProxy(t, e.vars["AWS_ENDPOINT_URL"])
			hp.arm(tc.hold)
			// The clock stands still from the process's death until the re-run has
			// planned, so the rollout it started is still in progress then.
			e.sb.Clock().SetSpeed(0)
			killed := false
			code, dead := e.process(bin, endpoint, func(cmd *exec.Cmd, line string) {
				if !killed && strings.Contains(line, tc.killAt) {
					killed = true
					if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
						t.Errorf("SIGKILL: %v", err)
					}
				}
			}, "deploy", poll)
			hp.release()
			if code != -1 {
				t.Fatalf("the process to kill at %q exited %d by itself\n%s", tc.killAt, code, dead)
			}
			e.sb.ResetCounts()
			var once sync.Once
			code, errs := e.process(bin, endpoint, func(_ *exec.Cmd, line string) {
				if strings.HasPrefix(line, "plan:") {
					once.Do(func() { e.sb.Clock().SetSpeed(40) })
				}
			}, "deploy", poll)
			if code != tc.want {
				t.Fatalf("re-run exited %d, want %d\nkilled run:\n%s\nre-run:\n%s", code, tc.want, dead, errs)
			}
			e.rerunFinished(errs, tc.register, tc.update, tc.adopted)
			if tc.want == 0 {
				e.runsImage(tc.image)
			}
		})
	}
}
