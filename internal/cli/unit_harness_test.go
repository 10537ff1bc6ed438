package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// unit runs doppio through Main on a project in a temporary directory, with the
// in-memory AWS of fakes_test.go: the harness of the plain unit tests of verbs.
type unit struct {
	t    *testing.T
	dir  string
	aws  *fakeClients
	ecs  *fakeECS
	vars map[string]string
}

const (
	unitConfig = `region: us-east-1
cluster: prod
service: web
task_definition: ecs-task-def.json
service_definition: ecs-service-def.json
timeout: 1m
`
	unitTaskDef = `{
  "family": "web",
  "cpu": "256",
  "memory": "512",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {"name": "app", "image": "nginx:{{ env "IMAGE_TAG" "1.25" }}", "essential": true,
     "portMappings": [{"containerPort": 80, "protocol": "tcp"}]}
  ]
}
`
	unitServiceDef = `{
  "desiredCount": 1,
  "launchType": "FARGATE",
  "platformVersion": "LATEST",
  "schedulingStrategy": "REPLICA",
  "propagateTags": "NONE",
  "deploymentController": {"type": "ECS"},
  "deploymentConfiguration": {
    "maximumPercent": 200, "minimumHealthyPercent": 100,
    "deploymentCircuitBreaker": {"enable": true, "rollback": true},
    "strategy": "ROLLING"
  },
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}}
}
`
)

// newUnit writes the standard project (service web in cluster prod, family web)
// and returns the harness with an empty fake account.
func newUnit(t *testing.T) *unit {
	t.Helper()
	f := newFakeClients(t)
	// Should a verb bypass the factory, it fails at once: no credentials, no
	// profile, no instance metadata, and an endpoint nothing listens on.
	nowhere := filepath.Join(t.TempDir(), "none")
	u := &unit{t: t, dir: t.TempDir(), aws: f, ecs: f.ecs, vars: map[string]string{
		"AWS_REGION": fakeRegion, "AWS_CONFIG_FILE": nowhere, "AWS_SHARED_CREDENTIALS_FILE": nowhere,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:1",
	}}
	u.write("doppio.yml", unitConfig)
	u.write("ecs-task-def.json", unitTaskDef)
	u.write("ecs-service-def.json", unitServiceDef)
	return u
}

// write writes a file of the project.
func (u *unit) write(name, content string) {
	u.t.Helper()
	if err := os.WriteFile(filepath.Join(u.dir, name), []byte(content), 0o644); err != nil {
		u.t.Fatal(err)
	}
}

// run runs doppio with args and returns its exit code, stdout and stderr.
func (u *unit) run(stdin string, args ...string) (int, string, string) {
	u.t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Vars: u.vars, Dir: u.dir, clients: u.aws}
	code := Main(u.t.Context(), args, env)
	return code, out.String(), errb.String()
}

// must runs doppio and fails the test unless it exits with want.
func (u *unit) must(want int, args ...string) (string, string) {
	u.t.Helper()
	code, out, errs := u.run("", args...)
	if code != want {
		u.t.Fatalf("doppio %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
	}
	return out, errs
}

// unitTD is the project's task definition as registered (image tag given).
func unitTD(tag string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), Cpu: aws.String("256"), Memory: aws.String("512"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/exec"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("nginx:" + tag), Essential: aws.Bool(true),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80), Protocol: types.TransportProtocolTcp}},
		}},
	}
}

// withService registers revisions web:1..n (nginx:1.2x) and creates service web on
// the last one; it returns the ARNs of the revisions.
func (u *unit) withService(n int) []string {
	u.t.Helper()
	var arns []string
	for i := 0; i < n; i++ {
		arns = append(arns, u.ecs.addTaskDefinition(unitTD("1.2"+string(rune('0'+i)))))
	}
	u.ecs.addService("prod", "web", arns[len(arns)-1], 1)
	return arns
}

// startUnit marks the test parallel and returns newUnit with service web running
// on web:n (withService(n)).
func startUnit(t *testing.T, n int) *unit {
	t.Helper()
	t.Parallel()
	u := newUnit(t)
	u.withService(n)
	return u
}

// noCalls fails the test when what (a phrase naming the run) made any AWS call.
func (u *unit) noCalls(what string) {
	u.t.Helper()
	if len(u.ecs.calls) != 0 {
		u.t.Errorf("%s made calls: %v", what, u.ecs.calls)
	}
}

// noExec fails the test when what called ExecuteCommand.
func (u *unit) noExec(what string) {
	u.t.Helper()
	if len(u.ecs.execs) != 0 {
		u.t.Errorf("%s called ExecuteCommand: %v", what, u.ecs.execs)
	}
}

// noChanges fails the test when a call changed something in the fake account.
func (u *unit) noChanges() {
	u.t.Helper()
	if c := u.ecs.changes(); len(c) > 0 {
		u.t.Errorf("calls changed the account: %v", c)
	}
}

func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}
