package schedule

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sync/errgroup"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Identity names the account of a region's credentials (STS).
type Identity interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// ECS is the part of ECS the schedule verbs read: task definitions and the tasks
// the rules started.
type ECS interface {
	TaskDefinitions
	Tasks
}

// Region is one region's clients, built by the command (Connect), and what the
// session learnt there: the account and the live rules.
type Region struct {
	// Config is the region's AWS config (plugins, and the command's own clients).
	Config   aws.Config
	Events   Events
	Search   Search
	ECS      ECS
	Roles    Roles
	Identity Identity
	// Scheduler is EventBridge Scheduler; nil when no file of the command uses it.
	Scheduler Scheduler

	Name    string
	Account string
	Live    *Live
	// Schedules are the live EventBridge Scheduler schedules (when a file uses it).
	Schedules *LiveSchedules
}

// Connect builds the clients of a region ("" for the default one).
type Connect func(ctx context.Context, region string) (*Region, error)

// SessionFile is one loaded file with its region.
type SessionFile struct {
	*Loaded
	Acct Account
	// AWS is the file's region: its clients and live rules.
	AWS *Region
}

// Session is one schedule command's files and regions: the files are loaded and
// checked together, and each region's clients and live rules are read once.
type Session struct {
	Files   []*SessionFile
	connect Connect
	mu      sync.Mutex
	regions map[string]*Region
}

// NewSession returns a session without files (dump).
func NewSession(connect Connect) *Session {
	return &Session{connect: connect, regions: map[string]*Region{}}
}

// Paths expands --conf patterns (globs included) to file paths as shown to the
// user; abs makes a path absolute, rel makes it relative for display. At least one
// file is required.
func Paths(patterns []string, abs, rel func(string) string) ([]string, error) {
	var out []string
	for _, c := range patterns {
		if !strings.ContainsAny(c, "*?[") {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
			continue
		}
		matches, err := filepath.Glob(abs(c))
		if err != nil || len(matches) == 0 {
			return nil, diag.Invalid(fmt.Errorf("--conf %q matches no file", c), "check the pattern (quote it so the shell does not expand it)")
		}
		sort.Strings(matches)
		for _, m := range matches {
			if r := rel(m); !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, diag.Invalid(errors.New("no ecschedule file: --conf FILE is required"), "doppio schedule --conf ecschedule.yaml diff --all")
	}
	return out, nil
}

// Open loads and validates every file concurrently (abs makes a shown path
// readable); every problem of every file, and rule names two files of one region
// share, are reported together, before any AWS call but the plugins' lookups.
func Open(ctx context.Context, paths []string, abs func(string) string, o LoadOptions, connect Connect) (*Session, error) {
	s := NewSession(connect)
	o.AWS = func(ctx context.Context, region string) (aws.Config, error) {
		r, err := s.region(ctx, region)
		if err != nil {
			return aws.Config{}, err
		}
		return r.Config, nil
	}
	s.Files = make([]*SessionFile, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Go(func() {
			l, err := Load(ctx, abs(p), p, o)
			s.Files[i], errs[i] = &SessionFile{Loaded: l}, err
		})
	}
	wg.Wait()
	var ps Problems
	var other []error
	for _, err := range errs {
		if !collect(err, &ps) {
			other = append(other, err)
		}
	}
	if len(other) > 0 {
		return nil, errors.Join(other...)
	}
	// Rule names are unique per region: two files naming one rule would fight.
	seen := map[string]string{}
	for _, f := range s.Files {
		if f.Loaded == nil {
			continue
		}
		for _, r := range f.Rules {
			key := f.File.Region + "|" + r.Name
			if prev, ok := seen[key]; ok && prev != f.Path {
				ps = append(ps, &diag.Error{File: f.Path, Line: f.RuleLine(r.Name), Field: "rules (" + r.Name + ")", Code: diag.ExitUsage,
					Err: fmt.Errorf("duplicate rule name %q: %s names it too", r.Name, prev), Hint: "a rule belongs to one file"})
			}
			seen[key] = f.Path
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// collect adds err to ps when it is invalid input (true), or reports false.
func collect(err error, ps *Problems) bool {
	var p Problems
	var d *diag.Error
	switch {
	case err == nil:
	case errors.As(err, &p):
		*ps = append(*ps, p...)
	case errors.As(err, &d) && d.Code == diag.ExitUsage:
		*ps = append(*ps, d)
	default:
		return false
	}
	return true
}

// region returns a region's clients, built on first use.
func (s *Session) region(ctx context.Context, name string) (*Region, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.regions[name]; ok {
		return r, nil
	}
	r, err := s.connect(ctx, name)
	if err != nil {
		return nil, err
	}
	s.regions[name] = r
	return r, nil
}

// Connect resolves every file's region and account (one STS call per region).
func (s *Session) Connect(ctx context.Context) error {
	for _, f := range s.Files {
		r, err := s.region(ctx, f.File.Region)
		if err != nil {
			return err
		}
		if r.Account == "" {
			out, err := r.Identity.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return fmt.Errorf("get the AWS account: %w", err)
			}
			r.Account = aws.ToString(out.Account)
		}
		f.AWS, f.Acct = r, Account{ID: r.Account, Region: r.Name}
	}
	return nil
}

// CheckRules requires every name to be a rule of some file.
func (s *Session) CheckRules(names []string) error {
	var all []string
	for _, f := range s.Files {
		for _, r := range f.Rules {
			all = append(all, r.Name)
		}
	}
	for _, n := range names {
		if !slices.Contains(all, n) {
			hint := diag.DidYouMean(n, all)
			if hint == "" {
				hint = "the files' rules: " + strings.Join(all, ", ")
			}
			return diag.Invalid(fmt.Errorf("--rule %s: no such rule in the files", n), hint)
		}
	}
	return nil
}

// Check validates the selected rules against the account (task definitions,
// containers, roles), file by file concurrently; every problem is reported together.
func (s *Session) Check(ctx context.Context, only []string) error {
	var mu sync.Mutex
	var ps Problems
	g, gctx := errgroup.WithContext(ctx)
	for _, f := range s.Files {
		g.Go(func() error {
			_, err := Check(gctx, f.File, f.Acct, f.AWS.ECS, f.AWS.Roles, only)
			mu.Lock()
			defer mu.Unlock()
			if !collect(err, &ps) {
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ps.Err()
}

// Fetch reads the live rules of every region once, with the targets of the rules
// the files name (and, with prune, of the prune candidates).
func (s *Session) Fetch(ctx context.Context, prune bool) error {
	byRegion := map[*Region][]*SessionFile{}
	var order []*Region
	for _, f := range s.Files {
		if _, ok := byRegion[f.AWS]; !ok {
			order = append(order, f.AWS)
		}
		byRegion[f.AWS] = append(byRegion[f.AWS], f)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range order {
		files := byRegion[r]
		g.Go(func() error {
			var want, ids []string
			for _, f := range files {
				for _, rule := range f.Resolve(f.Acct) {
					want = append(want, rule.Name)
					if !slices.Contains(ids, rule.TrackingID) {
						ids = append(ids, rule.TrackingID)
					}
				}
			}
			live, err := Fetch(gctx, r.Events, r.Search, want, ids)
			if err != nil {
				return err
			}
			if prune {
				for _, f := range files {
					for _, name := range PruneCandidates(f.File, live) {
						if lr := live.Rules[name]; lr != nil {
							if lr.Targets, err = Targets(gctx, r.Events, name); err != nil {
								return err
							}
						}
					}
				}
			}
			r.Live = live
			return s.fetchSchedules(gctx, r, files, prune)
		})
	}
	return g.Wait()
}

// Prepare checks the selection, connects, validates against the account when
// asked, and reads the live rules.
func (s *Session) Prepare(ctx context.Context, only []string, prune, validate bool) error {
	if err := s.CheckRules(only); err != nil {
		return err
	}
	if err := s.Connect(ctx); err != nil {
		return err
	}
	if validate {
		if err := s.Check(ctx, only); err != nil {
			return err
		}
	}
	return s.Fetch(ctx, prune)
}

// Plan compares every file with its region's live rules. A rule another file of
// the command names is never pruned, and an orphan two files share a tracking id
// for is deleted once.
func (s *Session) Plan(only []string, prune bool) ([]*Change, error) {
	var out []*Change
	deleted := map[string]bool{}
	for _, f := range s.Files {
		keep := map[string]bool{}
		for _, o := range s.Files {
			if o.File.Region != f.File.Region {
				continue
			}
			for _, r := range o.Rules {
				keep[r.Name] = true
			}
		}
		cs, err := Plan(f.File, f.Acct, f.AWS.Live, only, prune, keep)
		if err != nil {
			return nil, err
		}
		sc, err := planSchedules(f, only, prune, keep)
		if err != nil {
			return nil, err
		}
		for _, c := range append(cs, sc...) {
			if c.Action == Delete {
				key := f.File.Region + "|" + c.Kind() + "|" + c.Rule
				if deleted[key] {
					continue
				}
				deleted[key] = true
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// FileOf returns the file of a path shown.
func (s *Session) FileOf(path string) *SessionFile {
	for _, f := range s.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Find returns the file and resolved rule of a rule name, or nils.
func (s *Session) Find(rule string) (*SessionFile, *Resolved) {
	for _, f := range s.Files {
		for _, r := range f.Resolve(f.Acct) {
			if r.Name == rule {
				return f, r
			}
		}
	}
	return nil, nil
}

// ApplyAll makes the writes of every change; each rule's writes are independent of
// the others' (they share the rate budget). done is told of each rule applied.
func (s *Session) ApplyAll(ctx context.Context, cs []*Change, done func(*Change)) error {
	if err := ensureGroups(ctx, s, cs); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for _, ch := range cs {
		if ch.Action == Unchanged {
			continue
		}
		f := s.FileOf(ch.File)
		g.Go(func() error {
			var err error
			if ch.schedule != nil {
				err = applySchedule(gctx, f.AWS, ch)
			} else {
				err = Apply(gctx, f.AWS.Events, ch)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", ch.File, err)
			}
			if done != nil {
				done(ch)
			}
			return nil
		})
	}
	return g.Wait()
}
