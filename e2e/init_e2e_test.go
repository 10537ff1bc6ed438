package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const (
	e2eExecRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
	e2eTG       = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef"
)

// fargateTD is a Fargate task definition with secrets, environment, health check,
// dependsOn, volumes and labels: the fields users' files carry.
func fargateTD(family, image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		NetworkMode:             types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		ExecutionRoleArn:        aws.String(e2eExecRole),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:         aws.String("app"),
			Image:        aws.String(image),
			Essential:    aws.Bool(true),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080), Protocol: types.TransportProtocolTcp, Name: aws.String("http")}},
			Environment:  []types.KeyValuePair{{Name: aws.String("B"), Value: aws.String("2")}, {Name: aws.String("A"), Value: aws.String("1")}},
			Secrets: []types.Secret{{Name: aws.String("DB_PASSWORD"),
				ValueFrom: aws.String("arn:aws:ssm:us-east-1:123456789012:parameter/db/password")}},
			DockerLabels: map[string]string{"com.example.lowerKey": "v"},
			MountPoints:  []types.MountPoint{{SourceVolume: aws.String("data"), ContainerPath: aws.String("/data")}},
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}},
		}},
		Volumes: []types.Volume{{Name: aws.String("data")}},
		Tags:    []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
	}
}

// bridgeTD is an EC2 bridge task definition with a docker volume carrying labels and
// driver options whose keys must survive untouched.
func bridgeTD(family string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String(family),
		NetworkMode:             types.NetworkModeBridge,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2},
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("worker"), Image: aws.String("busybox:1.36"), Memory: aws.Int32(128), Essential: aws.Bool(true),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0), Protocol: types.TransportProtocolTcp}},
			Command:      []string{"sh", "-c", "sleep 3600"},
		}},
		Volumes: []types.Volume{{Name: aws.String("scratch"), DockerVolumeConfiguration: &types.DockerVolumeConfiguration{
			Scope: types.ScopeShared, Autoprovision: aws.Bool(true), Driver: aws.String("local"),
			Labels: map[string]string{"lowerKey": "x", "Upper": "y"}, DriverOpts: map[string]string{"type": "tmpfs"},
		}}},
	}
}

func (e *e2e) awsvpc() *types.NetworkConfiguration {
	subnets, sg := e.network()
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: []string{subnets[1], subnets[0]}, SecurityGroups: []string{sg}, AssignPublicIp: types.AssignPublicIpDisabled,
	}}
}

// TestE2EInitThenDiff imports services created with the plain SDK and checks that
// diff right after init finds nothing, and that a local change is shown (exit 3).
func TestE2EInitThenDiff(t *testing.T) {
	e := startE2E(t)
	e.cluster("prod")
	webTD := e.register(fargateTD("web", "nginx:1.27"))
	workerTD := e.register(bridgeTD("worker"))
	sc := e.register(fargateTD("api", "nginx:1.27"))
	spot := e.register(fargateTD("batch", "nginx:1.27"))
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("web"), TaskDefinition: aws.String(webTD),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeFargate, PlatformVersion: aws.String("LATEST"),
		NetworkConfiguration:          e.awsvpc(),
		LoadBalancers:                 []types.LoadBalancer{{TargetGroupArn: aws.String(e2eTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}},
		HealthCheckGracePeriodSeconds: aws.Int32(30),
		DeploymentConfiguration: &types.DeploymentConfiguration{MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(50),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		EnableExecuteCommand: true, PropagateTags: types.PropagateTagsService,
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}},
	})
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("worker"), TaskDefinition: aws.String(workerTD),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeEc2,
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}},
	})
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("api"), TaskDefinition: aws.String(sc),
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: e.awsvpc(),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("internal"),
			Services: []types.ServiceConnectService{{PortName: aws.String("http"), ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String("api")}}}}},
	})
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("prod"), ServiceName: aws.String("batch"), TaskDefinition: aws.String(spot),
		DesiredCount: aws.Int32(1), NetworkConfiguration: e.awsvpc(),
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
			{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3},
		},
	})

	// One service into the current directory.
	e.must(0, "", "init", "--cluster", "prod", "--service", "web")
	if cfg := e.read("doppio.yml"); !strings.Contains(cfg, "service: web") || !strings.Contains(cfg, "timeout: 10m") {
		t.Errorf("doppio.yml:\n%s", cfg)
	}
	if out, _ := e.must(0, "", "diff", "--exit-code"); out != "" {
		t.Errorf("diff after init is not empty:\n%s", out)
	}
	// init refuses to overwrite, naming the file.
	_, errs := e.must(2, "", "init", "--cluster", "prod", "--service", "web")
	if !strings.Contains(errs, "doppio.yml") || !strings.Contains(errs, "--force-overwrite") {
		t.Errorf("overwrite refusal:\n%s", errs)
	}
	e.must(0, "", "init", "--cluster", "prod", "--service", "web", "--force-overwrite")

	// Every service of the cluster, one folder each, then diff in each.
	e.must(0, "all", "init", "--cluster", "prod")
	for _, svc := range []string{"web", "worker", "api", "batch"} {
		if out, errs := e.must(0, "all/"+svc, "diff", "--exit-code"); out != "" {
			t.Errorf("%s: diff after init is not empty:\n%s\n%s", svc, out, errs)
		}
	}
	// Labels keep their keys as written.
	if td := e.read("all/worker/ecs-task-def.json"); !strings.Contains(td, `"lowerKey": "x"`) {
		t.Errorf("volume labels rewritten:\n%s", td)
	}

	// Jsonnet files diff cleanly too.
	e.must(0, "jsonnet", "init", "--cluster", "prod", "--service", "api", "--jsonnet")
	if out, errs := e.must(0, "jsonnet", "diff", "--exit-code"); out != "" {
		t.Errorf("jsonnet: diff after init is not empty:\n%s\n%s", out, errs)
	}

	// A local change is shown with the live ARN as header, and exits 3.
	td := e.read("ecs-task-def.json")
	e.write("ecs-task-def.json", strings.Replace(td, "nginx:1.27", "nginx:1.28", 1))
	out, _ := e.must(3, "", "diff", "--exit-code")
	wantIn(t, "diff output", out, "--- arn:aws:ecs:us-east-1:", "task-definition/web:1", "+++ ecs-task-def.json", `-      "image": "nginx:1.27"`, `+      "image": "nginx:1.28"`)
	if strings.Contains(out, "service/prod/web") {
		t.Errorf("service diff shown although only the task definition changed:\n%s", out)
	}
	// Without --exit-code, differences still exit 0.
	e.must(0, "", "diff")
	// --no-unified prints the whole documents, every line marked, no hunk headers.
	out, _ = e.must(0, "", "diff", "--no-unified")
	if strings.Contains(out, "@@") || !strings.Contains(out, `-      "image": "nginx:1.27"`) || !strings.Contains(out, `   "family": "web"`) {
		t.Errorf("diff --no-unified:\n%s", out)
	}

	// A task-only project (batch jobs): config without service, sorted lists.
	e.must(0, "", "init", "--task-definition", "worker:1", "--sort", "--config", "job/doppio.yml")
	if cfg := e.read("job/doppio.yml"); strings.Contains(cfg, "service") || !strings.Contains(cfg, "task_definition: ecs-task-def.json") {
		t.Errorf("task-only doppio.yml:\n%s", cfg)
	}
	if out, errs := e.must(0, "job", "diff", "--exit-code"); out != "" {
		t.Errorf("task-only project: diff after init is not empty:\n%s\n%s", out, errs)
	}
	e.must(2, "", "init", "--task-definition", "worker:1", "--service", "web")
	e.must(2, "", "init", "--task-definition", "nosuch:9", "--config", "none/doppio.yml")

	// Service side, as deploy sees it: a changed desiredCount is shown; a file
	// without desiredCount or without tags manages neither; ignored tags are hidden.
	sd := e.read("all/web/ecs-service-def.json")
	e.write("all/web/ecs-service-def.json", strings.Replace(sd, `"desiredCount": 2`, `"desiredCount": 3`, 1))
	out, _ = e.must(3, "all/web", "diff", "--exit-code")
	if !strings.Contains(out, "service/prod/web") || !strings.Contains(out, `+  "desiredCount": 3`) {
		t.Errorf("desiredCount change not shown:\n%s", out)
	}
	noCount := strings.Replace(sd, `"desiredCount": 2,`, "", 1)
	e.write("all/web/ecs-service-def.json", noCount)
	if out, _ := e.must(0, "all/web", "diff", "--exit-code"); out != "" {
		t.Errorf("file without desiredCount: %s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(noCount), &doc); err != nil {
		t.Fatal(err)
	}
	doc["tags"] = []map[string]string{{"key": "owner", "value": "me"}}
	b, _ := json.Marshal(doc)
	e.write("all/web/ecs-service-def.json", string(b))
	out, _ = e.must(3, "all/web", "diff", "--exit-code")
	if !strings.Contains(out, `"env"`) || !strings.Contains(out, `"owner"`) {
		t.Errorf("tag changes not shown:\n%s", out)
	}
	e.write("all/web/doppio.yml", e.read("all/web/doppio.yml")+"ignore:\n  tags: [env, owner]\n")
	if out, _ := e.must(0, "all/web", "diff", "--exit-code"); out != "" {
		t.Errorf("ignored tags shown:\n%s", out)
	}
}
