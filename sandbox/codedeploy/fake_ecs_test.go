package codedeploy_test

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// fakeECS is a stateful in-memory ECS holding services, their task sets and task
// definitions, enough for the CodeDeploy fake's side effects.
type fakeECS struct {
	mu       sync.Mutex
	seq      int
	services map[string]*ecstypes.Service // by "cluster/service"
	images   map[string][]string          // task definition → container images
}

func newFakeECS() *fakeECS {
	return &fakeECS{services: map[string]*ecstypes.Service{}, images: map[string][]string{}}
}

// addService creates a service whose PRIMARY task set runs taskDef.
func (f *fakeECS) addService(cluster, service, taskDef string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	svc := &ecstypes.Service{ServiceName: aws.String(service), DesiredCount: 2}
	f.services[cluster+"/"+service] = svc
	svc.TaskSets = append(svc.TaskSets, f.newSet(cluster, service, taskDef, "PRIMARY"))
}

func (f *fakeECS) newSet(cluster, service, taskDef, status string) ecstypes.TaskSet {
	f.seq++
	id := fmt.Sprintf("ecs-svc/%019d", f.seq)
	return ecstypes.TaskSet{
		Id:             aws.String(id),
		TaskSetArn:     aws.String(fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-set/%s/%s/%s", cluster, service, id)),
		Status:         aws.String(status),
		TaskDefinition: aws.String(taskDef),
		LaunchType:     ecstypes.LaunchTypeFargate,
	}
}

// taskSets returns "status=taskDefinition" for each task set of a service.
func (f *fakeECS) taskSets(cluster, service string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, s := range f.services[cluster+"/"+service].TaskSets {
		out = append(out, aws.ToString(s.Status)+"="+aws.ToString(s.TaskDefinition))
	}
	return out
}

func (f *fakeECS) service(in *string, cluster *string) (*ecstypes.Service, error) {
	svc := f.services[aws.ToString(cluster)+"/"+aws.ToString(in)]
	if svc == nil {
		return nil, fmt.Errorf("ServiceNotFoundException: %s", aws.ToString(in))
	}
	return svc, nil
}

func (f *fakeECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ecs.DescribeServicesOutput{}
	for _, name := range in.Services {
		if svc, err := f.service(&name, in.Cluster); err == nil {
			cp := *svc
			cp.TaskSets = append([]ecstypes.TaskSet(nil), svc.TaskSets...)
			out.Services = append(out.Services, cp)
		}
	}
	return out, nil
}

func (f *fakeECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	images, ok := f.images[aws.ToString(in.TaskDefinition)]
	if !ok {
		return nil, fmt.Errorf("ClientException: unable to describe task definition")
	}
	fam, _, _ := strings.Cut(aws.ToString(in.TaskDefinition), ":")
	td := &ecstypes.TaskDefinition{Family: aws.String(fam)}
	for _, img := range images {
		td.ContainerDefinitions = append(td.ContainerDefinitions, ecstypes.ContainerDefinition{Image: aws.String(img)})
	}
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td}, nil
}

func (f *fakeECS) CreateTaskSet(_ context.Context, in *ecs.CreateTaskSetInput, _ ...func(*ecs.Options)) (*ecs.CreateTaskSetOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	svc, err := f.service(in.Service, in.Cluster)
	if err != nil {
		return nil, err
	}
	if _, ok := f.images[aws.ToString(in.TaskDefinition)]; !ok {
		return nil, fmt.Errorf("ClientException: TaskDefinition not found")
	}
	set := f.newSet(aws.ToString(in.Cluster), aws.ToString(in.Service), aws.ToString(in.TaskDefinition), "ACTIVE")
	set.ExternalId = in.ExternalId
	svc.TaskSets = append(svc.TaskSets, set)
	return &ecs.CreateTaskSetOutput{TaskSet: &set}, nil
}

// taskSet finds the task set ref (its id or ARN) of a service: the service and
// the set's index.
func (f *fakeECS) taskSet(service, cluster, ref *string) (*ecstypes.Service, int, error) {
	svc, err := f.service(service, cluster)
	if err != nil {
		return nil, 0, err
	}
	for i, s := range svc.TaskSets {
		if aws.ToString(s.Id) == aws.ToString(ref) || aws.ToString(s.TaskSetArn) == aws.ToString(ref) {
			return svc, i, nil
		}
	}
	return nil, 0, fmt.Errorf("TaskSetNotFoundException: %s", aws.ToString(ref))
}

func (f *fakeECS) UpdateServicePrimaryTaskSet(_ context.Context, in *ecs.UpdateServicePrimaryTaskSetInput, _ ...func(*ecs.Options)) (*ecs.UpdateServicePrimaryTaskSetOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	svc, i, err := f.taskSet(in.Service, in.Cluster, in.PrimaryTaskSet)
	if err != nil {
		return nil, err
	}
	for j := range svc.TaskSets {
		svc.TaskSets[j].Status = aws.String("ACTIVE")
	}
	svc.TaskSets[i].Status = aws.String("PRIMARY")
	return &ecs.UpdateServicePrimaryTaskSetOutput{TaskSet: &svc.TaskSets[i]}, nil
}

func (f *fakeECS) DeleteTaskSet(_ context.Context, in *ecs.DeleteTaskSetInput, _ ...func(*ecs.Options)) (*ecs.DeleteTaskSetOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	svc, i, err := f.taskSet(in.Service, in.Cluster, in.TaskSet)
	if err != nil {
		return nil, err
	}
	set := svc.TaskSets[i]
	svc.TaskSets = append(svc.TaskSets[:i], svc.TaskSets[i+1:]...)
	return &ecs.DeleteTaskSetOutput{TaskSet: &set}, nil
}
