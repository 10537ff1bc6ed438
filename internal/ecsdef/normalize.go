package ecsdef

import (
	"cmp"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Normalisation is for comparison only. The rule: nothing that deploy would change
// may be hidden from diff, and nothing deploy would not change may be shown. So
// unset members are filled with the value ECS stores for them (documented defaults,
// which DescribeTaskDefinition/DescribeServices report back), lists ECS treats as
// sets are sorted, and equivalent spellings collapse. Order that ECS keeps and that
// changes behaviour is left alone (environmentFiles, placementStrategy, dnsServers,
// command, entryPoint). Images are never touched: ECS stores "nginx" and
// "nginx:latest" as written.
//
// References (Amazon ECS API Reference / Developer Guide):
//   - ContainerDefinition: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
//   - PortMapping: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
//   - HealthCheck: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
//   - RegisterTaskDefinition: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
//   - Task definition parameters: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
//   - CreateService: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
//   - DeploymentConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
//   - DeploymentCircuitBreaker: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html
//   - AwsVpcConfiguration: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html

// NormalizeTaskDefinition returns a normalised deep copy of td for comparison;
// td is not modified. nil stays nil.
func NormalizeTaskDefinition(td *ecs.RegisterTaskDefinitionInput) *ecs.RegisterTaskDefinitionInput {
	if td == nil {
		return nil
	}
	td = deepCopy(td)

	// "Task CPU ... can be expressed as an integer using CPU units (1024) or as a
	// string using vCPUs (1 vCPU or 1 vcpu) ... When the task definition is
	// registered, a vCPU value is converted to an integer indicating the CPU
	// units"; memory likewise from GB to MiB (task_definition_parameters, "Task
	// size").
	td.Cpu = normalizeUnits(td.Cpu, cpuUnits, 1024)
	td.Memory = normalizeUnits(td.Memory, memoryUnits, 1024)

	// "If no network mode is specified, the default is bridge" (Linux). Windows
	// tasks use <default> instead, which has no enum value, so they stay unset.
	if td.NetworkMode == "" && !isWindows(td.RuntimePlatform) {
		td.NetworkMode = types.NetworkModeBridge
	}
	// Defaults to false ("enableFaultInjection").
	td.EnableFaultInjection = falseToNil(td.EnableFaultInjection)

	td.RequiresCompatibilities = sortedUnique(td.RequiresCompatibilities)
	sortTags(td.Tags)
	slices.SortStableFunc(td.PlacementConstraints, func(a, b types.TaskDefinitionPlacementConstraint) int {
		return cmp.Or(strings.Compare(string(a.Type), string(b.Type)), cmpPtr(a.Expression, b.Expression))
	})
	slices.SortStableFunc(td.InferenceAccelerators, func(a, b types.InferenceAccelerator) int {
		return cmpPtr(a.DeviceName, b.DeviceName)
	})
	if pc := td.ProxyConfiguration; pc != nil {
		// APPMESH is the only (and default) proxy type.
		if pc.Type == "" {
			pc.Type = types.ProxyConfigurationTypeAppmesh
		}
		slices.SortStableFunc(pc.Properties, func(a, b types.KeyValuePair) int { return cmpPtr(a.Name, b.Name) })
	}

	// Volumes are referenced by name, so their order carries no meaning.
	slices.SortStableFunc(td.Volumes, func(a, b types.Volume) int { return cmpPtr(a.Name, b.Name) })
	for i := range td.Volumes {
		normalizeVolume(&td.Volumes[i])
	}

	// Containers are referenced by name (dependsOn, links, load balancers); start
	// order comes from dependsOn, not from list order.
	slices.SortStableFunc(td.ContainerDefinitions, func(a, b types.ContainerDefinition) int { return cmpPtr(a.Name, b.Name) })
	for i := range td.ContainerDefinitions {
		normalizeContainer(&td.ContainerDefinitions[i], td.NetworkMode)
	}
	pruneEmpty(reflect.ValueOf(td).Elem())
	return td
}

// pruneEmpty sets every pointer to a struct that holds nothing (each member unset,
// empty or zero, recursively) to nil. An empty object is the same as an absent one:
// DescribeServices reports "networkConfiguration": {} for a bridge-mode service
// created without one, and deploy sends nothing for either, so they must compare
// equal.
func pruneEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Type().Elem() == timeType {
			return
		}
		pruneEmpty(v.Elem())
		if structEmpty(v.Elem()) && v.CanSet() {
			v.Set(reflect.Zero(v.Type()))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				pruneEmpty(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			pruneEmpty(v.Index(i))
		}
	}
}

// structEmpty reports whether Marshal would print v as {}.
func structEmpty(v reflect.Value) bool {
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if skipField(f) {
			continue
		}
		if !omit(v.Field(i)) {
			return false
		}
	}
	return true
}

func normalizeVolume(v *types.Volume) {
	// A host volume without sourcePath is a Docker-managed bind mount, the same as
	// a volume with no configuration at all; ECS reports it as "host": {}.
	if v.Host != nil && v.Host.SourcePath == nil {
		v.Host = nil
	}
	if efs := v.EfsVolumeConfiguration; efs != nil {
		// EFSVolumeConfiguration: rootDirectory "If this parameter is omitted, the
		// root of the Amazon EFS volume is used"; transitEncryption and
		// authorizationConfig.iam default to DISABLED.
		if efs.RootDirectory == nil {
			efs.RootDirectory = aws.String("/")
		}
		if efs.TransitEncryption == "" {
			efs.TransitEncryption = types.EFSTransitEncryptionDisabled
		}
		if ac := efs.AuthorizationConfig; ac != nil && ac.Iam == "" {
			ac.Iam = types.EFSAuthorizationConfigIAMDisabled
		}
	}
}

func normalizeContainer(c *types.ContainerDefinition, mode types.NetworkMode) {
	// "If the essential parameter of a container is marked as true ... If this
	// parameter is omitted, a container is assumed to be essential."
	if c.Essential == nil {
		c.Essential = aws.Bool(true)
	}
	// ECS reports "cpu": 0 for containers that reserve no CPU units; cpu is a plain
	// int32 in the SDK and Marshal omits 0, so unset and 0 already compare equal.
	// versionConsistency: "By default, the value is enabled."
	if c.VersionConsistency == "" {
		c.VersionConsistency = types.VersionConsistencyEnabled
	}
	// These default to false.
	c.Privileged = falseToNil(c.Privileged)
	c.ReadonlyRootFilesystem = falseToNil(c.ReadonlyRootFilesystem)
	c.DisableNetworking = falseToNil(c.DisableNetworking)
	c.Interactive = falseToNil(c.Interactive)
	c.PseudoTerminal = falseToNil(c.PseudoTerminal)

	for i := range c.PortMappings {
		pm := &c.PortMappings[i]
		// PortMapping.protocol: "The default is tcp."
		if pm.Protocol == "" {
			pm.Protocol = types.TransportProtocolTcp
		}
		switch mode {
		case types.NetworkModeAwsvpc, types.NetworkModeHost:
			// awsvpc/host: "the hostPort can either be left blank or set to the
			// same value as the containerPort"; ECS stores containerPort.
			if pm.HostPort == nil && pm.ContainerPort != nil {
				pm.HostPort = aws.Int32(*pm.ContainerPort)
			}
		default:
			// bridge: an omitted hostPort and hostPort 0 both mean "dynamic port from
			// the ephemeral range".
			if pm.HostPort != nil && *pm.HostPort == 0 {
				pm.HostPort = nil
			}
		}
	}
	slices.SortStableFunc(c.PortMappings, func(a, b types.PortMapping) int {
		return cmp.Or(cmpPtr(a.ContainerPort, b.ContainerPort), cmpPtr(a.ContainerPortRange, b.ContainerPortRange),
			strings.Compare(string(a.Protocol), string(b.Protocol)), cmpPtr(a.HostPort, b.HostPort), cmpPtr(a.Name, b.Name))
	})

	// Environment variables and secrets are name -> value sets.
	slices.SortStableFunc(c.Environment, func(a, b types.KeyValuePair) int { return cmpPtr(a.Name, b.Name) })
	slices.SortStableFunc(c.Secrets, func(a, b types.Secret) int { return cmpPtr(a.Name, b.Name) })
	// environmentFiles are NOT sorted: "If multiple environment files are specified
	// that contain the same variable, they're processed from the top down."

	for i := range c.MountPoints {
		c.MountPoints[i].ReadOnly = falseToNil(c.MountPoints[i].ReadOnly) // default false
	}
	slices.SortStableFunc(c.MountPoints, func(a, b types.MountPoint) int {
		return cmp.Or(cmpPtr(a.ContainerPath, b.ContainerPath), cmpPtr(a.SourceVolume, b.SourceVolume))
	})
	for i := range c.VolumesFrom {
		c.VolumesFrom[i].ReadOnly = falseToNil(c.VolumesFrom[i].ReadOnly) // default false
	}
	slices.SortStableFunc(c.VolumesFrom, func(a, b types.VolumeFrom) int { return cmpPtr(a.SourceContainer, b.SourceContainer) })
	slices.SortStableFunc(c.DependsOn, func(a, b types.ContainerDependency) int { return cmpPtr(a.ContainerName, b.ContainerName) })
	slices.SortStableFunc(c.Ulimits, func(a, b types.Ulimit) int { return strings.Compare(string(a.Name), string(b.Name)) })
	slices.SortStableFunc(c.SystemControls, func(a, b types.SystemControl) int { return cmpPtr(a.Namespace, b.Namespace) })
	slices.SortStableFunc(c.ResourceRequirements, func(a, b types.ResourceRequirement) int {
		return strings.Compare(string(a.Type), string(b.Type))
	})

	if hc := c.HealthCheck; hc != nil {
		// HealthCheck: interval "The default value is 30 seconds", timeout "The
		// default value is 5", retries "The default value is 3".
		if hc.Interval == nil {
			hc.Interval = aws.Int32(30)
		}
		if hc.Timeout == nil {
			hc.Timeout = aws.Int32(5)
		}
		if hc.Retries == nil {
			hc.Retries = aws.Int32(3)
		}
	}
	if lp := c.LinuxParameters; lp != nil {
		lp.InitProcessEnabled = falseToNil(lp.InitProcessEnabled) // default false
		if caps := lp.Capabilities; caps != nil {
			caps.Add = sortedUnique(caps.Add)
			caps.Drop = sortedUnique(caps.Drop)
		}
		slices.SortStableFunc(lp.Devices, func(a, b types.Device) int { return cmpPtr(a.HostPath, b.HostPath) })
		slices.SortStableFunc(lp.Tmpfs, func(a, b types.Tmpfs) int { return cmpPtr(a.ContainerPath, b.ContainerPath) })
	}
}

func isWindows(rp *types.RuntimePlatform) bool {
	return rp != nil && strings.HasPrefix(string(rp.OperatingSystemFamily), "WINDOWS")
}

var (
	cpuUnits    = regexp.MustCompile(`^(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*vcpu\s*$`)
	memoryUnits = regexp.MustCompile(`^(?i)\s*([0-9]+(?:\.[0-9]+)?)\s*gb\s*$`)
)

// normalizeUnits converts "0.25 vCPU" to "256" and "2 GB" to "2048", as ECS does on
// registration; anything else (already integral units, or unparsable) is kept.
func normalizeUnits(s *string, re *regexp.Regexp, factor float64) *string {
	if s == nil {
		return nil
	}
	v := strings.TrimSpace(*s)
	if m := re.FindStringSubmatch(v); m != nil {
		f, err := strconv.ParseFloat(m[1], 64)
		if err == nil {
			n := f * factor
			if n == math.Trunc(n) && n < 1e12 {
				return aws.String(strconv.FormatInt(int64(n), 10))
			}
		}
	}
	return aws.String(v)
}

// NormalizeServiceDefinition returns a normalised deep copy of sd for comparison;
// sd is not modified. The identity members cluster, serviceName and
// taskDefinition (supplied by the config and compared separately) and the
// idempotency clientToken are cleared. Rules that need both sides (desiredCount,
// availabilityZoneRebalancing) are applied by ServiceDefinitionsEqual and
// DiffServiceDefinitions.
func NormalizeServiceDefinition(sd *ecs.CreateServiceInput) *ecs.CreateServiceInput {
	if sd == nil {
		return nil
	}
	sd = deepCopy(sd)
	sd.Cluster, sd.ServiceName, sd.TaskDefinition, sd.ClientToken = nil, nil, nil, nil

	// CreateService schedulingStrategy: "If no value is specified, it defaults to
	// REPLICA."
	if sd.SchedulingStrategy == "" {
		sd.SchedulingStrategy = types.SchedulingStrategyReplica
	}
	// DeploymentController: "If no deployment controller is specified, the default
	// value of ECS is used."
	if sd.DeploymentController == nil {
		sd.DeploymentController = &types.DeploymentController{}
	}
	if sd.DeploymentController.Type == "" {
		sd.DeploymentController.Type = types.DeploymentControllerTypeEcs
	}
	normalizeDeploymentConfiguration(sd)

	// Fargate: platformVersion "If one isn't specified, the LATEST platform version
	// is used"; DescribeServices reports LATEST.
	if sd.PlatformVersion == nil && isFargate(sd) {
		sd.PlatformVersion = aws.String("LATEST")
	}
	// capacityProviderStrategy is a set keyed by capacity provider.
	slices.SortStableFunc(sd.CapacityProviderStrategy, func(a, b types.CapacityProviderStrategyItem) int {
		return cmpPtr(a.CapacityProvider, b.CapacityProvider)
	})
	if nc := sd.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		vpc := nc.AwsvpcConfiguration
		// AwsVpcConfiguration.assignPublicIp: "When you use create-service or
		// update-service, the default is DISABLED." Subnets and security groups
		// are sets.
		if vpc.AssignPublicIp == "" {
			vpc.AssignPublicIp = types.AssignPublicIpDisabled
		}
		vpc.Subnets = sortedUnique(vpc.Subnets)
		vpc.SecurityGroups = sortedUnique(vpc.SecurityGroups)
	}
	// propagateTags: "If no value is specified, the tags aren't propagated" (NONE,
	// which DescribeServices reports).
	if sd.PropagateTags == "" {
		sd.PropagateTags = types.PropagateTagsNone
	}
	// healthCheckGracePeriodSeconds: "If you don't specify a health check grace
	// period value, the default value of 0 is used."
	if sd.HealthCheckGracePeriodSeconds == nil {
		sd.HealthCheckGracePeriodSeconds = aws.Int32(0)
	}
	// DAEMON services place one task per instance; a desired count does not apply.
	if sd.SchedulingStrategy == types.SchedulingStrategyDaemon {
		sd.DesiredCount = nil
	}

	sortTags(sd.Tags)
	slices.SortStableFunc(sd.LoadBalancers, func(a, b types.LoadBalancer) int {
		return cmp.Or(cmpPtr(a.TargetGroupArn, b.TargetGroupArn), cmpPtr(a.LoadBalancerName, b.LoadBalancerName),
			cmpPtr(a.ContainerName, b.ContainerName), cmpPtr(a.ContainerPort, b.ContainerPort))
	})
	slices.SortStableFunc(sd.ServiceRegistries, func(a, b types.ServiceRegistry) int {
		return cmp.Or(cmpPtr(a.RegistryArn, b.RegistryArn), cmpPtr(a.ContainerName, b.ContainerName), cmpPtr(a.Port, b.Port))
	})
	// placementConstraints are all enforced, so they form a set; placementStrategy
	// is evaluated in order and is NOT sorted.
	slices.SortStableFunc(sd.PlacementConstraints, func(a, b types.PlacementConstraint) int {
		return cmp.Or(strings.Compare(string(a.Type), string(b.Type)), cmpPtr(a.Expression, b.Expression))
	})
	slices.SortStableFunc(sd.VolumeConfigurations, func(a, b types.ServiceVolumeConfiguration) int { return cmpPtr(a.Name, b.Name) })
	slices.SortStableFunc(sd.VpcLatticeConfigurations, func(a, b types.VpcLatticeConfiguration) int {
		return cmp.Or(cmpPtr(a.TargetGroupArn, b.TargetGroupArn), cmpPtr(a.PortName, b.PortName))
	})
	if sc := sd.ServiceConnectConfiguration; sc != nil {
		slices.SortStableFunc(sc.Services, func(a, b types.ServiceConnectService) int { return cmpPtr(a.PortName, b.PortName) })
	}
	pruneEmpty(reflect.ValueOf(sd).Elem())
	return sd
}

func normalizeDeploymentConfiguration(sd *ecs.CreateServiceInput) {
	if sd.DeploymentConfiguration == nil {
		sd.DeploymentConfiguration = &types.DeploymentConfiguration{}
	}
	dc := sd.DeploymentConfiguration
	// DeploymentConfiguration: maximumPercent "The default maximumPercent value for
	// a service using the REPLICA service scheduler is 200%"; minimumHealthyPercent
	// "The default value for a replica service ... is 100%. The default ... for a
	// service using the DAEMON service schedule is 0%"; a DAEMON service's
	// maximumPercent defaults to 100%.
	maxPct, minPct := int32(200), int32(100)
	if sd.SchedulingStrategy == types.SchedulingStrategyDaemon {
		maxPct, minPct = 100, 0
	}
	if dc.MaximumPercent == nil {
		dc.MaximumPercent = aws.Int32(maxPct)
	}
	if dc.MinimumHealthyPercent == nil {
		dc.MinimumHealthyPercent = aws.Int32(minPct)
	}
	if sd.DeploymentController.Type == types.DeploymentControllerTypeEcs {
		// The circuit breaker is off unless configured, and DescribeServices
		// reports {"enable": false, "rollback": false}.
		if dc.DeploymentCircuitBreaker == nil {
			dc.DeploymentCircuitBreaker = &types.DeploymentCircuitBreaker{}
		}
		// deploymentConfiguration.strategy defaults to ROLLING for the ECS
		// deployment controller.
		if dc.Strategy == "" {
			dc.Strategy = types.DeploymentStrategyRolling
		}
	}
	if cb := dc.DeploymentCircuitBreaker; cb != nil {
		// DeploymentCircuitBreaker: resetOnHealthyTask "The default is true";
		// thresholdConfiguration type "The default is BOUNDED_PERCENT", value
		// "The default is 50".
		if cb.ResetOnHealthyTask == nil {
			cb.ResetOnHealthyTask = aws.Bool(true)
		}
		if cb.ThresholdConfiguration == nil {
			cb.ThresholdConfiguration = &types.ThresholdConfiguration{Type: types.ThresholdTypeBoundedPercent, Value: 50}
		}
	}
	// Alarms that are off and name nothing are the same as no alarms.
	if a := dc.Alarms; a != nil && !a.Enable && !a.Rollback && len(a.AlarmNames) == 0 {
		dc.Alarms = nil
	}
	if a := dc.Alarms; a != nil {
		a.AlarmNames = sortedUnique(a.AlarmNames)
	}
	normalizeStrategy(dc) // bluegreen.go
	// Bake time only applies to the traffic-shifting strategies; for ROLLING an
	// explicit 0 is the same as none.
	if dc.Strategy == types.DeploymentStrategyRolling && dc.BakeTimeInMinutes != nil && *dc.BakeTimeInMinutes == 0 {
		dc.BakeTimeInMinutes = nil
	}
}

// isFargate reports whether the service runs on Fargate, by launch type or by a
// FARGATE/FARGATE_SPOT capacity provider.
func isFargate(sd *ecs.CreateServiceInput) bool {
	if sd.LaunchType == types.LaunchTypeFargate {
		return true
	}
	for _, cp := range sd.CapacityProviderStrategy {
		if p := aws.ToString(cp.CapacityProvider); p == "FARGATE" || p == "FARGATE_SPOT" {
			return true
		}
	}
	return false
}

// normalizeServicePair applies the rules that depend on both sides; live and local
// must already be normalised copies.
func normalizeServicePair(live, local *ecs.CreateServiceInput) {
	if live == nil || local == nil {
		return
	}
	// A file without desiredCount leaves the running count alone (deploy keeps the
	// current count), so the live count is not compared.
	if local.DesiredCount == nil {
		live.DesiredCount = nil
	}
	// availabilityZoneRebalancing: "For update service requests, when no value is
	// specified ... Amazon ECS defaults to the existing service's value." Deploy
	// therefore changes nothing when the file leaves it unset.
	if local.AvailabilityZoneRebalancing == "" {
		live.AvailabilityZoneRebalancing = ""
	}
}

func falseToNil(b *bool) *bool {
	if b != nil && !*b {
		return nil
	}
	return b
}

func sortTags(tags []types.Tag) {
	slices.SortStableFunc(tags, func(a, b types.Tag) int { return cmpPtr(a.Key, b.Key) })
}

func sortedUnique[S ~[]E, E cmp.Ordered](s S) S {
	if len(s) == 0 {
		return s
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// cmpPtr orders nil before any value.
func cmpPtr[T cmp.Ordered](a, b *T) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}
