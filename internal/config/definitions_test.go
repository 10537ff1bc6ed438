package config

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/google/go-cmp/cmp"
)

// widget_definition is a kind's key the config package knows nothing of but
// its registration, as a new kind's would be.
func init() { RegisterDefinitionKey("widget_definition") }

func loadWarn(t *testing.T, body string) (*Config, []string, string, error) {
	t.Helper()
	dir := t.TempDir()
	p := write(t, dir, "doppio.json", body)
	var warns []string
	c, err := Load(context.Background(), p, jsonRenderer{}, Options{
		Warn: func(m string) { warns = append(warns, m) },
		Rel:  func(p string) string { return filepath.Base(p) },
	})
	return c, warns, dir, err
}

func TestRegisteredDefinitionKeyIsKnownAndResolved(t *testing.T) {
	c, warns, dir, err := loadWarn(t, "{\n  \"service\": \"w\",\n  \"widget_definition\": \"defs/widget.json\"\n}")
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("a registered key warned: %q", warns)
	}
	if got, want := c.Definition("widget_definition"), "defs/widget.json"; got != want {
		t.Errorf("Definition = %q, want %q (as written)", got, want)
	}
	if got, want := c.DefinitionPath("widget_definition"), filepath.Join(dir, "defs/widget.json"); got != want {
		t.Errorf("DefinitionPath = %q, want %q (against the config's directory)", got, want)
	}
	err = c.CheckDefinitionFile("widget_definition")
	if want := "doppio.json:3: widget_definition: file " + filepath.Join(dir, "defs/widget.json") + " does not exist"; err == nil || !strings.Contains(err.Error(), want) || diag.ExitCode(err) != diag.ExitUsage {
		t.Errorf("CheckDefinitionFile = %v, want %q (exit 2)", err, want)
	}
	if got := c.DefinitionPath("sprocket_definition"); got != "" {
		t.Errorf("an unregistered key has path %q", got)
	}
}

func TestRegisteredDefinitionKeyAbsolutePathKept(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "w.json")
	c, _, _, err := loadWarn(t, `{"widget_definition": "`+filepath.ToSlash(abs)+`"}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.DefinitionPath("widget_definition"); got != abs {
		t.Errorf("DefinitionPath = %q, want %q", got, abs)
	}
}

func TestRegisteredDefinitionKeyFollowsTheKeyRules(t *testing.T) {
	tests := []struct {
		name, body        string
		wantWarns         []string
		wantErr, wantHint string
		wantDefinition    string
	}{
		{name: "case differs: read as the key",
			body:           "{\n  \"Widget_Definition\": \"w.json\"\n}",
			wantWarns:      []string{`doppio.json:2: config key "Widget_Definition" read as "widget_definition"; write "widget_definition"`},
			wantDefinition: "w.json"},
		{name: "misspelt",
			body:    "{\n  \"cluster\": \"c\",\n  \"widget_definiton\": \"w.json\"\n}",
			wantErr: `doppio.json:3: widget_definiton: unknown config key "widget_definiton"`, wantHint: `did you mean "widget_definition"?`},
		{name: "not a string",
			body:    "{\n  \"widget_definition\": 1\n}",
			wantErr: `doppio.json:2: widget_definition: expected a string, got number`},
		{name: "unregistered key is ignored with a warning",
			body:      "{\n  \"sprocket_definition\": \"g.json\"\n}",
			wantWarns: []string{`doppio.json:2: unknown config key "sprocket_definition" ignored, as ecspresso does (start it with x- to silence this warning)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, warns, _, err := loadWarn(t, tt.body)
			if tt.wantErr != "" {
				wantUsageError(t, err, tt.wantErr, tt.wantHint)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.wantWarns, warns); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
			if got := c.Definition("widget_definition"); got != tt.wantDefinition {
				t.Errorf("Definition = %q, want %q", got, tt.wantDefinition)
			}
		})
	}
}

// wantUsageError requires err to be a usage error (exit 2) whose message contains
// msg and whose hint contains hint.
func wantUsageError(t *testing.T, err error, msg, hint string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Fatalf("err = %v\nwant containing %q", err, msg)
	}
	if got := diag.ExitCode(err); got != diag.ExitUsage {
		t.Errorf("exit code = %d, want %d", got, diag.ExitUsage)
	}
	if !strings.Contains(diag.Hint(err), hint) {
		t.Errorf("hint = %q, want containing %q", diag.Hint(err), hint)
	}
}
