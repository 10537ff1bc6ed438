package schedule

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// An empty list in the live definition (AWS answers [] for fields the file left out)
// is not drift; only the fields that really differ are named.
func TestDefinitionDriftNamesOnlyRealDifferences(t *testing.T) {
	live := &ecstypes.TaskDefinition{
		Family: aws.String("batch"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:         aws.String("app"),
			Image:        aws.String("app:1"),
			Environment:  []ecstypes.KeyValuePair{{Name: aws.String("FEATURE"), Value: aws.String("off")}},
			MountPoints:  []ecstypes.MountPoint{},
			PortMappings: []ecstypes.PortMapping{},
			VolumesFrom:  []ecstypes.VolumeFrom{},
		}},
		PlacementConstraints: []ecstypes.TaskDefinitionPlacementConstraint{},
		Volumes:              []ecstypes.Volume{},
	}
	local := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("batch"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{
			Name:        aws.String("app"),
			Image:       aws.String("app:1"),
			Environment: []ecstypes.KeyValuePair{{Name: aws.String("FEATURE"), Value: aws.String("on")}},
		}},
	}
	got, err := DefinitionDrift(live, []ecstypes.Tag{}, local)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"containerDefinitions[app].environment"}; !slices.Equal(got, want) {
		t.Errorf("drift = %q, want %q", got, want)
	}

	local.ContainerDefinitions[0].Environment[0].Value = aws.String("off")
	if got, err := DefinitionDrift(live, nil, local); err != nil || got != nil {
		t.Errorf("same definitions: drift = %q, %v; want none", got, err)
	}
}
