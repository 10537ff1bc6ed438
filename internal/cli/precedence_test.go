package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPrecedence pins the one precedence rule for every setting:
// flag > DOPPIO_* > ECSPRESSO_* > config file > default.
func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"doppio.yml":    "region: us-east-1\ntimeout: 15m\n",
		"ecspresso.yml": "region: us-east-1\ntimeout: 20m\n",
		"other.yml":     "region: us-east-1\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name        string
		args        []string
		vars        map[string]string
		wantConfig  string
		wantTimeout time.Duration
	}{
		{"defaults: doppio.yml found first, its timeout", nil, nil, "doppio.yml", 15 * time.Minute},
		{"config default timeout", []string{"--config", "other.yml"}, nil, "other.yml", 10 * time.Minute},
		{"ECSPRESSO_* over config", nil, map[string]string{"ECSPRESSO_TIMEOUT": "30s", "ECSPRESSO_CONFIG": "ecspresso.yml"}, "ecspresso.yml", 30 * time.Second},
		{"DOPPIO_* over ECSPRESSO_*", nil, map[string]string{"DOPPIO_TIMEOUT": "45", "ECSPRESSO_TIMEOUT": "30s", "DOPPIO_CONFIG": "other.yml", "ECSPRESSO_CONFIG": "ecspresso.yml"}, "other.yml", 45 * time.Second},
		{"flag over everything", []string{"--timeout", "2m", "--config", "ecspresso.yml"}, map[string]string{"DOPPIO_TIMEOUT": "45", "DOPPIO_CONFIG": "other.yml"}, "ecspresso.yml", 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := tt.vars
			if vars == nil {
				vars = map[string]string{}
			}
			env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Vars: vars, Dir: dir}
			var cli CLI
			parser, err := newParser(&cli, env, &exitRecorder{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parser.Parse(append([]string{"render", "config"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			a, err := newApp(context.Background(), &cli.Globals, env)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel, err := a.deadline(context.Background(), "render config")
			if err != nil {
				t.Fatal(err)
			}
			defer cancel()
			p, err := a.project(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := filepath.Base(p.cfg.Path); got != tt.wantConfig {
				t.Errorf("config = %s, want %s", got, tt.wantConfig)
			}
			if got := a.timeout; got != tt.wantTimeout {
				t.Errorf("timeout = %v, want %v", got, tt.wantTimeout)
			}
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > tt.wantTimeout {
				t.Errorf("the command's context has no deadline within %v", tt.wantTimeout)
			}
		})
	}
}
