package render

import (
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestCheckText (issue 19): a YAML or Jsonnet source byte that is not UTF-8 is
// refused at its line and column instead of becoming U+FFFD in what ECS receives.
func TestCheckText(t *testing.T) {
	if err := checkText("td.yml", []byte("family: café ☕\n")); err != nil {
		t.Fatalf("valid UTF-8 refused: %v", err)
	}
	err := checkText("td.yml", []byte("family: web\ncontainerDefinitions:\n  - command: [\"caf\xe9\"]\n"))
	if err == nil || !strings.Contains(err.Error(), "td.yml:3:19: the file is not UTF-8 text: the byte 0xe9 is not UTF-8") {
		t.Fatalf("err = %v", err)
	}
	if diag.ExitCode(err) != diag.ExitUsage {
		t.Errorf("exit code %d, want 2", diag.ExitCode(err))
	}
}
