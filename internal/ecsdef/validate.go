package ecsdef

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// This file is the one place that knows what ECS rejects. Each rule is a row of a
// table (taskDefinitionRules, serviceRules) naming the AWS document it implements,
// so a reader can check the rule against its source. The decoders run the rules
// after decoding and turn every Problem into a *diag.Error at the position of the
// field in the file; nothing that breaks a rule reaches an AWS call that changes
// something.
//
// Sources (Amazon ECS API Reference, Developer Guide and Service Quotas):
const (
	refRegisterTD   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html"
	refContainerDef = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html"
	refPortMapping  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html"
	refHealthCheck  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html"
	refDependency   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html"
	refEphemeral    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html"
	refTag          = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html"
	refTaskSize     = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size"
	refTDParams     = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
	refCreateSvc    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
	refDeployConfig = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html"
	refLoadBalancer = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html"
	refAwsVpc       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html"
	refQuotas       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html"
	refVolume       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html"
	refMountPoint   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html"
	refSecret       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html"
	refKeyValue     = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KeyValuePair.html"
	refLogConfig    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html"
	refUlimit       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html"
	refCapacity     = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html"
)

// Limits from the ECS service quotas page (refQuotas).
const (
	// MaxDesiredCount is the "Tasks per service" quota: the largest desired count
	// ECS accepts for one service.
	MaxDesiredCount = 5000
	// maxContainers is "Containers per task definition".
	maxContainers = 10
	// maxTags is the per-resource tag limit (Tag: "Maximum number of tags per
	// resource - 50").
	maxTags = 50
)

// namePattern is the shape of family, container, volume, service and cluster
// names: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
// hyphens are allowed." It excludes control characters and spaces by construction.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// tagChars is Tag's pattern: "letters, numbers, and spaces representable in
// UTF-8, and the following characters: + - = . _ : / @".
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

const nameAllowed = "1-255 letters, numbers, underscores and hyphens"

// Problem is one broken rule: the field it concerns (a path relative to the
// definition, e.g. containerDefinitions[1].name), what is wrong including what is
// allowed, and the AWS reference of the rule.
type Problem struct {
	Field string
	Msg   string
	Ref   string
}

func (p Problem) String() string { return p.Field + ": " + p.Msg }

// report collects problems for one rule at a time.
type report struct {
	ref      string
	problems []Problem
}

func (r *report) add(field, format string, args ...any) {
	r.problems = append(r.problems, Problem{Field: field, Msg: fmt.Sprintf(format, args...), Ref: r.ref})
}

// rule is one row of a validation table.
type rule[T any] struct {
	name  string
	ref   string
	check func(T, *report)
}

func run[T any](rules []rule[T], v T) []Problem {
	r := &report{}
	for _, ru := range rules {
		r.ref = ru.ref
		ru.check(v, r)
	}
	return r.problems
}

// ValidateTaskDefinition returns every way td breaks a rule RegisterTaskDefinition
// enforces, in table order; nil when td is acceptable.
func ValidateTaskDefinition(td *ecs.RegisterTaskDefinitionInput) []Problem {
	if td == nil {
		return []Problem{{Msg: "the task definition is empty (null); it needs at least family and containerDefinitions", Ref: refRegisterTD}}
	}
	return run(taskDefinitionRules(), td)
}

// ServiceContext is what the config says about the service a definition is for;
// zero values are not checked.
type ServiceContext struct {
	Cluster, Service string
}

type serviceInput struct {
	sd  *ecs.CreateServiceInput
	ctx ServiceContext
}

// ValidateServiceDefinition returns every way sd breaks a rule CreateService and
// UpdateService enforce, or contradicts ctx; nil when sd is acceptable.
func ValidateServiceDefinition(sd *ecs.CreateServiceInput, ctx ServiceContext) []Problem {
	if sd == nil {
		return []Problem{{Msg: "the service definition is empty (null); write at least {}", Ref: refCreateSvc}}
	}
	return run(serviceRules(), serviceInput{sd, ctx})
}

// ValidName reports whether s is a valid ECS family, container, service or
// cluster name (namePattern), explaining what is allowed when it is not.
func ValidName(s string) error {
	if namePattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%s; allowed: %s", describeName(s), nameAllowed)
}

func describeName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > 255:
		return fmt.Sprintf("%d characters long", len(s))
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return fmt.Sprintf("%q contains the control character %U", s, c)
		}
		if c == ' ' {
			return fmt.Sprintf("%q contains a space", s)
		}
	}
	return fmt.Sprintf("%q contains a character that is not allowed", s)
}

func taskDefinitionRules() []rule[*ecs.RegisterTaskDefinitionInput] {
	type td = *ecs.RegisterTaskDefinitionInput
	return []rule[td]{
		{"family", refRegisterTD, func(t td, r *report) {
			// family: Required. "Up to 255 letters ..., numbers, underscores, and hyphens."
			if t.Family == nil {
				r.add("family", "required; allowed: %s", nameAllowed)
			} else if err := ValidName(*t.Family); err != nil {
				r.add("family", "%v", err)
			}
		}},
		{"containerDefinitions", refRegisterTD, func(t td, r *report) {
			// containerDefinitions: Required; quota "Containers per task definition: 10".
			switch n := len(t.ContainerDefinitions); {
			case n == 0:
				r.add("containerDefinitions", "required: at least one container definition")
			case n > maxContainers:
				r.add("containerDefinitions", "%d containers; a task definition holds at most %d", n, maxContainers)
			}
		}},
		{"container name and image", refContainerDef, func(t td, r *report) {
			// name, image: required. name: "Up to 255 letters ..., numbers,
			// underscores, and hyphens"; names are unique within the task.
			seen := map[string]int{}
			for i, c := range t.ContainerDefinitions {
				p := fmt.Sprintf("containerDefinitions[%d]", i)
				switch {
				case c.Name == nil:
					r.add(p+".name", "required; allowed: %s", nameAllowed)
				case ValidName(*c.Name) != nil:
					r.add(p+".name", "%v", ValidName(*c.Name))
				default:
					if j, dup := seen[*c.Name]; dup {
						r.add(p+".name", "duplicate container name %q (also containerDefinitions[%d]); names must be unique", *c.Name, j)
					} else {
						seen[*c.Name] = i
					}
				}
				if c.Image == nil || strings.TrimSpace(*c.Image) == "" {
					r.add(p+".image", "required: a container image such as nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1")
				} else if err := checkImage(*c.Image); err != nil {
					r.add(p+".image", "%v", err)
				}
			}
		}},
		{"essential", refTDParams, func(t td, r *report) {
			// "All tasks must have at least one essential container."
			if len(t.ContainerDefinitions) == 0 {
				return
			}
			for _, c := range t.ContainerDefinitions {
				if c.Essential == nil || *c.Essential {
					return
				}
			}
			r.add("containerDefinitions", "every container has essential: false; a task needs at least one essential container")
		}},
		{"container resources", refContainerDef, func(t td, r *report) {
			// cpu: CPU units >= 0; memory: hard limit in MiB, > 0; memoryReservation:
			// soft limit, > 0 and "must be lower than memory" when both are set.
			for i, c := range t.ContainerDefinitions {
				p := fmt.Sprintf("containerDefinitions[%d]", i)
				if c.Cpu < 0 {
					r.add(p+".cpu", "%d is negative; allowed: CPU units >= 0 (1024 = 1 vCPU)", c.Cpu)
				}
				if c.Memory != nil && *c.Memory <= 0 {
					r.add(p+".memory", "%d; allowed: a hard limit in MiB > 0", *c.Memory)
				}
				if c.MemoryReservation != nil && *c.MemoryReservation <= 0 {
					r.add(p+".memoryReservation", "%d; allowed: a soft limit in MiB > 0", *c.MemoryReservation)
				}
				if c.Memory != nil && c.MemoryReservation != nil && *c.Memory > 0 && *c.MemoryReservation > *c.Memory {
					r.add(p+".memoryReservation", "%d is above memory %d; the soft limit must not exceed the hard limit", *c.MemoryReservation, *c.Memory)
				}
				if c.StartTimeout != nil && *c.StartTimeout < 0 {
					r.add(p+".startTimeout", "%d is negative; allowed: seconds >= 0", *c.StartTimeout)
				}
				// stopTimeout: "For tasks using the Fargate launch type ... the max
				// stop timeout value is 120 seconds"; on EC2 the agent decides.
				if c.StopTimeout != nil && *c.StopTimeout < 0 {
					r.add(p+".stopTimeout", "%d is negative; allowed: seconds >= 0", *c.StopTimeout)
				} else if c.StopTimeout != nil && *c.StopTimeout > 120 && requires(t, types.CompatibilityFargate) {
					r.add(p+".stopTimeout", "%d; allowed on Fargate: 0-120 seconds", *c.StopTimeout)
				}
			}
		}},
		{"port mappings", refPortMapping, func(t td, r *report) {
			// containerPort, hostPort: port numbers; containerPortRange "<start>-<end>"
			// within 1-65535, start lower than end.
			for i, c := range t.ContainerDefinitions {
				for j, pm := range c.PortMappings {
					p := fmt.Sprintf("containerDefinitions[%d].portMappings[%d]", i, j)
					if pm.ContainerPort != nil && (*pm.ContainerPort < 0 || *pm.ContainerPort > 65535) {
						r.add(p+".containerPort", "%d; allowed: 0-65535", *pm.ContainerPort)
					}
					if pm.HostPort != nil && (*pm.HostPort < 0 || *pm.HostPort > 65535) {
						r.add(p+".hostPort", "%d; allowed: 0-65535", *pm.HostPort)
					}
					if pm.ContainerPort == nil && pm.ContainerPortRange == nil {
						r.add(p+".containerPort", "required (or containerPortRange)")
					}
					if pr := pm.ContainerPortRange; pr != nil && !validPortRange(*pr) {
						r.add(p+".containerPortRange", "%q; allowed: \"START-END\" with 1 <= START < END <= 65535", *pr)
					}
					if pm.Name != nil && !portName.MatchString(*pm.Name) {
						r.add(p+".name", "%q; allowed: 1-64 lowercase letters, numbers, underscores and hyphens, not starting with a hyphen", *pm.Name)
					}
				}
			}
		}},
		{"dependsOn", refDependency, func(t td, r *report) {
			// containerName must name a container of this task definition, and a
			// container cannot depend on itself.
			names := containerNames(t)
			for i, c := range t.ContainerDefinitions {
				for j, d := range c.DependsOn {
					p := fmt.Sprintf("containerDefinitions[%d].dependsOn[%d]", i, j)
					switch n := aws.ToString(d.ContainerName); {
					case d.ContainerName == nil:
						r.add(p+".containerName", "required: the name of another container in this task definition")
					case !slices.Contains(names, n):
						r.add(p+".containerName", "no container named %q in this task definition; containers: %s%s", n, strings.Join(names, ", "), hintSuffix(diag.DidYouMean(n, names)))
					case n == aws.ToString(c.Name):
						r.add(p+".containerName", "container %q depends on itself", n)
					}
					if d.Condition == "" {
						r.add(p+".condition", "required; allowed: %s", enumList(types.ContainerCondition("").Values()))
					}
				}
				for j, l := range c.VolumesFrom {
					p := fmt.Sprintf("containerDefinitions[%d].volumesFrom[%d].sourceContainer", i, j)
					if n := aws.ToString(l.SourceContainer); l.SourceContainer != nil && !slices.Contains(names, n) {
						r.add(p, "no container named %q in this task definition; containers: %s", n, strings.Join(names, ", "))
					}
				}
			}
		}},
		{"health check", refHealthCheck, func(t td, r *report) {
			// command required; interval 5-300 s; timeout 2-120 s; retries 1-10;
			// startPeriod 0-300 s.
			for i, c := range t.ContainerDefinitions {
				hc := c.HealthCheck
				if hc == nil {
					continue
				}
				p := fmt.Sprintf("containerDefinitions[%d].healthCheck", i)
				if len(hc.Command) == 0 {
					r.add(p+".command", "required, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]")
				}
				checkRange(r, p+".interval", hc.Interval, 5, 300, "seconds")
				checkRange(r, p+".timeout", hc.Timeout, 2, 120, "seconds")
				checkRange(r, p+".retries", hc.Retries, 1, 10, "")
				checkRange(r, p+".startPeriod", hc.StartPeriod, 0, 300, "seconds")
			}
		}},
		{"environment, secrets, logging, ulimits", refContainerDef, func(t td, r *report) {
			for i, c := range t.ContainerDefinitions {
				p := fmt.Sprintf("containerDefinitions[%d]", i)
				// KeyValuePair: an environment variable needs a name (refKeyValue).
				for j, kv := range c.Environment {
					if aws.ToString(kv.Name) == "" {
						r.add(fmt.Sprintf("%s.environment[%d].name", p, j), "required: the variable's name")
					}
				}
				// Secret: name and valueFrom are required (refSecret).
				for j, s := range c.Secrets {
					if aws.ToString(s.Name) == "" {
						r.add(fmt.Sprintf("%s.secrets[%d].name", p, j), "required: the variable's name")
					}
					if aws.ToString(s.ValueFrom) == "" {
						r.add(fmt.Sprintf("%s.secrets[%d].valueFrom", p, j), "required: an SSM parameter or Secrets Manager ARN")
					}
				}
				// LogConfiguration: logDriver is required (refLogConfig).
				if lc := c.LogConfiguration; lc != nil && lc.LogDriver == "" {
					r.add(p+".logConfiguration.logDriver", "required; allowed: %s", enumList(types.LogDriver("").Values()))
				}
				// Ulimit: name is required; softLimit must not exceed hardLimit (refUlimit).
				for j, u := range c.Ulimits {
					up := fmt.Sprintf("%s.ulimits[%d]", p, j)
					if u.Name == "" {
						r.add(up+".name", "required; allowed: %s", enumList(types.UlimitName("").Values()))
					}
					if u.SoftLimit > u.HardLimit {
						r.add(up+".softLimit", "%d is above hardLimit %d", u.SoftLimit, u.HardLimit)
					}
				}
			}
		}},
		{"volumes and mount points", refVolume, func(t td, r *report) {
			// Volume name: "Up to 255 letters ..., numbers, underscores, and
			// hyphens"; MountPoint.sourceVolume "must match the name of a volume"
			// (refMountPoint).
			var vols []string
			for i, v := range t.Volumes {
				p := fmt.Sprintf("volumes[%d].name", i)
				switch {
				case v.Name == nil:
					r.add(p, "required; allowed: %s", nameAllowed)
				case ValidName(*v.Name) != nil:
					r.add(p, "%v", ValidName(*v.Name))
				case slices.Contains(vols, *v.Name):
					r.add(p, "duplicate volume name %q", *v.Name)
				default:
					vols = append(vols, *v.Name)
				}
			}
			for i, c := range t.ContainerDefinitions {
				for j, m := range c.MountPoints {
					p := fmt.Sprintf("containerDefinitions[%d].mountPoints[%d].sourceVolume", i, j)
					if n := aws.ToString(m.SourceVolume); m.SourceVolume != nil && !slices.Contains(vols, n) {
						r.add(p, "no volume named %q in volumes; volumes: %s", n, strings.Join(vols, ", "))
					}
				}
			}
		}},
		{"task cpu and memory", refTDParams, func(t td, r *report) {
			// "Task CPU ... an integer using CPU units (1024) or as a string using
			// vCPUs (1 vCPU)", 128 to 196608 units; memory "an integer using MiB
			// (1024) or as a string using GB (1 GB)".
			if t.Cpu != nil {
				if n, ok := units(*t.Cpu, cpuUnits); !ok {
					r.add("cpu", "%q; allowed: CPU units as a whole number (\"256\") or vCPUs (\"0.25 vCPU\")", *t.Cpu)
				} else if n < 128 || n > 196608 {
					r.add("cpu", "%q is %d CPU units; allowed: 128-196608 (0.125-192 vCPU)", *t.Cpu, n)
				}
			}
			if t.Memory != nil {
				if n, ok := units(*t.Memory, memoryUnits); !ok {
					r.add("memory", "%q; allowed: MiB as a whole number (\"512\") or GB (\"0.5 GB\")", *t.Memory)
				} else if n <= 0 {
					r.add("memory", "%q; allowed: a positive amount of MiB", *t.Memory)
				}
			}
		}},
		{"container memory on EC2", refTDParams, func(t td, r *report) {
			// "If using the EC2 launch type, you must specify either a task-level
			// memory value or a container-level memory value" (memory or
			// memoryReservation on every container). Checked when the file asks
			// for EC2 explicitly; without requiresCompatibilities the definition
			// may be meant for EXTERNAL or MANAGED_INSTANCES, so it is left to ECS.
			if t.Memory != nil || !requires(t, types.CompatibilityEc2) || !requiresOnlyEC2(t) {
				return
			}
			for i, c := range t.ContainerDefinitions {
				if c.Memory == nil && c.MemoryReservation == nil {
					r.add(fmt.Sprintf("containerDefinitions[%d].memory", i),
						"set memory or memoryReservation on each container, or memory on the task: an EC2 task definition needs one of them")
				}
			}
		}},
		{"Fargate task size", refTaskSize, func(t td, r *report) {
			// Fargate: task-level cpu and memory are required, only the documented
			// combinations exist, and networkMode must be awsvpc.
			if !requires(t, types.CompatibilityFargate) {
				return
			}
			if t.NetworkMode != "" && t.NetworkMode != types.NetworkModeAwsvpc {
				r.add("networkMode", "%q; Fargate tasks require awsvpc", t.NetworkMode)
			}
			if t.Cpu == nil || t.Memory == nil {
				if t.Cpu == nil {
					r.add("cpu", "required for FARGATE; allowed: %s", fargateCPUList())
				}
				if t.Memory == nil {
					r.add("memory", "required for FARGATE (MiB)")
				}
				return
			}
			cpu, ok1 := units(*t.Cpu, cpuUnits)
			mem, ok2 := units(*t.Memory, memoryUnits)
			if !ok1 || !ok2 {
				return // reported by "task cpu and memory"
			}
			sizes, ok := fargateSizes(cpu)
			if !ok {
				r.add("cpu", "%q is not a Fargate size; allowed: %s", *t.Cpu, fargateCPUList())
				return
			}
			if !slices.Contains(sizes, mem) {
				r.add("memory", "%q is not available with cpu %q on Fargate; allowed with %d CPU units: %s MiB", *t.Memory, *t.Cpu, cpu, fargateMemList(sizes))
			}
		}},
		{"ephemeral storage", refEphemeral, func(t td, r *report) {
			// sizeInGiB: "The minimum supported value is 21 GiB and the maximum
			// supported value is 200 GiB."
			if es := t.EphemeralStorage; es != nil && (es.SizeInGiB < 21 || es.SizeInGiB > 200) {
				r.add("ephemeralStorage.sizeInGiB", "%d; allowed: 21-200 GiB", es.SizeInGiB)
			}
		}},
		{"task tags", refTag, func(t td, r *report) { checkTags(r, "tags", t.Tags) }},
		{"placement constraints", refRegisterTD, func(t td, r *report) {
			// placementConstraints: "An array of placement constraint objects to
			// use for the task. You can specify a maximum of 10 constraints."
			if n := len(t.PlacementConstraints); n > 10 {
				r.add("placementConstraints", "%d constraints; at most 10 are allowed", n)
			}
		}},
	}
}

func serviceRules() []rule[serviceInput] {
	type si = serviceInput
	return []rule[si]{
		{"serviceName", refCreateSvc, func(s si, r *report) {
			// serviceName: "Up to 255 letters ..., numbers, underscores, and
			// hyphens"; doppio takes it from the config, so a different one in the
			// file is a contradiction.
			n := s.sd.ServiceName
			if n == nil {
				return
			}
			if err := ValidName(*n); err != nil {
				r.add("serviceName", "%v", err)
			} else if s.ctx.Service != "" && *n != s.ctx.Service {
				r.add("serviceName", "%q contradicts the config's service %q; remove serviceName or make them equal", *n, s.ctx.Service)
			}
		}},
		{"cluster", refCreateSvc, func(s si, r *report) {
			c := s.sd.Cluster
			if c == nil || s.ctx.Cluster == "" {
				return
			}
			if lastSegment(*c) != lastSegment(s.ctx.Cluster) {
				r.add("cluster", "%q contradicts the config's cluster %q; remove cluster or make them equal", *c, s.ctx.Cluster)
			}
		}},
		{"desiredCount", refQuotas, func(s si, r *report) {
			// desiredCount >= 0; quota "Tasks per service: 5,000".
			if d := s.sd.DesiredCount; d != nil && (*d < 0 || *d > MaxDesiredCount) {
				r.add("desiredCount", "%d; allowed: 0-%d (the ECS tasks-per-service quota)", *d, MaxDesiredCount)
			}
		}},
		{"deploymentConfiguration", refDeployConfig, func(s si, r *report) {
			// minimumHealthyPercent is a percentage of desiredCount, 0-100; with the
			// rolling update (ECS) controller maximumPercent is at least 100.
			dc := s.sd.DeploymentConfiguration
			if dc == nil {
				return
			}
			if m := dc.MinimumHealthyPercent; m != nil && (*m < 0 || *m > 100) {
				r.add("deploymentConfiguration.minimumHealthyPercent", "%d; allowed: 0-100", *m)
			}
			if m := dc.MaximumPercent; m != nil {
				lo := int32(0)
				if s.sd.SchedulingStrategy != types.SchedulingStrategyDaemon && (s.sd.DeploymentController == nil || s.sd.DeploymentController.Type == "" || s.sd.DeploymentController.Type == types.DeploymentControllerTypeEcs) {
					lo = 100
				}
				if *m < lo {
					r.add("deploymentConfiguration.maximumPercent", "%d; allowed: %d or more", *m, lo)
				}
				if mh := dc.MinimumHealthyPercent; mh != nil && *mh >= 0 && *m >= 0 && *m < *mh {
					r.add("deploymentConfiguration.maximumPercent", "%d is below minimumHealthyPercent %d", *m, *mh)
				}
			}
			if b := dc.BakeTimeInMinutes; b != nil && (*b < 0 || *b > 1440) {
				r.add("deploymentConfiguration.bakeTimeInMinutes", "%d; allowed: 0-1440", *b)
			}
		}},
		{"healthCheckGracePeriodSeconds", refCreateSvc, func(s si, r *report) {
			// "The health check grace period ... up to 2,147,483,647 seconds"; not negative.
			if h := s.sd.HealthCheckGracePeriodSeconds; h != nil && *h < 0 {
				r.add("healthCheckGracePeriodSeconds", "%d is negative; allowed: 0-2147483647 seconds", *h)
			}
		}},
		{"launchType and capacityProviderStrategy", refCreateSvc, func(s si, r *report) {
			// "If a capacityProviderStrategy is specified, the launchType parameter
			// must be omitted."
			if s.sd.LaunchType != "" && len(s.sd.CapacityProviderStrategy) > 0 {
				r.add("capacityProviderStrategy", "given together with launchType %q; keep one of them", s.sd.LaunchType)
			}
			// CapacityProviderStrategyItem: base 0-100000, weight 0-1000 (refCapacity).
			for i, c := range s.sd.CapacityProviderStrategy {
				p := fmt.Sprintf("capacityProviderStrategy[%d]", i)
				if aws.ToString(c.CapacityProvider) == "" {
					r.add(p+".capacityProvider", "required, e.g. FARGATE")
				}
				if c.Base < 0 || c.Base > 100000 {
					r.add(p+".base", "%d; allowed: 0-100000", c.Base)
				}
				if c.Weight < 0 || c.Weight > 1000 {
					r.add(p+".weight", "%d; allowed: 0-1000", c.Weight)
				}
			}
		}},
		{"loadBalancers", refLoadBalancer, func(s si, r *report) {
			for i, lb := range s.sd.LoadBalancers {
				p := fmt.Sprintf("loadBalancers[%d]", i)
				if lb.ContainerPort != nil && (*lb.ContainerPort < 0 || *lb.ContainerPort > 65535) {
					r.add(p+".containerPort", "%d; allowed: 0-65535", *lb.ContainerPort)
				}
				if lb.ContainerName != nil && ValidName(*lb.ContainerName) != nil {
					r.add(p+".containerName", "%v", ValidName(*lb.ContainerName))
				}
			}
		}},
		{"networkConfiguration", refAwsVpc, func(s si, r *report) {
			// subnets: required, at most 16; securityGroups: at most 5.
			nc := s.sd.NetworkConfiguration
			if nc == nil || nc.AwsvpcConfiguration == nil {
				return
			}
			v := nc.AwsvpcConfiguration
			p := "networkConfiguration.awsvpcConfiguration"
			switch n := len(v.Subnets); {
			case n == 0:
				r.add(p+".subnets", "required: 1-16 subnet IDs")
			case n > 16:
				r.add(p+".subnets", "%d subnets; at most 16 are allowed", n)
			}
			if n := len(v.SecurityGroups); n > 5 {
				r.add(p+".securityGroups", "%d security groups; at most 5 are allowed", n)
			}
		}},
		{"placement", refCreateSvc, func(s si, r *report) {
			// "You can specify a maximum of 10 constraints" and "5 strategy rules".
			if n := len(s.sd.PlacementConstraints); n > 10 {
				r.add("placementConstraints", "%d constraints; at most 10 are allowed", n)
			}
			if n := len(s.sd.PlacementStrategy); n > 5 {
				r.add("placementStrategy", "%d rules; at most 5 are allowed", n)
			}
		}},
		{"service tags", refTag, func(s si, r *report) { checkTags(r, "tags", s.sd.Tags) }},
	}
}

// checkTags implements Tag: at most 50 per resource; key 1-128 and value 0-256
// characters of tagChars; the aws: prefix is reserved; keys are unique.
func checkTags(r *report, path string, tags []types.Tag) {
	if len(tags) > maxTags {
		r.add(path, "%d tags; at most %d are allowed", len(tags), maxTags)
	}
	seen := map[string]bool{}
	for i, t := range tags {
		p := fmt.Sprintf("%s[%d]", path, i)
		k := aws.ToString(t.Key)
		switch {
		case t.Key == nil || k == "":
			r.add(p+".key", "required: 1-128 characters")
		case len([]rune(k)) > 128:
			r.add(p+".key", "%d characters; allowed: 1-128", len([]rune(k)))
		case !tagChars.MatchString(k):
			r.add(p+".key", "%q; allowed: letters, numbers, spaces and + - = . _ : / @", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.add(p+".key", "%q: the aws: prefix is reserved for AWS", k)
		case seen[k]:
			r.add(p+".key", "duplicate tag key %q", k)
		}
		seen[k] = true
		v := aws.ToString(t.Value)
		if len([]rune(v)) > 256 {
			r.add(p+".value", "%d characters; allowed: 0-256", len([]rune(v)))
		} else if !tagChars.MatchString(v) {
			r.add(p+".value", "%q; allowed: letters, numbers, spaces and + - = . _ : / @", v)
		}
	}
}

func checkRange(r *report, path string, v *int32, lo, hi int32, unit string) {
	if v == nil || (*v >= lo && *v <= hi) {
		return
	}
	if unit != "" {
		unit = " " + unit
	}
	r.add(path, "%d; allowed: %d-%d%s", *v, lo, hi, unit)
}

// checkImage rejects what cannot be an image reference at all: whitespace and
// control characters (ContainerDefinition.image allows "letters ..., numbers,
// hyphens, underscores, colons, periods, forward slashes, and number signs", plus @
// for digests). ECS does not resolve the reference at registration, so a reference
// to a missing image is left for the task to report.
func checkImage(s string) error {
	for _, c := range s {
		if unicode.IsSpace(c) || unicode.IsControl(c) {
			return fmt.Errorf("%q contains whitespace or a control character; allowed: an image reference such as nginx:1.27", s)
		}
	}
	if len(s) > 255+72 { // 255 for the name, plus an @sha256: digest
		return fmt.Errorf("%d characters long; an image reference is at most 255 characters plus a digest", len(s))
	}
	return nil
}

var portName = regexp.MustCompile(`^[a-z0-9_][a-z0-9_-]{0,63}$`)

func validPortRange(s string) bool {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return false
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	return err1 == nil && err2 == nil && lo >= 1 && hi <= 65535 && lo < hi
}

func containerNames(t *ecs.RegisterTaskDefinitionInput) []string {
	var out []string
	for _, c := range t.ContainerDefinitions {
		if c.Name != nil {
			out = append(out, *c.Name)
		}
	}
	return out
}

func requires(t *ecs.RegisterTaskDefinitionInput, c types.Compatibility) bool {
	return slices.Contains(t.RequiresCompatibilities, c)
}

// requiresOnlyEC2 reports whether requiresCompatibilities holds nothing but EC2.
func requiresOnlyEC2(t *ecs.RegisterTaskDefinitionInput) bool {
	for _, c := range t.RequiresCompatibilities {
		if c != types.CompatibilityEc2 {
			return false
		}
	}
	return true
}

// units parses a task-level cpu or memory value: whole units, or vCPU/GB with the
// given pattern (converted at 1024 per unit). ok is false when s is neither.
func units(s string, re *regexp.Regexp) (int64, bool) {
	v := strings.TrimSpace(s)
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, true
	}
	if m := re.FindStringSubmatch(v); m != nil {
		if f, err := strconv.ParseFloat(m[1], 64); err == nil {
			n := f * 1024
			if n == math.Trunc(n) && n < 1e12 {
				return int64(n), true
			}
		}
	}
	return 0, false
}

// fargateSizes returns the memory sizes (MiB) Fargate offers for cpu units, from
// "Task CPU and memory" (refTaskSize).
func fargateSizes(cpu int64) ([]int64, bool) {
	step := func(lo, hi, by int64) []int64 {
		var out []int64
		for m := lo; m <= hi; m += by {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 256:
		return []int64{512, 1024, 2048}, true
	case 512:
		return step(1024, 4096, 1024), true
	case 1024:
		return step(2048, 8192, 1024), true
	case 2048:
		return step(4096, 16384, 1024), true
	case 4096:
		return step(8192, 30720, 1024), true
	case 8192:
		return step(16384, 61440, 4096), true
	case 16384:
		return step(32768, 122880, 8192), true
	}
	return nil, false
}

func fargateCPUList() string { return "256, 512, 1024, 2048, 4096, 8192, 16384 CPU units" }

func fargateMemList(sizes []int64) string {
	if len(sizes) <= 4 {
		s := make([]string, len(sizes))
		for i, v := range sizes {
			s[i] = strconv.FormatInt(v, 10)
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprintf("%d-%d in steps of %d", sizes[0], sizes[len(sizes)-1], sizes[1]-sizes[0])
}

func enumList[T ~string](vals []T) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func hintSuffix(h string) string {
	if h == "" {
		return ""
	}
	return " (" + h + ")"
}

// lastSegment turns a cluster ARN into its name.
func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// problemsError turns problems into one error of located *diag.Error values (joined),
// using the decoder's positions; base is the path of the definition inside the file
// ("" or "taskDefinition", "services[0]", "service").
func (d *decoder) problemsError(problems []Problem, base string) error {
	if len(problems) == 0 {
		return nil
	}
	errs := make([]error, 0, len(problems))
	for _, p := range problems {
		path := joinPath(base, p.Field)
		off := d.offsetOf(path)
		line, col := lineCol(d.data, off)
		errs = append(errs, &diag.Error{File: d.file, Line: line, Column: col, Field: path, Err: fmt.Errorf("%s", p.Msg),
			Hint: "see " + p.Ref, Code: diag.ExitUsage})
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return &problemList{errs: errs}
}

// offsetOf returns the offset of path's value, or of its nearest ancestor present in
// the file (a missing required field points at the object that lacks it).
func (d *decoder) offsetOf(path string) int {
	for {
		if off, ok := d.pos[path]; ok {
			return off
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
		} else {
			path = path[:i]
		}
	}
}

// problemList is several located problems; it prints one per line and carries exit
// code 2 and the first problem's hint through diag's walk of joined errors.
type problemList struct{ errs []error }

func (p *problemList) Error() string {
	s := make([]string, len(p.errs))
	for i, e := range p.errs {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

func (p *problemList) Unwrap() []error { return p.errs }
