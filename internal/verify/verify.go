// Package verify checks, before a deploy, that everything a task definition and a
// service definition depend on exists and is usable: roles and their trust, images
// (ECR and other registries, with the platform), secrets, log groups, environment
// files, EFS, the cluster, the network, load balancers, service discovery.
//
// The checks are an ordered list of independent steps run concurrently with a small
// bound. Each returns OK, NG (with a reason and a hint) or SKIPPED (with why). Every
// AWS resource is looked up once per run, however many containers name it, and SSM
// parameters are fetched in batches. Nothing is changed, except the one test event
// written to each awslogs group when Options.PutLogs is set. Secret values are read
// only to check that they are readable and that JSON keys exist; they are never kept
// in a result.
package verify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Status is the outcome of one check.
type Status string

// The three outcomes of a check.
const (
	OK      Status = "OK"
	NG      Status = "NG"
	Skipped Status = "SKIPPED"
)

// Result is one check as reported: where it sits in the tree (Path, the groups from
// the root), what it checked and how it went. Cached marks a repeated occurrence of
// a check already reported earlier in the list (same resource, checked once).
type Result struct {
	Path     []string `json:"path"`
	Check    string   `json:"check"`
	Resource string   `json:"resource"`
	Status   Status   `json:"status"`
	Reason   string   `json:"reason,omitempty"`
	Hint     string   `json:"hint,omitempty"`
	Cached   bool     `json:"cached,omitempty"`
}

// Name is the check's display name, e.g. Image[nginx:1.27].
func (r Result) Name() string {
	if r.Resource == "" {
		return r.Check
	}
	return r.Check + "[" + r.Resource + "]"
}

// Report is every check in plan order with the counts of distinct checks.
type Report struct {
	Checks  []Result `json:"checks"`
	OK      int      `json:"ok"`
	NG      int      `json:"ng"`
	Skipped int      `json:"skipped"`
}

// Summary is the one-line summary: "12 OK, 1 NG, 2 skipped".
func (r Report) Summary() string {
	return fmt.Sprintf("%d OK, %d NG, %d skipped", r.OK, r.NG, r.Skipped)
}

// Input is what is verified. Service is nil when the project has no service
// definition (service checks are then skipped).
type Input struct {
	TaskDefinition *ecs.RegisterTaskDefinitionInput
	Service        *ecs.CreateServiceInput
	Cluster        string
}

// Options select the optional parts of verify.
type Options struct {
	// GetSecrets reads secret values (never printing them) to check they are
	// readable and that JSON keys exist; otherwise only existence is checked.
	GetSecrets bool
	// PutLogs writes one test event to each existing awslogs group.
	PutLogs bool
	// Concurrency bounds the checks running at once (default 8).
	Concurrency int
	// Skip maps the check kinds not to run to the --skip name that asked for it
	// (ParseSkip): they are reported SKIPPED.
	Skip map[string]string
}

// Deps are the AWS clients verify uses. Region-bound services that an ARN or image
// URI can place in another region are factories taking the region.
type Deps struct {
	// Region is the project's region, used where an ARN or option names none.
	Region string

	STS              STS
	IAM              IAM
	ECS              ECS
	EC2              EC2
	ELB              ELB
	ServiceDiscovery ServiceDiscovery
	EFS              EFS
	S3               S3
	ECR              func(region string) ECR
	SSM              func(region string) SSM
	SecretsManager   func(region string) SecretsManager
	Logs             func(region string) Logs

	// Registry is the HTTP transport to non-ECR registries (nil: http.DefaultTransport).
	Registry http.RoundTripper
	// Now stamps test log streams (nil: time.Now).
	Now func() time.Time
}

// outcome is what a check function returns.
type outcome struct {
	status Status
	reason string
	hint   string
}

func ok() outcome                           { return outcome{status: OK} }
func okNote(note string) outcome            { return outcome{status: OK, reason: note} }
func ng(reason, hint string) outcome        { return outcome{status: NG, reason: reason, hint: hint} }
func skip(why string) outcome               { return outcome{status: Skipped, reason: why} }
func failed(err error, hint string) outcome { return ng(err.Error(), hint) }

// check is one planned step. key identifies the resource check for de-duplication:
// two steps with the same key are run once.
type check struct {
	path     []string
	kind     string
	resource string
	key      string
	run      func(ctx context.Context) outcome
}

// Verifier runs the checks of one Input.
type Verifier struct {
	deps Deps
	opts Options
	memo memo
	ssm  *ssmBatches
}

// New returns a Verifier.
func New(deps Deps, opts Options) *Verifier {
	if deps.Registry == nil {
		deps.Registry = http.DefaultTransport
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	return &Verifier{deps: deps, opts: opts}
}

// Run plans the checks for in, runs each distinct one once with bounded
// concurrency and returns them in plan order. The error is non-nil only when ctx
// ended before every check finished.
func (v *Verifier) Run(ctx context.Context, in Input) (Report, error) {
	checks := v.plan(in)
	first := map[string]int{}
	var unique []int
	for i, c := range checks {
		if c.key == "" {
			c.key = fmt.Sprintf("#%d", i)
			checks[i] = c
		}
		if _, seen := first[c.key]; !seen {
			first[c.key] = i
			unique = append(unique, i)
		}
	}
	outcomes := make([]outcome, len(checks))
	sem := make(chan struct{}, v.opts.Concurrency)
	var wg sync.WaitGroup
	for _, i := range unique {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				outcomes[i] = ng(ctx.Err().Error(), "")
				return
			}
			defer func() { <-sem }()
			if name := v.opts.skipped(checks[i].kind); name != "" {
				outcomes[i] = skip("not checked (--skip " + name + ")")
				return
			}
			outcomes[i] = checks[i].run(ctx)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	rep := Report{Checks: make([]Result, 0, len(checks))}
	for i, c := range checks {
		j := first[c.key]
		o := outcomes[j]
		r := Result{Path: c.path, Check: c.kind, Resource: c.resource, Status: o.status, Reason: o.reason, Hint: o.hint, Cached: j != i}
		rep.Checks = append(rep.Checks, r)
		if r.Cached {
			continue
		}
		switch o.status {
		case OK:
			rep.OK++
		case NG:
			rep.NG++
		default:
			rep.Skipped++
		}
	}
	return rep, nil
}

// memo runs each keyed lookup once per Verifier and shares its result, so that a
// resource named by several checks costs one AWS call.
type memo struct {
	mu sync.Mutex
	m  map[string]*memoEntry
}

type memoEntry struct {
	done chan struct{} // closed when v and err are set
	v    any
	err  error
}

// entry returns key's entry and whether the caller is the first to ask (and so
// must compute it).
func (m *memo) entry(key string) (*memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]*memoEntry{}
	}
	e, ok := m.m[key]
	if !ok {
		e = &memoEntry{done: make(chan struct{})}
		m.m[key] = e
	}
	return e, !ok
}

// once returns f's result for key, calling f only the first time; later callers
// wait for it on a channel (f is bounded by the context it closes over).
func once[T any](m *memo, key string, f func() (T, error)) (T, error) {
	e, first := m.entry(key)
	if first {
		e.v, e.err = f()
		close(e.done)
	} else {
		<-e.done
	}
	v, _ := e.v.(T)
	return v, e.err
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// quoteList quotes and joins names for a message.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
