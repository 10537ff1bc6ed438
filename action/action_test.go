// Package action tests the GitHub Action (action.yml at the repository root and its
// scripts here): installing a release from a local release directory served on
// loopback, and turning doppio's result document into step outputs and a job summary.
package action

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// fakeDoppio stands in for the release binary: it records its arguments, prints the
// canned stderr and stdout it is given and exits with the given code.
const fakeDoppio = `#!/usr/bin/env bash
if [ "$1" = version ]; then echo "doppio 1.2.3 (fake)"; exit 0; fi
if [ -n "${FAKE_ARGS:-}" ]; then printf '%s\n' "$@" >"$FAKE_ARGS"; fi
if [ -n "${FAKE_STDERR:-}" ]; then cat "$FAKE_STDERR" >&2; fi
if [ -n "${FAKE_STDOUT:-}" ]; then cat "$FAKE_STDOUT"; fi
exit "${FAKE_EXIT:-0}"
`

// asset is the archive name install.sh asks for on this machine.
func asset(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the scripts are tested on Unix runners")
	}
	return fmt.Sprintf("doppio_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH)
}

// archive returns a tar.gz holding the fake doppio and a README, like goreleaser's.
func archive(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		mode int64
		body string
	}{{"README.md", 0o644, "# doppio\n"}, {"doppio", 0o755, fakeDoppio}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// releaseDir lays out releases as GitHub serves them: <dir>/latest/download/<asset>
// and <dir>/download/<tag>/<asset>, each with checksums.txt. checksums rewrites the
// checksums file (to tamper with it).
func releaseDir(t *testing.T, name string, checksums func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	body := archive(t)
	sum := sha256.Sum256(body)
	sums := fmt.Sprintf("%s  %s\n%s  doppio_plan9_mips.tar.gz\n", hex.EncodeToString(sum[:]), name, strings.Repeat("0", 64))
	if checksums != nil {
		sums = checksums(sums)
	}
	for _, sub := range []string{"latest/download", "download/v1.2.3"} {
		d := filepath.Join(dir, sub)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "checksums.txt"), []byte(sums), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// script runs one of the action's scripts with only the given environment (plus
// PATH and HOME), as a runner step would, and returns its stderr and exit code.
func script(t *testing.T, name, dir string, env map[string]string) (stdout, stderr string, code int) {
	t.Helper()
	// Read through the test, so that go test's cache knows the script.
	if _, err := os.ReadFile(name); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", name)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), 0
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func TestInstall(t *testing.T) {
	name := asset(t)
	tests := []struct {
		name      string
		version   string
		checksums func(string) string
		wantErr   string // "" when the install succeeds
	}{
		{name: "latest", version: "latest"},
		{name: "empty version means latest", version: ""},
		{name: "pinned version", version: "1.2.3"},
		{name: "pinned tag", version: "v1.2.3"},
		{name: "unknown version", version: "9.9.9", wantErr: "could not download"},
		{
			name: "tampered checksum", version: "latest",
			checksums: func(s string) string { return "f" + s[1:] },
			wantErr:   "checksum mismatch for " + name,
		},
		{
			name: "no checksum entry", version: "latest",
			checksums: func(s string) string { return strings.ReplaceAll(s, name, "doppio_other.tar.gz") },
			wantErr:   "checksums.txt of the release has no entry for " + name,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.FileServer(http.Dir(releaseDir(t, name, tc.checksums))))
			defer srv.Close()
			runner := t.TempDir()
			ghPath, ghOut := filepath.Join(runner, "path"), filepath.Join(runner, "output")
			_, stderr, code := script(t, abs(t, "install.sh"), runner, map[string]string{
				"DOPPIO_VERSION": tc.version, "DOPPIO_RELEASE_BASE_URL": srv.URL + "/",
				"RUNNER_TEMP": runner, "GITHUB_PATH": ghPath, "GITHUB_OUTPUT": ghOut, "GITHUB_ACTIONS": "true",
			})
			bin := filepath.Join(runner, "doppio", "bin", "doppio")
			if tc.wantErr != "" {
				if code == 0 {
					t.Fatalf("install succeeded, want %q\n%s", tc.wantErr, stderr)
				}
				if !strings.Contains(stderr, tc.wantErr) || !strings.Contains(stderr, "::error title=doppio install::") {
					t.Errorf("stderr lacks %q and its annotation:\n%s", tc.wantErr, stderr)
				}
				if _, err := os.Stat(bin); err == nil {
					t.Error("a binary was installed although the install failed")
				}
				return
			}
			if code != 0 {
				t.Fatalf("install exited %d:\n%s", code, stderr)
			}
			out, err := exec.Command(bin, "version").Output()
			if err != nil || !strings.Contains(string(out), "doppio 1.2.3") {
				t.Errorf("installed binary: %q, %v", out, err)
			}
			if diff := cmp.Diff(filepath.Dir(bin)+"\n", read(t, ghPath)); diff != "" {
				t.Errorf("GITHUB_PATH (-want +got):\n%s", diff)
			}
			wantVersion := tc.version
			if wantVersion == "" {
				wantVersion = "latest"
			}
			if diff := cmp.Diff("path="+bin+"\nversion="+wantVersion+"\n", read(t, ghOut)); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
		})
	}
}

const succeeded = `{
  "service": "web",
  "cluster": "prod",
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42",
  "deploymentId": "ecs-svc/1234567890",
  "deploymentArn": "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc",
  "outcome": "succeeded",
  "startedAt": "2026-11-26T07:00:00Z",
  "finishedAt": "2026-11-26T07:01:02Z",
  "durationSeconds": 62,
  "events": []
}
`

const rolledBack = `{
  "service": "web",
  "cluster": "prod",
  "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:43",
  "deploymentId": "ecs-svc/999",
  "outcome": "rolled back",
  "reason": "circuit breaker: 3 tasks failed | health checks",
  "rolledBackTo": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42",
  "durationSeconds": 95.5,
  "stoppedTasks": [{"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/t1", "stoppedReason": "Essential container in task exited", "containers": [{"name": "web", "exitCode": 1}]}],
  "events": []
}
`

const planLog = `plan: update service web in cluster prod
  task definition: register a new revision of web
  a new deployment will start
2026-11-26T07:00:00.000Z INFO deployment started
`

func TestRun(t *testing.T) {
	tests := []struct {
		name        string
		args        string
		stdout      string
		stderr      string
		exit        int
		wantArgs    []string
		wantOutput  string
		wantSummary []string // substrings, in order
		notSummary  []string
	}{
		{
			name: "deploy succeeded", args: "deploy --tag 'v 1'", stdout: succeeded, stderr: planLog,
			wantArgs: []string{"deploy", "--tag", "v 1", "--output", "json"},
			wantOutput: "task-definition-arn=arn:aws:ecs:us-east-1:123456789012:task-definition/web:42\n" +
				"deployment-id=ecs-svc/1234567890\noutcome=succeeded\nexit-code=0\n",
			wantSummary: []string{
				"### ✅ doppio deploy", "| service | web |", "| outcome | succeeded |",
				"| task definition | arn:aws:ecs:us-east-1:123456789012:task-definition/web:42 |",
				"| deployment | ecs-svc/1234567890 |", "| duration (s) | 62 |", "| exit code | 0 |",
				"**Plan**", "plan: update service web in cluster prod\n  task definition: register a new revision of web\n  a new deployment will start\n```",
			},
			notSummary: []string{"What went wrong", "INFO deployment started"},
		},
		{
			name: "deploy rolled back", args: "deploy", stdout: rolledBack,
			stderr: planLog + "doppio: error: deployment ecs-svc/999 rolled back: circuit breaker\nhint: see the stopped tasks above\n",
			exit:   4, wantArgs: []string{"deploy", "--output", "json"},
			wantOutput: "task-definition-arn=arn:aws:ecs:us-east-1:123456789012:task-definition/web:43\n" +
				"deployment-id=ecs-svc/999\noutcome=rolled back\nexit-code=4\n",
			wantSummary: []string{
				"### ❌ doppio deploy", "| outcome | rolled back |",
				"| rolled back to | arn:aws:ecs:us-east-1:123456789012:task-definition/web:42 |", "| exit code | 4 |",
				"**Plan**", "**What went wrong**", `- reason: circuit breaker: 3 tasks failed | health checks`,
				"- stopped task arn:aws:ecs:us-east-1:123456789012:task/prod/t1: Essential container in task exited (web exit 1)",
				"doppio: error: deployment ecs-svc/999 rolled back: circuit breaker\nhint: see the stopped tasks above",
			},
		},
		{
			name: "several services: results, a row each, the failed one explained", args: "deploy --config 'services/*/ecspresso.yml'",
			stdout: fleetResults, stderr: fleetLog, exit: 4,
			wantArgs: []string{"deploy", "--config", "services/*/ecspresso.yml", "--output", "json"},
			wantOutput: "task-definition-arn=\ndeployment-id=\noutcome=mixed\nexit-code=4\nresults=" +
				`[{"service":"api","outcome":"succeeded","taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/api:7","durationSeconds":61.2},` +
				`{"service":"worker","outcome":"rolled back","reason":"circuit breaker","taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3","durationSeconds":130}]` + "\n",
			wantSummary: []string{
				"### ❌ doppio deploy", "| service | outcome | task definition | duration (s) |",
				"| api | succeeded | api:7 | 61.2 |", "| worker | rolled back | worker:3 | 130 |", "exit code: 4",
				"**Plan**", "[api   ] plan: update service api in cluster prod\n[api   ]   a new deployment will start",
				"**What went wrong**", "- worker: rolled back: circuit breaker", "doppio: 1 of 2 services did not succeed: worker (rolled back)",
			},
			notSummary: []string{"- api:"},
		},
		{
			name: "explicit --output text: no JSON, outputs empty but the exit code", args: "diff --output text",
			stdout: "--- live\n+++ local\n", exit: 3, wantArgs: []string{"diff", "--output", "text"},
			wantOutput:  "task-definition-arn=\ndeployment-id=\noutcome=\nexit-code=3\n",
			wantSummary: []string{"### ❌ doppio diff", "exit code: 3"},
		},
		{
			name: "invalid input before any AWS call", args: "deploy --config nope.yml",
			stderr: "doppio: error: nope.yml: config file not found\n::error title=doppio%3A invalid input::nope.yml: config file not found\n",
			exit:   2, wantArgs: []string{"deploy", "--config", "nope.yml", "--output", "json"},
			wantOutput:  "task-definition-arn=\ndeployment-id=\noutcome=\nexit-code=2\n",
			wantSummary: []string{"### ❌ doppio deploy", "exit code: 2", "**What went wrong**", "doppio: error: nope.yml: config file not found"},
			notSummary:  []string{"**Plan**"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			write := func(name, body string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
					t.Fatal(err)
				}
				return p
			}
			bin := write("doppio", fakeDoppio)
			env := map[string]string{
				"DOPPIO_ARGS": tc.args, "DOPPIO_BIN": bin, "GITHUB_ACTIONS": "true",
				"GITHUB_OUTPUT": filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
				"FAKE_ARGS": filepath.Join(dir, "args"), "FAKE_STDOUT": write("stdout", tc.stdout),
				"FAKE_STDERR": write("stderr", tc.stderr), "FAKE_EXIT": fmt.Sprint(tc.exit),
			}
			stdout, stderr, code := script(t, abs(t, "run.sh"), dir, env)
			if code != tc.exit {
				t.Errorf("run.sh exited %d, want doppio's %d\n%s", code, tc.exit, stderr)
			}
			if stdout != tc.stdout {
				t.Errorf("stdout = %q, want doppio's %q", stdout, tc.stdout)
			}
			if stderr != tc.stderr {
				t.Errorf("stderr = %q, want doppio's log %q", stderr, tc.stderr)
			}
			if diff := cmp.Diff(strings.Join(tc.wantArgs, "\n")+"\n", read(t, env["FAKE_ARGS"])); diff != "" {
				t.Errorf("doppio's arguments (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantOutput, read(t, env["GITHUB_OUTPUT"])); diff != "" {
				t.Errorf("GITHUB_OUTPUT (-want +got):\n%s", diff)
			}
			summary := read(t, env["GITHUB_STEP_SUMMARY"])
			rest := summary
			for _, want := range tc.wantSummary {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Errorf("summary lacks %q (in order):\n%s", want, summary)
					break
				}
				rest = rest[i+len(want):]
			}
			for _, not := range tc.notSummary {
				if strings.Contains(summary, not) {
					t.Errorf("summary has %q:\n%s", not, summary)
				}
			}
		})
	}
}

// TestActionYAML checks action.yml against what the scripts and README promise:
// its inputs and outputs, and that its steps run the scripts tested above.
func TestActionYAML(t *testing.T) {
	b, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs  map[string]struct{ Default string } `yaml:"inputs"`
		Outputs map[string]struct{ Value string }   `yaml:"outputs"`
		Runs    struct {
			Using string `yaml:"using"`
			Steps []struct {
				ID  string            `yaml:"id"`
				Run string            `yaml:"run"`
				Env map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q", a.Runs.Using)
	}
	for k, o := range a.Outputs {
		if want := "${{ steps.run.outputs." + k + " }}"; o.Value != want {
			t.Errorf("output %s = %q, want %q", k, o.Value, want)
		}
	}
	if diff := cmp.Diff([]string{"args", "release-base-url", "version", "working-directory"}, slices.Sorted(maps.Keys(a.Inputs))); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"deployment-id", "exit-code", "outcome", "results", "task-definition-arn"}, slices.Sorted(maps.Keys(a.Outputs))); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	if a.Inputs["version"].Default != "latest" {
		t.Errorf("version defaults to %q, want latest", a.Inputs["version"].Default)
	}
	runs := map[string]string{}
	for _, s := range a.Runs.Steps {
		runs[s.ID] = s.Run
	}
	if diff := cmp.Diff(map[string]string{
		"install": `bash "$GITHUB_ACTION_PATH/action/install.sh"`,
		"run":     `bash "$GITHUB_ACTION_PATH/action/run.sh"`,
	}, runs); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

const fleetResults = `[
  {"service": "api", "outcome": "succeeded", "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/api:7", "durationSeconds": 61.2},
  {"service": "worker", "outcome": "rolled back", "reason": "circuit breaker", "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3", "durationSeconds": 130}
]
`

const fleetLog = `[api   ] plan: update service api in cluster prod
[api   ]   a new deployment will start
[worker] doppio: error: deployment ecs-svc/9 rolled back: circuit breaker
doppio: 1 of 2 services did not succeed: worker (rolled back)
`
