package render

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// testEnv is the environment every golden case sees.
var testEnv = map[string]string{
	"FAMILY":   "web",
	"IMAGE":    "nginx:1.27",
	"b":        "the default looked up as a name",
	"QUOTED":   `say "hi" <now>`,
	"CPU":      "512",
	"TAG":      "v1.2.3",
	"ENV_NAME": "prod",
	"CLUSTER":  "main",
}

func getenv(k string) (string, bool) { v, ok := testEnv[k]; return v, ok }

// outcome prints a render result or its error in a stable, reviewable form.
func outcome(b []byte, err error) string {
	if err != nil {
		return fmt.Sprintf("error: %v\nhint: %s\nexit: %d\n", err, diag.Hint(err), diag.ExitCode(err))
	}
	return string(b) + "\n"
}

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", "golden", name+".golden"), []byte(got))
}

func TestRenderFile(t *testing.T) {
	r := mustNew(t, Options{
		Getenv:  getenv,
		ExtStr:  map[string]string{"family": "from-ext-str"},
		ExtCode: map[string]string{"cpu": "128"},
	})
	goldenEach(t, "file_", r.RenderFile,
		"env.json", "missing_env.json", "bad_template.json", "undefined_func.json", "comments.json",
		"taskdef.jsonnet", "bad.jsonnet", "runtime_error.jsonnet", "jsonnet_template_missing.jsonnet",
		"service.yml", "bad.yml", "missing_file.json")
}

func TestRenderConfigFile(t *testing.T) {
	r := mustNew(t, Options{Getenv: getenv})
	goldenEach(t, "config_", r.RenderConfigFile, "config.json", "service.yml", "taskdef.toml")
}

// goldenEach renders each of testdata/in/<names> in a subtest and compares the
// outcome with golden prefix+name.
func goldenEach(t *testing.T, prefix string, render func(context.Context, string) ([]byte, error), names ...string) {
	t.Helper()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			b, err := render(context.Background(), filepath.Join("testdata", "in", name))
			assertGolden(t, prefix+name, outcome(b, err))
		})
	}
}

func TestMustEnvExitCodeAndHint(t *testing.T) {
	ctx := context.Background()
	r := mustNew(t, Options{Getenv: getenv})
	for _, name := range []string{"missing_env.json", "runtime_error.jsonnet"} {
		_, err := r.RenderFile(ctx, filepath.Join("testdata", "in", name))
		if got := diag.ExitCode(err); got != diag.ExitUsage {
			t.Errorf("%s: exit code %d, want %d (err %v)", name, got, diag.ExitUsage, err)
		}
		if h := diag.Hint(err); !strings.HasPrefix(h, "export ") {
			t.Errorf("%s: hint %q", name, h)
		}
	}
}

// fakeLookup is a stateful lookup function for tests: it records prefetches and
// serves values from a map.
type fakeLookup struct {
	values   map[string]any
	prefetch [][]any
	calls    int
}

func (f *fakeLookup) function(name string, secret bool) Function {
	return Function{
		Name:   name,
		Params: []string{"name"},
		Call: func(_ context.Context, args []any) (any, error) {
			f.calls++
			key := fmt.Sprint(args...)
			v, ok := f.values[key]
			if !ok {
				return nil, &diag.Error{Err: fmt.Errorf("%q not found", key), Hint: "check the name"}
			}
			if secret {
				return Secret(v.(string)), nil
			}
			return v, nil
		},
		Prefetch: func(_ context.Context, calls [][]any) error {
			f.prefetch = append(f.prefetch, calls...)
			return nil
		},
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFunctions(t *testing.T) {
	ctx := context.Background()
	lookup := &fakeLookup{values: map[string]any{
		"/app/url":  "https://example.com",
		"sg":        map[string]any{"id": "sg-1", "ports": []any{80.0, 443.0}},
		"port":      8080.0,
		"/app/pass": `p@ss"w<rd>`,
	}}
	secret := &fakeLookup{values: lookup.values}
	r := mustNew(t, Options{Getenv: getenv, Functions: []Function{
		lookup.function("lookup", false),
		secret.function("secret", true),
	}})

	t.Run("template", func(t *testing.T) {
		path := writeFile(t, "td.json", `{
  "url": "{{ lookup "/app/url" }}",
  "sg": {{ lookup "sg" }},
  "port": {{ lookup "port" }},
  "pass": "{{ secret "/app/pass" | json_escape }}"{{ if true }}, "x": "{{ lookup (env "NOPE" "port") }}"{{ end }}
}`)
		b, err := r.RenderFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		want := `{
  "url": "https://example.com",
  "sg": {"id":"sg-1","ports":[80,443]},
  "port": 8080,
  "pass": "p@ss\"w\u003crd\u003e", "x": "8080"
}`
		if diff := cmp.Diff(want, string(b)); diff != "" {
			t.Errorf("render (-want +got):\n%s", diff)
		}
		wantPrefetch := [][]any{{"/app/url"}, {"sg"}, {"port"}}
		if diff := cmp.Diff(wantPrefetch, lookup.prefetch); diff != "" {
			t.Errorf("prefetch (-want +got):\n%s", diff)
		}
		redacted := string(r.Redact(b))
		if strings.Contains(redacted, "w\\u003crd") || !strings.Contains(redacted, `"pass": "(secret secret:/app/pass)"`) {
			t.Errorf("Redact left the secret visible:\n%s", redacted)
		}
	})

	t.Run("jsonnet", func(t *testing.T) {
		path := writeFile(t, "td.jsonnet", `local lookup = std.native('lookup');
local secret = std.native('secret');
{ sg: lookup('sg').ports[1], pass: secret('/app/pass'), port: lookup('port') + 1 }`)
		b, err := r.RenderFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		want := "{\n   \"pass\": \"p@ss\\\"w<rd>\",\n   \"port\": 8081,\n   \"sg\": 443\n}\n"
		if diff := cmp.Diff(want, string(b)); diff != "" {
			t.Errorf("render (-want +got):\n%s", diff)
		}
		if got := string(r.Redact(b)); strings.Contains(got, "w<rd>") {
			t.Errorf("Redact left the secret visible:\n%s", got)
		}
	})

	t.Run("lookup error keeps hint and position", func(t *testing.T) {
		path := writeFile(t, "td.json", "{\n  \"a\": \"{{ lookup \"/missing\" }}\"\n}")
		_, err := r.RenderFile(ctx, path)
		want := path + `:2:12: {{ lookup "/missing" }}: "/missing" not found`
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
		if h := diag.Hint(err); h != "check the name" {
			t.Errorf("hint %q", h)
		}
	})
}

func TestDuplicateFunction(t *testing.T) {
	noop := func(context.Context, []any) (any, error) { return "", nil }
	_, err := New(context.Background(), Options{Functions: []Function{
		{Name: "tfstate", Call: noop}, {Name: "tfstate", Call: noop},
	}})
	want := "template function tfstate already exists; set func_prefix on the tfstate plugin"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	if diag.ExitCode(err) != diag.ExitUsage {
		t.Errorf("exit code %d", diag.ExitCode(err))
	}
	if _, err := New(context.Background(), Options{Functions: []Function{{Name: "env", Call: noop}}}); err == nil {
		t.Error("a plugin function shadowing a builtin must be an error")
	}
}

// mustNew is New that fails the test on an error.
func mustNew(t *testing.T, opts Options) *Renderer {
	t.Helper()
	r, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
