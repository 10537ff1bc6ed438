package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/sandbox"
)

// e2e is one test's sandbox account, an ECS client on it, a working directory and
// the environment doppio runs with. doppio takes its AWS endpoint and credentials
// from the command's environment map (never the process's), so every e2e test runs
// in parallel in its own sandbox account.
type e2e struct {
	t    *testing.T
	sb   *sandbox.Env
	ecs  *ecs.Client
	dir  string
	vars map[string]string
}

// startE2E marks the test parallel and returns its sandbox account.
func startE2E(t *testing.T) *e2e {
	t.Helper()
	t.Parallel()
	return newE2E(t)
}

// newE2E returns the test's sandbox account (startE2E without t.Parallel).
func newE2E(t *testing.T) *e2e {
	t.Helper()
	sb := sandbox.Start(t)
	vars := map[string]string{"PATH": os.Getenv("PATH"), "HOME": t.TempDir()}
	for _, kv := range sb.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return &e2e{t: t, sb: sb, ecs: ecs.NewFromConfig(sb.AWSConfig(t.Context())), dir: t.TempDir(), vars: vars}
}

// setenv sets a variable in doppio's environment for the following runs.
func (e *e2e) setenv(k, v string) { e.vars[k] = v }

// run runs doppio in-process in dir (relative to the test's directory) with stdin and
// returns its exit code, stdout and stderr.
func (e *e2e) run(dir string, stdin string, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	vars := maps.Clone(e.vars)
	env := cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Vars: vars, Dir: filepath.Join(e.dir, dir)}
	code := cli.Main(e.t.Context(), args, env)
	return code, out.String(), errb.String()
}

// must runs doppio and fails the test unless it exits with want.
func (e *e2e) must(want int, dir string, args ...string) (string, string) {
	e.t.Helper()
	code, out, errs := e.run(dir, "", args...)
	if code != want {
		e.t.Fatalf("doppio %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out, errs
}

func (e *e2e) cluster(name string) {
	e.t.Helper()
	_, err := e.ecs.CreateCluster(e.t.Context(), &ecs.CreateClusterInput{
		ClusterName:       aws.String(name),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *e2e) register(in *ecs.RegisterTaskDefinitionInput) string {
	e.t.Helper()
	out, err := e.ecs.RegisterTaskDefinition(e.t.Context(), in)
	if err != nil {
		e.t.Fatalf("register %s: %v", aws.ToString(in.Family), err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func (e *e2e) createService(in *ecs.CreateServiceInput) {
	e.t.Helper()
	if _, err := e.ecs.CreateService(e.t.Context(), in); err != nil {
		e.t.Fatalf("create service %s: %v", aws.ToString(in.ServiceName), err)
	}
}

func (e *e2e) describe(cluster, service string) types.Service {
	e.t.Helper()
	out, err := e.ecs.DescribeServices(e.t.Context(), &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil || len(out.Services) != 1 {
		e.t.Fatalf("describe %s: %v %v", service, err, out)
	}
	return out.Services[0]
}

func (e *e2e) write(path, data string) {
	e.t.Helper()
	p := filepath.Join(e.dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

func (e *e2e) read(path string) string {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, path))
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

// network returns two subnets and a security group of the account's default VPC
// (moto validates them on CreateService), with signed EC2 Query calls.
func (e *e2e) network() (subnets []string, sg string) {
	e.t.Helper()
	query := func(action string) string { return e.query("ec2", "2016-11-15", action, url.Values{}) }
	for _, m := range regexp.MustCompile(`<subnetId>(subnet-[0-9a-f]+)</subnetId>`).FindAllStringSubmatch(query("DescribeSubnets"), -1) {
		if !slices.Contains(subnets, m[1]) {
			subnets = append(subnets, m[1])
		}
	}
	if m := regexp.MustCompile(`<groupId>(sg-[0-9a-f]+)</groupId>`).FindStringSubmatch(query("DescribeSecurityGroups")); m != nil {
		sg = m[1]
	}
	if len(subnets) < 2 || sg == "" {
		e.t.Fatalf("default VPC: subnets %v, security group %q", subnets, sg)
	}
	return subnets[:2], sg
}

// query makes one signed Query-protocol call.
func (e *e2e) query(service, version, action string, params url.Values) string {
	e.t.Helper()
	params.Set("Action", action)
	params.Set("Version", version)
	body := params.Encode()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.sb.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: e.sb.AccessKeyID, SecretAccessKey: e.sb.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(e.t.Context(), creds, req, hex.EncodeToString(sum[:]), service, e.sb.Region, time.Now()); err != nil {
		e.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("%s %s: %s", service, action, b)
	}
	return string(b)
}
