package task

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

func taskDefWithLogs() *types.TaskDefinition {
	return &types.TaskDefinition{
		TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:1:task-definition/job:1"), Family: aws.String("job"), Revision: 1,
		Status: types.TaskDefinitionStatusActive,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("app:v1"), Essential: aws.Bool(true),
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/ecs/job", "awslogs-stream-prefix": "job"}}}},
	}
}

func localDef(image string) *ecs.RegisterTaskDefinitionInput {
	td := taskDefWithLogs()
	in := &ecs.RegisterTaskDefinitionInput{Family: td.Family, ContainerDefinitions: append([]types.ContainerDefinition(nil), td.ContainerDefinitions...)}
	in.ContainerDefinitions[0].Image = aws.String(image)
	return in
}

func TestPlanReusesAnIdenticalRevision(t *testing.T) {
	for _, tc := range []struct {
		name   string
		image  string
		force  bool
		action string
	}{
		{"identical after normalisation", "app:v1", false, TDReuse},
		{"changed image", "app:v2", false, TDRegister},
		{"forced", "app:v1", true, TDRegister},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.td = taskDefWithLogs()
			p, err := NewRunner(f.deps()).Plan(t.Context(), RunOptions{Cluster: "c", Count: 1, TaskDefinition: localDef(tc.image), ForceRegister: tc.force})
			if err != nil {
				t.Fatal(err)
			}
			if p.TaskDefinition.Action != tc.action || (tc.action == TDReuse) != (p.Register() == nil) {
				t.Errorf("action %s (register %v), want %s", p.TaskDefinition.Action, p.Register() != nil, tc.action)
			}
			if p.WatchContainer != "app" || p.Logs.Group != "/ecs/job" || p.Logs.Stream("arn:x/t1") != "job/app/t1" {
				t.Errorf("watch %q logs %+v", p.WatchContainer, p.Logs)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	fargate := localDef("app:v1")
	fargate.NetworkMode, fargate.RequiresCompatibilities = types.NetworkModeAwsvpc, []types.Compatibility{types.CompatibilityFargate}
	for _, tc := range []struct {
		name string
		o    RunOptions
		want string
	}{
		{"count", RunOptions{Count: 0, TaskDefinition: localDef("x")}, "--count 0"},
		{"exclusive", RunOptions{Count: 1, SkipTaskDefinition: true, Revision: 2}, "exclude each other"},
		{"watch container", RunOptions{Count: 1, TaskDefinition: localDef("x"), WatchContainer: "ap"}, `did you mean "app"`},
		{"propagate service without service", RunOptions{Count: 1, TaskDefinition: localDef("x"), PropagateTags: "SERVICE"}, "no service is configured"},
		{"fargate without network", RunOptions{Count: 1, TaskDefinition: fargate}, "awsvpc"},
		{"fargate service def without network", RunOptions{Count: 1, TaskDefinition: fargate, ServiceDefinition: &ecs.CreateServiceInput{}}, "has no networkConfiguration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.o.Validate()
			if err == nil || diag.ExitCode(err) != diag.ExitUsage || !strings.Contains(err.Error()+" "+diag.Hint(err), tc.want) {
				t.Errorf("err %v (hint %q), want exit 2 with %q", err, diag.Hint(err), tc.want)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"ok", `{"containerOverrides": [{"name": "app", "command": ["migrate"]}]}`, ""},
		{"bad json", `{"containerOverrides": [`, "o.json:1:"},
		{"unknown field", "{\n \"containerOverride\": []}", `o.json:2:2: containerOverride: unknown field "containerOverride"`},
		{"unknown container", "{\"containerOverrides\": [\n {\"name\": \"ap\"}]}", `o.json:2:11: containerOverrides[0].name: no container "ap"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := DecodeOverrides("o.json", []byte(tc.data))
			if err == nil {
				err = CheckOverrides("o.json", []byte(tc.data), o, localDef("x"))
			}
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || diag.ExitCode(err) != diag.ExitUsage):
				t.Errorf("err %v, want %q (exit 2)", err, tc.want)
			}
		})
	}
}

func TestRunTaskInputFromServiceDefinition(t *testing.T) {
	sd := &ecs.CreateServiceInput{
		LaunchType: types.LaunchTypeFargate, PlatformVersion: aws.String("1.4.0"), EnableExecuteCommand: true,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		VolumeConfigurations: []types.ServiceVolumeConfiguration{{Name: aws.String("data"), ManagedEBSVolume: &types.ServiceManagedEBSVolumeConfiguration{
			RoleArn: aws.String("arn:aws:iam::1:role/ebs"), SizeInGiB: aws.Int32(20),
			TagSpecifications: []types.EBSTagSpecification{{ResourceType: types.EBSResourceTypeVolume, PropagateTags: types.PropagateTagsService}},
		}}},
	}
	for _, del := range []bool{true, false} {
		in := runTaskInput(RunOptions{Cluster: "c", Count: 2, ServiceDefinition: sd, EBSDeleteOnTermination: del, PropagateTags: "TASK_DEFINITION"}, nil)
		if in.LaunchType != types.LaunchTypeFargate || aws.ToString(in.PlatformVersion) != "1.4.0" || !in.EnableExecuteCommand ||
			in.NetworkConfiguration == nil || aws.ToInt32(in.Count) != 2 || in.PropagateTags != types.PropagateTagsTaskDefinition {
			t.Errorf("launch settings not taken from the service definition: %+v", in)
		}
		v := in.VolumeConfigurations[0].ManagedEBSVolume
		if aws.ToBool(v.TerminationPolicy.DeleteOnTermination) != del || aws.ToInt32(v.SizeInGiB) != 20 || v.TagSpecifications[0].PropagateTags != "" {
			t.Errorf("deleteOnTermination %v: volume %+v", del, v)
		}
	}
	// A capacity provider strategy replaces the launch type (RunTask takes one).
	sd.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT")}}
	if in := runTaskInput(RunOptions{Cluster: "c", Count: 1, ServiceDefinition: sd}, nil); in.LaunchType != "" || len(in.CapacityProviderStrategy) != 1 {
		t.Errorf("capacity providers: %+v", in)
	}
}

func TestLogSourceNamesOtherDrivers(t *testing.T) {
	for _, tc := range []struct {
		lc   *types.LogConfiguration
		want string
	}{
		{nil, "no log configuration"},
		{&types.LogConfiguration{LogDriver: types.LogDriverAwsfirelens}, "awsfirelens driver, not awslogs"},
		{&types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "g"}}, "without awslogs-stream-prefix"},
	} {
		if s := LogSourceOf(types.ContainerDefinition{Name: aws.String("app"), LogConfiguration: tc.lc}, "us-east-1"); !strings.Contains(s.Problem, tc.want) {
			t.Errorf("problem %q, want %q", s.Problem, tc.want)
		}
	}
}
