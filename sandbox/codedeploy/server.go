// Package codedeploy is the sandbox's fake of AWS CodeDeploy for the Amazon ECS compute
// platform. moto's CodeDeploy sends ISO timestamps the Go SDK cannot decode, lacks
// BatchGetDeploymentGroups, StopDeployment, ContinueDeployment and the deployment-target
// operations, and never moves a deployment past Created, so doppio's sandbox serves
// CodeDeploy itself.
//
// The fake speaks AWS JSON 1.1 (X-Amz-Target: CodeDeploy_20141006.<Operation>). A
// deployment's progress is a pure function of the simulated clock and of a few recorded
// facts (creation time, Continue/Stop requests, ECS failures); it is evaluated lazily
// when a request arrives, so there are no background goroutines. When Options.ECS is
// set, the fake drives the ECS task sets the way CodeDeploy does for blue/green
// deployments: create a replacement task set, make it primary, delete the original.
package codedeploy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

// Options configures a Server. Zero durations take the defaults listed on each field.
type Options struct {
	// Clock is the simulated clock. Nil means a clock that follows real time.
	Clock *simclock.Clock
	// ECS returns a client acting on the given account's ECS. Nil means the fake
	// causes no ECS side effects.
	ECS func(account string) ECS
	// ELB returns a client acting on the given account's ELBv2 (target group names,
	// listener rerouting; traffic.go). Nil means no traffic is rerouted.
	ELB func(account string) ELB
	// Region is used in ARNs when a request carries no SigV4 scope (default us-east-1).
	Region string

	// StartDelay is how long a deployment stays Created before it is InProgress
	// (default 2s).
	StartDelay time.Duration
	// HookDuration is how long a lifecycle event with an AppSpec hook (a Lambda
	// function) runs before the hook reports Succeeded (default 5s). Events without a
	// hook complete instantly.
	HookDuration time.Duration
	// InstallDuration is how long the Install event takes to bring up the
	// replacement task set (default 30s).
	InstallDuration time.Duration
	// TestTrafficDuration is how long AllowTestTraffic takes (default 5s).
	TestTrafficDuration time.Duration
	// AllAtOnceDuration is how long AllowTraffic takes with an all-at-once
	// configuration; canary and linear configurations take their own intervals
	// (default 10s).
	AllAtOnceDuration time.Duration
	// ContinueDelay is how long a deployment stays Ready after ContinueDeployment
	// (READY_WAIT) before rerouting starts (default 2s): the call "starts the process
	// of rerouting traffic" (API_ContinueDeployment.html) and returns before the
	// status changes.
	ContinueDelay time.Duration
	// StopDelay is how long after StopDeployment the deployment becomes Stopped.
	// Zero (the default) stops it at once; a positive delay makes StopDeployment
	// answer Pending, as the real service usually does.
	StopDelay time.Duration
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.StartDelay, 2*time.Second)
	def(&o.ContinueDelay, 2*time.Second)
	def(&o.HookDuration, 5*time.Second)
	def(&o.InstallDuration, 30*time.Second)
	def(&o.TestTrafficDuration, 5*time.Second)
	def(&o.AllAtOnceDuration, 10*time.Second)
	if o.StopDelay < 0 {
		o.StopDelay = 0
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.Clock == nil {
		o.Clock = simclock.New(time.Time{})
		o.Clock.SetSpeed(1)
	}
	return o
}

// Server is the CodeDeploy fake: an http.Handler with per-account state.
type Server struct {
	opts Options

	mu       sync.Mutex
	accounts map[string]*account
}

// New returns a Server with no applications.
func New(opts Options) *Server {
	return &Server{opts: opts.withDefaults(), accounts: map[string]*account{}}
}

const (
	targetPrefix   = "CodeDeploy_20141006."
	defaultAccount = "123456789012"
)

// request is one API call being served.
type request struct {
	ctx     context.Context
	acct    *account
	region  string
	now     time.Time
	body    []byte
	newECS  func(account string) ECS
	backend ECS // built on first use

	newELB     func(account string) ELB
	elbBackend ELB
}

// ecs returns the account's ECS client, or nil when there are no ECS side effects.
func (q *request) ecs() ECS {
	if q.backend == nil && q.newECS != nil {
		q.backend = q.newECS(q.acct.id)
	}
	return q.backend
}

func (q *request) decode(v any) error {
	if len(q.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(q.body, v); err != nil {
		return apiErr("SerializationException", "cannot decode request: %v", err)
	}
	return nil
}

// batchLimit refuses a batch of n names or IDs above limit (BatchLimitExceededException).
func batchLimit(n, limit int) error {
	if n > limit {
		return apiErr("BatchLimitExceededException", "The maximum number of names or IDs allowed for this request (%d) was exceeded.", limit)
	}
	return nil
}

// apiError is a CodeDeploy error, written as {"__type": ..., "message": ...} with 400.
type apiError struct {
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func apiErr(typ, format string, args ...any) error {
	return &apiError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// ServeHTTP serves one AWS JSON 1.1 CodeDeploy call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if !ok || r.Method != http.MethodPost {
		writeError(w, apiErr("UnknownOperationException", "unknown operation %q", r.Header.Get("X-Amz-Target")))
		return
	}
	handler := s.handler(op)
	if handler == nil {
		writeError(w, apiErr("UnknownOperationException", "operation %s is not supported by the sandbox", op))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		writeError(w, apiErr("SerializationException", "read body: %v", err))
		return
	}
	acctID, region := identity(r)
	if region == "" {
		region = s.opts.Region
	}
	acct := s.account(acctID)
	q := &request{
		// ECS side effects must not be abandoned halfway because a client gave up.
		ctx:    context.WithoutCancel(r.Context()),
		acct:   acct,
		region: region,
		body:   body,
		newECS: s.opts.ECS,
		newELB: s.opts.ELB,
	}

	acct.mu.Lock()
	defer acct.mu.Unlock()
	q.now = s.opts.Clock.Now()
	s.settle(q)
	out, err := handler(q)
	if err == nil {
		s.settle(q)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, apiErr("InternalFailure", "encode reply: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("%s-%d", acct.id, q.now.UnixNano()))
	_, _ = w.Write(b)
}

// Settle brings the account's deployments up to the clock without a CodeDeploy call:
// CodeDeploy runs a deployment whether or not anyone polls it ("What happens during
// an Amazon ECS deployment", CodeDeploy User Guide), so its ECS side (the replacement
// task set, the primary task set) must show on the ECS side at the time it happens.
// The sandbox calls it before serving an ECS request; ECS calls the fake makes itself
// must not come back here (the sandbox recognises them by InternalHeader).
func (s *Server) Settle(ctx context.Context, account string) {
	s.mu.Lock()
	acct := s.accounts[account]
	s.mu.Unlock()
	if acct == nil {
		return
	}
	acct.mu.Lock()
	defer acct.mu.Unlock()
	q := &request{ctx: context.WithoutCancel(ctx), acct: acct, region: s.opts.Region, newECS: s.opts.ECS, newELB: s.opts.ELB, now: s.opts.Clock.Now()}
	s.settle(q)
}

// InternalHeader marks the ECS requests the fake makes on a deployment's behalf.
const InternalHeader = "X-Sandbox-Codedeploy"

func writeError(w http.ResponseWriter, err error) {
	ae, ok := err.(*apiError)
	if !ok {
		ae = &apiError{Type: "InternalFailure", Message: err.Error()}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	status := http.StatusBadRequest
	if ae.Type == "InternalFailure" {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": ae.Type, "message": ae.Message})
	_, _ = w.Write(b)
}

// identity returns the account and region of a request: the account from the
// x-moto-account-id header, else from an access key id of the form AKID<12 digits>,
// else the default account; the region from the SigV4 credential scope.
func identity(r *http.Request) (acct, region string) {
	acct = defaultAccount
	var keyAcct string
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, cred, ok := strings.Cut(auth, "Credential="); ok {
			cred, _, _ = strings.Cut(cred, ",")
			parts := strings.Split(strings.TrimSpace(cred), "/")
			if len(parts) >= 3 {
				region = parts[2]
			}
			if digits, ok := strings.CutPrefix(parts[0], "AKID"); ok && isAccountID(digits) {
				keyAcct = digits
			}
		}
	}
	switch h := r.Header.Get("x-moto-account-id"); {
	case isAccountID(h):
		acct = h
	case keyAcct != "":
		acct = keyAcct
	}
	return acct, region
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

type handlerFunc func(*request) (any, error)

// typed adapts a handler of an operation's input: the request body decoded into In
// (a body that does not decode is a SerializationException).
func typed[In any](h func(*request, *In) (any, error)) handlerFunc {
	return func(q *request) (any, error) {
		var in In
		if err := q.decode(&in); err != nil {
			return nil, err
		}
		return h(q, &in)
	}
}

func (s *Server) handler(op string) handlerFunc {
	switch op {
	case "CreateApplication":
		return typed(s.createApplication)
	case "GetApplication":
		return typed(s.getApplication)
	case "ListApplications":
		return typed(s.listApplications)
	case "BatchGetApplications":
		return typed(s.batchGetApplications)
	case "DeleteApplication":
		return typed(s.deleteApplication)
	case "CreateDeploymentGroup":
		return typed(s.createDeploymentGroup)
	case "GetDeploymentGroup":
		return typed(s.getDeploymentGroup)
	case "ListDeploymentGroups":
		return typed(s.listDeploymentGroups)
	case "BatchGetDeploymentGroups":
		return typed(s.batchGetDeploymentGroups)
	case "UpdateDeploymentGroup":
		return typed(s.updateDeploymentGroup)
	case "DeleteDeploymentGroup":
		return typed(s.deleteDeploymentGroup)
	case "GetDeploymentConfig":
		return typed(s.getDeploymentConfig)
	case "ListDeploymentConfigs":
		return typed(s.listDeploymentConfigs)
	case "CreateDeploymentConfig":
		return typed(s.createDeploymentConfig)
	case "DeleteDeploymentConfig":
		return typed(s.deleteDeploymentConfig)
	case "CreateDeployment":
		return typed(s.createDeployment)
	case "GetDeployment":
		return typed(s.getDeployment)
	case "BatchGetDeployments":
		return typed(s.batchGetDeployments)
	case "ListDeployments":
		return typed(s.listDeployments)
	case "StopDeployment":
		return typed(s.stopDeployment)
	case "ContinueDeployment":
		return typed(s.continueDeployment)
	case "ListDeploymentTargets":
		return typed(s.listDeploymentTargets)
	case "GetDeploymentTarget":
		return typed(s.getDeploymentTarget)
	case "BatchGetDeploymentTargets":
		return typed(s.batchGetDeploymentTargets)
	case "GetApplicationRevision":
		return typed(s.getApplicationRevision)
	}
	return nil
}
