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
		checkAPIMembers(t, tc.wire, tc.api)
	}
}

// checkAPIMembers reports each JSON member of wire that is not a member of the SDK
// type api (a struct or a pointer to one); names compare without regard to case.
func checkAPIMembers(t *testing.T, wire, api any) {
	t.Helper()
	typ := reflect.TypeOf(api)
	if typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	for _, tag := range jsonTags(reflect.TypeOf(wire)) {
		found := false
		for i := range typ.NumField() {
			found = found || strings.EqualFold(typ.Field(i).Name, tag)
		}
		if !found {
			t.Errorf("%T: %q is not a member of %s", wire, tag, typ)
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
