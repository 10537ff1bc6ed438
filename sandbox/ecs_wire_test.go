package sandbox

import (
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Every member of the typed ECS answers (ecs_wire.go) is a member of the ECS API
// shape it stands for, as the SDK's model names it: a misspelt JSON tag would be
// silently dropped by every client.
func TestWireTagsAreAPIMembers(t *testing.T) {
	for _, tc := range []struct {
		wire, api any
	}{
		{wireTask{}, types.Task{}},
		{wireContainer{}, types.Container{}},
		{wireAttachment{}, types.Attachment{}},
		{wireNameValue{}, types.KeyValuePair{}},
		{wireNetworkInterface{}, types.NetworkInterface{}},
		{wireDeployment{}, types.Deployment{}},
		{wireEvent{}, types.ServiceEvent{}},
		{wireNetworkConfig{}, types.NetworkConfiguration{}},
		{wireAwsvpc{}, types.AwsVpcConfiguration{}},
		{wireRevisionSummary{}, types.ServiceRevisionSummary{}},
		{wireServiceRevision{}, types.ServiceRevision{}},
		{wireContainerImage{}, types.ContainerImage{}},
		{wireServiceDeployment{}, types.ServiceDeployment{}},
		{wireRollback{}, types.Rollback{}},
		{wireCircuitBreaker{}, types.ServiceDeploymentCircuitBreaker{}},
		{wireAlarms{}, types.ServiceDeploymentAlarms{}},
		{wireSDSummary{}, types.ServiceDeploymentBrief{}},
		{wireTaskSet{}, types.TaskSet{}},
		{wireScale{}, types.Scale{}},
		{wireFailure{}, types.Failure{}},
		{wireSession{}, types.Session{}},
		{wireExecAnswer{}, ecs.ExecuteCommandOutput{}},
		{wireTasks{}, ecs.DescribeTasksOutput{}},
		{wireTaskSets{}, ecs.DescribeTaskSetsOutput{}},
		{wireSDArn{}, ecs.StopServiceDeploymentOutput{}},
		{wireServiceArns{}, ecs.ListServicesOutput{}},
		{wireTaskArns{}, ecs.ListTasksOutput{}},
		{wireTaskDefinitionArns{}, ecs.ListTaskDefinitionsOutput{}},
	} {
		api := reflect.TypeOf(tc.api)
		for _, tag := range jsonTags(reflect.TypeOf(tc.wire)) {
			found := false
			for i := range api.NumField() {
				found = found || strings.EqualFold(api.Field(i).Name, tag)
			}
			if !found {
				t.Errorf("%T: %q is not a member of %s", tc.wire, tag, api)
			}
		}
	}
}

// jsonTags lists the JSON member names of a struct, embedded structs flattened.
func jsonTags(typ reflect.Type) []string {
	var out []string
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Anonymous {
			out = append(out, jsonTags(f.Type)...)
			continue
		}
		out = append(out, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	return out
}
