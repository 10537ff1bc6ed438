package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// TestRenderE2ELookups renders a project whose values come from SSM (String,
// SecureString, StringList) and Secrets Manager served by the sandbox, and checks that
// SecureString values never reach stdout unless --show-secrets is given.
func TestRenderE2ELookups(t *testing.T) {
	e := startE2E(t)
	ctx := t.Context()
	cfg := e.sb.AWSConfig(ctx)
	sc := ssm.NewFromConfig(cfg)
	for _, p := range []ssm.PutParameterInput{
		{Name: aws.String("/web/image"), Type: ssmtypes.ParameterTypeString, Value: aws.String("nginx:1.27")},
		{Name: aws.String("/web/db-password"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String("s3cr3t-\"quoted\"")},
		{Name: aws.String("/web/zones"), Type: ssmtypes.ParameterTypeStringList, Value: aws.String("a,b,c")},
	} {
		if _, err := sc.PutParameter(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	sm := secretsmanager.NewFromConfig(cfg)
	sec, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("prod/web/api-key"), SecretString: aws.String("k")})
	if err != nil {
		t.Fatal(err)
	}
	e.write("p/ecspresso.yml", "region: us-east-1\ntask_definition: td.json\n")
	e.write("p/td.json", `{"family": "web", "containerDefinitions": [{"name": "web",
  "image": "{{ ssm `+"`/web/image`"+` }}",
  "environment": [
    {"name": "DB_PASSWORD", "value": "{{ ssm `+"`/web/db-password`"+` | json_escape }}"},
    {"name": "ZONE", "value": "{{ ssm `+"`/web/zones`"+` 1 }}"}
  ],
  "secrets": [{"name": "API_KEY", "valueFrom": "{{ secretsmanager_arn `+"`prod/web/api-key`"+` }}"}]}]}`)

	out, _ := e.must(0, "p", "render", "taskdef")
	if strings.Contains(out, "s3cr3t") {
		t.Fatalf("render printed a SecureString value:\n%s", out)
	}
	for _, want := range []string{`"image": "nginx:1.27"`, `"value": "b"`, `"valueFrom": "` + aws.ToString(sec.ARN) + `"`, "/web/db-password"} {
		if !strings.Contains(out, want) {
			t.Errorf("render output lacks %s:\n%s", want, out)
		}
	}
	out, _ = e.must(0, "p", "render", "taskdef", "--show-secrets")
	if !strings.Contains(out, `"value": "s3cr3t-\"quoted\""`) {
		t.Errorf("--show-secrets output:\n%s", out)
	}
	// A lookup of a parameter that does not exist names it.
	e.write("q/ecspresso.yml", "region: us-east-1\ntask_definition: td.json\n")
	e.write("q/td.json", `{"family": "web", "containerDefinitions": [{"name": "web", "image": "{{ ssm `+"`/web/missing`"+` }}"}]}`)
	code, _, errs := e.run("q", "", "render", "taskdef")
	if code == 0 || !strings.Contains(errs, "/web/missing") {
		t.Errorf("missing parameter: exit %d, stderr:\n%s", code, errs)
	}
}
