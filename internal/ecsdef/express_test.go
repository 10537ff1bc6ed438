package ecsdef

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const exampleExpress = `{
  "infrastructureRoleArn": "arn:aws:iam::123456789012:role/infra",
  "cpu": "512",
  "primaryContainer": {"image": "nginx:1.27", "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]},
  "networkConfiguration": {"subnets": ["subnet-b", "subnet-a"]}
}`

func TestExpressChangesAndDiff(t *testing.T) {
	ctx := ServiceContext{Cluster: "prod", Service: "web"}
	live, err := DecodeExpressDefinition("live.json", []byte(exampleExpress), ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Order of environment and subnets does not matter; ECS defaults the file
	// leaves out are not compared.
	same := strings.NewReplacer(`{"name": "B", "value": "2"}, {"name": "A", "value": "1"}`, `{"name": "A", "value": "1"}, {"name": "B", "value": "2"}`,
		`"subnet-b", "subnet-a"`, `"subnet-a", "subnet-b"`).Replace(exampleExpress)
	local, err := DecodeExpressDefinition("local.json", []byte(same), ctx)
	if err != nil {
		t.Fatal(err)
	}
	live.HealthCheckPath = new(string)
	*live.HealthCheckPath = "/"
	if d, err := DiffExpressDefinitions("live", live, "local", local); err != nil || d != "" {
		t.Errorf("equivalent definitions differ: %v\n%s", err, d)
	}
	local.PrimaryContainer.Image = new(string)
	*local.PrimaryContainer.Image = "nginx:1.28"
	cpu := "1024"
	local.Cpu = &cpu
	if diff := cmp.Diff([]string{"cpu", "primaryContainer.image"}, ExpressChanges(live, local)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestDecodeExpressDefinitionErrors(t *testing.T) {
	ctx := ServiceContext{Cluster: "prod", Service: "web"}
	for name, tc := range map[string]struct{ src, want string }{
		"no role":      {`{"primaryContainer": {"image": "x"}}`, "infrastructureRoleArn: is required"},
		"typo":         {`{"infrastructureRoleArn": "arn:aws:iam::1:role/r", "primaryContainr": {}}`, "primaryContainr"},
		"bad memory":   {`{"infrastructureRoleArn": "arn:aws:iam::1:role/r", "memory": "64", "primaryContainer": {"image": "x"}}`, "memory"},
		"wrong name":   {`{"infrastructureRoleArn": "arn:aws:iam::1:role/r", "serviceName": "api", "primaryContainer": {"image": "x"}}`, "contradicts"},
		"null":         {`null`, "null"},
		"bad scaling":  {`{"infrastructureRoleArn": "arn:aws:iam::1:role/r", "primaryContainer": {"image": "x"}, "scalingTarget": {"minTaskCount": -1}}`, "minTaskCount"},
		"not an arn":   {`{"infrastructureRoleArn": "infra", "primaryContainer": {"image": "x"}}`, "not an IAM role ARN"},
		"secret value": {`{"infrastructureRoleArn": "arn:aws:iam::1:role/r", "primaryContainer": {"image": "x", "secrets": [{"name": "A"}]}}`, "valueFrom"},
	} {
		_, err := DecodeExpressDefinition("ecs-express-def.json", []byte(tc.src), ctx)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "ecs-express-def.json") {
			t.Errorf("%s: error %v, want it to name the file and contain %q", name, err, tc.want)
		}
	}
}

func FuzzDecodeExpressDefinition(f *testing.F) {
	f.Add([]byte(exampleExpress))
	f.Add([]byte(`{"primaryContainer": null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeExpressDefinition("f.json", b, ServiceContext{Cluster: "c", Service: "s"})
	})
}

func FuzzDecodeDaemonDefinition(f *testing.F) {
	f.Add([]byte(`{"capacityProviderArns": ["arn:aws:ecs:us-east-1:1:capacity-provider/x"], "taskDefinition": {"family": "a", "containerDefinitions": [{"name": "a", "image": "a"}]}}`))
	f.Add([]byte(`{"deploymentConfiguration": {"drainPercent": 1e309}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodeDaemonDefinition("f.json", b)
	})
}
