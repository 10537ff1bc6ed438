package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/doppio-ecs/doppio/sandbox/codedeploy"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/doppio-ecs/doppio/sandbox/moto"
	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Addr is the proxy's listen address (default 127.0.0.1:0, a free port).
	Addr string
	// ClockSpeed is the speed new account clocks start with: simulated seconds per
	// real second; 0 is a manual clock that only Advance moves.
	ClockSpeed float64
	// DeploymentDuration is the simulated time a healthy rolling deployment takes
	// from UpdateService to COMPLETED (default 5s). Tasks of images tagged `slow`
	// take SlowFactor times longer.
	DeploymentDuration time.Duration
	// TaskRunDuration is how long a RunTask task runs before its containers exit on
	// their own (default 3s of simulated time).
	TaskRunDuration time.Duration
	// SlowFactor multiplies durations for the `slow` rule (default 5).
	SlowFactor float64
	// Seed seeds IDs and fault draws (default 1).
	Seed uint64
	// MotoLog receives moto_server's output; nil discards it.
	MotoLog *os.File
	// CodeDeploy, when set, builds the CodeDeploy handler for one account and region;
	// requests whose X-Amz-Target starts with CodeDeploy_20141006. go to it.
	CodeDeploy CodeDeployFactory
}

// CodeDeployFactory builds the CodeDeploy fake serving one account. clock is the
// account's clock and endpoint is the proxy's URL (for the fake's ECS calls).
type CodeDeployFactory func(clock *simclock.Clock, account, endpoint string) (http.Handler, error)

func (o Options) withDefaults() Options {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.DeploymentDuration <= 0 {
		o.DeploymentDuration = 5 * time.Second
	}
	if o.TaskRunDuration <= 0 {
		o.TaskRunDuration = 3 * time.Second
	}
	if o.SlowFactor <= 0 {
		o.SlowFactor = 5
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Server is a running sandbox: moto_server plus the proxy in front of it.
type Server struct {
	opts     Options
	moto     *moto.Server
	motoURL  *url.URL
	listener net.Listener
	http     *http.Server
	proxy    *httputil.ReverseProxy
	client   *http.Client // for the proxy's own calls to moto
	registry *Registry    // the OCI registry for image checks (registry.go)

	mu       sync.Mutex
	accounts map[string]*account
	cd       map[string]http.Handler // account/region → CodeDeploy fake
	steps    map[string][]StepRule   // account → clock steps per call (stepclock.go)

	nextAccount atomic.Uint64
	started     time.Duration
}

// NewServer launches moto_server and the proxy; tests use Start instead. It returns
// moto.ErrMissing when moto_server is not installed. Close stops both.
func NewServer(ctx context.Context, opts Options) (*Server, error) {
	t0 := time.Now()
	opts = opts.withDefaults()
	l, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	m, err := moto.Start(ctx, moto.Options{Log: opts.MotoLog})
	if err != nil {
		l.Close()
		return nil, err
	}
	s, err := newServer(opts, m, l)
	if err != nil {
		l.Close()
		_ = m.Stop()
		return nil, err
	}
	if s.registry, err = StartRegistry(); err != nil { // registry.go
		l.Close()
		_ = m.Stop()
		return nil, err
	}
	go func() { _ = s.http.Serve(l) }()
	s.started = time.Since(t0)
	return s, nil
}

func newServer(opts Options, m *moto.Server, l net.Listener) (*Server, error) {
	u, err := url.Parse(m.URL)
	if err != nil {
		return nil, fmt.Errorf("parse moto URL: %w", err)
	}
	s := &Server{
		opts:     opts,
		moto:     m,
		motoURL:  u,
		listener: l,
		accounts: map[string]*account{},
		cd:       map[string]http.Handler{},
		client:   &http.Client{Timeout: 60 * time.Second},
	}
	s.nextAccount.Store(200000000000)
	s.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host
			if c, ok := callFrom(pr.In.Context()); ok {
				pr.Out.Header.Set("x-moto-account-id", c.Account)
			}
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			writeJSONError(w, http.StatusBadGateway, "ServiceUnavailable", "sandbox: moto unreachable: "+err.Error())
		},
	}
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// URL is the endpoint to give the AWS SDK, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return "http://" + s.listener.Addr().String() }

// MotoURL is moto_server's own endpoint (no proxy behaviour; for debugging).
func (s *Server) MotoURL() string { return s.moto.URL }

// StartupTime is how long Start took (moto launch and readiness included).
func (s *Server) StartupTime() time.Duration { return s.started }

// Options returns the options the server runs with, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Close stops the proxy and moto_server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.http.Close()
	}
	if s.registry != nil {
		err = errors.Join(err, s.registry.Close())
	}
	return errors.Join(err, s.moto.Stop())
}

// NewAccount returns a fresh account id no other caller of NewAccount gets; its
// access key is AccessKeyForAccount(id).
func (s *Server) NewAccount() string {
	return fmt.Sprintf("%012d", s.nextAccount.Add(1))
}

// account returns the state of one account, creating it on first use.
func (s *Server) account(id string) *account {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[id]
	if !ok {
		a = newAccount(id, s.opts)
		s.accounts[id] = a
	}
	return a
}

// Clock returns the simulated clock of account (created on first use).
func (s *Server) Clock(account string) *simclock.Clock { return s.account(account).clock }

// Counts returns a copy of account's call counts keyed "service:Operation".
func (s *Server) Counts(account string) map[string]int { return s.account(account).countsCopy() }

// ResetCounts zeroes account's call counts.
func (s *Server) ResetCounts(account string) { s.account(account).resetCounts() }

// SetFaults replaces account's fault rules; an empty Faults clears them.
func (s *Server) SetFaults(account string, f Faults) { s.account(account).setFaults(f, s.opts.Seed) }

// Reset clears moto (every account) and all simulated state, counts and faults.
func (s *Server) Reset(ctx context.Context) error {
	s.mu.Lock()
	s.accounts = map[string]*account{}
	s.cd = map[string]http.Handler{}
	s.steps = nil
	s.mu.Unlock()
	return s.moto.Reset(ctx, s.client)
}

// ServeHTTP routes one request: the control API, moto's own API, CodeDeploy, the ECS
// operations the sandbox simulates, and everything else straight to moto.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	// Every reply goes through the guard: internal errors, panics and moto's HTML
	// error pages come back as the protocol's InternalFailure (errguard.go).
	g := &guard{w: rw, c: call{Service: "sandbox", Operation: r.URL.Path, Protocol: protoJSON}}
	defer g.finish()
	defer func() {
		if v := recover(); v != nil {
			g.recovered(v)
		}
	}()
	if s.serveSandboxAPI(g, r) {
		return
	}
	q, ok := s.admitRequest(g, r)
	if !ok {
		return
	}
	s.catchUp(q)
	for _, serve := range routes {
		if serve(s, q) {
			return
		}
	}
}

// request is one AWS request on its way through the proxy.
type request struct {
	w     http.ResponseWriter
	r     *http.Request
	a     *account
	c     call
	body  []byte
	fault faultKind // the fault admit drew (faultPanic fires when a route is entered)
}

// enter marks the dispatch to a route; an injected panic fault fires there, so a
// test can check that every route's internal error comes back as an AWS error.
func (q *request) enter(route string) {
	if q.fault == faultPanic {
		panic("sandbox fault: injected panic in the " + route + " route")
	}
}

// internal reports whether the request is one the CodeDeploy fake makes itself.
func (q *request) internal() bool { return q.r.Header.Get(codedeploy.InternalHeader) != "" }

// serveSandboxAPI serves the control API and moto's own API, which are no AWS
// requests.
func (s *Server) serveSandboxAPI(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case strings.HasPrefix(r.URL.Path, "/_sandbox/"):
		s.control(w, r)
	case strings.HasPrefix(r.URL.Path, "/moto-api"):
		s.proxy.ServeHTTP(w, r)
	default:
		return false
	}
	return true
}

// admitRequest reads and identifies the request, names it to the guard, and
// applies the account's faults: the latency it draws, and the error it answers
// instead of the service. False when the request is answered (or abandoned).
func (s *Server) admitRequest(g *guard, r *http.Request) (*request, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSONError(g, http.StatusBadRequest, "SerializationException", "read body: "+err.Error())
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	c := identify(r, body)
	g.c = c
	r = r.WithContext(withCall(r.Context(), c))
	a := s.account(c.Account)
	kind, status, latency := a.admit(c)
	if latency > 0 && !sleep(r.Context(), latency) {
		return nil, false
	}
	if kind != faultNone && kind != faultPanic {
		writeFault(g, c, kind, status)
		return nil, false
	}
	return &request{w: g, r: r, a: a, c: c, body: body, fault: kind}, true
}

// sleep waits d of real time; false when the request is cancelled first.
func sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// catchUp steps the account's clock for the call and materialises what simulated
// time has made due before any read of this account: scheduled rules and
// schedules fire, CloudWatch log lines of tasks are written (so e.g.
// GetLogEvents sees them), listener weights follow traffic shifts.
func (s *Server) catchUp(q *request) {
	ctx := q.r.Context()
	if !q.internal() {
		s.stepClock(q.a, q.c) // stepclock.go
	}
	s.fireDue(ctx, q.a, q.c.Region) // events.go: scheduled rules and Scheduler schedules that fell due
	s.flushLogs(ctx, q.a, q.c.Region)
	s.syncTraffic(ctx, q.a, q.c.Region) // elbv2_listener_weights.go
}

// routes are tried in order; the first that answers ends the request.
var routes = []func(*Server, *request) bool{
	(*Server).routeCodeDeploy, // CodeDeploy, to the mounted fake
	(*Server).routeSettle,     // answers nothing: CodeDeploy catches up; the proxy's route begins
	func(s *Server, q *request) bool { return s.serveExtra(q.w, q.r, q.a, q.c, q.body) },     // elbv2_targethealth.go
	func(s *Server, q *request) bool { return s.serveEvents(q.w, q.r, q.a, q.c, q.body) },    // events.go
	func(s *Server, q *request) bool { return s.serveScheduler(q.w, q.r, q.a, q.c, q.body) }, // scheduler.go
	(*Server).routeECS,  // the ECS operations the sandbox simulates
	(*Server).routeMoto, // everything else
}

// routeCodeDeploy hands CodeDeploy requests to the mounted fake.
func (s *Server) routeCodeDeploy(q *request) bool {
	if !strings.HasPrefix(q.c.Target, "CodeDeploy_20141006.") {
		return false
	}
	h := s.codeDeploy(q.a)
	if h == nil {
		return false
	}
	q.enter("codedeploy")
	q.r.Body = io.NopCloser(bytes.NewReader(q.body))
	h.ServeHTTP(q.w, q.r)
	return true
}

// routeSettle lets the CodeDeploy fake catch up before an ECS or ELBv2 request of
// a client sees the state it drives (codedeploy_mount.go); every request past it
// is in the proxy's route. It answers nothing.
func (s *Server) routeSettle(q *request) bool {
	if (q.c.Service == "ecs" || q.c.Service == "elasticloadbalancing") && !q.internal() {
		s.settleCodeDeploy(q.r.Context(), q.a)
	}
	q.enter("proxy")
	return false
}

// routeECS validates ECS requests and serves the operations the sandbox simulates.
func (s *Server) routeECS(q *request) bool {
	if q.c.Service != "ecs" || !strings.HasPrefix(q.c.Target, ecsTargetPrefix) {
		return false
	}
	if typ, msg, ok := validateECS(q.c.Operation, q.body); !ok {
		writeJSONError(q.w, http.StatusBadRequest, typ, msg)
		return true
	}
	h := ecsHandler(q.c.Operation)
	if h == nil {
		return false
	}
	h(&ecsCall{s: s, a: q.a, c: q.c, body: q.body, ctx: q.r.Context(), w: q.w, header: q.r.Header})
	return true
}

// routeMoto passes the request on to moto.
func (s *Server) routeMoto(q *request) bool {
	q.r.Body = io.NopCloser(bytes.NewReader(q.body))
	s.proxy.ServeHTTP(q.w, q.r)
	return true
}

// codeDeploy returns the CodeDeploy fake for the account, or nil when none is mounted.
// The factory comes from Options.CodeDeploy; DefaultCodeDeploy (codedeploy_mount.go)
// mounts sandbox/codedeploy with the account's clock.
func (s *Server) codeDeploy(a *account) http.Handler {
	if s.opts.CodeDeploy == nil {
		return nil
	}
	key := a.id
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.cd[key]; ok {
		return h
	}
	h, err := s.opts.CodeDeploy(a.clock, a.id, s.URL())
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSONError(w, http.StatusInternalServerError, "InternalFailure", "sandbox: codedeploy: "+err.Error())
		})
	}
	s.cd[key] = h
	return h
}

// motoCall sends one JSON-protocol request to moto as account and returns the
// status and body.
func (s *Server) motoCall(ctx context.Context, account, region, service, target string, payload any) (int, []byte, error) {
	var body []byte
	switch p := payload.(type) {
	case []byte:
		body = p
	default:
		b, err := marshal(p)
		if err != nil {
			return 0, nil, err
		}
		body = b
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.moto.URL+"/", bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("x-moto-account-id", account)
	// moto routes on the SigV4 credential scope and does not check signatures.
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(account)+
		"/20240101/"+region+"/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("moto %s: %w", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("moto %s: read: %w", target, err)
	}
	return resp.StatusCode, b, nil
}
