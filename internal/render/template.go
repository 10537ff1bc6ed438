package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// funcMap adapts the renderer's functions to text/template. ctx is captured per
// render because template functions cannot take one.
func (r *Renderer) funcMap(ctx context.Context) template.FuncMap {
	fm := template.FuncMap{}
	for _, f := range r.funcs {
		if f.JsonnetOnly {
			continue
		}
		fm[f.Name] = func(args ...any) (any, error) {
			v, err := f.Call(ctx, args)
			if err != nil {
				return nil, err
			}
			return r.templateValue(f.Name, args, v)
		}
	}
	return fm
}

// templateValue turns a lookup result into template output: strings as they are,
// secrets as their value (remembered for Redact), anything else as JSON.
func (r *Renderer) templateValue(name string, args []any, v any) (any, error) {
	switch v := v.(type) {
	case Secret:
		r.remember(string(v), secretLabel(name, args))
		return string(v), nil
	case string, int, int64, bool:
		return v, nil
	case float64:
		// As JSON writes it: 123456789012, not fmt's 1.23456789012e+11.
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return string(b), nil
	case nil:
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot print result as JSON: %w", name, err)
	}
	return string(b), nil
}

// secretLabel names a secret in Redact's placeholder, e.g. "ssm:/app/db-password".
func secretLabel(name string, args []any) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		parts = append(parts, fmt.Sprint(a))
	}
	return name + ":" + strings.Join(parts, ",")
}

// execTemplate runs text as a Go template named after path. jsonnetSrc, when not nil,
// is the Jsonnet source text was produced from: error positions are looked up there.
func (r *Renderer) execTemplate(ctx context.Context, path string, text, jsonnetSrc []byte) ([]byte, error) {
	if !bytes.Contains(text, []byte("{{")) {
		return text, nil // nothing to expand: skip parsing entirely
	}
	t, err := template.New(path).Funcs(r.funcMap(ctx)).Parse(string(text))
	if err != nil {
		return nil, r.parseError(path, err, jsonnetSrc != nil)
	}
	r.prefetch(ctx, t)
	var buf bytes.Buffer
	buf.Grow(len(text) + len(text)/4)
	if err := t.Execute(&buf, nil); err != nil {
		return nil, r.execError(path, err, text, jsonnetSrc)
	}
	return buf.Bytes(), nil
}

// parseError reports a template syntax error ("template: NAME:LINE: msg").
func (r *Renderer) parseError(path string, err error, fromJsonnet bool) error {
	msg := err.Error()
	d := &diag.Error{File: path, Code: diag.ExitUsage}
	rest, ok := strings.CutPrefix(msg, "template: "+path+":")
	if ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil && !fromJsonnet {
				d.Line = line
			}
			rest = after
		}
	}
	d.Err = fmt.Errorf("template: %s", rest)
	if m := undefinedFunc.FindStringSubmatch(rest); m != nil {
		d.Hint = r.undefinedHint(m[1])
	}
	if fromJsonnet && d.Hint == "" && strings.Contains(rest, `\`) {
		d.Hint = "in Jsonnet, quote template strings with backquotes ({{ must_env `NAME` }}): double quotes are escaped in Jsonnet's output"
	}
	return d
}

var undefinedFunc = regexp.MustCompile(`function "([^"]+)" not defined`)

func (r *Renderer) undefinedHint(name string) string {
	names := make([]string, 0, len(r.funcs))
	for _, f := range r.funcs {
		if !f.JsonnetOnly {
			names = append(names, f.Name)
		}
	}
	if h := diag.DidYouMean(name, names); h != "" {
		return h
	}
	known := []string{"tfstate", "tfstatef", "ssm", "ssm_list", "secretsmanager_arn", "cfn_output", "cfn_export"}
	base := name
	if s := diag.Suggest(name, known); s != "" {
		base = s
	}
	if p := pluginOf(base); p != base || slices.Contains(known, base) {
		h := fmt.Sprintf("%s comes from the %s plugin: declare it under plugins: in the config (with func_prefix if the name is prefixed)", base, p)
		if base != name {
			h = fmt.Sprintf("did you mean %q? ", base) + h
		}
		return h
	}
	return ""
}

var execLocation = regexp.MustCompile(`^template: (.*):(\d+):(\d+): executing "(?:[^"\\]|\\.)*" at <(.*?)>: `)

// execError locates a template execution error and keeps the cause's hint and code
// (must_env's "export NAME…", tfstate's did-you-mean).
func (r *Renderer) execError(path string, err error, text, jsonnetSrc []byte) error {
	var ee template.ExecError
	if !errors.As(err, &ee) {
		return &diag.Error{File: path, Err: err}
	}
	d := &diag.Error{File: path}
	cause := errors.Unwrap(ee.Err) // the function's own error when the call failed
	expr := ""
	msg := ee.Err.Error()
	if m := execLocation.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		expr = m[4]
		d.Line, d.Column = line, col+1
		if cause == nil {
			cause = errors.New(msg[len(m[0]):])
		}
	} else if cause == nil {
		cause = errors.New(strings.TrimPrefix(msg, "template: "))
	}
	if jsonnetSrc != nil {
		// The template ran over Jsonnet's output, whose lines are not the user's.
		d.Line, d.Column = 0, 0
		if expr != "" {
			if line, col, ok := findExpr(jsonnetSrc, expr); ok {
				d.Line, d.Column = line, col
			}
		}
	}
	if inner, ok := asDiag(cause); ok {
		d.Hint, d.Code = inner.Hint, inner.Code
		cause = inner.Err
	}
	if expr != "" {
		d.Err = fmt.Errorf("{{ %s }}: %w", expr, cause)
	} else {
		d.Err = cause
	}
	if d.Code == 0 {
		d.Code = diag.ExitUsage
	}
	return d
}

// findExpr finds the first occurrence of a template expression in src, tolerating
// the different spacing and quoting (text/template prints "x" where the source may
// say `x`), and returns its 1-based line and column.
func findExpr(src []byte, expr string) (int, int, bool) {
	candidates := []string{expr, strings.ReplaceAll(expr, `"`, "`"), strings.ReplaceAll(expr, `"`, `\"`), strings.ReplaceAll(expr, `"`, `'`)}
	for _, c := range candidates {
		if i := bytes.Index(src, []byte(c)); i >= 0 {
			line := 1 + bytes.Count(src[:i], []byte("\n"))
			col := i - (bytes.LastIndexByte(src[:i], '\n') + 1) + 1
			return line, col, true
		}
	}
	return 0, 0, false
}

// prefetch hands every call with literal arguments to its function's Prefetch, so
// lookups can be batched before execution. Failures are left for Call to report
// with a position.
func (r *Renderer) prefetch(ctx context.Context, t *template.Template) {
	want := map[string]*Function{}
	for i := range r.funcs {
		if r.funcs[i].Prefetch != nil && !r.funcs[i].JsonnetOnly {
			want[r.funcs[i].Name] = &r.funcs[i]
		}
	}
	if len(want) == 0 {
		return
	}
	calls := map[string][][]any{}
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Tree.Root != nil {
			collectCalls(tt.Tree.Root, want, calls)
		}
	}
	for name, c := range calls {
		_ = want[name].Prefetch(ctx, c)
	}
}

// collectCalls walks a parse tree for commands "fn lit lit…" where fn is wanted.
func collectCalls(n parse.Node, want map[string]*Function, calls map[string][][]any) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collectCalls(c, want, calls)
		}
	case *parse.ActionNode:
		collectCalls(n.Pipe, want, calls)
	case *parse.IfNode:
		collectBranch(&n.BranchNode, want, calls)
	case *parse.RangeNode:
		collectBranch(&n.BranchNode, want, calls)
	case *parse.WithNode:
		collectBranch(&n.BranchNode, want, calls)
	case *parse.TemplateNode:
		collectCalls(n.Pipe, want, calls)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			collectCalls(c, want, calls)
		}
	case *parse.CommandNode:
		if len(n.Args) > 0 {
			if id, ok := n.Args[0].(*parse.IdentifierNode); ok && want[id.Ident] != nil {
				if args, ok := literalArgs(n.Args[1:]); ok {
					calls[id.Ident] = append(calls[id.Ident], args)
				}
			}
		}
		for _, a := range n.Args {
			collectCalls(a, want, calls)
		}
	}
}

func collectBranch(b *parse.BranchNode, want map[string]*Function, calls map[string][][]any) {
	collectCalls(b.Pipe, want, calls)
	collectCalls(b.List, want, calls)
	collectCalls(b.ElseList, want, calls)
}

func literalArgs(nodes []parse.Node) ([]any, bool) {
	args := make([]any, 0, len(nodes))
	for _, a := range nodes {
		switch a := a.(type) {
		case *parse.StringNode:
			args = append(args, a.Text)
		case *parse.NumberNode:
			switch {
			case a.IsInt:
				args = append(args, int(a.Int64))
			case a.IsFloat:
				args = append(args, a.Float64)
			default:
				return nil, false
			}
		case *parse.BoolNode:
			args = append(args, a.True)
		default:
			return nil, false
		}
	}
	return args, true
}
