package ecsdef

import (
	"fmt"
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

// containerRules are the rules RegisterTaskDefinition applies to each container
// definition (refContainerDef and the types it holds).
func containerRules() []rule[taskInput] {
	return []rule[taskInput]{
		{"container name and image", refContainerDef, func(t taskInput, r *report) {
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
		{"essential", refTDParams, func(t taskInput, r *report) {
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
		{"container resources", refContainerDef, func(t taskInput, r *report) {
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
		{"port mappings", refPortMapping, func(t taskInput, r *report) {
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
		{"dependsOn", refDependency, func(t taskInput, r *report) {
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
		{"health check", refHealthCheck, func(t taskInput, r *report) {
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
		{"environment, secrets, logging, ulimits", refContainerDef, func(t taskInput, r *report) {
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
	}
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
