package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// TestE2ESecretsNeverLeave seeds distinctive secret strings, deploys them, rotates
// the SecureString so the live task definition holds the old value, then runs every
// verb at every log level and format and greps all of stdout and stderr: neither the
// current nor the previous value, nor a --redact-env value, may appear anywhere —
// diffs, debug logs, JSON documents, live revisions and error messages included.
func TestE2ESecretsNeverLeave(t *testing.T) {
	e := startE2E(t)
	e.cluster("c")
	e.sb.Clock().SetSpeed(40)
	ctx := t.Context()
	sc := ssm.NewFromConfig(e.sb.AWSConfig(ctx))
	put := func(v string) {
		t.Helper()
		if _, err := sc.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/app/db"), Type: ssmtypes.ParameterTypeSecureString,
			Value: aws.String(v), Overwrite: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
	}
	const old, current, third, token = "SEKRIT-one-1f2e", "SEKRIT-two-9a8b", "SEKRIT-three-5d6c", "TOKEN-c0ffee-77"
	put(old)
	e.setenv("TOKEN", token)
	e.write("app/ecspresso.yml", "region: us-east-1\ncluster: c\nservice: web\nservice_definition: sd.json\ntask_definition: td.json\ntimeout: 1m\n")
	e.write("app/sd.json", `{"launchType": "EC2", "desiredCount": 1}`)
	e.write("app/td.json", `{"family": "web", "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "memory": 128,
    "environment": [
      {"name": "DB_PASSWORD", "value": "{{ ssm `+"`/app/db`"+` }}"},
      {"name": "API_TOKEN", "value": "{{ must_env `+"`TOKEN`"+` }}"},
      {"name": "PLAIN", "value": "visible"}
    ]}]}`)
	// A template that feeds a secret into an error message.
	e.write("bad/ecspresso.yml", "region: us-east-1\ncluster: c\nservice: web\ntask_definition: td.json\n")
	e.write("bad/td.json", `{"family": "web", "containerDefinitions": [{"name": "web", "image": "{{ must_env (ssm `+"`/app/db`"+`) }}"}]}`)

	redact := []string{"--redact-env", "API_TOKEN", "--poll-interval", "50ms"}
	e.must(0, "app", append([]string{"deploy"}, redact...)...)
	put(current)
	e.setenv("TOKEN", token+"-rotated")

	var outputs []string
	for _, format := range [][]string{{"--log-format", "text"}, {"--log-format", "json", "--output", "json"}} {
		for _, args := range [][]string{
			{"diff"}, {"diff", "--no-unified"}, {"plan"}, {"deploy", "--dry-run"}, {"render", "taskdef"},
			{"register", "--dry-run"}, {"revisions", "--revision", "1"}, {"revisions", "--revision", "current"},
			{"status"}, {"rollback", "--dry-run"}, {"deregister", "--keeps", "1", "--dry-run"},
			{"wait", "--poll-interval", "50ms"}, {"scale", "--tasks", "1", "--poll-interval", "50ms"},
			{"refresh", "--dry-run"}, {"tasks", "list"}, {"run", "--dry-run"}, {"verify", "--no-put-logs"},
		} {
			all := append(append(append([]string{}, args...), format...), "--debug", "--redact-env", "API_TOKEN")
			code, out, errs := e.run("app", "", all...)
			if code > 2 { // rollback has no older revision, verify finds problems here (exit 1); that is fine
				t.Errorf("doppio %s: exit %d\n%s", strings.Join(all, " "), code, errs)
			}
			outputs = append(outputs, fmt.Sprintf("doppio %s\n%s\n%s", strings.Join(all, " "), out, errs))
		}
		_, out, errs := e.run("bad", "", append([]string{"render", "taskdef", "--debug"}, format...)...)
		outputs = append(outputs, "bad render\n"+out+errs)
	}
	// The deploy that rolls the new value out, with debug logs of the live diff.
	_, out, errs := e.run("app", "", append([]string{"deploy", "--debug"}, redact...)...)
	outputs = append(outputs, "deploy\n"+out+errs)

	// The same through a fleet of two services (prefixed lines, JSON arrays, the
	// summary, GitHub Actions groups), before the one-service deploy below.
	e.write("app2/ecspresso.yml", "region: us-east-1\ncluster: c\nservice: web2\nservice_definition: ../app/sd.json\ntask_definition: ../app/td.json\ntimeout: 1m\n")
	fleet := []string{"--config", "app/ecspresso.yml", "--config", "app2/ecspresso.yml", "--debug", "--redact-env", "API_TOKEN"}
	for _, format := range [][]string{{"--log-format", "text"}, {"--log-format", "json", "--output", "json"}} {
		for _, args := range [][]string{{"diff"}, {"plan"}, {"deploy", "--dry-run"}, {"render", "taskdef"}, {"status"}} {
			all := append(append(append([]string{}, args...), format...), fleet...)
			_, out, errs := e.run(".", "", all...)
			outputs = append(outputs, fmt.Sprintf("doppio %s\n%s\n%s", strings.Join(all, " "), out, errs))
		}
	}
	e.setenv("GITHUB_ACTIONS", "true")
	put(third) // so the fleet's deploy, too, has the old value live
	_, out, errs = e.run(".", "", append([]string{"deploy", "--poll-interval", "50ms"}, fleet...)...)
	outputs = append(outputs, "fleet deploy\n"+out+errs)
	delete(e.vars, "GITHUB_ACTIONS")
	if !strings.Contains(errs, "::group::web2") {
		t.Errorf("the fleet deploy did not run as expected:\n%s", errs)
	}

	for _, o := range outputs {
		for _, s := range []string{old, current, third, token} {
			if strings.Contains(o, s) {
				t.Errorf("output leaks %q:\n%s", s, o)
			}
		}
	}
	// The redaction is visible where the values were, and the diff still shows
	// that the secret changed.
	joined := strings.Join(outputs, "\n")
	for _, want := range []string{"(secret ssm:/app/db)", "(secret live ssm:/app/db)", "(secret env API_TOKEN)", `"visible"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("no output shows %s", want)
		}
	}
	if code, out, _ := e.run("app", "", "render", "taskdef", "--show-secrets"); code != 0 || !strings.Contains(out, third) {
		t.Errorf("render --show-secrets does not show the value:\n%s", out)
	}
}
