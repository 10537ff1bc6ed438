package ecsdef

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TaskDefinitionFromLive turns DescribeTaskDefinition output into definition-file
// shape: every RegisterTaskDefinition member is kept (including pidMode, ipcMode and
// inferenceAccelerators, which ecspresso lost) and the read-only members
// (taskDefinitionArn, revision, status, requiresAttributes, compatibilities,
// registeredAt/By, deregisteredAt, deleteRequestedAt) are dropped. tags are the
// ones DescribeTaskDefinition returned with include=TAGS. The result shares no
// memory with td.
func TaskDefinitionFromLive(td *types.TaskDefinition, tags []types.Tag) *ecs.RegisterTaskDefinitionInput {
	if td == nil {
		return nil
	}
	td = deepCopy(td)
	return &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:    td.ContainerDefinitions,
		Cpu:                     td.Cpu,
		EnableFaultInjection:    td.EnableFaultInjection,
		EphemeralStorage:        td.EphemeralStorage,
		ExecutionRoleArn:        td.ExecutionRoleArn,
		Family:                  td.Family,
		InferenceAccelerators:   td.InferenceAccelerators,
		IpcMode:                 td.IpcMode,
		Memory:                  td.Memory,
		NetworkMode:             td.NetworkMode,
		PidMode:                 td.PidMode,
		PlacementConstraints:    td.PlacementConstraints,
		ProxyConfiguration:      td.ProxyConfiguration,
		RequiresCompatibilities: td.RequiresCompatibilities,
		RuntimePlatform:         td.RuntimePlatform,
		Tags:                    deepCopy(tags),
		TaskRoleArn:             td.TaskRoleArn,
		Volumes:                 td.Volumes,
	}
}

// ServiceDefinitionFromLive turns one service of DescribeServices output into
// definition-file shape. Read-only members (serviceArn, clusterArn, status, counts,
// deployments, events, createdAt/By, taskSets, ...) are dropped, and so are the
// identity members the config supplies: serviceName, cluster and taskDefinition
// (which lives in the task definition file). DescribeServices reports
// serviceConnectConfiguration, volumeConfigurations and vpcLatticeConfigurations only
// on deployments, so they are taken from the PRIMARY deployment; networkConfiguration
// and capacityProviderStrategy are too when absent at service level. roleArn becomes
// role unless it is the ECS service-linked role, which ECS uses implicitly.
//
// Members CreateService accepts but DescribeServices never returns (clientToken,
// monitoring, gatewayConnectors) cannot be recovered. The result shares no memory
// with svc.
func ServiceDefinitionFromLive(svc *types.Service) *ecs.CreateServiceInput {
	if svc == nil {
		return nil
	}
	svc = deepCopy(svc)
	sd := &ecs.CreateServiceInput{
		AvailabilityZoneRebalancing:   svc.AvailabilityZoneRebalancing,
		CapacityProviderStrategy:      svc.CapacityProviderStrategy,
		DeploymentConfiguration:       svc.DeploymentConfiguration,
		DeploymentController:          svc.DeploymentController,
		DesiredCount:                  aws.Int32(svc.DesiredCount),
		EnableECSManagedTags:          svc.EnableECSManagedTags,
		EnableExecuteCommand:          svc.EnableExecuteCommand,
		HealthCheckGracePeriodSeconds: svc.HealthCheckGracePeriodSeconds,
		LaunchType:                    svc.LaunchType,
		LoadBalancers:                 svc.LoadBalancers,
		NetworkConfiguration:          svc.NetworkConfiguration,
		PlacementConstraints:          svc.PlacementConstraints,
		PlacementStrategy:             svc.PlacementStrategy,
		PlatformVersion:               svc.PlatformVersion,
		PropagateTags:                 svc.PropagateTags,
		SchedulingStrategy:            svc.SchedulingStrategy,
		ServiceRegistries:             svc.ServiceRegistries,
		Tags:                          svc.Tags,
	}
	// DAEMON services have no desired count of their own to configure.
	if svc.SchedulingStrategy == types.SchedulingStrategyDaemon {
		sd.DesiredCount = nil
	}
	fillFromPrimary(sd, svc)
	return sd
}

// fillFromPrimary copies what DescribeServices reports only on the PRIMARY
// deployment into sd where sd leaves it unset. The service's roleArn is not carried
// over: as in ecspresso, role is never sent (see DecodeServiceDefinition).
func fillFromPrimary(sd *ecs.CreateServiceInput, svc *types.Service) {
	if p := primaryDeployment(svc.Deployments); p != nil {
		if sd.ServiceConnectConfiguration == nil {
			sd.ServiceConnectConfiguration = p.ServiceConnectConfiguration
		}
		if len(sd.VolumeConfigurations) == 0 {
			sd.VolumeConfigurations = p.VolumeConfigurations
		}
		if len(sd.VpcLatticeConfigurations) == 0 {
			sd.VpcLatticeConfigurations = p.VpcLatticeConfigurations
		}
		if sd.NetworkConfiguration == nil {
			sd.NetworkConfiguration = p.NetworkConfiguration
		}
		if len(sd.CapacityProviderStrategy) == 0 && sd.LaunchType == "" {
			sd.CapacityProviderStrategy = p.CapacityProviderStrategy
		}
	}
}

// primaryDeployment returns the deployment whose status is PRIMARY, or nil.
func primaryDeployment(ds []types.Deployment) *types.Deployment {
	for i := range ds {
		if aws.ToString(ds[i].Status) == "PRIMARY" {
			return &ds[i]
		}
	}
	return nil
}

// IsServiceLinkedRole reports whether arn is the ECS service-linked role
// (arn:aws:iam::<account>:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS),
// which DescribeServices reports as roleArn for services that never named a role.
func IsServiceLinkedRole(arn string) bool {
	return strings.Contains(arn, ":role/aws-service-role/ecs.amazonaws.com/")
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
