package compat

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/doppio-ecs/doppio/internal/cli"
	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/sandbox"
)

// targets are rendered for every project, each into want/<target>.<ext>, or, when
// the render must fail (a task-only project has no service definition), into
// want/<target>.error holding the exit code and stderr.
var targets = []struct{ name, ext string }{
	{"config", "yml"},
	{"servicedef", "json"},
	{"taskdef", "json"},
}

// TestProjects renders every project under testdata/projects with doppio, in
// process, and compares the output with the project's want/ files (rewrite them with
// go test ./internal/compat -update). A project is described by optional files next
// to its ecspresso files:
//
//   - args: global flags given before `render TARGET` (whitespace separated),
//     e.g. --config sub/ecspresso.yml --ext-code replicas=2;
//   - env: KEY=VALUE lines, the whole environment doppio sees;
//   - sandbox.json: SSM parameters, Secrets Manager secrets and CloudFormation
//     stacks to create in a sandbox account, whose endpoint and credentials are
//     added to the environment;
//   - pending: the project shows behaviour doppio does not have on this branch yet
//     (the first line names the issue). Its want/ files hold the expected, ecspresso-
//     compatible output written by hand; a mismatch is logged as an expected failure,
//     and a match fails the test so that the marker is removed.
func TestProjects(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "projects", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			testProject(t, dir)
		})
	}
	if n < 25 {
		t.Errorf("%d compat projects, want at least 25", n)
	}
}

func testProject(t *testing.T, dir string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	vars := readEnv(t, filepath.Join(dir, "env"))
	var arns map[string]string // secret ARN → stable placeholder
	if _, err := os.Stat(filepath.Join(dir, "sandbox.json")); err == nil {
		arns = seedSandbox(t, filepath.Join(dir, "sandbox.json"), vars)
	}
	var args []string
	if b, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		args = strings.Fields(string(b))
	}
	pending := ""
	if b, err := os.ReadFile(filepath.Join(dir, "pending")); err == nil {
		pending = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}

	var mismatches []string
	incomplete := false
	for _, tg := range targets {
		argv := append(append([]string{}, args...), "render", tg.name)
		code, stdout, stderr := runDoppio(t, abs, maps.Clone(vars), argv...)
		ok := filepath.Join(dir, "want", tg.name+"."+tg.ext)
		fail := filepath.Join(dir, "want", tg.name+".error")
		path, got := ok, []byte(stdout)
		if exists(fail) || (golden.Update() && pending == "" && code != 0 && !exists(ok)) {
			path = fail
			got = []byte(fmt.Sprintf("exit %d\n%s", code, strings.ReplaceAll(stderr, abs+string(filepath.Separator), "")))
		} else if code != 0 {
			mismatches = append(mismatches, fmt.Sprintf("doppio %s: exit %d\n%s", strings.Join(argv, " "), code, stderr))
			continue
		}
		for arn, ph := range arns {
			got = bytes.ReplaceAll(got, []byte(arn), []byte(ph))
		}
		if pending == "" {
			golden.Assert(t, path, got)
			continue
		}
		if golden.Update() {
			t.Logf("pending: %s left as written by hand", path)
		}
		diff, err := golden.Diff(path, got)
		switch {
		case err != nil:
			t.Errorf("pending project without its expected output (write it by hand): %v", err)
			incomplete = true
		case diff != "":
			mismatches = append(mismatches, fmt.Sprintf("%s (-want +got):\n%s", path, diff))
		}
	}
	switch {
	case pending == "":
		for _, m := range mismatches {
			t.Error(m)
		}
	case incomplete:
	case len(mismatches) == 0:
		t.Errorf("%s is marked pending (%s) but now renders as expected: delete %s",
			dir, pending, filepath.Join(dir, "pending"))
	default:
		t.Logf("expected failure, %s:\n%s", pending, strings.Join(mismatches, "\n"))
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// readEnv reads KEY=VALUE lines (no quoting; # comments) into a new map.
func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return vars
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not KEY=VALUE", path, line)
		}
		vars[k] = v
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return vars
}

// seed is sandbox.json: what a project's lookups find in AWS.
type seed struct {
	SSM []struct {
		Name, Type, Value string
	} `json:"ssm"`
	Secrets []struct {
		Name, Value string
	} `json:"secrets"`
	// Stacks are CloudFormation stacks (for cfn_output and cfn_export), each a name
	// and a template.
	Stacks []struct {
		Name     string          `json:"name"`
		Template json.RawMessage `json:"template"`
	} `json:"stacks"`
}

// seedSandbox starts a sandbox account, creates the project's parameters and
// secrets, adds the account's endpoint and credentials to vars, and returns each
// secret's ARN (random in part) mapped to a stable placeholder for the want/ files.
func seedSandbox(t *testing.T, path string, vars map[string]string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s seed
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sb := sandbox.Start(t)
	for _, kv := range sb.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	ctx := context.Background()
	cfg := sb.AWSConfig(ctx)
	sc := ssm.NewFromConfig(cfg)
	for _, p := range s.SSM {
		if _, err := sc.PutParameter(ctx, &ssm.PutParameterInput{
			Name: aws.String(p.Name), Type: ssmtypes.ParameterType(p.Type), Value: aws.String(p.Value),
		}); err != nil {
			t.Fatal(err)
		}
	}
	arns := map[string]string{}
	sm := secretsmanager.NewFromConfig(cfg)
	for _, sec := range s.Secrets {
		out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{
			Name: aws.String(sec.Name), SecretString: aws.String(sec.Value),
		})
		if err != nil {
			t.Fatal(err)
		}
		arns[aws.ToString(out.ARN)] = "<arn of secret " + sec.Name + ">"
	}
	cf := cloudformation.NewFromConfig(cfg)
	for _, st := range s.Stacks {
		if _, err := cf.CreateStack(ctx, &cloudformation.CreateStackInput{
			StackName: aws.String(st.Name), TemplateBody: aws.String(string(st.Template)),
		}); err != nil {
			t.Fatal(err)
		}
	}
	return arns
}

// runDoppio runs doppio in-process in dir with vars and no stdin, and returns its
// exit code, stdout and stderr.
func runDoppio(t *testing.T, dir string, vars map[string]string, argv ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Main(t.Context(), argv, cli.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Vars: vars, Dir: dir})
	return code, stdout.String(), stderr.String()
}
