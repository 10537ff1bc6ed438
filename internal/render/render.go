// Package render turns ecspresso-compatible definition and config files into JSON:
// Jsonnet evaluation (ext vars, native lookup functions, relative imports), Go
// text/template expansion with the env/must_env/json_escape builtins and plugin lookup
// functions, and YAML-to-JSON conversion. It makes no AWS call itself; lookups arrive
// as Functions built by internal/plugin.
//
// Every failure is a *diag.Error carrying the file, line and column the user has to
// look at.
package render

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/secret"
)

// Function is a lookup function available in Go templates and, under the same name,
// as a Jsonnet native function (std.native('name')).
type Function struct {
	// Name is the full name including any func_prefix, e.g. "tfstate",
	// "second_tfstatef", "ssm".
	Name string
	// Params are the Jsonnet native parameter names.
	Params []string
	// Call performs the lookup. Template literals arrive as string, int, float64 or
	// bool; Jsonnet values as their JSON decoding (float64, string, bool, nil,
	// []any, map[string]any). A result of type Secret is inserted and remembered for
	// Redact.
	Call func(ctx context.Context, args []any) (any, error)
	// Prefetch, if set, receives before any template executes every call of this
	// function whose arguments are all literals, so a plugin can batch (tfstate: one
	// streaming pass over the state keeping only the needed addresses). An error here
	// is not fatal: Call reports the real failure with its position.
	Prefetch func(ctx context.Context, calls [][]any) error
	// JsonnetOnly hides the function from Go templates. TemplateOnly hides it from
	// Jsonnet (e.g. tfstatef, which Jsonnet replaces with std.format).
	JsonnetOnly, TemplateOnly bool
}

// Secret is returned by Function.Call for values that must never be printed (SSM
// SecureString); the renderer inserts the real value and remembers it for Redact.
type Secret string

// Options configure a Renderer.
type Options struct {
	// ExtStr and ExtCode are the Jsonnet external variables (--ext-str, --ext-code).
	ExtStr, ExtCode map[string]string
	// Getenv looks up an environment variable; the renderer never reads the process
	// environment itself. Nil means an empty environment.
	Getenv func(string) (string, bool)
	// Functions are the plugin lookup functions (see internal/plugin).
	Functions []Function
	// Secrets receives every secret value a lookup returns (SecureString,
	// Secrets Manager); nil means a set of the renderer's own.
	Secrets *secret.Set
}

// Renderer renders files. It is safe for concurrent use.
type Renderer struct {
	opts   Options
	getenv func(string) (string, bool)
	funcs  []Function // builtins first, then plugins, in registration order

	secrets *secret.Set
}

// New builds a Renderer. The builtins env, must_env and json_escape are always
// present; a plugin function whose name is already taken is an error telling the
// user to set func_prefix.
func New(ctx context.Context, opts Options) (*Renderer, error) {
	_ = ctx // reserved: plugins may need set-up in the future
	r := &Renderer{opts: opts, getenv: opts.Getenv, secrets: opts.Secrets}
	if r.secrets == nil {
		r.secrets = secret.NewSet()
	}
	if r.getenv == nil {
		r.getenv = func(string) (string, bool) { return "", false }
	}
	if err := checkExtCode(opts.ExtCode); err != nil {
		return nil, err
	}
	r.funcs = r.builtins()
	seen := map[string]bool{}
	for _, f := range r.funcs {
		seen[f.Name] = true
	}
	for _, f := range opts.Functions {
		if f.Name == "" || f.Call == nil {
			return nil, diag.Errorf("template function %q has no name or no implementation", f.Name)
		}
		if seen[f.Name] {
			return nil, diag.Invalid(
				fmt.Errorf("template function %s already exists; set func_prefix on the %s plugin", f.Name, pluginOf(f.Name)),
				"give each plugin that provides the same functions a distinct func_prefix, e.g. func_prefix: second_")
		}
		seen[f.Name] = true
		r.funcs = append(r.funcs, f)
	}
	return r, nil
}

// pluginOf guesses the plugin that provides a function, for error messages.
func pluginOf(name string) string {
	for _, p := range []struct{ suffix, plugin string }{
		{"tfstatef", "tfstate"}, {"tfstate", "tfstate"}, {"ssm_list", "ssm"}, {"ssm", "ssm"},
		{"secretsmanager_arn", "secretsmanager"}, {"cfn_output", "cloudformation"}, {"cfn_export", "cloudformation"},
	} {
		if strings.HasSuffix(name, p.suffix) {
			return p.plugin
		}
	}
	return name
}

// Kind of file, chosen by extension.
type kind int

const (
	kindJSON kind = iota
	kindJsonnet
	kindYAML
)

func kindOf(path string) kind {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonnet", ".libsonnet":
		return kindJsonnet
	case ".yml", ".yaml":
		return kindYAML
	default:
		return kindJSON
	}
}

// RenderFile renders a definition file to JSON bytes:
//   - .jsonnet/.libsonnet: Jsonnet (ext vars, every native function, imports relative
//     to the file), then a Go template over the resulting JSON text;
//   - .yml/.yaml: Go template over the raw text, then YAML to JSON;
//   - anything else (.json): Go template over the raw text, which must then be JSON.
//     Like ecspresso, a .json definition is not Jsonnet: comments and trailing commas
//     are errors, with a hint to rename the file to .jsonnet.
func (r *Renderer) RenderFile(ctx context.Context, path string) ([]byte, error) {
	return r.render(ctx, path, kindOf(path))
}

// RenderConfigFile is RenderFile for config files, where (as in ecspresso) a .json
// file is evaluated by Jsonnet too, so comments and trailing commas work. Only .yml,
// .yaml, .json and .jsonnet are accepted.
func (r *Renderer) RenderConfigFile(ctx context.Context, path string) ([]byte, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yml", ".yaml":
		return r.render(ctx, path, kindYAML)
	case ".json", ".jsonnet":
		return r.render(ctx, path, kindJsonnet)
	}
	return nil, &diag.Error{File: path, Code: diag.ExitUsage,
		Err:  fmt.Errorf("unsupported config file extension %q", filepath.Ext(path)),
		Hint: "name the config ecspresso.yml, .yaml, .json or .jsonnet"}
}

// render evaluates a file, returning as soon as ctx ends: Jsonnet evaluation and
// large template runs cannot be interrupted themselves, so a signal or the command's
// deadline must not wait for them (the abandoned evaluation ends with the process).
func (r *Renderer) render(ctx context.Context, path string, k kind) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := r.evaluate(ctx, path, k)
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("render %s: %w", path, context.Cause(ctx))
	}
}

// evaluate renders one file and bounds the size of what it produced.
func (r *Renderer) evaluate(ctx context.Context, path string, k kind) ([]byte, error) {
	out, err := r.renderKind(ctx, path, k)
	if err == nil && len(out) > MaxFileBytes {
		return nil, tooBig(path, len(out))
	}
	return out, err
}

func (r *Renderer) renderKind(ctx context.Context, path string, k kind) ([]byte, error) {
	switch k {
	case kindJsonnet:
		out, src, err := r.evalJsonnet(ctx, path)
		if err != nil {
			return nil, err
		}
		// The template runs over Jsonnet's output; positions are mapped back to the
		// source where the failing action can be found there.
		b, err := r.execTemplate(ctx, path, out, src)
		if err != nil {
			return nil, err
		}
		return b, nil
	case kindYAML:
		src, err := readFile(path)
		if err != nil {
			return nil, err
		}
		if err := checkText(path, src); err != nil {
			return nil, err
		}
		b, err := r.execTemplate(ctx, path, src, nil)
		if err != nil {
			return nil, err
		}
		return yamlToJSON(path, b, bytes.Equal(b, src))
	default:
		src, err := readFile(path)
		if err != nil {
			return nil, err
		}
		b, err := r.execTemplate(ctx, path, src, nil)
		if err != nil {
			return nil, err
		}
		if err := checkJSON(path, b, bytes.Equal(b, src)); err != nil {
			return nil, err
		}
		return b, nil
	}
}

// remember records a secret value so Redact (and every output path) hides it.
func (r *Renderer) remember(value, label string) { r.secrets.Add(value, label) }

// Redact replaces every secret value the renderer has produced, raw or in any
// JSON-escaped form, with a placeholder such as "(secret ssm:/app/db-password)".
func (r *Renderer) Redact(b []byte) []byte { return r.secrets.Redact(b) }
