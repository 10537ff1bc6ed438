package ecsdef

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/diag"
)

const goodFargateTD = `{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "portMappings": [{"containerPort": 80}]}]
}`

// TestValidateTaskDefinition breaks one rule per case and checks the error names
// the field, its line, and what is allowed.
func TestValidateTaskDefinition(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // substring of the error; "" means valid
	}{
		{"valid fargate", goodFargateTD, ""},
		{"valid ec2 with container memory", `{"family":"w","containerDefinitions":[{"name":"a","image":"i","memory":128}]}`, ""},
		{"valid ec2 with task memory", `{"family":"w","memory":"1 GB","containerDefinitions":[{"name":"a","image":"i"}]}`, ""},
		{"family missing", `{"containerDefinitions":[{"name":"a","image":"i","memory":1}]}`, "td.json:1:1: family: required"},
		{"family empty", `{"family":"","containerDefinitions":[{"name":"a","image":"i","memory":1}]}`, "family: empty; allowed: 1-255 letters"},
		{"family bad chars", `{"family":"my app","containerDefinitions":[{"name":"a","image":"i","memory":1}]}`, `family: "my app" contains a space`},
		{"family control char", `{"family":"a\u0007b","containerDefinitions":[{"name":"a","image":"i","memory":1}]}`, `control character U+0007`},
		{"family too long", `{"family":"` + strings.Repeat("a", 256) + `","containerDefinitions":[{"name":"a","image":"i","memory":1}]}`, "family: 256 characters long"},
		{"containers missing", `{"family":"w"}`, "containerDefinitions: required"},
		{"containers empty", `{"family":"w","containerDefinitions":[]}`, "td.json:1:38: containerDefinitions: required"},
		{"containers null element", `{"family":"w","containerDefinitions":[null]}`, "containerDefinitions[0]: null is not allowed"},
		{"eleven containers", `{"family":"w","memory":"512","containerDefinitions":[` + strings.TrimSuffix(strings.Repeat(`{"name":"c","image":"i"},`, 11), ",") + `]}`, "11 containers; a task definition holds at most 10"},
		{"container name missing", `{"family":"w","containerDefinitions":[{"image":"i","memory":1}]}`, "containerDefinitions[0].name: required"},
		{"container name bad", `{"family":"w","containerDefinitions":[{"name":"a.b","image":"i","memory":1}]}`, `containerDefinitions[0].name: "a.b" contains a character`},
		{"duplicate names", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"},{"name":"a","image":"i"}]}`, `containerDefinitions[1].name: duplicate container name "a"`},
		{"image missing", `{"family":"w","containerDefinitions":[{"name":"a","memory":1}]}`, "containerDefinitions[0].image: required"},
		{"image empty", `{"family":"w","containerDefinitions":[{"name":"a","image":"","memory":1}]}`, "containerDefinitions[0].image: required"},
		{"image with space", `{"family":"w","containerDefinitions":[{"name":"a","image":"nginx latest","memory":1}]}`, "contains whitespace"},
		{"no essential container", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","essential":false}]}`, "at least one essential container"},
		{"negative container cpu", `{"family":"w","containerDefinitions":[{"name":"a","image":"i","memory":1,"cpu":-5}]}`, "containerDefinitions[0].cpu: -5 is negative"},
		{"zero memory", `{"family":"w","containerDefinitions":[{"name":"a","image":"i","memory":0}]}`, "containerDefinitions[0].memory: 0"},
		{"negative memoryReservation", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","memoryReservation":-1}]}`, "containerDefinitions[0].memoryReservation: -1"},
		{"reservation above memory", `{"family":"w","containerDefinitions":[{"name":"a","image":"i","memory":128,"memoryReservation":256}]}`, "above memory 128"},
		{"no compatibilities without memory", `{"family":"w","containerDefinitions":[{"name":"a","image":"i"}]}`, ""},
		{"ec2 without memory", `{"family":"w","requiresCompatibilities":["EC2"],"containerDefinitions":[{"name":"a","image":"i"}]}`, "containerDefinitions[0].memory: set memory or memoryReservation"},
		{"stopTimeout on Fargate", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"a","image":"i","stopTimeout":500}]}`, "stopTimeout: 500; allowed on Fargate: 0-120"},
		{"stopTimeout on EC2", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","stopTimeout":500}]}`, ""},
		{"port above range", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[{"containerPort":70000}]}]}`, "portMappings[0].containerPort: 70000; allowed: 0-65535"},
		{"negative host port", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[{"containerPort":80,"hostPort":-1}]}]}`, "portMappings[0].hostPort: -1"},
		{"port mapping null", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[null]}]}`, "portMappings[0]: null is not allowed"},
		{"port mapping empty", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[{}]}]}`, "portMappings[0].containerPort: required"},
		{"bad port range", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[{"containerPortRange":"9000-8000"}]}]}`, `containerPortRange: "9000-8000"`},
		{"port name", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","portMappings":[{"containerPort":80,"name":"Web"}]}]}`, `portMappings[0].name: "Web"`},
		{"dependsOn missing container", `{"family":"w","memory":"512","containerDefinitions":[{"name":"app","image":"i","dependsOn":[{"containerName":"envoyy","condition":"START"}]},{"name":"envoy","image":"i"}]}`, `dependsOn[0].containerName: no container named "envoyy"`},
		{"dependsOn self", `{"family":"w","memory":"512","containerDefinitions":[{"name":"app","image":"i","dependsOn":[{"containerName":"app","condition":"START"}]}]}`, `depends on itself`},
		{"dependsOn no condition", `{"family":"w","memory":"512","containerDefinitions":[{"name":"app","image":"i","dependsOn":[{"containerName":"b"}]},{"name":"b","image":"i"}]}`, `dependsOn[0].condition: required`},
		{"volumesFrom missing", `{"family":"w","memory":"512","containerDefinitions":[{"name":"app","image":"i","volumesFrom":[{"sourceContainer":"x"}]}]}`, `volumesFrom[0].sourceContainer: no container named "x"`},
		{"health check command", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","healthCheck":{"interval":30}}]}`, "healthCheck.command: required"},
		{"health check interval", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","healthCheck":{"command":["CMD","true"],"interval":1}}]}`, "healthCheck.interval: 1; allowed: 5-300"},
		{"health check retries", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","healthCheck":{"command":["CMD","true"],"retries":11}}]}`, "healthCheck.retries: 11; allowed: 1-10"},
		{"env without name", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","environment":[{"value":"x"}]}]}`, "environment[0].name: required"},
		{"secret without valueFrom", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","secrets":[{"name":"X"}]}]}`, "secrets[0].valueFrom: required"},
		{"log driver missing", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","logConfiguration":{"options":{}}}]}`, "logConfiguration.logDriver: required"},
		{"ulimit soft above hard", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","ulimits":[{"name":"nofile","softLimit":10,"hardLimit":5}]}]}`, "ulimits[0].softLimit: 10 is above hardLimit 5"},
		{"mount point missing volume", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i","mountPoints":[{"sourceVolume":"data","containerPath":"/d"}]}]}`, `mountPoints[0].sourceVolume: no volume named "data"`},
		{"duplicate volume", `{"family":"w","memory":"512","volumes":[{"name":"v"},{"name":"v"}],"containerDefinitions":[{"name":"a","image":"i"}]}`, `volumes[1].name: duplicate volume name`},
		{"cpu negative", `{"family":"w","cpu":"-1","memory":"512","containerDefinitions":[{"name":"a","image":"i"}]}`, `cpu: "-1" is -1 CPU units; allowed: 128-196608`},
		{"cpu garbage", `{"family":"w","cpu":"lots","memory":"512","containerDefinitions":[{"name":"a","image":"i"}]}`, `cpu: "lots"; allowed`},
		{"memory garbage", `{"family":"w","memory":"abc","containerDefinitions":[{"name":"a","image":"i"}]}`, `memory: "abc"; allowed`},
		{"memory zero", `{"family":"w","memory":"0","containerDefinitions":[{"name":"a","image":"i"}]}`, `memory: "0"; allowed: a positive`},
		{"fargate combination", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"4096","containerDefinitions":[{"name":"a","image":"i"}]}`, `memory: "4096" is not available with cpu "256" on Fargate; allowed with 256 CPU units: 512, 1024, 2048 MiB`},
		{"fargate vcpu combination", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"1 vCPU","memory":"1 GB","containerDefinitions":[{"name":"a","image":"i"}]}`, `allowed with 1024 CPU units: 2048-8192 in steps of 1024 MiB`},
		{"fargate cpu size", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"300","memory":"1024","containerDefinitions":[{"name":"a","image":"i"}]}`, `cpu: "300" is not a Fargate size`},
		{"fargate without cpu", `{"family":"w","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"memory":"1024","containerDefinitions":[{"name":"a","image":"i"}]}`, `cpu: required for FARGATE`},
		{"fargate bridge", `{"family":"w","networkMode":"bridge","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"a","image":"i"}]}`, `networkMode: "bridge"; Fargate tasks require awsvpc`},
		{"ephemeral storage low", `{"family":"w","memory":"512","ephemeralStorage":{"sizeInGiB":20},"containerDefinitions":[{"name":"a","image":"i"}]}`, `ephemeralStorage.sizeInGiB: 20; allowed: 21-200`},
		{"ephemeral storage high", `{"family":"w","memory":"512","ephemeralStorage":{"sizeInGiB":201},"containerDefinitions":[{"name":"a","image":"i"}]}`, `ephemeralStorage.sizeInGiB: 201`},
		{"51 tags", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[` + manyTags(51) + `]}`, `tags: 51 tags; at most 50`},
		{"tag key empty", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[{"key":"","value":"v"}]}`, `tags[0].key: required`},
		{"tag key long", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[{"key":"` + strings.Repeat("k", 129) + `","value":"v"}]}`, `tags[0].key: 129 characters`},
		{"tag value long", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[{"key":"k","value":"` + strings.Repeat("v", 257) + `"}]}`, `tags[0].value: 257 characters`},
		{"tag aws prefix", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[{"key":"aws:x","value":"v"}]}`, `reserved`},
		{"tag bad char", `{"family":"w","memory":"512","containerDefinitions":[{"name":"a","image":"i"}],"tags":[{"key":"a*b","value":"v"}]}`, `tags[0].key: "a*b"`},
		{"wrapped describe output", `{"taskDefinition":{"family":"","containerDefinitions":[{"name":"a","image":"i","memory":1}]}}`, `td.json:1:29: taskDefinition.family: empty`},
		{"null", `null`, `the task definition is null`},
		// Issue 7 item 1: ecspresso init writes "" for unset enums.
		{"empty enums mean unset", `{"family":"w","networkMode":"","ipcMode":"","pidMode":"","memory":"512","containerDefinitions":[{"name":"a","image":"i","versionConsistency":"","portMappings":[{"containerPort":80,"appProtocol":"","protocol":""}]}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTaskDefinition("td.json", []byte(tt.in))
			checkValidation(t, err, tt.want)
		})
	}
}

func checkValidation(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted; want error containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error\n%v\nwant it to contain %q", err, want)
	}
	if code := diag.ExitCode(err); code != diag.ExitUsage {
		t.Errorf("exit code %d, want %d", code, diag.ExitUsage)
	}
	if !strings.HasPrefix(err.Error(), "td.json:") && !strings.HasPrefix(err.Error(), "sd.json:") {
		t.Errorf("error does not start with the file and line: %v", err)
	}
}

func manyTags(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"key":"k` + strings.Repeat("x", i) + `","value":"v"}`)
	}
	return b.String()
}

func TestValidateServiceDefinition(t *testing.T) {
	ctx := ServiceContext{Cluster: "prod", Service: "web"}
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty is valid", `{}`, ""},
		{"matching identity", `{"serviceName":"web","cluster":"arn:aws:ecs:us-east-1:123456789012:cluster/prod"}`, ""},
		{"ecspresso init enums", `{"launchType":"","propagateTags":"","schedulingStrategy":"","availabilityZoneRebalancing":"","deploymentController":{"type":""}}`, ""},
		{"null", `null`, "the service definition is null"},
		{"desiredCount negative", `{"desiredCount":-1}`, "sd.json:1:17: desiredCount: -1; allowed: 0-5000"},
		{"desiredCount above quota", `{"desiredCount":2147483647}`, "desiredCount: 2147483647; allowed: 0-5000"},
		{"desiredCount overflow", `{"desiredCount":2147483648}`, "out of range for a 32-bit integer"},
		{"minimumHealthyPercent", `{"deploymentConfiguration":{"minimumHealthyPercent":150}}`, "deploymentConfiguration.minimumHealthyPercent: 150; allowed: 0-100"},
		{"minimumHealthyPercent negative", `{"deploymentConfiguration":{"minimumHealthyPercent":-1}}`, "minimumHealthyPercent: -1"},
		{"maximumPercent low", `{"deploymentConfiguration":{"maximumPercent":50}}`, "deploymentConfiguration.maximumPercent: 50; allowed: 100 or more"},
		{"maximumPercent below minimum", `{"deploymentConfiguration":{"maximumPercent":100,"minimumHealthyPercent":100}}`, ""},
		{"grace period negative", `{"healthCheckGracePeriodSeconds":-5}`, "healthCheckGracePeriodSeconds: -5 is negative"},
		{"service name invalid", `{"serviceName":"web app"}`, `serviceName: "web app" contains a space`},
		{"service name contradicts", `{"serviceName":"api"}`, `serviceName: "api" contradicts the config's service "web"`},
		{"cluster contradicts", `{"cluster":"staging"}`, `cluster: "staging" contradicts the config's cluster "prod"`},
		{"launch type and capacity providers", `{"launchType":"FARGATE","capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1}]}`, "capacityProviderStrategy: given together with launchType"},
		{"capacity weight", `{"capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":5000}]}`, "capacityProviderStrategy[0].weight: 5000"},
		{"lb port", `{"loadBalancers":[{"containerName":"web","containerPort":99999,"targetGroupArn":"arn"}]}`, "loadBalancers[0].containerPort: 99999"},
		{"subnets empty", `{"networkConfiguration":{"awsvpcConfiguration":{"subnets":[]}}}`, "awsvpcConfiguration.subnets: required"},
		{"too many security groups", `{"networkConfiguration":{"awsvpcConfiguration":{"subnets":["s"],"securityGroups":["1","2","3","4","5","6"]}}}`, "6 security groups"},
		{"51 tags", `{"tags":[` + manyTags(51) + `]}`, "tags: 51 tags"},
		{"describe wrapped", `{"services":[{"serviceName":"web","desiredCount":-3}]}`, "services[0].desiredCount: -3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeServiceDefinitionFor("sd.json", []byte(tt.in), ctx)
			checkValidation(t, err, tt.want)
		})
	}
}

// TestValidationErrorsCarryLines checks a multi-line file: each problem is at the
// line of its field, and several problems are all reported.
func TestValidationErrorsCarryLines(t *testing.T) {
	in := "{\n  \"family\": \"web\",\n  \"memory\": \"512\",\n  \"containerDefinitions\": [\n    {\"name\": \"a\", \"image\": \"i\",\n     \"portMappings\": [{\"containerPort\": 80000}]},\n    {\"name\": \"a\", \"image\": \"i\"}\n  ]\n}\n"
	_, err := DecodeTaskDefinition("td.json", []byte(in))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"td.json:6:41: containerDefinitions[0].portMappings[0].containerPort: 80000",
		"td.json:7:14: containerDefinitions[1].name: duplicate",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	if h := diag.Hint(err); !strings.Contains(h, "docs.aws.amazon.com") {
		t.Errorf("hint %q does not cite the reference", h)
	}
}

// TestRulesCiteTheirSource: every rule of both tables names the AWS document it
// implements, and problems carry it.
func TestRulesCiteTheirSource(t *testing.T) {
	check := func(name, ref string) {
		if !strings.HasPrefix(ref, "https://docs.aws.amazon.com/") {
			t.Errorf("rule %q cites %q, not an AWS document", name, ref)
		}
	}
	seen := map[string]bool{}
	for _, r := range taskDefinitionRules() {
		check(r.name, r.ref)
		if seen[r.name] {
			t.Errorf("duplicate rule name %q", r.name)
		}
		seen[r.name] = true
	}
	for _, r := range serviceRules() {
		check(r.name, r.ref)
	}
	for _, p := range ValidateTaskDefinition(&ecs.RegisterTaskDefinitionInput{}) {
		check(p.Field, p.Ref)
	}
}
