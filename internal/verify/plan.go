package verify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Trusted principals: task roles and execution roles are assumed by ECS tasks;
// infrastructure roles (EBS volumes, blue/green load balancer changes) by ECS itself.
const (
	principalTasks = "ecs-tasks.amazonaws.com"
	principalECS   = "ecs.amazonaws.com"
)

// sub returns path extended by name, never sharing path's backing array.
func sub(path []string, name string) []string {
	out := make([]string, len(path), len(path)+1)
	copy(out, path)
	return append(out, name)
}

// plan lists the checks of in, in the order they are reported: the task
// definition (roles, then each container, then volumes), the service definition,
// then the cluster.
func (v *Verifier) plan(in Input) []check {
	td := in.TaskDefinition
	if td == nil {
		td = &ecs.RegisterTaskDefinitionInput{}
	}
	v.ssm = &ssmBatches{index: map[string]int{}, names: map[string][]string{}}
	var cs []check
	root := []string{"TaskDefinition"}
	if arn := aws.ToString(td.ExecutionRoleArn); arn != "" {
		cs = append(cs, v.roleCheck(root, "ExecutionRole", arn, principalTasks))
	} else if uses := executionRoleUses(td, in.Service); len(uses) > 0 {
		cs = append(cs, check{path: root, kind: "ExecutionRole", key: "no-execution-role",
			run: constant(ng("the task definition has no executionRoleArn, which ECS needs to "+strings.Join(uses, ", "),
				"set executionRoleArn to a role that trusts ecs-tasks.amazonaws.com and has the AmazonECSTaskExecutionRolePolicy (plus read access to the secrets)"))})
	}
	if arn := aws.ToString(td.TaskRoleArn); arn != "" {
		cs = append(cs, v.roleCheck(root, "TaskRole", arn, principalTasks))
	}
	platform := wantedPlatform(td, in.Service)
	for _, c := range td.ContainerDefinitions {
		p := sub(root, "ContainerDefinition["+aws.ToString(c.Name)+"]")
		credentials := ""
		if c.RepositoryCredentials != nil {
			credentials = aws.ToString(c.RepositoryCredentials.CredentialsParameter)
		}
		if img := aws.ToString(c.Image); img != "" {
			cs = append(cs, v.imageCheck(p, img, credentials, platform))
		}
		if credentials != "" {
			cs = append(cs, v.secretCheck(p, "RepositoryCredentials", credentials, []string{"username", "password"}))
		}
		for _, s := range c.Secrets {
			cs = append(cs, v.secretCheck(p, "Secret "+aws.ToString(s.Name), aws.ToString(s.ValueFrom), nil))
		}
		if c.LogConfiguration != nil {
			cs = append(cs, v.logCheck(p, aws.ToString(c.Name), c.LogConfiguration))
		}
		for _, f := range c.EnvironmentFiles {
			cs = append(cs, v.envFileCheck(p, f))
		}
		for _, pm := range c.PortMappings {
			// awsvpc and host: "the hostPort can either be left blank or set to the
			// same value as the containerPort" (PortMapping, ECS API reference).
			h, cp := aws.ToInt32(pm.HostPort), aws.ToInt32(pm.ContainerPort)
			if (td.NetworkMode == types.NetworkModeAwsvpc || td.NetworkMode == types.NetworkModeHost) && h != 0 && h != cp {
				cs = append(cs, check{path: p, kind: "PortMapping", resource: fmt.Sprintf("%d:%d", h, cp),
					run: constant(ng(fmt.Sprintf("hostPort %d differs from containerPort %d, which network mode %s does not allow", h, cp, td.NetworkMode),
						"leave hostPort out, or set it to the containerPort"))})
			}
		}
	}
	for _, vol := range td.Volumes {
		if vol.EfsVolumeConfiguration == nil {
			continue
		}
		p := sub(root, "Volume["+aws.ToString(vol.Name)+"]")
		cs = append(cs, v.efsChecks(p, vol.EfsVolumeConfiguration)...)
	}
	if in.Service == nil {
		cs = append(cs, check{kind: "ServiceDefinition", key: "service-definition",
			run: constant(skip("no service_definition in the config"))})
	} else {
		cs = append(cs, v.serviceChecks(in, td)...)
	}
	cs = append(cs, v.clusterCheck(nil, in.Cluster))
	return cs
}

// executionRoleUses lists what the task definition asks of the execution role:
// secrets, private registry credentials and environment files always; pulling from
// ECR and sending awslogs on Fargate (on EC2 the instance role can do those).
func executionRoleUses(td *ecs.RegisterTaskDefinitionInput, sd *ecs.CreateServiceInput) []string {
	var uses []string
	add := func(u string) {
		if !slices.Contains(uses, u) {
			uses = append(uses, u)
		}
	}
	fargate := onFargate(td, sd)
	for _, c := range td.ContainerDefinitions {
		if len(c.Secrets) > 0 || (c.LogConfiguration != nil && len(c.LogConfiguration.SecretOptions) > 0) {
			add("read secrets")
		}
		if c.RepositoryCredentials != nil {
			add("read repository credentials")
		}
		if len(c.EnvironmentFiles) > 0 {
			add("read environment files")
		}
		if fargate && ecrHost.MatchString(strings.SplitN(aws.ToString(c.Image), "/", 2)[0]) {
			add("pull images from ECR")
		}
		if fargate && c.LogConfiguration != nil && c.LogConfiguration.LogDriver == types.LogDriverAwslogs {
			add("send logs to CloudWatch")
		}
	}
	return uses
}

// constant is a check function with a fixed outcome (pure checks decided at plan time).
func constant(o outcome) func(context.Context) outcome {
	return func(context.Context) outcome { return o }
}

// platform is an OCI os/architecture pair, e.g. linux/amd64.
type platform struct{ os, arch string }

func (p platform) String() string { return p.os + "/" + p.arch }

// wantedPlatform is the platform the tasks will run on when it is known: the task
// definition's runtimePlatform, or Fargate's default (Linux on X86_64) when the
// tasks run on Fargate. For EC2 without runtimePlatform the instance decides, and
// no platform is checked (zero value).
func wantedPlatform(td *ecs.RegisterTaskDefinitionInput, sd *ecs.CreateServiceInput) platform {
	var p platform
	if rp := td.RuntimePlatform; rp != nil {
		switch f := string(rp.OperatingSystemFamily); {
		case f == "":
		case f == "LINUX":
			p.os = "linux"
		default:
			p.os = "windows"
		}
		switch rp.CpuArchitecture {
		case types.CPUArchitectureX8664:
			p.arch = "amd64"
		case types.CPUArchitectureArm64:
			p.arch = "arm64"
		}
	}
	if onFargate(td, sd) {
		p.os = orDefault(p.os, "linux")
		p.arch = orDefault(p.arch, "amd64")
	}
	if p.os == "" && p.arch == "" {
		return platform{}
	}
	return p
}

// onFargate tells whether the tasks run on Fargate: the task definition requires
// only FARGATE, or the service's launch type or capacity providers are Fargate's.
func onFargate(td *ecs.RegisterTaskDefinitionInput, sd *ecs.CreateServiceInput) bool {
	if len(td.RequiresCompatibilities) == 1 && td.RequiresCompatibilities[0] == types.CompatibilityFargate {
		return true
	}
	return serviceLaunch(sd) == "FARGATE"
}

// serviceLaunch is the service's infrastructure: its launch type, or FARGATE when
// every capacity provider of its strategy is FARGATE or FARGATE_SPOT, EC2 for other
// providers (Auto Scaling group providers), "" when the cluster's default decides.
func serviceLaunch(sd *ecs.CreateServiceInput) string {
	if sd == nil {
		return ""
	}
	if sd.LaunchType != "" {
		return string(sd.LaunchType)
	}
	if len(sd.CapacityProviderStrategy) == 0 {
		return ""
	}
	for _, s := range sd.CapacityProviderStrategy {
		if n := aws.ToString(s.CapacityProvider); n != "FARGATE" && n != "FARGATE_SPOT" {
			return "EC2"
		}
	}
	return "FARGATE"
}

// ssmBatches groups the SSM parameters named by the task definition by region in
// chunks of 10 (GetParameters' limit), so each chunk costs one call whichever
// check asks first.
type ssmBatches struct {
	names map[string][]string // region -> names in plan order
	index map[string]int      // region|name -> position in names[region]
}

func (b *ssmBatches) add(region, name string) {
	k := region + "|" + name
	if _, ok := b.index[k]; ok {
		return
	}
	b.index[k] = len(b.names[region])
	b.names[region] = append(b.names[region], name)
}

// chunk returns the names of the batch holding name and the batch's memo key.
func (b *ssmBatches) chunk(region, name string) ([]string, string) {
	i := b.index[region+"|"+name]
	start := i / 10 * 10
	end := min(start+10, len(b.names[region]))
	return b.names[region][start:end], "ssm:" + region + ":" + strconv.Itoa(start/10)
}

// portList formats a container's port mappings for a hint.
func portList(c types.ContainerDefinition) string {
	var ps []string
	for _, pm := range c.PortMappings {
		ps = append(ps, fmt.Sprint(aws.ToInt32(pm.ContainerPort)))
	}
	if len(ps) == 0 {
		return "none"
	}
	return strings.Join(ps, ", ")
}
