package ecsdef

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task-level rules of RegisterTaskDefinition; the rules of each container are in
// validate_container.go and run between the task's own, in the order of the table.

// ValidateTaskDefinition returns every way td breaks a rule RegisterTaskDefinition
// enforces, in table order; nil when td is acceptable.
func ValidateTaskDefinition(td *ecs.RegisterTaskDefinitionInput) []Problem {
	if td == nil {
		return []Problem{{Msg: "the task definition is empty (null); it needs at least family and containerDefinitions", Ref: refRegisterTD}}
	}
	return run(taskDefinitionRules(), td)
}

// taskInput is what the task definition rules check.
type taskInput = *ecs.RegisterTaskDefinitionInput

// taskDefinitionRules is the table of task definition rules: the task's own, with
// containerRules between them.
func taskDefinitionRules() []rule[taskInput] {
	rules := []rule[taskInput]{
		{"family", refRegisterTD, func(t taskInput, r *report) {
			// family: Required. "Up to 255 letters ..., numbers, underscores, and hyphens."
			if t.Family == nil {
				r.add("family", "required; allowed: %s", nameAllowed)
			} else if err := ValidName(*t.Family); err != nil {
				r.add("family", "%v", err)
			}
		}},
		{"containerDefinitions", refRegisterTD, func(t taskInput, r *report) {
			// containerDefinitions: Required; quota "Containers per task definition: 10".
			switch n := len(t.ContainerDefinitions); {
			case n == 0:
				r.add("containerDefinitions", "required: at least one container definition")
			case n > maxContainers:
				r.add("containerDefinitions", "%d containers; a task definition holds at most %d", n, maxContainers)
			}
		}},
	}
	rules = append(rules, containerRules()...)
	return append(rules, []rule[taskInput]{
		{"volumes and mount points", refVolume, func(t taskInput, r *report) {
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
		{"task cpu and memory", refTDParams, func(t taskInput, r *report) {
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
		{"container memory on EC2", refTDParams, func(t taskInput, r *report) {
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
		{"Fargate task size", refTaskSize, func(t taskInput, r *report) {
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
		{"ephemeral storage", refEphemeral, func(t taskInput, r *report) {
			// sizeInGiB: "The minimum supported value is 21 GiB and the maximum
			// supported value is 200 GiB."
			if es := t.EphemeralStorage; es != nil && (es.SizeInGiB < 21 || es.SizeInGiB > 200) {
				r.add("ephemeralStorage.sizeInGiB", "%d; allowed: 21-200 GiB", es.SizeInGiB)
			}
		}},
		{"task tags", refTag, func(t taskInput, r *report) { checkTags(r, "tags", t.Tags) }},
		{"placement constraints", refRegisterTD, func(t taskInput, r *report) {
			// placementConstraints: "An array of placement constraint objects to
			// use for the task. You can specify a maximum of 10 constraints."
			if n := len(t.PlacementConstraints); n > 10 {
				r.add("placementConstraints", "%d constraints; at most 10 are allowed", n)
			}
		}},
		{"task roles", refRegisterTD, func(t taskInput, r *report) {
			// taskRoleArn: "The short name or full Amazon Resource Name (ARN) of the
			// IAM role that containers in this task can assume"; executionRoleArn:
			// "The Amazon Resource Name (ARN) of the task execution role". ECS
			// registers any string and fails each task later; doppio asks for the
			// role's ARN in both (as ecspresso's verify does), so that a typo or an
			// unrendered value is caught before a revision is registered.
			checkARN(r, "taskRoleArn", t.TaskRoleArn, arnIAMRole)
			checkARN(r, "executionRoleArn", t.ExecutionRoleArn, arnIAMRole)
		}},
		{"volume ARNs and ports", refVolume, func(t taskInput, r *report) {
			for i, v := range t.Volumes {
				p := fmt.Sprintf("volumes[%d]", i)
				// FSxWindowsFileServerAuthorizationConfig.credentialsParameter: "the
				// Amazon Resource Name (ARN) of an Secrets Manager secret or SSM
				// Parameter Store parameter" (refFSxAuth).
				if fsx := v.FsxWindowsFileServerVolumeConfiguration; fsx != nil && fsx.AuthorizationConfig != nil {
					checkARN(r, p+".fsxWindowsFileServerVolumeConfiguration.authorizationConfig.credentialsParameter",
						fsx.AuthorizationConfig.CredentialsParameter, arnSecretOrParameter)
				}
				if s3 := v.S3filesVolumeConfiguration; s3 != nil {
					checkARN(r, p+".s3filesVolumeConfiguration.fileSystemArn", s3.FileSystemArn, arnAny)
					checkARN(r, p+".s3filesVolumeConfiguration.accessPointArn", s3.AccessPointArn, arnAny)
				}
				// EFSVolumeConfiguration.transitEncryptionPort: "The port to use when
				// sending encrypted data" (refEFSVolume): a TCP port, 1-65535.
				if efs := v.EfsVolumeConfiguration; efs != nil {
					checkRange(r, p+".efsVolumeConfiguration.transitEncryptionPort", efs.TransitEncryptionPort, 1, 65535, "")
				}
			}
		}},
	}...)
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
