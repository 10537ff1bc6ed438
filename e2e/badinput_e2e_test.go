package e2e

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// The bad-input corpus (issue 8 §1): testdata/badinput/*.txtar, one malformed input
// each. The archive's comment holds the case's metadata, one "key: value" per line:
//
//	verbs: render plan deploy   which verbs to run (default: all three)
//	args: --tag 'bad tag'       extra arguments after the verb (shell-style quoting)
//	env: NAME=value             a variable in doppio's environment (repeatable)
//	file: ecs-task-def.json     the file the error must name, with a line number
//	field: containerDefinitions[0].name   a substring the error must contain
//	flag: --tag                 the flag the error must name
//	want: text                  any other substring the error must contain
//	pending: reason             needs CLI wiring not done yet: reported, not failed
//	setup: register             a doppio command run first, which must exit 0
//	                            (repeatable; the case then gets an account of its own)
//
// The files of the archive are written over a valid baseline project
// (testdata/badinput/_baseline/). Every case runs against the sandbox, in an account
// where no mutating call was made (see TestBadInputCorpus); each verb must exit 2,
// name the location, print no stack trace, panic or
// raw SDK error, and make no mutating call.

var mutating = regexp.MustCompile(`:(Register|Create|Update|Delete|Deregister|Tag|Untag|Put|Run|Start|Stop|Submit|Set|Modify)`)

// leaks are texts a user must never see for bad input: Go panics and stack traces,
// and raw SDK errors for something doppio can check locally.
var leaks = regexp.MustCompile(`panic:|goroutine \d+|runtime/debug|\.go:\d+ \+0x|operation error |api error |StatusCode: \d+`)

type badCase struct {
	name    string
	verbs   []string
	args    []string
	env     map[string]string
	file    string
	wants   []string
	pending string
	setup   [][]string
	files   []txtar.File
}

type verbResult struct {
	exitOK, located, noMutation, noLeak bool
}

func loadBadCases(t *testing.T) ([]badCase, []txtar.File) {
	t.Helper()
	base, err := os.ReadDir("testdata/badinput/_baseline")
	if err != nil {
		t.Fatal(err)
	}
	var baseline []txtar.File
	for _, f := range base {
		b, err := os.ReadFile(filepath.Join("testdata/badinput/_baseline", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		baseline = append(baseline, txtar.File{Name: f.Name(), Data: b})
	}
	paths, err := filepath.Glob("testdata/badinput/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := badCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), verbs: []string{"render", "plan", "deploy"}, env: map[string]string{}, files: ar.Files}
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "verbs":
				c.verbs = strings.Fields(v)
			case "args":
				if c.args, err = splitArgs(v); err != nil {
					t.Fatalf("%s: args: %v", p, err)
				}
			case "env":
				name, val, _ := strings.Cut(v, "=")
				c.env[name] = val
			case "file":
				c.file = v
			case "field", "flag", "want":
				c.wants = append(c.wants, v)
			case "pending":
				c.pending = v
			case "setup":
				args, err := splitArgs(v)
				if err != nil {
					t.Fatalf("%s: setup: %v", p, err)
				}
				c.setup = append(c.setup, args)
			default:
				t.Fatalf("%s: unknown metadata key %q", p, k)
			}
		}
		if c.file == "" && len(c.wants) == 0 {
			t.Fatalf("%s: no file:, field:, flag: or want: to check", p)
		}
		cases = append(cases, c)
	}
	return cases, baseline
}

// splitArgs splits a command line with single and double quotes, as a shell would.
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

func verbArgs(verb string) []string {
	switch verb {
	case "render":
		return []string{"render", "config", "servicedef", "taskdef"}
	case "deploy":
		return []string{"deploy", "--no-wait"}
	}
	return []string{verb}
}

// TestBadInputCorpus runs every case of testdata/badinput through render, plan and
// deploy against the sandbox. With -v it logs a summary table per verb.
func TestBadInputCorpus(t *testing.T) {
	cases, baseline := loadBadCases(t)
	if len(cases) < 250 {
		t.Errorf("the corpus has %d cases, want at least 250", len(cases))
	}
	var mu sync.Mutex
	results := map[string]map[string]verbResult{} // verb -> case -> result
	var pending, passing []string
	// The cases run in corpusShards shards at once. A shard is one sandbox account
	// with the config's cluster, so input that slipped through would reach
	// CreateService/RegisterTaskDefinition and be counted; its cases run one after
	// the other, each in its own directory and environment, so the counts of a verb
	// are its own. Creating an account and a cluster per case was half the corpus's
	// time (issue 19). A case that made a mutating call may have changed the
	// account, so the shard moves on to a fresh one. The shards are not t.Parallel:
	// most of a case's time is waiting for the sandbox, so they run on their own
	// goroutines, beyond -parallel (GOMAXPROCS).
	t.Run("cases", func(t *testing.T) {
		var wg sync.WaitGroup
		for shard := range corpusShards {
			wg.Go(func() {
				t.Run(fmt.Sprintf("shard%d", shard), func(t *testing.T) {
					acct := corpusAccount(t)
					for i := shard; i < len(cases); i += corpusShards {
						c := cases[i]
						t.Run(c.name, func(t *testing.T) {
							a := acct
							if len(c.setup) > 0 { // its setup changes the account
								a = corpusAccount(t)
							}
							e := &e2e{t: t, sb: a.sb, ecs: a.ecs, dir: t.TempDir(), vars: maps.Clone(a.vars)}
							if runBadCase(t, e, c, baseline, &mu, results, &pending, &passing) && a == acct {
								acct = corpusAccount(acct.t)
							}
						})
					}
				})
			})
		}
		wg.Wait()
	})
	sort.Strings(pending)
	var b strings.Builder
	fmt.Fprintf(&b, "bad-input corpus: %d cases (%d pending CLI wiring)\n", len(cases), countPending(cases))
	fmt.Fprintf(&b, "%-7s %6s %10s %8s %12s %8s\n", "verb", "cases", "exit 2", "located", "no mutation", "no leak")
	for _, verb := range []string{"render", "plan", "deploy"} {
		var n, ex, loc, mut, leak int
		for _, r := range results[verb] {
			n++
			ex += b2i(r.exitOK)
			loc += b2i(r.located)
			mut += b2i(r.noMutation)
			leak += b2i(r.noLeak)
		}
		fmt.Fprintf(&b, "%-7s %6d %10d %8d %12d %8d\n", verb, n, ex, loc, mut, leak)
	}
	t.Log(b.String())
	if len(pending) > 0 {
		t.Logf("pending cases that do not pass yet (CLI wiring):\n  %s", strings.Join(pending, "\n  "))
	}
	if len(passing) > 0 {
		sort.Strings(passing)
		t.Logf("pending cases that pass now (remove their pending: line):\n  %s", strings.Join(passing, "\n  "))
	}
}

func countPending(cases []badCase) int {
	n := 0
	for _, c := range cases {
		if c.pending != "" {
			n++
		}
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// corpusShards is the number of sandbox accounts the corpus's cases share.
const corpusShards = 8

// corpusAccount returns a new sandbox account with the corpus cluster. It is
// startE2E without t.Parallel (see TestBadInputCorpus).
func corpusAccount(t *testing.T) *e2e {
	t.Helper()
	e := newE2E(t)
	e.cluster("corpus")
	return e
}

// runBadCase runs one case's verbs in e and records the results; it reports whether
// any verb made a mutating call.
func runBadCase(t *testing.T, e *e2e, c badCase, baseline []txtar.File, mu *sync.Mutex, results map[string]map[string]verbResult, pending, passing *[]string) (mutated bool) {
	for _, f := range baseline {
		if !slices.ContainsFunc(c.files, func(g txtar.File) bool { return g.Name == f.Name }) {
			e.write("p/"+f.Name, string(f.Data))
		}
	}
	for _, f := range c.files {
		if strings.HasSuffix(f.Name, "/") { // a directory
			if err := os.MkdirAll(filepath.Join(e.dir, "p", f.Name), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		e.write("p/"+f.Name, string(f.Data))
	}
	for k, v := range c.env {
		e.setenv(k, v)
	}
	for _, args := range c.setup {
		e.must(0, "p", args...)
	}
	var failures []string
	for _, verb := range c.verbs {
		e.sb.ResetCounts()
		args := append(verbArgs(verb), c.args...)
		code, stdout, stderr := e.run("p", "", args...)
		r := verbResult{exitOK: code == diag.ExitUsage, noLeak: !leaks.MatchString(stdout + stderr), noMutation: true, located: true}
		var calls []string
		for op, n := range e.sb.Counts() {
			if mutating.MatchString(op) && n > 0 {
				r.noMutation = false
				calls = append(calls, op)
			}
		}
		var missing []string
		if c.file != "" && !regexp.MustCompile(regexp.QuoteMeta(c.file)+`:\d+`).MatchString(stderr) {
			missing = append(missing, c.file+":LINE")
		}
		for _, w := range c.wants {
			if !strings.Contains(stderr, w) {
				missing = append(missing, w)
			}
		}
		r.located = len(missing) == 0
		mu.Lock()
		if results[verb] == nil {
			results[verb] = map[string]verbResult{}
		}
		if c.pending == "" {
			results[verb][c.name] = r
		}
		mu.Unlock()
		if r != (verbResult{true, true, true, true}) {
			failures = append(failures, fmt.Sprintf("doppio %s: exit %d (want 2), missing %q, mutating calls %v, leak %v\nstderr:\n%s",
				strings.Join(args, " "), code, missing, calls, !r.noLeak, stderr))
		}
	}
	if len(failures) == 0 {
		if c.pending != "" {
			mu.Lock()
			*passing = append(*passing, c.name)
			mu.Unlock()
		}
		return
	}
	if c.pending != "" {
		mu.Lock()
		*pending = append(*pending, c.name+" ("+c.pending+")")
		mu.Unlock()
		return
	}
	t.Error(strings.Join(failures, "\n"))
	return mutated
}
