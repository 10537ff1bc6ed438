package schedule

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/plugin"
	"github.com/doppio-ecs/doppio/internal/render"
	"github.com/doppio-ecs/doppio/internal/secret"
)

// LoadOptions are what loading a file needs from the command.
type LoadOptions struct {
	// ExtStr and ExtCode are Jsonnet's external variables (--ext-str, --ext-code).
	ExtStr, ExtCode map[string]string
	// Getenv reads the command's environment (env, must_env, plugins).
	Getenv func(string) (string, bool)
	// Secrets receives the secret values lookups return (SSM SecureString).
	Secrets *secret.Set
	// AWS returns the AWS config plugins use (ssm, tfstate on S3), on first use.
	AWS func(ctx context.Context, region string) (aws.Config, error)
	// HTTPClient fetches remote tfstate; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Loaded is a file with the renderer that rendered it (for redaction).
type Loaded struct {
	*File
	Renderer *render.Renderer
}

// Load renders and decodes an ecschedule file the way ecschedule reads it:
// .jsonnet is evaluated by Jsonnet (--ext-str/--ext-code, natives env and
// must_env), .json is JSON, anything else YAML; Go templates run over the text with
// env, must_env, tfstate, tfstatef, ssm and plugin (for func_prefix'ed plugin
// functions, as ecschedule documents). As in ecschedule, the file is rendered twice:
// first with placeholder lookups to read its plugins:, then with them. It then
// validates the file (Validate).
func Load(ctx context.Context, path, shown string, o LoadOptions) (*Loaded, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &diag.Error{File: shown, Err: err, Hint: "check --conf", Code: diag.ExitUsage}
	}
	opts := render.Options{ExtStr: o.ExtStr, ExtCode: o.ExtCode, Getenv: o.Getenv, Secrets: secret.NewSet()}
	opts.Functions = placeholders()
	first, err := render.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	data, err := renderAs(ctx, first, path)
	if err != nil {
		return nil, relocate(err, path, shown)
	}
	f, err := Decode(shown, src, data)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	dir := filepath.Dir(abs)
	specs := make([]plugin.Spec, 0, len(f.Plugins))
	for _, p := range f.Plugins {
		specs = append(specs, plugin.Spec{Name: strings.ToLower(p.Name), Config: p.Config, FuncPrefix: p.FuncPrefix})
	}
	region := f.Region
	funcs, err := plugin.Functions(ctx, specs, plugin.Deps{
		BaseDir: dir,
		AWS: func(ctx context.Context) (aws.Config, error) {
			if o.AWS == nil {
				return aws.Config{}, fmt.Errorf("no AWS configuration for plugin lookups")
			}
			return o.AWS(ctx, region)
		},
		Getenv:     o.Getenv,
		HTTPClient: o.HTTPClient,
	})
	if err != nil {
		return nil, &diag.Error{File: shown, Line: lineOfKey(src, "plugins", 0), Err: err, Hint: diag.Hint(err), Code: diag.ExitCode(err)}
	}
	funcs = append(funcs, pluginFunction(funcs))
	opts.Functions = funcs
	opts.Secrets = o.Secrets
	r, err := render.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	data, err = renderAs(ctx, r, path)
	if err != nil {
		return nil, relocate(err, path, shown)
	}
	if f, err = Decode(shown, src, data); err != nil {
		return nil, err
	}
	f.Dir = dir
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &Loaded{File: f, Renderer: r}, nil
}

// renderAs renders path as ecschedule chooses by extension: .jsonnet with Jsonnet,
// .json as JSON, everything else (.yaml, .yml, or no known extension) as YAML.
func renderAs(ctx context.Context, r *render.Renderer, path string) ([]byte, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonnet", ".json", ".yaml", ".yml":
		return r.RenderFile(ctx, path)
	}
	// render picks the language by extension; an extension-less file is YAML to
	// ecschedule.
	return nil, &diag.Error{File: path, Code: diag.ExitUsage, Err: fmt.Errorf("unsupported file extension %q", filepath.Ext(path)),
		Hint: "name the file ecschedule.yaml, .yml, .json or .jsonnet"}
}

// relocate names the file as the user gave it in a render error.
func relocate(err error, path, shown string) error {
	if d, ok := err.(*diag.Error); ok && d.File == path {
		c := *d
		c.File = shown
		return &c
	}
	return err
}

// placeholders stand in for the lookup functions in the first rendering, which
// only reads plugins:.
func placeholders() []render.Function {
	stub := func(context.Context, []any) (any, error) { return "placeholder", nil }
	var out []render.Function
	for _, name := range []string{"tfstate", "tfstatef", "ssm", "plugin"} {
		out = append(out, render.Function{Name: name, TemplateOnly: true, Call: stub})
	}
	return out
}

// pluginFunction is ecschedule's `plugin` template function: {{ plugin `first_tfstate`
// `aws_subnet.a.id` }} calls the named (prefixed) plugin function with the rest of
// the arguments.
func pluginFunction(funcs []render.Function) render.Function {
	byName := map[string]render.Function{}
	for _, f := range funcs {
		if !f.JsonnetOnly {
			byName[f.Name] = f
		}
	}
	return render.Function{
		Name:         "plugin",
		TemplateOnly: true,
		Call: func(ctx context.Context, args []any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("plugin takes a function name and its arguments")
			}
			name, ok := args[0].(string)
			if !ok {
				return nil, fmt.Errorf("plugin: the function name must be a string, got %T", args[0])
			}
			f, ok := byName[name]
			if !ok {
				names := make([]string, 0, len(byName))
				for n := range byName {
					names = append(names, n)
				}
				return nil, diag.WithHint(fmt.Errorf("plugin: no function %q", name), diag.DidYouMean(name, names))
			}
			return f.Call(ctx, args[1:])
		},
	}
}
