package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestExplodingInputs: alias bombs, deep nesting, huge files, several documents and
// directories fail fast (well under a second each), with exit code 2 and the file.
func TestExplodingInputs(t *testing.T) {
	bomb := "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
	var blockDeep strings.Builder
	for i := range 300 {
		blockDeep.WriteString(strings.Repeat("  ", i) + "k:\n")
	}
	tests := []struct {
		name, file, text, want string
	}{
		{"billion laughs", "c.yml", bomb, "aliases expand to more than 200000 values"},
		{"flow nesting", "c.yml", "a: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", "nested deeper than 100 levels"},
		{"dash nesting", "c.yml", strings.Repeat("- ", 5000) + "x\n", "nested lists on one line"},
		{"indentation", "c.yml", blockDeep.String(), "c.yml:101: nested deeper than 100 levels"},
		{"two documents", "c.yml", "region: us-east-1\n---\nregion: eu-west-1\n", "c.yml:3: 2 YAML documents in one file"},
		{"huge file", "c.yml", "a: \"" + strings.Repeat("x", MaxFileBytes) + "\"\n", "files are limited to 8 MiB"},
		{"huge json", "td.json", "\"" + strings.Repeat("x", MaxFileBytes) + "\"", "files are limited to 8 MiB"},
	}
	r := mustNew(t, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.text)
			start := time.Now()
			_, err := r.RenderFile(context.Background(), path)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if diag.ExitCode(err) != diag.ExitUsage || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("exit %d, error %v", diag.ExitCode(err), err)
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "td.json")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := r.RenderFile(context.Background(), dir)
		if err == nil || !strings.Contains(err.Error(), "is a directory") || diag.ExitCode(err) != diag.ExitUsage {
			t.Fatalf("err = %v (exit %d)", err, diag.ExitCode(err))
		}
	})
	t.Run("aliases within bounds are fine", func(t *testing.T) {
		path := writeFile(t, "c.yml", "base: &base {cpu: 256}\nweb: *base\nworker:\n  <<: *base\n  memory: 512\n")
		if _, err := r.RenderFile(context.Background(), path); err != nil {
			t.Fatal(err)
		}
	})
}

func TestYAMLControlCharacter(t *testing.T) {
	r := mustNew(t, Options{})
	path := writeFile(t, "c.yml", "region: us-east-1\ncluster: \"pr\\u0007od\"\n")
	_, err := r.RenderFile(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "c.yml:2:") || !strings.Contains(err.Error(), "control character") || diag.ExitCode(err) != diag.ExitUsage {
		t.Fatalf("err = %v", err)
	}
	// A tab or newline escape is valid JSON and passes through.
	path = writeFile(t, "d.yml", "command: \"a\\tb\\nc\"\n")
	if out, err := r.RenderFile(context.Background(), path); err != nil || !strings.Contains(string(out), `a\tb\nc`) {
		t.Fatalf("out %s err %v", out, err)
	}
}
