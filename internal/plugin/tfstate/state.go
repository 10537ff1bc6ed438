package tfstate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Opener opens a state for one streaming read.
type Opener func(ctx context.Context) (io.ReadCloser, error)

// State answers lookups against one Terraform state. It reads the state lazily, on
// the first lookup or prefetch, and in as few streaming passes as it can: a
// prefetch keeps exactly the resources a template names; a lookup the prefetch did
// not foresee first tries a pass for its own resource, and from the second miss on
// the state is indexed whole (still one streaming pass) and cached. Safe for
// concurrent use.
type State struct {
	name string // where the state is, for messages
	open Opener

	mu        sync.Mutex
	passes    int
	full      bool                    // every resource is in loaded
	searched  map[string]bool         // resource addresses some completed pass looked for
	loaded    map[string]*rawResource // raw resources kept so far
	decoded   map[string]*resource
	outputs   map[string]json.RawMessage
	addresses []string // every resource address, known after the first pass
}

// resource is a decoded state resource.
type resource struct {
	each      string
	instances []instance
}

type instance struct {
	IndexKey   any            `json:"index_key"`
	Attributes map[string]any `json:"attributes"`
}

// NewState returns a State read through open; name describes the location in
// messages (a path or URL).
func NewState(name string, open Opener) *State {
	return &State{name: name, open: open, searched: map[string]bool{}, loaded: map[string]*rawResource{},
		decoded: map[string]*resource{}, outputs: map[string]json.RawMessage{}}
}

// Passes reports how many times the state has been read (for tests and benchmarks).
func (s *State) Passes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.passes
}

// Prefetch reads, in one pass, every resource the addresses name that is not
// already loaded. Unparsable addresses are ignored here; Lookup reports them.
func (s *State) Prefetch(ctx context.Context, addrs []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := map[string]bool{}
	needOutputs := false
	for _, a := range addrs {
		p, err := parseAddress(a)
		if err != nil {
			continue
		}
		if p.output != "" {
			needOutputs = true
			continue
		}
		if !s.full && !s.searched[p.resource] {
			want[p.resource] = true
		}
	}
	if len(want) == 0 && (!needOutputs || s.passes > 0) {
		return nil
	}
	return s.pass(ctx, want)
}

// pass reads the state once, keeping the resources in want (all when want is nil).
// The caller holds s.mu.
func (s *State) pass(ctx context.Context, want map[string]bool) error {
	return s.passWith(ctx, func(bool) map[string]bool { return want })
}

// passWith is pass with the wanted set chosen once the source is open, by whether
// it is seekable. A seekable source's full index keeps only positions, so it costs
// no more memory than a targeted pass.
func (s *State) passWith(ctx context.Context, choose func(seekable bool) map[string]bool) error {
	rc, err := s.open(ctx)
	if err != nil {
		return fmt.Errorf("read tfstate %s: %w", s.name, err)
	}
	defer rc.Close()
	_, seekable := rc.(io.ReaderAt)
	want := choose(seekable)
	var accept func(string) bool
	if want != nil {
		accept = func(addr string) bool { return want[addr] }
	}
	res, err := scan(rc, accept, want == nil && seekable)
	if err != nil {
		return fmt.Errorf("read tfstate %s: %w", s.name, err)
	}
	if res.version != 0 && res.version != 4 {
		return fmt.Errorf("read tfstate %s: state format version %d is not supported (Terraform 0.12 and later write version 4)", s.name, res.version)
	}
	s.passes++
	for addr, r := range res.resources {
		s.loaded[addr] = r
	}
	s.outputs = res.outputs
	s.addresses = res.addresses
	if want == nil {
		s.full = true
	}
	for addr := range want {
		s.searched[addr] = true
	}
	return nil
}

// Lookup resolves an address such as module.vpc.aws_subnet.private[0].id,
// data.aws_caller_identity.current.account_id or output.vpc_id to a JSON value
// (string, float64, bool, nil, []any or map[string]any). A resource with count or
// for_each named without an index yields the list or map of all its instances'
// attributes, as Terraform expressions do.
func (s *State) Lookup(ctx context.Context, addr string) (any, error) {
	p, err := parseAddress(addr)
	if err != nil {
		return nil, diag.Invalid(err, "addresses look like module.vpc.aws_subnet.private[0].id or output.vpc_id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.output != "" {
		if s.passes == 0 {
			if err := s.pass(ctx, map[string]bool{}); err != nil {
				return nil, err
			}
		}
		raw, ok := s.outputs[p.output]
		if !ok {
			return nil, s.notFound(addr, "output."+p.output)
		}
		var out struct {
			Value any `json:"value"`
		}
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("tfstate %s: output %s: %w", s.name, p.output, err)
		}
		return walk(addr, out.Value, p.path)
	}
	r, err := s.resource(ctx, p.resource)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, s.notFound(addr, p.resource)
	}
	v, err := r.value(addr, p)
	if err != nil {
		return nil, err
	}
	return walk(addr, v, p.path)
}

// resource returns the decoded resource, reading the state if needed; nil when the
// state has no such resource. The caller holds s.mu.
func (s *State) resource(ctx context.Context, addr string) (*resource, error) {
	if r, ok := s.decoded[addr]; ok {
		return r, nil
	}
	raw, ok := s.loaded[addr]
	if !ok && !s.full && !s.searched[addr] {
		err := s.passWith(ctx, func(seekable bool) map[string]bool {
			if seekable || s.passes > 0 {
				return nil // index everything once (positions only when seekable)
			}
			return map[string]bool{addr: true} // the first unforeseen lookup of a stream
		})
		if err != nil {
			return nil, err
		}
		raw, ok = s.loaded[addr]
	}
	if !ok {
		return nil, nil
	}
	instances := raw.Instances
	if instances == nil && raw.Len > 0 {
		b, err := s.readAt(ctx, raw.Off, raw.Len)
		if err != nil {
			return nil, err
		}
		instances = b
	}
	r := &resource{each: raw.Each}
	if err := json.Unmarshal(instances, &r.instances); err != nil {
		return nil, fmt.Errorf("tfstate %s: %s: %w", s.name, addr, err)
	}
	if isRemoteState(addr) {
		for _, in := range r.instances {
			for k, v := range in.Attributes {
				in.Attributes[k] = unwrapValue(v)
			}
		}
	}
	s.decoded[addr] = r
	delete(s.loaded, addr) // the decoded form replaces the raw bytes
	return r, nil
}

// isRemoteState reports whether a canonical resource address names a
// terraform_remote_state data source (possibly inside modules).
func isRemoteState(addr string) bool {
	const ds = "data.terraform_remote_state."
	i := strings.LastIndex(addr, ds)
	if i < 0 || (i > 0 && addr[i-1] != '.') {
		return false
	}
	return !strings.ContainsAny(addr[i+len(ds):], ".[")
}

// unwrapValue returns the value of a {"value": V, "type": T} wrapper, the way
// Terraform stores dynamic attributes such as terraform_remote_state's outputs, and
// v itself otherwise. As in tfstate-lookup (ecspresso's tfstate plugin),
// data.terraform_remote_state.NAME.outputs.KEY is then the output's value, not its
// wrapper; a wrapper whose value or type is null is left as it is.
func unwrapValue(v any) any {
	if m, ok := v.(map[string]any); ok && m["value"] != nil && m["type"] != nil {
		return m["value"]
	}
	return v
}

// readAt reads a resource's instances from a seekable source by position.
func (s *State) readAt(ctx context.Context, off, n int64) ([]byte, error) {
	rc, err := s.open(ctx)
	if err != nil {
		return nil, fmt.Errorf("read tfstate %s: %w", s.name, err)
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		return nil, fmt.Errorf("read tfstate %s: source is no longer seekable", s.name)
	}
	b := make([]byte, n)
	if _, err := ra.ReadAt(b, off); err != nil {
		return nil, fmt.Errorf("read tfstate %s: %w (did the file change while doppio ran?)", s.name, err)
	}
	return b, nil
}

// value selects the instance the address names, or all of them.
func (r *resource) value(addr string, p address) (any, error) {
	if p.instance == nil {
		switch {
		case r.each == "list":
			list := make([]any, len(r.instances))
			for i, in := range r.instances {
				list[i] = in.Attributes
			}
			return list, nil
		case r.each == "map":
			m := make(map[string]any, len(r.instances))
			for _, in := range r.instances {
				m[fmt.Sprint(in.IndexKey)] = in.Attributes
			}
			return m, nil
		case len(r.instances) == 1:
			return r.instances[0].Attributes, nil
		case len(r.instances) == 0:
			return nil, diag.Invalid(fmt.Errorf("tfstate: %s: %s has no instances", addr, p.resource), "run terraform apply, or check the workspace")
		}
		list := make([]any, len(r.instances))
		for i, in := range r.instances {
			list[i] = in.Attributes
		}
		return list, nil
	}
	keys := make([]string, 0, len(r.instances))
	for _, in := range r.instances {
		switch k := in.IndexKey.(type) {
		case float64:
			if p.instance.isIdx && int(k) == p.instance.index {
				return in.Attributes, nil
			}
			keys = append(keys, fmt.Sprintf("[%d]", int(k)))
		case string:
			if !p.instance.isIdx && k == p.instance.key {
				return in.Attributes, nil
			}
			keys = append(keys, fmt.Sprintf("[%q]", k))
		}
	}
	if len(keys) == 0 {
		return nil, diag.Invalid(fmt.Errorf("tfstate: %s: %s has no count or for_each, so it takes no index", addr, p.resource),
			fmt.Sprintf("use %s%s", p.resource, pathString(p.path)))
	}
	return nil, diag.Invalid(fmt.Errorf("tfstate: %s: no instance %s of %s", addr, keyString(*p.instance), p.resource),
		"existing instances: "+strings.Join(keys, ", "))
}

// walk follows an attribute path into v.
func walk(addr string, v any, path []step) (any, error) {
	for i, st := range path {
		switch cur := v.(type) {
		case map[string]any:
			if st.isIdx {
				return nil, diag.Invalid(fmt.Errorf("tfstate: %s: %s is an object, not a list", addr, pathString(path[:i])), "")
			}
			next, ok := cur[st.key]
			if !ok {
				keys := make([]string, 0, len(cur))
				for k := range cur {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				hint := diag.DidYouMean(st.key, keys)
				if hint == "" && len(keys) <= 30 {
					hint = "attributes here: " + strings.Join(keys, ", ")
				}
				return nil, diag.Invalid(fmt.Errorf("tfstate: %s: no attribute %q", addr, st.key), hint)
			}
			v = next
		case []any:
			if !st.isIdx {
				return nil, diag.Invalid(fmt.Errorf("tfstate: %s: %s is a list; index it with [N]", addr, pathString(path[:i])), "")
			}
			if st.index < 0 || st.index >= len(cur) {
				return nil, diag.Invalid(fmt.Errorf("tfstate: %s: index %d out of range (the list has %d elements)", addr, st.index, len(cur)), "")
			}
			v = cur[st.index]
		default:
			return nil, diag.Invalid(fmt.Errorf("tfstate: %s: cannot look up %s in a %s", addr, st, typeName(v)), "")
		}
	}
	return v, nil
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

func pathString(p []step) string {
	var b strings.Builder
	for _, st := range p {
		b.WriteString(st.String())
	}
	return b.String()
}

// notFound reports a missing resource or output with the closest existing
// addresses.
func (s *State) notFound(addr, missing string) error {
	candidates := make([]string, 0, len(s.addresses)+len(s.outputs))
	seen := map[string]bool{}
	for _, a := range s.addresses {
		if !seen[a] {
			seen[a] = true
			candidates = append(candidates, a)
		}
	}
	for name := range s.outputs {
		candidates = append(candidates, "output."+name)
	}
	near := closest(missing, candidates, 3)
	hint := ""
	if len(near) > 0 {
		hint = "did you mean " + strings.Join(quoteAll(near), " or ") + "?"
	}
	return &diag.Error{Err: fmt.Errorf("tfstate: %s not found in %s", missingLabel(addr, missing), s.name), Hint: hint, Code: diag.ExitUsage}
}

func missingLabel(addr, missing string) string {
	if addr == missing {
		return fmt.Sprintf("%q", addr)
	}
	return fmt.Sprintf("%q (looking up %q)", missing, addr)
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// closest returns up to n candidates nearest to name by edit distance, within a
// third of the name's length.
func closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	limit := max(3, len(name)/3)
	var best []scored
	for _, c := range candidates {
		if abs(len(c)-len(name)) > limit {
			continue
		}
		d := diag.Distance(name, c, limit)
		if d > limit {
			continue
		}
		best = append(best, scored{c, d})
	}
	slices.SortStableFunc(best, func(a, b scored) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return strings.Compare(a.s, b.s)
	})
	out := []string{}
	for i := 0; i < len(best) && i < n; i++ {
		out = append(out, best[i].s)
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
