package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

const (
	unitSecret     = "s3cr3t-pa55"
	unitLiveSecret = "0ld-pa55"
	unitSecretARN  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-key-AbCdEf"
)

// newSecretsUnit is the standard project whose task definition takes DB_HOST (an
// SSM String), DB_PASSWORD (an SSM SecureString) and API_KEY's ARN (Secrets
// Manager) from the template plugins, all served by the factory's fakes; the
// live revision web:1 has another password in DB_PASSWORD.
func newSecretsUnit(t *testing.T) *unit {
	t.Helper()
	u := newUnit(t)
	u.write("ecs-task-def.json", secretTaskDef)
	live := unitTD("1.20")
	live.ContainerDefinitions[0].Environment = []types.KeyValuePair{
		{Name: aws.String("DB_HOST"), Value: aws.String("db.internal")}, {Name: aws.String("DB_PASSWORD"), Value: aws.String(unitLiveSecret)}}
	u.ecs.addService("prod", "web", u.ecs.addTaskDefinition(live), 1)
	u.aws.ssm = map[string]ssmtypes.Parameter{
		"/prod/db/password": {Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(unitSecret)},
		"/prod/db/host":     {Type: ssmtypes.ParameterTypeString, Value: aws.String("db.internal")},
	}
	u.aws.secrets = map[string]string{"prod/api-key": unitSecretARN}
	return u
}

// SecureString values, and the live values where the local file has one, are
// never printed by render, diff, plan or deploy --dry-run, in any format.
func TestUnitSecretsRedacted(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"render", "taskdef"},
		{"render", "taskdef", "--jsonnet"},
		{"diff"},
		{"diff", "--no-unified"},
		{"diff", "--output", "json"},
		{"plan"},
		{"plan", "--full"},
		{"plan", "--output", "json"},
		{"deploy", "--dry-run"},
		{"deploy", "--dry-run", "--output", "json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			u := newSecretsUnit(t)
			code, out, errs := u.run("", args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
			}
			for _, leak := range []string{unitSecret, unitLiveSecret} {
				if strings.Contains(out, leak) || strings.Contains(errs, leak) {
					t.Errorf("a secret value %q is printed:\nstdout:\n%s\nstderr:\n%s", leak, out, errs)
				}
			}
			if args[0] == "render" {
				contains(t, "render's stdout", out, "(secret ssm:/prod/db/password)", "db.internal", unitSecretARN)
			}
			if !slices.Contains(u.aws.lookups, "ssm:/prod/db/password") || !slices.Contains(u.aws.lookups, "secretsmanager:prod/api-key") {
				t.Errorf("the plugins did not look up through the factory: %v", u.aws.lookups)
			}
			u.noChanges()
		})
	}
}

// render --show-secrets prints the SecureString's value.
func TestUnitSecretsShown(t *testing.T) {
	t.Parallel()
	u := newSecretsUnit(t)
	out, _ := u.must(0, "render", "taskdef", "--show-secrets")
	contains(t, "render --show-secrets", out, `"value": "`+unitSecret+`"`, unitSecretARN)
	if strings.Contains(out, "(secret ssm:") {
		t.Errorf("render --show-secrets still shows a placeholder:\n%s", out)
	}
}

// A lookup of a parameter that does not exist is bad input, named, before any
// change.
func TestUnitSecretsMissingParameter(t *testing.T) {
	t.Parallel()
	u := newSecretsUnit(t)
	delete(u.aws.ssm, "/prod/db/password")
	_, errs := u.must(2, "deploy", "--dry-run")
	contains(t, "deploy with a missing parameter", errs, "ecs-task-def.json", "/prod/db/password")
	u.noChanges()
}

const secretTaskDef = `{
  "family": "web",
  "cpu": "256",
  "memory": "512",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {"name": "app", "image": "nginx:1.25", "essential": true,
     "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
     "environment": [
       {"name": "DB_HOST", "value": "{{ ssm "/prod/db/host" }}"},
       {"name": "DB_PASSWORD", "value": "{{ ssm "/prod/db/password" }}"}
     ],
     "secrets": [{"name": "API_KEY", "valueFrom": "{{ secretsmanager_arn "prod/api-key" }}"}]}
  ]
}
`
