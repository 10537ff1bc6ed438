package compat

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// TestAgainstEcspresso renders every project that has an ecspresso/ directory with
// doppio and compares the result with what ecspresso itself printed for the same
// project. The files in ecspresso/ are the unedited output of `ecspresso render
// config|servicedef|taskdef` (ecspresso v2.3.2, built from its source and run once
// on each project; never edit them by hand), or TARGET.error when ecspresso failed,
// in which case doppio must fail too.
//
// Both outputs are compared as values, after removing what is only ecspresso's way
// of printing (listed in the README's "Differences from ecspresso"): members whose
// Go field is a non-pointer scalar at its zero value ("launchType": "", "cpu": 0,
// false), which the SDK does not send either; read-only members of the service it
// echoes back (runningCount, roleArn…), which are not part of CreateService; nulls
// and empty lists. ecspresso/differences lists targets that are expected to differ,
// one "TARGET: reason" a line; they must differ (a match fails, so stale entries are
// removed).
func TestAgainstEcspresso(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "projects", "*", "ecspresso"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 30 {
		t.Errorf("%d projects with ecspresso's output, want at least 30", len(dirs))
	}
	for _, oracle := range dirs {
		dir := filepath.Dir(oracle)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			testAgainstEcspresso(t, dir, oracle)
		})
	}
}

func testAgainstEcspresso(t *testing.T, dir, oracle string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	vars := readEnv(t, filepath.Join(dir, "env"))
	var args []string
	if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		args = strings.Fields(string(b))
	}
	expected := readDifferences(t, filepath.Join(oracle, "differences"))
	for _, tg := range targets {
		argv := append(append([]string{}, args...), "render", tg.name)
		code, stdout, stderr := runDoppio(t, abs, maps.Clone(vars), argv...)
		mismatch := ""
		if want, err := os.ReadFile(filepath.Join(oracle, tg.name+".error")); err == nil {
			if code == 0 {
				mismatch = fmt.Sprintf("ecspresso failed (%s) but doppio printed:\n%s", firstLine(want), stdout)
			}
		} else {
			want, err := os.ReadFile(filepath.Join(oracle, tg.name+"."+tg.ext))
			if err != nil {
				t.Fatalf("no ecspresso output for %s: %v", tg.name, err)
			}
			if code != 0 {
				mismatch = fmt.Sprintf("ecspresso rendered it but doppio exited %d:\n%s", code, stderr)
			} else {
				mismatch = compareRender(t, tg.name, want, []byte(stdout))
			}
		}
		reason, listed := expected[tg.name]
		switch {
		case listed && mismatch == "":
			t.Errorf("%s is listed in %s/differences (%s) but now renders as ecspresso does: remove the line", tg.name, oracle, reason)
		case listed:
			t.Logf("%s: expected difference (%s):\n%s", tg.name, reason, mismatch)
		case mismatch != "":
			t.Errorf("doppio render %s differs from ecspresso's:\n%s", tg.name, mismatch)
		}
	}
}

// compareRender compares one target's outputs as values; "" when equal.
func compareRender(t *testing.T, target string, want, got []byte) string {
	t.Helper()
	var w, g any
	switch target {
	case "config":
		if err := yaml.Unmarshal(want, &w); err != nil {
			t.Fatalf("ecspresso's config: %v", err)
		}
		if err := yaml.Unmarshal(got, &g); err != nil {
			return fmt.Sprintf("doppio's config is not YAML: %v\n%s", err, got)
		}
		w, g = prune(w, nil), prune(g, nil)
	default:
		typ := reflect.TypeFor[ecs.RegisterTaskDefinitionInput]()
		if target == "servicedef" {
			typ = reflect.TypeFor[ecs.CreateServiceInput]()
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("ecspresso's %s: %v", target, err)
		}
		if err := json.Unmarshal(got, &g); err != nil {
			return fmt.Sprintf("doppio's %s is not JSON: %v\n%s", target, err, got)
		}
		w, g = prune(w, typ), prune(g, typ)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		return "(-ecspresso +doppio):\n" + diff
	}
	return ""
}

// prune removes what only reflects how ecspresso prints a value (see
// TestAgainstEcspresso). typ, when not nil, is the SDK type v is rendered from:
// members it does not have are dropped, and so are non-pointer scalars at their
// zero value. Maps of user keys (no struct type) are kept as they are.
func prune(v any, typ reflect.Type) any {
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			var ft reflect.Type
			if typ != nil && typ.Kind() == reflect.Struct {
				f, ok := fieldFold(typ, k)
				if !ok {
					continue // not a member of the input type: read-only output
				}
				ft = f.Type
				if isZeroScalar(ft, e) {
					continue
				}
			} else if typ != nil && typ.Kind() == reflect.Map {
				ft = typ.Elem()
			}
			if p := prune(e, ft); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 && typ != nil && typ.Kind() == reflect.Struct {
			return nil
		}
		return out
	case []any:
		if len(v) == 0 {
			return nil
		}
		var et reflect.Type
		if typ != nil && typ.Kind() == reflect.Slice {
			et = typ.Elem()
		}
		out := make([]any, 0, len(v))
		for _, e := range v {
			out = append(out, prune(e, et))
		}
		return out
	case uint64:
		return float64(v)
	case int64:
		return float64(v)
	}
	return v
}

// fieldFold finds a struct field by its AWS member name, ignoring case (ecspresso
// lower-cases the first letter of Go field names).
func fieldFold(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// isZeroScalar reports whether v is the zero value of a non-pointer scalar field.
func isZeroScalar(ft reflect.Type, v any) bool {
	switch ft.Kind() {
	case reflect.String:
		return v == ""
	case reflect.Bool:
		return v == false
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		return v == float64(0)
	}
	return false
}

// readDifferences reads "TARGET: reason" lines.
func readDifferences(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("%s: %q is not TARGET: reason", path, line)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// TestUnknownConfigKeyWarnsOnce: a config key ecspresso does not know is loaded,
// not rendered, and reported once on stderr with its file and line; x- keys (YAML
// anchor holders) are not reported at all.
func TestUnknownConfigKeyWarnsOnce(t *testing.T) {
	abs, err := filepath.Abs(filepath.Join("testdata", "projects", "legacy-role-yaml-anchors"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runDoppio(t, abs, map[string]string{}, "render", "config", "servicedef", "taskdef")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	want := `ecspresso.yml:10: unknown config key "notes" ignored`
	if n := strings.Count(stderr, want); n != 1 {
		t.Errorf("stderr has %q %d times, want once:\n%s", want, n, stderr)
	}
	if strings.Contains(stderr, "x-defaults") || strings.Contains(stderr, "x-platform") {
		t.Errorf("x- keys reported:\n%s", stderr)
	}
	if strings.Contains(stdout, "notes") || strings.Contains(stdout, "ecsServiceRole") {
		t.Errorf("ignored key or legacy role rendered:\n%s", stdout)
	}
}
