package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// evalJsonnet evaluates a Jsonnet (or, for configs, JSON) file and returns its JSON
// output and the source text.
func (r *Renderer) evalJsonnet(ctx context.Context, path string) ([]byte, []byte, error) {
	src, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkText(path, src); err != nil {
		return nil, nil, err
	}
	vm := jsonnet.MakeVM()
	vm.Importer(&jsonnet.FileImporter{})
	for k, v := range r.opts.ExtStr {
		vm.ExtVar(k, v)
	}
	for k, v := range r.opts.ExtCode {
		vm.ExtCode(k, v)
	}
	capture := &capturingFormatter{ErrorFormatter: vm.ErrorFormatter}
	vm.ErrorFormatter = capture
	// go-jsonnet keeps only a native function's error message; keep the errors
	// themselves so hints and exit codes survive.
	var nativeErrs sync.Map // message → error
	for _, f := range r.funcs {
		if f.TemplateOnly {
			continue
		}
		params := make(ast.Identifiers, len(f.Params))
		for i, p := range f.Params {
			params[i] = ast.Identifier(p)
		}
		vm.NativeFunction(&jsonnet.NativeFunction{
			Name:   f.Name,
			Params: params,
			Func: func(args []any) (any, error) {
				v, err := f.Call(ctx, args)
				if err != nil {
					err = fmt.Errorf("%s: %w", f.Name, err)
					nativeErrs.Store(err.Error(), err)
					return nil, err
				}
				return r.jsonnetValue(f.Name, args, v)
			},
		})
	}
	// EvaluateFile (not a snippet) so imports resolve relative to the file.
	out, err := vm.EvaluateFile(path)
	if err != nil {
		return nil, nil, jsonnetError(path, err, capture.err, &nativeErrs)
	}
	return []byte(out), src, nil
}

// jsonnetValue converts a lookup result to a value go-jsonnet accepts.
func (r *Renderer) jsonnetValue(name string, args []any, v any) (any, error) {
	switch v := v.(type) {
	case Secret:
		r.remember(string(v), secretLabel(name, args))
		return string(v), nil
	case nil, string, bool, float64, int, int64, map[string]any, []any:
		return v, nil
	}
	// Anything else (typed slices, structs) goes through JSON.
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s: result is not JSON: %w", name, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%s: result is not JSON: %w", name, err)
	}
	return out, nil
}

// capturingFormatter remembers the structured error go-jsonnet formats, because
// the VM only returns the formatted text.
type capturingFormatter struct {
	jsonnet.ErrorFormatter
	err error
}

func (c *capturingFormatter) Format(err error) string {
	c.err = err
	return c.ErrorFormatter.Format(err)
}

// jsonnetError turns a go-jsonnet failure into a located *diag.Error.
func jsonnetError(path string, formatted, structured error, nativeErrs *sync.Map) error {
	d := &diag.Error{File: path, Code: diag.ExitUsage}
	var loc *ast.LocationRange
	msg := ""
	var rt jsonnet.RuntimeError
	var static interface {
		Loc() ast.LocationRange
		Error() string
	}
	switch {
	case structured != nil && errors.As(structured, &rt):
		msg = rt.Msg
		for i := range rt.StackTrace {
			if l := rt.StackTrace[i].Loc; l.Begin.Line > 0 {
				loc = &l
				break
			}
		}
		if e, ok := nativeErrs.Load(rt.Msg); ok {
			cause := e.(error)
			if inner, ok := asDiag(cause); ok {
				d.Hint, d.Code = inner.Hint, inner.Code
				if inner.Code == 0 {
					d.Code = diag.ExitError
				}
			} else {
				d.Code = diag.ExitError
			}
			d.Err = cause
		}
	case structured != nil && errors.As(structured, &static):
		l := static.Loc()
		loc = &l
		msg = static.Error()
		// Static errors print as "file:line:col-col message"; keep the message.
		if i := strings.Index(msg, " "); i >= 0 && l.Begin.Line > 0 {
			msg = msg[i+1:]
		}
	default:
		msg = strings.TrimSpace(formatted.Error())
	}
	if loc != nil && loc.Begin.Line > 0 {
		if loc.FileName != "" {
			d.File = loc.FileName
		}
		d.Line, d.Column = loc.Begin.Line, loc.Begin.Column
	}
	if d.Err == nil {
		d.Err = fmt.Errorf("jsonnet: %s", strings.TrimPrefix(msg, "RUNTIME ERROR: "))
	}
	return d
}

// readFile reads a file, reporting a missing one as invalid input.
func readFile(path string) ([]byte, error) {
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, &diag.Error{File: path, Err: errors.New("is a directory, not a file"), Code: diag.ExitUsage}
		}
		if fi.Size() > MaxFileBytes {
			return nil, tooBig(path, int(fi.Size()))
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		code := diag.ExitError
		if errors.Is(err, os.ErrNotExist) {
			code = diag.ExitUsage
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &diag.Error{File: path, Err: fmt.Errorf("read: %w", err), Code: code}
	}
	return b, nil
}

// checkExtCode parses every external code variable on its own, so a broken value is
// reported as itself instead of at the position of the std.extVar that reads it.
// Only syntax is checked: a value may call native functions that exist later.
func checkExtCode(code map[string]string) error {
	names := make([]string, 0, len(code))
	for k := range code {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if _, err := jsonnet.SnippetToAST("<ext-code "+k+">", code[k]); err != nil {
			return diag.Invalid(fmt.Errorf("external code variable %q (--ext-code %s=...) is not valid Jsonnet: %v", k, k, err),
				"give --ext-code a Jsonnet expression, e.g. --ext-code replicas=2; use --ext-str for plain strings")
		}
	}
	return nil
}
