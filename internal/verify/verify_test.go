package verify

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

const (
	tasksTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	ecsTrust   = `{"Statement":{"Effect":"Allow","Principal":{"Service":["ecs.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}}`
	smARN      = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf"
	tgARN      = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
	image      = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web"
	secretVal  = "s3cr3t-value-never-printed"
)

// world is an account where the taskdef and servicedef below verify clean.
func world() *fakeAWS {
	f := newFakeAWS()
	f.roles["exec"] = tasksTrust
	f.roles["task"] = tasksTrust
	f.roles["ebs"] = ecsTrust
	f.repos["web"] = true
	f.images["web:v1"] = "application/vnd.docker.distribution.manifest.v2+json"
	for i := range 12 {
		f.params[fmt.Sprintf("/app/p%d", i)] = secretVal
	}
	f.secrets[smARN] = `{"user":"app","password":"` + secretVal + `"}`
	f.groups["/ecs/web"] = true
	f.buckets["env"] = true
	f.objects["env/web.env"] = true
	f.clusters["prod"] = ecstypes.Cluster{ClusterName: aws.String("prod"), Status: aws.String("ACTIVE"), CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}}
	f.subnets["subnet-1"], f.subnets["subnet-2"] = "vpc-1", "vpc-1"
	f.sgs["sg-1"] = "vpc-1"
	f.tgs[tgARN] = elbtypes.TargetGroup{TargetGroupArn: aws.String(tgARN), TargetGroupName: aws.String("web"), TargetType: elbtypes.TargetTypeEnumIp}
	f.services["srv-1"] = true
	f.namespaces["ns-1"] = "internal"
	f.fileSys["fs-1"] = true
	f.aps["fsap-1"] = "fs-1"
	return f
}

const taskDef = `{
  "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "taskRoleArn": "arn:aws:iam::123456789012:role/task",
  "containerDefinitions": [
    {"name": "web", "image": "` + image + `:v1",
     "portMappings": [{"containerPort": 8080}],
     "secrets": [
       {"name": "P0", "valueFrom": "/app/p0"},
       {"name": "P1", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/app/p1"},
       {"name": "DB_PASSWORD", "valueFrom": "` + smARN + `:password::"}],
     "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::env/web.env"}],
     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web"}},
     "mountPoints": [{"sourceVolume": "data", "containerPath": "/data"}]},
    {"name": "log-router", "image": "` + image + `:v1",
     "firelensConfiguration": {"type": "fluentbit"},
     "secrets": [{"name": "DB_USER", "valueFrom": "` + smARN + `:user::"}],
     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "router"}}},
    {"name": "app", "image": "` + image + `:v1",
     "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}}
  ],
  "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "ENABLED", "authorizationConfig": {"accessPointId": "fsap-1"}}}]
}`

const serviceDef = `{
  "launchType": "FARGATE",
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"], "securityGroups": ["sg-1"]}},
  "loadBalancers": [{"targetGroupArn": "` + tgARN + `", "containerName": "web", "containerPort": 8080}],
  "serviceRegistries": [{"registryArn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1"}],
  "serviceConnectConfiguration": {"enabled": true, "namespace": "internal"},
  "volumeConfigurations": [{"name": "data", "managedEBSVolume": {"roleArn": "arn:aws:iam::123456789012:role/ebs", "sizeInGiB": 10}}]
}`

// input decodes definitions, applying edits to their JSON first.
func input(t *testing.T, td, sd string) Input {
	t.Helper()
	in := Input{Cluster: "prod"}
	var err error
	if in.TaskDefinition, err = ecsdef.DecodeTaskDefinition("td.json", []byte(td)); err != nil {
		t.Fatal(err)
	}
	if sd != "" {
		if in.Service, err = ecsdef.DecodeServiceDefinition("sd.json", []byte(sd)); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

func run(t *testing.T, f *fakeAWS, in Input, o Options) Report {
	t.Helper()
	d := f.deps()
	d.Now = func() time.Time { return time.Unix(1700000000, 0) }
	rep, err := New(d, o).Run(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReportGolden prints the JSON document of a
// project with one problem of each outcome.
func TestReportGolden(t *testing.T) {
	f := world()
	delete(f.roles, "task")
	f.images["web:v1"] = "application/vnd.docker.distribution.manifest.v2+json"
	rep := run(t, f, input(t, taskDef, serviceDef), Options{GetSecrets: true, PutLogs: true})
	// The text tree of this report is the verify view's (internal/cli/view renders
	// report.json in both forms).
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", js.String())
	for _, out := range []string{js.String()} {
		if strings.Contains(out, secretVal) {
			t.Fatalf("a secret value was printed:\n%s", out)
		}
	}
	if rep.NG != 1 || rep.Summary() != fmt.Sprintf("%d OK, 1 NG, 1 skipped", rep.OK) {
		t.Errorf("summary %q", rep.Summary())
	}
	if want := []string{"/ecs/web/web/doppio-verify/1700000000000000000"}; !cmp.Equal(f.events, want) {
		t.Errorf("test events %v, want %v", f.events, want)
	}
}

// TestCallsOncePerResource: every resource is looked up once however many checks
// name it, and SSM parameters go in batches of 10.
func TestCallsOncePerResource(t *testing.T) {
	f := world()
	td := strings.Replace(taskDef, `{"name": "P0", "valueFrom": "/app/p0"},`, func() string {
		var b strings.Builder
		for i := range 12 {
			fmt.Fprintf(&b, `{"name": "Q%d", "valueFrom": "/app/p%d"},`, i, i)
		}
		return b.String()
	}(), 1)
	rep := run(t, f, input(t, td, serviceDef), Options{GetSecrets: true, PutLogs: true})
	if rep.NG != 0 {
		t.Fatalf("NG in a clean world: %+v", rep)
	}
	want := map[string]int{
		"GetCallerIdentity": 1, "GetRole": 3, "DescribeImages": 1, "GetParameters": 2, "GetSecretValue": 1,
		"DescribeLogGroups": 1, "CreateLogStream": 1, "PutLogEvents": 1, "HeadObject": 1, "DescribeFileSystems": 1,
		"DescribeAccessPoints": 1, "DescribeClusters": 1, "DescribeSubnets": 1, "DescribeSecurityGroups": 1,
		"DescribeTargetGroups": 1, "GetService": 1, "ListNamespaces": 1,
	}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("calls by operation (-want +got):\n%s", diff)
	}
}

// TestChecks breaks one thing of the clean world per case and expects exactly one
// check to report it.
func TestChecks(t *testing.T) {
	tests := []struct {
		name   string
		world  func(f *fakeAWS)
		td, sd func(string) string
		opts   *Options
		check  string
		status Status
		reason string
		n      int // checks reporting it when several name the resource (default 1)
	}{
		{name: "role does not trust ecs-tasks", world: func(f *fakeAWS) { f.roles["exec"] = ecsTrust },
			check: "ExecutionRole", status: NG, reason: `role "exec" does not trust ecs-tasks.amazonaws.com`},
		{name: "execution role missing where needed",
			td: func(s string) string {
				return strings.Replace(s, `"executionRoleArn": "arn:aws:iam::123456789012:role/exec",`, "", 1)
			},
			check: "ExecutionRole", status: NG, reason: "the task definition has no executionRoleArn, which ECS needs to read secrets, read environment files, pull images from ECR, send logs to CloudWatch"},
		{name: "role of another account is not checkable",
			td: func(s string) string {
				return strings.Replace(s, "123456789012:role/task", "999999999999:role/task", 1)
			},
			check: "TaskRole", status: Skipped, reason: "role is in account 999999999999; roles of other accounts cannot be read from account 123456789012"},
		{name: "ECR repository missing", world: func(f *fakeAWS) { delete(f.repos, "web") },
			check: "Image", status: NG, reason: `ECR repository "web" not found in account 123456789012, region us-east-1`},
		{name: "ECR index lacks the platform",
			world: func(f *fakeAWS) {
				f.images["web:v1"] = "application/vnd.oci.image.index.v1+json"
				f.manifests["web:v1"] = `{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
				  {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "sha256:` + strings.Repeat("a", 64) + `", "platform": {"os": "linux", "architecture": "arm64"}},
				  {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "sha256:` + strings.Repeat("b", 64) + `", "platform": {"os": "unknown", "architecture": "unknown"}}]}`
			},
			check: "Image", status: NG, reason: "image index has no linux/amd64 image (it has linux/arm64)"},
		{name: "ECR index offers the runtimePlatform",
			world: func(f *fakeAWS) {
				f.images["web:v1"] = "application/vnd.oci.image.index.v1+json"
				f.manifests["web:v1"] = `{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
				  {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "sha256:` + strings.Repeat("a", 64) + `", "platform": {"os": "linux", "architecture": "arm64"}}]}`
			},
			td: func(s string) string {
				return strings.Replace(s, `"cpu": "256"`, `"runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}, "cpu": "256"`, 1)
			},
			check: "Image", status: OK, reason: ""},
		{name: "awsvpc hostPort differs from containerPort",
			td: func(s string) string {
				return strings.Replace(s, `{"containerPort": 8080}`, `{"containerPort": 8080, "hostPort": 80}`, 1)
			},
			check: "PortMapping", status: NG, reason: "hostPort 80 differs from containerPort 8080, which network mode awsvpc does not allow"},
		{name: "SSM parameter missing", world: func(f *fakeAWS) { delete(f.params, "/app/p1") },
			check: "Secret P1", status: NG, reason: `SSM parameter "/app/p1" not found in us-east-1`},
		{name: "secret missing", world: func(f *fakeAWS) { delete(f.secrets, smARN) },
			check: "Secret DB_PASSWORD", status: NG, reason: `secret "` + smARN + `" not found`, n: 2},
		{name: "secret not JSON", world: func(f *fakeAWS) { f.secrets[smARN] = "plain" },
			check: "Secret DB_PASSWORD", status: NG, reason: `secret "` + smARN + `" is not a JSON object, so it has no key "password"`, n: 2},
		{name: "no-get-secrets checks existence only", world: func(f *fakeAWS) { f.secrets[smARN] = "plain" },
			opts:  &Options{GetSecrets: false, PutLogs: true},
			check: "Secret DB_PASSWORD", status: OK, reason: `exists; JSON key "password" not checked (--no-get-secrets)`},
		{name: "no-get-secrets version stage missing",
			td:    func(s string) string { return strings.Replace(s, ":password::", ":password:AWSPENDING:", 1) },
			opts:  &Options{},
			check: "Secret DB_PASSWORD", status: NG, reason: `secret "` + smARN + `" version stage "AWSPENDING" not found`},
		{name: "log group to be created by ECS", world: func(f *fakeAWS) { delete(f.groups, "/ecs/web") },
			td: func(s string) string {
				return strings.ReplaceAll(s, `"awslogs-region": "us-east-1",`, `"awslogs-region": "us-east-1", "awslogs-create-group": "true",`)
			},
			check: "LogConfiguration", status: OK, reason: "log group does not exist yet; ECS creates it (awslogs-create-group)"},
		{name: "environment file missing", world: func(f *fakeAWS) { delete(f.objects, "env/web.env") },
			check: "EnvironmentFile", status: NG, reason: `object "web.env" not found in bucket "env"`},
		{name: "environment file bucket missing", world: func(f *fakeAWS) { delete(f.buckets, "env") },
			check: "EnvironmentFile", status: NG, reason: `bucket "env" not found`},
		{name: "EFS file system missing", world: func(f *fakeAWS) { delete(f.fileSys, "fs-1") },
			check: "FileSystem", status: NG, reason: `EFS file system "fs-1" not found`},
		{name: "EFS access point of another file system", world: func(f *fakeAWS) { f.aps["fsap-1"] = "fs-2" },
			check: "AccessPoint", status: NG, reason: `access point "fsap-1" belongs to file system "fs-2", not "fs-1"`},
		{name: "cluster inactive", world: func(f *fakeAWS) { c := f.clusters["prod"]; c.Status = aws.String("INACTIVE"); f.clusters["prod"] = c },
			check: "Cluster", status: NG, reason: `cluster "prod" is INACTIVE`},
		{name: "capacity provider not attached",
			sd: func(s string) string {
				return strings.Replace(s, `"launchType": "FARGATE"`, `"capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]`, 1)
			},
			world: func(f *fakeAWS) {
				c := f.clusters["prod"]
				c.CapacityProviders = []string{"FARGATE"}
				f.clusters["prod"] = c
			},
			check: "CapacityProvider", status: NG, reason: `capacity provider "FARGATE_SPOT" is not attached to cluster "prod"`},
		{name: "launch type not in requiresCompatibilities",
			sd:    func(s string) string { return strings.Replace(s, `"launchType": "FARGATE"`, `"launchType": "EC2"`, 1) },
			check: "LaunchType", status: NG, reason: "the service runs on EC2 but the task definition requires FARGATE"},
		{name: "public IP on EC2",
			td: func(s string) string {
				return strings.Replace(s, `"requiresCompatibilities": ["FARGATE"]`, `"requiresCompatibilities": ["EC2"]`, 1)
			},
			sd: func(s string) string {
				return strings.Replace(strings.Replace(s, `"launchType": "FARGATE"`, `"launchType": "EC2"`, 1), `"securityGroups": ["sg-1"]`, `"securityGroups": ["sg-1"], "assignPublicIp": "ENABLED"`, 1)
			},
			check: "AssignPublicIp", status: NG, reason: "assignPublicIp ENABLED is supported only for tasks on Fargate"},
		{name: "subnet missing", world: func(f *fakeAWS) { delete(f.subnets, "subnet-2") },
			check: "Subnet", status: NG, reason: `subnet "subnet-2" not found`},
		{name: "security group in another VPC", world: func(f *fakeAWS) { f.sgs["sg-1"] = "vpc-2" },
			check: "VPC", status: NG, reason: "subnets and security groups are in different VPCs (vpc-1, vpc-2)"},
		{name: "awsvpc without network configuration",
			sd:    func(s string) string { return `{"launchType": "FARGATE"}` },
			check: "NetworkConfiguration", status: NG, reason: "the task definition's network mode is awsvpc but the service has no networkConfiguration.awsvpcConfiguration"},
		{name: "target group missing", world: func(f *fakeAWS) { delete(f.tgs, tgARN) },
			check: "TargetGroup", status: NG, reason: "target group not found"},
		{name: "target group port not mapped",
			sd:    func(s string) string { return strings.Replace(s, `"containerPort": 8080`, `"containerPort": 80`, 1) },
			check: "TargetGroup", status: NG, reason: `container "web" has no port mapping for port 80`},
		{name: "target group container missing",
			sd: func(s string) string {
				return strings.Replace(s, `"containerName": "web"`, `"containerName": "api"`, 1)
			},
			check: "TargetGroup", status: NG, reason: `no container "api" in the task definition`},
		{name: "blue/green alternate target group missing",
			sd: func(s string) string {
				return strings.Replace(s, `"containerPort": 8080}`, `"containerPort": 8080, "advancedConfiguration": {"alternateTargetGroupArn": "`+tgARN+`-green", "productionListenerRule": "rule-1", "roleArn": "arn:aws:iam::123456789012:role/ebs"}}`, 1)
			},
			world: func(f *fakeAWS) { f.rules["rule-1"] = true },
			check: "AlternateTargetGroup", status: NG, reason: "target group not found"},
		{name: "blue/green listener rule missing",
			sd: func(s string) string {
				return strings.Replace(s, `"containerPort": 8080}`, `"containerPort": 8080, "advancedConfiguration": {"alternateTargetGroupArn": "`+tgARN+`", "productionListenerRule": "rule-1", "testListenerRule": "rule-2", "roleArn": "arn:aws:iam::123456789012:role/ebs"}}`, 1)
			},
			world: func(f *fakeAWS) { f.rules["rule-1"] = true },
			check: "ListenerRule", status: NG, reason: "listener rule not found"},
		{name: "service registry missing", world: func(f *fakeAWS) { delete(f.services, "srv-1") },
			check: "ServiceRegistry", status: NG, reason: "Cloud Map service not found"},
		{name: "Service Connect namespace missing", world: func(f *fakeAWS) { delete(f.namespaces, "ns-1") },
			check: "ServiceConnectNamespace", status: NG, reason: `namespace "internal" not found`},
		{name: "volume role does not trust ecs", world: func(f *fakeAWS) { f.roles["ebs"] = tasksTrust },
			check: "InfrastructureRole", status: NG, reason: `role "ebs" does not trust ecs.amazonaws.com`},
		{name: "no service definition",
			sd:    func(string) string { return "" },
			check: "ServiceDefinition", status: Skipped, reason: "no service_definition in the config"},
		{name: "invalid image reference",
			td:    func(s string) string { return strings.Replace(s, image+":v1", "Web:", 1) },
			check: "Image", status: NG, reason: "invalid image reference: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := world()
			if tt.world != nil {
				tt.world(f)
			}
			td, sd := taskDef, serviceDef
			if tt.td != nil {
				td = tt.td(td)
			}
			if tt.sd != nil {
				sd = tt.sd(sd)
			}
			opts := Options{GetSecrets: true, PutLogs: true}
			if tt.opts != nil {
				opts = *tt.opts
			}
			rep := run(t, f, input(t, td, sd), opts)
			var hits []Result
			for _, c := range rep.Checks {
				if c.Cached {
					continue
				}
				if c.Status == NG || (c.Check == tt.check && c.Status == tt.status && (c.Reason != "" || tt.reason == "")) {
					hits = append(hits, c)
				}
			}
			if n := max(tt.n, 1); len(hits) != n || hits[0].Check != tt.check || hits[0].Status != tt.status || !strings.HasPrefix(hits[0].Reason, tt.reason) {
				t.Fatalf("want one %s %s %q, got:\n%+v", tt.check, tt.status, tt.reason, hits)
			}
			if tt.status == NG && hits[0].Hint == "" {
				t.Errorf("NG without a hint: %+v", hits[0])
			}
		})
	}
}

func TestParseSecretRef(t *testing.T) {
	tests := []struct {
		in   string
		want secretRef
	}{
		{"/app/db", secretRef{ssm: true, region: "us-east-1", id: "/app/db"}},
		{"db", secretRef{ssm: true, region: "us-east-1", id: "db"}},
		{"arn:aws:ssm:eu-west-1:123456789012:parameter/app/db", secretRef{ssm: true, region: "eu-west-1", id: "/app/db"}},
		{"arn:aws:ssm:us-east-1:123456789012:parameter/db", secretRef{ssm: true, region: "us-east-1", id: "db"}},
		{smARN, secretRef{region: "us-east-1", id: smARN}},
		{smARN + ":password::", secretRef{region: "us-east-1", id: smARN, jsonKey: "password"}},
		{smARN + "::AWSPREVIOUS:", secretRef{region: "us-east-1", id: smARN, stage: "AWSPREVIOUS"}},
		{smARN + ":k::0123-v", secretRef{region: "us-east-1", id: smARN, jsonKey: "k", version: "0123-v"}},
		{"arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf:k", secretRef{region: "cn-north-1", id: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf", jsonKey: "k"}},
	}
	for _, tt := range tests {
		if got := parseSecretRef(tt.in, "us-east-1"); got != tt.want {
			t.Errorf("parseSecretRef(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestTrusts(t *testing.T) {
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"string forms", tasksTrust, true},
		{"list forms and single statement object", `{"Statement":{"Effect":"Allow","Principal":{"Service":["x","ecs-tasks.amazonaws.com"]},"Action":["sts:AssumeRole"]}}`, true},
		{"deny", `{"Statement":[{"Effect":"Deny","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"other service", ecsTrust, false},
		{"AWS principal", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}]}`, false},
		{"other action", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:TagSession"}]}`, false},
		{"url-encoded", "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D", true},
	}
	for _, tt := range tests {
		got, err := trusts(tt.doc, principalTasks)
		if err != nil || got != tt.want {
			t.Errorf("%s: trusts = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
