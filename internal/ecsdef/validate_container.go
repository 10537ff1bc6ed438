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
			// command required; interval "between 5 and 300 seconds"; timeout
			// "between 2 and 60 seconds"; retries "between 1 and 10"; startPeriod
			// "between 0 and 300 seconds".
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
				checkRange(r, p+".timeout", hc.Timeout, 2, 60, "seconds")
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
					// softLimit and hardLimit are integers "in bytes, seconds, or as a
					// count"; RegisterTaskDefinition takes -1 (docker's "unlimited"), but
					// a container with a negative ulimit does not start
					// (aws/containers-roadmap#438), so it is refused here.
					negative := false
					if u.SoftLimit < 0 {
						r.add(up+".softLimit", "%d is negative; allowed: 0 or more (bytes, seconds or a count, by name)", u.SoftLimit)
						negative = true
					}
					if u.HardLimit < 0 {
						r.add(up+".hardLimit", "%d is negative; allowed: 0 or more (bytes, seconds or a count, by name)", u.HardLimit)
						negative = true
					}
					if !negative && u.SoftLimit > u.HardLimit {
						r.add(up+".softLimit", "%d is above hardLimit %d", u.SoftLimit, u.HardLimit)
					}
				}
			}
		}},
		{"container timeouts and restart policy", refContainerDef, func(t taskInput, r *report) {
			for i, c := range t.ContainerDefinitions {
				p := fmt.Sprintf("containerDefinitions[%d]", i)
				// startTimeout: "The valid values for Fargate are 2-120 seconds." An
				// explicit 0 is the zero value describe output and ecspresso init
				// write for "unset", and is let through as ecspresso does.
				if c.StartTimeout != nil && *c.StartTimeout > 0 && requires(t, types.CompatibilityFargate) {
					checkRange(r, p+".startTimeout", c.StartTimeout, 2, 120, "seconds on Fargate")
				}
				// ContainerRestartPolicy: "a minimum restartAttemptPeriod of 60 seconds
				// and a maximum restartAttemptPeriod of 1800 seconds"; "a maximum of 50
				// container exit codes" (refRestartPol).
				if rp := c.RestartPolicy; rp != nil {
					checkRange(r, p+".restartPolicy.restartAttemptPeriod", rp.RestartAttemptPeriod, 60, 1800, "seconds")
					if n := len(rp.IgnoredExitCodes); n > 50 {
						r.add(p+".restartPolicy.ignoredExitCodes", "%d exit codes; at most 50 are allowed", n)
					}
				}
			}
		}},
		{"linuxParameters", refLinuxParams, func(t taskInput, r *report) {
			// maxSwap: "Accepted values are 0 or any positive integer"; swappiness:
			// "whole numbers between 0 and 100"; sharedMemorySize and a tmpfs's size
			// are sizes in MiB.
			for i, c := range t.ContainerDefinitions {
				lp := c.LinuxParameters
				if lp == nil {
					continue
				}
				p := fmt.Sprintf("containerDefinitions[%d].linuxParameters", i)
				if lp.MaxSwap != nil && *lp.MaxSwap < 0 {
					r.add(p+".maxSwap", "%d is negative; allowed: 0 (no swap) or more MiB", *lp.MaxSwap)
				}
				checkRange(r, p+".swappiness", lp.Swappiness, 0, 100, "")
				if lp.SharedMemorySize != nil && *lp.SharedMemorySize <= 0 {
					r.add(p+".sharedMemorySize", "%d; allowed: a size in MiB > 0", *lp.SharedMemorySize)
				}
				for j, tf := range lp.Tmpfs {
					if tf.Size <= 0 {
						r.add(fmt.Sprintf("%s.tmpfs[%d].size", p, j), "%d; allowed: the maximum size in MiB, > 0", tf.Size)
					}
				}
			}
		}},
		{"resourceRequirements", refResourceReq, func(t taskInput, r *report) {
			// "When the type is GPU, the value is the number of physical GPUs the
			// Amazon ECS container agent reserves for the container."
			for i, c := range t.ContainerDefinitions {
				for j, rr := range c.ResourceRequirements {
					p := fmt.Sprintf("containerDefinitions[%d].resourceRequirements[%d].value", i, j)
					if rr.Type == types.ResourceTypeGpu {
						if n, err := strconv.Atoi(aws.ToString(rr.Value)); err != nil || n < 1 {
							r.add(p, "%q; allowed for GPU: a whole number of GPUs, 1 or more", aws.ToString(rr.Value))
						}
					}
				}
			}
		}},
		{"container ARNs", refContainerDef, func(t taskInput, r *report) {
			for i, c := range t.ContainerDefinitions {
				p := fmt.Sprintf("containerDefinitions[%d]", i)
				// Secret.valueFrom: "either the full ARN of the Secrets Manager secret
				// or the full ARN of the parameter in the SSM Parameter Store ... If the
				// SSM Parameter Store parameter exists in the same Region ... you can
				// use either the full ARN or name of the parameter" (refSecret).
				for j, s := range c.Secrets {
					checkNameOrARN(r, fmt.Sprintf("%s.secrets[%d].valueFrom", p, j), s.ValueFrom, arnSecretOrParameter, ssmParameterName, "an SSM parameter name")
				}
				if lc := c.LogConfiguration; lc != nil {
					for j, s := range lc.SecretOptions {
						checkNameOrARN(r, fmt.Sprintf("%s.logConfiguration.secretOptions[%d].valueFrom", p, j), s.ValueFrom, arnSecretOrParameter, ssmParameterName, "an SSM parameter name")
					}
				}
				// RepositoryCredentials.credentialsParameter: "the full ARN or the
				// name of the secret" (refRepoCreds).
				if rc := c.RepositoryCredentials; rc != nil {
					checkNameOrARN(r, p+".repositoryCredentials.credentialsParameter", rc.CredentialsParameter, arnSecret, secretName, "a Secrets Manager secret name")
				}
				// EnvironmentFile.value: "The Amazon Resource Name (ARN) of the Amazon
				// S3 object containing the environment variable file" (refEnvFile).
				for j, ef := range c.EnvironmentFiles {
					checkARN(r, fmt.Sprintf("%s.environmentFiles[%d].value", p, j), ef.Value, arnS3Object)
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
