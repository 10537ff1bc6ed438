package scripts

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// machine is a fake PATH: stubs for the tools prereqs.sh looks for, nothing else, so
// the test sees exactly the machine it describes whatever is installed here.
type machine struct {
	goTool, moto, registry bool
	motoVersion            string
}

func (m machine) run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	bin := t.TempDir()
	stub := func(name, body string) {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if m.goTool {
		stub("go", "echo go version go1.26.0")
	}
	if m.moto {
		stub("moto_server", "exit 0")
		// moto_server's #! line names no python, so the script asks python3.
		stub("python3", "echo "+m.motoVersion)
	}
	if m.registry {
		stub("docker-registry", "exit 0")
	}
	cmd := exec.Command("/bin/bash", append([]string{"prereqs.sh"}, args...)...)
	cmd.Env = []string{"PATH=" + bin, "HOME=" + t.TempDir()}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	default:
		t.Fatal(err)
		return 0, ""
	}
}

func TestPrereqs(t *testing.T) {
	complete := machine{goTool: true, moto: true, registry: true, motoVersion: "5.2.1"}
	tests := []struct {
		name     string
		machine  func(m machine) machine
		args     []string
		wantCode int
		want     []string // lines of stderr that must appear
	}{
		{
			name:    "everything present",
			machine: func(m machine) machine { return m },
			args:    []string{"test", "--no-install"},
			want:    []string{"prereqs: ok for 'make test'"},
		},
		{
			name:     "no docker-registry for make test",
			machine:  func(m machine) machine { m.registry = false; return m },
			args:     []string{"test", "--no-install"},
			wantCode: 1,
			want: []string{
				"error: docker-registry is missing: the verify tests run Debian's docker-registry",
				"install it with: brew install distribution", // no apt-get on this fake PATH
				"prereqs: 1 prerequisite(s) of 'make test' missing; nothing was run",
			},
		},
		{
			name:    "the demo does not need docker-registry",
			machine: func(m machine) machine { m.registry = false; return m },
			args:    []string{"demo", "--no-install"},
			want:    []string{"prereqs: ok for 'make demo'"},
		},
		{
			name:     "no moto_server",
			machine:  func(m machine) machine { m.moto = false; return m },
			args:     []string{"demo", "--no-install"},
			wantCode: 1,
			want: []string{
				"error: moto_server is missing: the sandbox",
				"install it with: python3 -m venv ~/.moto && ~/.moto/bin/pip install 'moto[server]==5.2.1'",
			},
		},
		{
			name:     "wrong moto version",
			machine:  func(m machine) machine { m.motoVersion = "4.2.14"; return m },
			args:     []string{"test", "--no-install"},
			wantCode: 1,
			want:     []string{"error: moto_server 5.2.1 is missing: found moto 4.2.14 at "},
		},
		{
			name:     "no go",
			machine:  func(m machine) machine { m.goTool = false; return m },
			args:     []string{"test", "--no-install"},
			wantCode: 1,
			want:     []string{"error: go is missing"},
		},
		{
			name:     "unknown target",
			machine:  func(m machine) machine { return m },
			args:     []string{"lint"},
			wantCode: 2,
			want:     []string{"usage: scripts/prereqs.sh test|demo|sandbox [--no-install]"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, stderr := tc.machine(complete).run(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.wantCode, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q\nstderr:\n%s", w, stderr)
				}
			}
		})
	}
}
