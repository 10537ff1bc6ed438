package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/alecthomas/kong"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// fleetVerbs take several configs (--config repeated or a glob) in one process.
var fleetVerbs = []string{"deploy", "plan", "diff", "status", "wait", "render", "verify", "register", "rollback", "refresh", "scale"}

// changeVerbs are the fleet verbs that change services; they print a summary table.
var changeVerbs = []string{"deploy", "wait", "register", "rollback", "refresh", "scale"}

// batchWindow is how long a DescribeServices call of a fleet waits for others of the
// same poll to join it.
const batchWindow = 25 * time.Millisecond

// configPaths expands --config: each value is a path or a glob pattern (relative to
// the working directory). It returns nil when --config is not given.
func (a *app) configPaths() ([]string, error) {
	var out []string
	for _, c := range a.g.Config {
		if !strings.ContainsAny(c, "*?[") {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
			continue
		}
		pattern := c
		if !filepath.IsAbs(pattern) {
			pattern = filepath.Join(a.env.Dir, pattern)
		}
		matches, err := filepath.Glob(pattern)
		if err != nil {
			return nil, diag.Invalid(fmt.Errorf("--config %q: %w", c, err), "use * ? and [...] as in shell globs")
		}
		if len(matches) == 0 {
			return nil, diag.Invalid(fmt.Errorf("--config %q matches no file", c), "check the pattern (quote it so the shell does not expand it)")
		}
		slices.Sort(matches)
		for _, m := range matches {
			if r := a.rel(m); !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// fleetShared is what the services of one fleet run share: one lazily built AWS
// config per region (so one rate budget per account and region, and one credential
// chain), one batching client per AWS config, and the epoch their polls align to.
type fleetShared struct {
	mu       sync.Mutex
	lazies   map[string]*awsclient.Lazy
	batchers map[*awsclient.Lazy]*fleet.Batcher
	epoch    time.Time
}

func (s *fleetShared) lazy(o awsclient.Options) *awsclient.Lazy {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := o.Region + "\x00" + o.AssumeRoleARN
	if l, ok := s.lazies[key]; ok {
		return l
	}
	l := awsclient.NewLazy(o)
	s.lazies[key] = l
	return l
}

func (s *fleetShared) batcher(l *awsclient.Lazy, c *ecs.Client) *fleet.Batcher {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.batchers[l]; ok {
		return b
	}
	b := fleet.NewBatcher(c, batchWindow)
	s.batchers[l] = b
	return b
}

// awsLazy returns the AWS config source for a project in region: the fleet's shared
// one, or a new one.
func (a *app) awsLazy(region string) *awsclient.Lazy {
	if a.shared != nil {
		return a.shared.lazy(a.awsOptions(region))
	}
	return awsclient.NewLazy(a.awsOptions(region))
}

// ecsAPI is the ECS client deploys and waits use: in a fleet, a client whose
// DescribeServices and DescribeServiceDeployments calls are batched with the other
// services'.
type ecsAPI interface {
	deploy.ECS
	watch.Client
}

// ecsAPI returns the project's ECS client, batched in a fleet.
func (p *project) ecsAPI(ctx context.Context) (ecsAPI, error) {
	c, err := p.ecsClient(ctx)
	if err != nil {
		return nil, err
	}
	if p.shared == nil {
		return c, nil
	}
	return fleet.Client{Client: c, Batcher: p.shared.batcher(p.aws, c)}, nil
}

// beforeChange is called by every verb right before its first call that changes
// anything. In a fleet it waits until every service has planned, so nothing changes
// unless every plan is valid, and takes one of the --parallel slots.
func (a *app) beforeChange(ctx context.Context) error {
	if a.gate == nil {
		return nil
	}
	return a.gate.BeforeChange(ctx)
}

// pollEpoch is the time a fleet's polls align to (zero outside a fleet).
func (a *app) pollEpoch() time.Time {
	if a.shared == nil {
		return time.Time{}
	}
	return a.shared.epoch
}

// memberRecord is what one service of a fleet reports for the summary.
type memberRecord struct {
	mu             sync.Mutex
	cluster        string
	taskDefinition string
	outcome        string
}

// record notes a service's task definition and outcome for the fleet summary.
func (a *app) record(taskDefinition, outcome string) {
	if a.rec == nil {
		return
	}
	a.rec.mu.Lock()
	defer a.rec.mu.Unlock()
	if taskDefinition != "" {
		a.rec.taskDefinition = taskDefinition
	}
	if outcome != "" {
		a.rec.outcome = outcome
	}
}

// member is one service of a fleet run.
type member struct {
	path, label string
	app         *app
	out         bytes.Buffer // stdout, printed at the end
	errOut      *lineWriter  // stderr, prefixed (or grouped under GitHub Actions)
	started     time.Time
	finished    time.Time
}

// runFleet runs the selected verb once per config, in one process, and returns the
// exit code: the most severe of the services' outcomes.
func (a *app) runFleet(ctx context.Context, kctx *kong.Context, paths []string) int {
	command := kctx.Command()
	verb, _, _ := strings.Cut(command, " ")
	if !slices.Contains(fleetVerbs, verb) {
		return a.report(diag.Invalid(fmt.Errorf("--config names %d configs; %s works on one project", len(paths), verb),
			"give one --config, or use one of: "+strings.Join(fleetVerbs, ", ")))
	}
	runner, ok := kctx.Selected().Target.Addr().Interface().(interface {
		Run(context.Context, *app) error
	})
	if !ok {
		return a.report(fmt.Errorf("internal error: %s has no Run method", command))
	}
	if a.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, a.timeout, errCommandTimeout{a.timeout})
		defer cancel()
	}
	shared := &fleetShared{lazies: map[string]*awsclient.Lazy{}, batchers: map[*awsclient.Lazy]*fleet.Batcher{}, epoch: time.Now()}
	grouped := ui.NewAnnotator(a.errBase, a.env.Vars).Enabled() && a.g.LogFormat != "json"
	out := &lockedWriter{w: a.errBase}

	// Load every config first: a config that does not load stops everything.
	members := make([]*member, len(paths))
	for i, path := range paths {
		m := &member{path: path}
		m.errOut = newLineWriter(out, "", grouped, a.g.LogFormat == "json")
		m.app = a.child(path, &m.out, m.errOut, shared)
		members[i] = m
	}
	failed := false
	for _, m := range members {
		m.errOut.prefix = "[" + m.path + "] "
		p, err := m.app.project(ctx)
		if err != nil {
			m.app.report(err)
			failed = true
			continue
		}
		m.label = p.cfg.Service
		if m.label == "" {
			m.label = filepath.Base(filepath.Dir(p.cfg.Path))
		}
		m.app.rec.cluster = p.cfg.Cluster
	}
	if failed {
		for _, m := range members {
			m.errOut.flush("")
		}
		fmt.Fprintf(out, "doppio: nothing was run: %s\n", "a config did not load")
		return diag.ExitUsage
	}
	if err := labelMembers(members); err != nil {
		return a.report(err)
	}
	width := 0
	for _, m := range members {
		width = max(width, len(m.label))
	}
	for _, m := range members {
		m.errOut.prefix = fmt.Sprintf("[%-*s] ", width, m.label)
		m.errOut.service = m.label
	}

	if verb != "render" && verb != "register" && verb != "verify" {
		a.primeLookups(ctx, members)
	}

	fms := make([]fleet.Member, len(members))
	for i, m := range members {
		fms[i] = fleet.Member{Name: m.label, Run: func(ctx context.Context, g *fleet.Gate) error {
			m.started = time.Now()
			defer func() { m.finished = time.Now() }()
			defer m.errOut.flush(m.label) // under GitHub Actions: its group, as soon as it ends
			m.app.gate = g
			cctx, cancel, err := m.app.deadline(ctx, command)
			if err != nil {
				return diag.WithCode(errSilent, m.app.report(err))
			}
			defer cancel()
			err = runner.Run(cctx, m.app)
			if err == nil {
				return nil
			}
			if errors.Is(err, fleet.ErrNotStarted) {
				fmt.Fprintf(m.app.stderr, "%s\n", err)
				return err
			}
			return diag.WithCode(errSilent, m.app.report(err))
		}}
	}
	results := fleet.Run(ctx, fms, fleet.Options{Parallel: a.g.Parallel, FailFast: a.g.FailFast, ExitCode: diag.ExitCode})
	code := fleet.ExitCode(results)
	for _, m := range members {
		m.errOut.flush(m.label) // members that never ran
	}
	a.printFleetResults(members, results)
	if slices.Contains(changeVerbs, verb) && !(verb == "register" && a.g.Output == "json") {
		printFleetSummary(out, members, results)
	}
	if code != 0 {
		var bad []string
		for i, r := range results {
			if r.Code != 0 || r.NotStarted != "" {
				bad = append(bad, fmt.Sprintf("%s (%s)", members[i].label, outcomeOf(members[i], r)))
			}
		}
		msg := fmt.Sprintf("%d of %d services did not succeed: %s", len(bad), len(members), strings.Join(bad, ", "))
		fmt.Fprintf(out, "doppio: %s\n", msg)
		ui.NewAnnotator(out, a.env.Vars).Error(ui.Annotation{Title: "doppio " + verb, Message: msg})
	}
	if st := shared.stats(); st.DescribeServicesRequests > 0 {
		a.log.Debug("fleet batching", "describeServicesRequests", st.DescribeServicesRequests, "describeServicesCalls", st.DescribeServicesCalls,
			"describeServiceDeploymentsRequests", st.DescribeServiceDeploymentsRequests, "describeServiceDeploymentsCalls", st.DescribeServiceDeploymentsCalls)
	}
	return code
}

// primeLookups describes the fleet's services 10 per call, so the lookup each
// service's verb starts with needs no call of its own.
func (a *app) primeLookups(ctx context.Context, ms []*member) {
	type group struct {
		b        *fleet.Batcher
		cluster  string
		services []string
	}
	groups := map[string]*group{}
	var order []string
	for _, m := range ms {
		p := m.app.proj
		if p == nil || p.cfg.Service == "" {
			continue
		}
		c, err := p.ecsClient(ctx)
		if err != nil {
			continue
		}
		b := p.shared.batcher(p.aws, c)
		key := fmt.Sprintf("%p\x00%s", b, p.cfg.Cluster)
		if groups[key] == nil {
			groups[key] = &group{b: b, cluster: p.cfg.Cluster}
			order = append(order, key)
		}
		groups[key].services = append(groups[key].services, p.cfg.Service)
	}
	for _, k := range order {
		g := groups[k]
		if err := g.b.Prime(ctx, g.cluster, g.services, []ecstypes.ServiceField{ecstypes.ServiceFieldTags}); err != nil {
			a.log.Debug("describing the fleet's services ahead failed; each looks itself up", "error", err)
		}
	}
}

func (s *fleetShared) stats() fleet.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t fleet.Stats
	for _, b := range s.batchers {
		st := b.Stats()
		t.DescribeServicesCalls += st.DescribeServicesCalls
		t.DescribeServicesRequests += st.DescribeServicesRequests
		t.DescribeServiceDeploymentsCalls += st.DescribeServiceDeploymentsCalls
		t.DescribeServiceDeploymentsRequests += st.DescribeServiceDeploymentsRequests
	}
	return t
}

// labelMembers names each service for its line prefix: the service name, or the
// cluster and service when names repeat. The same service twice is refused: two
// deploys would race on it.
func labelMembers(ms []*member) error {
	count := map[string]int{}
	for _, m := range ms {
		count[m.label]++
	}
	seen := map[string]string{}
	for _, m := range ms {
		if count[m.label] > 1 {
			m.label = m.app.rec.cluster + "/" + m.label
		}
		if prev, ok := seen[m.label]; ok {
			return diag.Invalid(fmt.Errorf("%s and %s both name service %s", prev, m.path, m.label), "give each service one config")
		}
		seen[m.label] = m.path
	}
	return nil
}

// child returns an app for one config of a fleet: its own project, stdout buffer
// and prefixed stderr; the same flags, environment, secrets and shared clients.
func (a *app) child(path string, stdout io.Writer, stderr *lineWriter, shared *fleetShared) *app {
	c := *a
	c.configPath = path
	c.proj = nil
	c.shared = shared
	c.rec = &memberRecord{}
	c.noGroups = true
	c.stdout = a.secrets.Writer(stdout)
	c.errBase = stderr
	c.log = ui.NewLogger(stderr, ui.LogOptions{Format: a.g.LogFormat, Debug: a.g.Debug})
	c.stderr = stderr
	if a.g.LogFormat == "json" {
		c.stderr = ui.NewJSONLines(stderr)
	}
	return &c
}

// printFleetResults writes every service's stdout in config order: with --output
// json one JSON array of their result documents, else their lines prefixed.
func (a *app) printFleetResults(ms []*member, results []fleet.Result) {
	if a.g.Output == "json" {
		docs := make([]json.RawMessage, 0, len(ms))
		for i, m := range ms {
			docs = append(docs, memberJSON(m, results[i]))
		}
		_ = ui.WriteJSON(a.stdout, docs)
		return
	}
	for _, m := range ms {
		w := newLineWriter(a.stdout, fmt.Sprintf("[%s] ", m.label), false, false)
		_, _ = w.Write(m.out.Bytes())
		w.flush("")
	}
}

// memberJSON is one element of the fleet's JSON array: the service's own result
// document, or (when it printed none) its outcome and error.
func memberJSON(m *member, r fleet.Result) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(m.out.Bytes()))
	var docs []json.RawMessage
	for {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		docs = append(docs, v)
	}
	switch len(docs) {
	case 1:
		return docs[0]
	case 0:
	default:
		b, _ := json.Marshal(docs)
		return b
	}
	doc := struct {
		Service  string `json:"service"`
		Cluster  string `json:"cluster"`
		Config   string `json:"config"`
		Outcome  string `json:"outcome"`
		ExitCode int    `json:"exitCode"`
		Error    string `json:"error,omitempty"`
	}{Service: m.label, Cluster: m.app.rec.cluster, Config: m.path, Outcome: outcomeOf(m, r), ExitCode: r.Code}
	if r.Err != nil && !errors.Is(r.Err, errSilent) {
		doc.Error = r.Err.Error()
	}
	if r.NotStarted != "" {
		doc.Error = r.NotStarted
	}
	b, _ := json.Marshal(doc)
	return m.app.secrets.Redact(b)
}

// outcomeOf names how a service ended, for the summary.
func outcomeOf(m *member, r fleet.Result) string {
	if r.NotStarted != "" {
		return "not started"
	}
	m.app.rec.mu.Lock()
	o := m.app.rec.outcome
	m.app.rec.mu.Unlock()
	if o != "" && (r.Code == 0 || o != "succeeded") {
		return o
	}
	switch r.Code {
	case diag.ExitOK:
		return "ok"
	case diag.ExitUsage:
		return "invalid"
	case diag.ExitDiff:
		return "differences"
	case diag.ExitFailed:
		return "failed"
	case diag.ExitTimeout:
		return "timed out"
	case diag.ExitPaused:
		return "paused"
	case diag.ExitInterrupted:
		return "interrupted"
	}
	return "error"
}

// printFleetSummary writes the table of services, task definitions, outcomes and
// durations.
func printFleetSummary(w io.Writer, ms []*member, results []fleet.Result) {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tTASK DEFINITION\tOUTCOME\tDURATION")
	for i, m := range ms {
		m.app.rec.mu.Lock()
		td := m.app.rec.taskDefinition
		m.app.rec.mu.Unlock()
		if td == "" {
			td = "-"
		} else {
			td = ecsdef.TaskDefinitionName(td)
		}
		d := "-"
		if !m.started.IsZero() && !m.finished.IsZero() && results[i].NotStarted == "" {
			d = m.finished.Sub(m.started).Round(time.Second).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.label, td, outcomeOf(m, results[i]), d)
	}
	_ = tw.Flush()
	_, _ = w.Write(b.Bytes())
}

// lockedWriter serialises whole writes of several services onto one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// lineWriter writes one service's stderr lines: prefixed and as they come, or, under
// GitHub Actions, kept and written as one ::group:: when the service ends (groups
// cannot interleave). JSON lines get a "service" key instead of a prefix.
type lineWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	service string
	grouped bool
	json    bool
	partial []byte
	held    bytes.Buffer
}

func newLineWriter(w io.Writer, prefix string, grouped, json bool) *lineWriter {
	return &lineWriter{w: w, prefix: prefix, grouped: grouped, json: json}
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	var out bytes.Buffer
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(&out, l.partial[:i])
		l.partial = l.partial[i+1:]
	}
	if out.Len() > 0 {
		if l.grouped {
			l.held.Write(out.Bytes())
		} else if _, err := l.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (l *lineWriter) line(out *bytes.Buffer, line []byte) {
	switch {
	case l.json && l.service != "" && bytes.HasPrefix(line, []byte("{")):
		key, _ := json.Marshal(l.service)
		out.WriteString(`{"service":`)
		out.Write(key)
		if len(line) > 2 {
			out.WriteByte(',')
		}
		out.Write(line[1:])
	case l.json || l.grouped:
		out.Write(line)
	default:
		out.WriteString(l.prefix)
		out.Write(line)
	}
	out.WriteByte('\n')
}

// flush writes a trailing partial line and, under GitHub Actions, the held lines as
// one group named name.
func (l *lineWriter) flush(name string) {
	l.mu.Lock()
	if len(l.partial) > 0 {
		var out bytes.Buffer
		l.line(&out, l.partial)
		l.partial = nil
		if l.grouped {
			l.held.Write(out.Bytes())
		} else {
			_, _ = l.w.Write(out.Bytes())
		}
	}
	held := slices.Clone(l.held.Bytes())
	l.held.Reset()
	l.mu.Unlock()
	if len(held) == 0 {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "::group::%s\n", name)
	b.Write(held)
	b.WriteString("::endgroup::\n")
	_, _ = l.w.Write(b.Bytes())
}
