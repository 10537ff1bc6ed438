package ecsdef

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// SortTaskDefinition returns a copy of td with the lists whose order ECS does not
// keep meaningfully sorted, for files written by 'init --sort' (ecspresso's option
// of the same name): containers, environment and secrets by name; port mappings,
// mount points, volumes-from, placement constraints and volumes by their JSON;
// compatibilities; tags by key; proxy properties by name. Port mappings of awsvpc
// tasks get hostPort = containerPort, and vCPU/GB sizes become units, as ECS stores
// them. Unlike NormalizeTaskDefinition it keeps every field as written.
func SortTaskDefinition(td *ecs.RegisterTaskDefinitionInput) *ecs.RegisterTaskDefinitionInput {
	if td == nil {
		return nil
	}
	td = deepCopy(td)
	byJSON := func(a, b any) int { return strings.Compare(jsonText(a), jsonText(b)) }
	for i := range td.ContainerDefinitions {
		c := &td.ContainerDefinitions[i]
		slices.SortStableFunc(c.Environment, func(a, b types.KeyValuePair) int { return cmpPtr(a.Name, b.Name) })
		slices.SortStableFunc(c.Secrets, func(a, b types.Secret) int { return cmpPtr(a.Name, b.Name) })
		slices.SortStableFunc(c.MountPoints, func(a, b types.MountPoint) int { return byJSON(a, b) })
		slices.SortStableFunc(c.PortMappings, func(a, b types.PortMapping) int { return byJSON(a, b) })
		slices.SortStableFunc(c.VolumesFrom, func(a, b types.VolumeFrom) int { return byJSON(a, b) })
		if td.NetworkMode == types.NetworkModeAwsvpc {
			for j := range c.PortMappings {
				if c.PortMappings[j].HostPort == nil {
					c.PortMappings[j].HostPort = c.PortMappings[j].ContainerPort
				}
			}
		}
	}
	slices.SortStableFunc(td.ContainerDefinitions, func(a, b types.ContainerDefinition) int { return cmpPtr(a.Name, b.Name) })
	slices.SortStableFunc(td.PlacementConstraints, func(a, b types.TaskDefinitionPlacementConstraint) int { return byJSON(a, b) })
	slices.Sort(td.RequiresCompatibilities)
	slices.SortStableFunc(td.Volumes, func(a, b types.Volume) int { return byJSON(a, b) })
	sortTags(td.Tags)
	td.Cpu = normalizeUnits(td.Cpu, cpuUnits, 1024)
	td.Memory = normalizeUnits(td.Memory, memoryUnits, 1024)
	if td.ProxyConfiguration != nil {
		slices.SortStableFunc(td.ProxyConfiguration.Properties, func(a, b types.KeyValuePair) int {
			return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
		})
	}
	return td
}

// jsonText is v's JSON, the sort key of lists without a name.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
