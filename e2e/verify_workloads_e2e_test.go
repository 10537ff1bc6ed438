package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestVerifyE2EExpressAndDaemon: verify checks the roles, image, secrets and log
// group an express definition and a daemon definition use; a missing image is NG
// (exit 1) for both.
func TestVerifyE2EExpressAndDaemon(t *testing.T) {
	e := startE2E(t)
	f := verifyWorld(t, e)
	e.cluster("e2e")
	e.write("x/ecspresso.yml", "region: us-east-1\ncluster: e2e\nservice: hello\nexpress_definition: ecs-express-def.json\n")
	e.write("d/doppio.yml", "region: us-east-1\ncluster: e2e\nservice: agent\ndaemon_definition: ecs-daemon-def.json\n")
	write := func(tag string) {
		e.write("x/ecs-express-def.json", fmt.Sprintf(`{
  "infrastructureRoleArn": "arn:aws:iam::%[1]s:role/task",
  "executionRoleArn": "arn:aws:iam::%[1]s:role/exec",
  "primaryContainer": {"image": "%[2]s:%[3]s", "secrets": [{"name": "API_KEY", "valueFrom": "/web/p0"}],
    "awsLogsConfiguration": {"logGroup": "/ecs/web", "logStreamPrefix": "hello"}}
}`, f.account, f.image, tag))
		e.write("d/ecs-daemon-def.json", fmt.Sprintf(`{
  "capacityProviderArns": ["arn:aws:ecs:us-east-1:%[1]s:capacity-provider/ec2"],
  "taskDefinition": {"family": "agent", "executionRoleArn": "arn:aws:iam::%[1]s:role/exec",
    "containerDefinitions": [{"name": "agent", "image": "%[2]s:%[3]s", "secrets": [{"name": "DB", "valueFrom": "%[4]s"}],
      "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "agent"}}}]}
}`, f.account, f.image, tag, f.dbSecretARN))
	}
	write("v1")
	for _, dir := range []string{"x", "d"} {
		out, errs := e.must(0, dir, "verify")
		if strings.Contains(out+errs, verifySecretAPIKey) || strings.Contains(out+errs, verifySecretPassword) {
			t.Errorf("%s: a secret value was printed", dir)
		}
		for _, want := range []string{"/ecs/web", "role/exec", f.image + ":v1"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: verify output lacks %q:\n%s", dir, want, out)
			}
		}
	}
	write("v9")
	for _, dir := range []string{"x", "d"} {
		out, _ := e.must(1, dir, "verify")
		if !strings.Contains(out, f.image+":v9") {
			t.Errorf("%s: missing image not reported:\n%s", dir, out)
		}
	}
}
