package config

import (
	"context"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestLoadRefusesNonUTF8 (issue 19): a config byte that is not UTF-8 is refused at
// its line and key, before anything renders or calls AWS.
func TestLoadRefusesNonUTF8(t *testing.T) {
	tests := []struct{ name, file, body, want string }{
		{"yaml appspec", "ecspresso.yml", "region: us-east-1\ncluster: c\nappspec:\n  Hooks:\n    - BeforeInstall: \"hook\xe9\"\n",
			"ecspresso.yml:5:27: appspec: the file is not UTF-8 text: the byte 0xe9 is not UTF-8"},
		{"json service", "doppio.json", "{\n  \"service\": \"w\xffb\"\n}", "doppio.json:2:16: service: the file is not UTF-8 text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, t.TempDir(), tt.file, tt.body)
			_, err := Load(context.Background(), p, jsonRenderer{}, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant containing %q", err, tt.want)
			}
			if got := diag.ExitCode(err); got != diag.ExitUsage {
				t.Errorf("exit code = %d, want %d", got, diag.ExitUsage)
			}
		})
	}
	if err := checkText("x.yml", []byte("cluster: café ☕\n")); err != nil {
		t.Errorf("valid UTF-8 refused: %v", err)
	}
}
