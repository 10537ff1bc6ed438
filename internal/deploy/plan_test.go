package deploy

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/google/go-cmp/cmp"
)

// fakeECS is a small stateful ECS: registered task definitions and services. It
// records how many mutating calls were made so tests can assert "exactly one update".
type fakeECS struct {
	tds      map[string]*types.TaskDefinition // by ARN
	tdTags   map[string][]types.Tag
	revs     map[string]int32
	services map[string]*types.Service
	calls    map[string]int
	updates  []*ecs.UpdateServiceInput
	tagged   []string // keys set by TagResource
	untagged []string // keys removed by UntagResource
}

func newFake() *fakeECS {
	return &fakeECS{tds: map[string]*types.TaskDefinition{}, tdTags: map[string][]types.Tag{}, revs: map[string]int32{},
		services: map[string]*types.Service{}, calls: map[string]int{}}
}

func (f *fakeECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.calls["DescribeServices"]++
	out := &ecs.DescribeServicesOutput{}
	for _, n := range in.Services {
		if s, ok := f.services[n]; ok {
			out.Services = append(out.Services, *s)
		} else {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(n), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (f *fakeECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.calls["DescribeTaskDefinition"]++
	ref := aws.ToString(in.TaskDefinition)
	if td, ok := f.tds[ref]; ok {
		return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td, Tags: f.tdTags[ref]}, nil
	}
	var best *types.TaskDefinition
	for _, td := range f.tds {
		name := fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
		if name == ref || (aws.ToString(td.Family) == ref && (best == nil || td.Revision > best.Revision)) {
			best = td
		}
	}
	if best == nil {
		return nil, fmt.Errorf("ClientException: Unable to describe task definition %s", ref)
	}
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: best}, nil
}

func (f *fakeECS) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	f.calls["RegisterTaskDefinition"]++
	fam := aws.ToString(in.Family)
	f.revs[fam]++
	arn := fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/%s:%d", fam, f.revs[fam])
	td := &types.TaskDefinition{TaskDefinitionArn: aws.String(arn), Family: in.Family, Revision: f.revs[fam],
		ContainerDefinitions: in.ContainerDefinitions, NetworkMode: in.NetworkMode, Cpu: in.Cpu, Memory: in.Memory,
		RequiresCompatibilities: in.RequiresCompatibilities, Status: types.TaskDefinitionStatusActive,
		ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn, Volumes: in.Volumes}
	f.tds[arn] = td
	f.tdTags[arn] = in.Tags
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: td, Tags: in.Tags}, nil
}

func (f *fakeECS) ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	f.calls["ListTaskDefinitions"]++
	return &ecs.ListTaskDefinitionsOutput{}, nil
}

func (f *fakeECS) CreateService(_ context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	f.calls["CreateService"]++
	s := &types.Service{ServiceName: in.ServiceName, ServiceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/c/" + aws.ToString(in.ServiceName)),
		Status: aws.String("ACTIVE"), TaskDefinition: in.TaskDefinition, DesiredCount: aws.ToInt32(in.DesiredCount),
		LaunchType: in.LaunchType, NetworkConfiguration: in.NetworkConfiguration, LoadBalancers: in.LoadBalancers,
		DeploymentConfiguration: in.DeploymentConfiguration, Tags: in.Tags, CapacityProviderStrategy: in.CapacityProviderStrategy,
		SchedulingStrategy: types.SchedulingStrategyReplica,
		Deployments:        []types.Deployment{{Id: aws.String("ecs-svc/1"), Status: aws.String("PRIMARY"), TaskDefinition: in.TaskDefinition}}}
	f.services[aws.ToString(in.ServiceName)] = s
	return &ecs.CreateServiceOutput{Service: s}, nil
}

func (f *fakeECS) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	f.calls["UpdateService"]++
	f.updates = append(f.updates, in)
	s := f.services[aws.ToString(in.Service)]
	if in.TaskDefinition != nil {
		s.TaskDefinition = in.TaskDefinition
	}
	if in.DesiredCount != nil {
		s.DesiredCount = *in.DesiredCount
	}
	if in.LoadBalancers != nil {
		s.LoadBalancers = in.LoadBalancers
	}
	if in.CapacityProviderStrategy != nil {
		s.CapacityProviderStrategy = in.CapacityProviderStrategy
	}
	s.Deployments = []types.Deployment{{Id: aws.String(fmt.Sprintf("ecs-svc/%d", len(f.updates)+1)), Status: aws.String("PRIMARY"), TaskDefinition: s.TaskDefinition}}
	return &ecs.UpdateServiceOutput{Service: s}, nil
}

func (f *fakeECS) TagResource(_ context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	f.calls["TagResource"]++
	for _, t := range in.Tags {
		f.tagged = append(f.tagged, aws.ToString(t.Key))
	}
	return &ecs.TagResourceOutput{}, nil
}

func (f *fakeECS) UntagResource(_ context.Context, in *ecs.UntagResourceInput, _ ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error) {
	f.calls["UntagResource"]++
	f.untagged = append(f.untagged, in.TagKeys...)
	return &ecs.UntagResourceOutput{}, nil
}

func taskDef(image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(image),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}},
	}
}

func serviceDef() *ecs.CreateServiceInput {
	return &ecs.CreateServiceInput{
		LaunchType: types.LaunchTypeFargate, DesiredCount: aws.Int32(2),
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-a"}}},
		LoadBalancers:        []types.LoadBalancer{{ContainerName: aws.String("web"), ContainerPort: aws.Int32(80), TargetGroupArn: aws.String("arn:tg")}},
	}
}

// deployed returns a fake holding service "web" created from the given definitions.
func deployed(t *testing.T, td *ecs.RegisterTaskDefinitionInput, sd *ecs.CreateServiceInput) (*fakeECS, *Deployer) {
	t.Helper()
	f := newFake()
	d := New(Deps{ECS: f, Now: func() time.Time { return time.Unix(0, 0) }})
	p, err := d.Plan(context.Background(), Options{Cluster: "c", Service: "web", TaskDefinition: td, ServiceDefinition: sd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Apply(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.calls = map[string]int{}
	return f, d
}

func TestPlanCreate(t *testing.T) {
	f := newFake()
	d := New(Deps{ECS: f})
	sd := serviceDef()
	sd.DesiredCount = nil
	p, err := d.Plan(context.Background(), Options{Cluster: "c", Service: "web", TaskDefinition: taskDef("nginx:1"), ServiceDefinition: sd})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Create || p.TaskDefinition.Action != TDRegister || aws.ToInt32(p.DesiredCount) != 1 || len(p.Warnings) != 1 {
		t.Fatalf("plan = %+v", p)
	}
	res, err := d.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.DeploymentID != "ecs-svc/1" || !strings.HasSuffix(res.TaskDefinitionARN, "web:1") {
		t.Errorf("result = %+v", res)
	}
	if d := cmp.Diff(map[string]int{"DescribeServices": 1, "RegisterTaskDefinition": 1, "CreateService": 1}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestPlanUpdate(t *testing.T) {
	tests := []struct {
		name      string
		opts      func(o *Options)
		wantTD    string
		wantChg   []Change
		starts    bool
		force     bool
		upToDate  bool
		wantCalls map[string]int
		wantTags  [2][]string // keys tagged, keys untagged
		wantARN   string      // suffix of the planned task definition ARN
		check     func(t *testing.T, in *ecs.UpdateServiceInput)
	}{
		{
			name: "identical task definition is reused; nothing to do", wantTD: TDReuse, upToDate: true,
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1},
		},
		{
			name: "new image registers and starts one deployment", wantTD: TDRegister, starts: true,
			opts:      func(o *Options) { o.TaskDefinition = taskDef("nginx:2") },
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "RegisterTaskDefinition": 1, "UpdateService": 1},
		},
		{
			name: "a revision that run or register already registered is reused, not registered again", wantTD: TDReuse, starts: true,
			opts:      func(o *Options) { o.TaskDefinition = taskDef("nginx:2") },
			wantARN:   "task-definition/web:2",
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 2, "UpdateService": 1},
		},
		{
			name: "force register", wantTD: TDRegister, starts: true,
			opts:      func(o *Options) { o.ForceRegister = true },
			wantCalls: map[string]int{"DescribeServices": 1, "RegisterTaskDefinition": 1, "UpdateService": 1},
		},
		{
			name: "removed load balancers are sent as an explicit empty list", wantTD: TDReuse, starts: true,
			opts:      func(o *Options) { o.ServiceDefinition.LoadBalancers = nil },
			wantChg:   []Change{{Field: "loadBalancers", Kind: "removed"}},
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "UpdateService": 1},
			check: func(t *testing.T, in *ecs.UpdateServiceInput) {
				if in.LoadBalancers == nil || len(in.LoadBalancers) != 0 {
					t.Errorf("LoadBalancers = %#v, want empty non-nil", in.LoadBalancers)
				}
			},
		},
		{
			name: "capacity provider change forces a new deployment", wantTD: TDReuse, starts: true, force: true,
			opts: func(o *Options) {
				o.ServiceDefinition.LaunchType = ""
				o.ServiceDefinition.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}
			},
			wantChg:   []Change{{Field: "capacityProviderStrategy", Kind: "set"}},
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "UpdateService": 1},
			check: func(t *testing.T, in *ecs.UpdateServiceInput) {
				if !in.ForceNewDeployment {
					t.Error("ForceNewDeployment not set")
				}
			},
		},
		{
			name: "desired count from --tasks only", wantTD: TDReuse,
			opts:      func(o *Options) { o.Tasks = aws.Int32(5) },
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "UpdateService": 1},
			check: func(t *testing.T, in *ecs.UpdateServiceInput) {
				if aws.ToInt32(in.DesiredCount) != 5 || in.ForceNewDeployment {
					t.Errorf("update = %+v", in)
				}
			},
		},
		{
			name: "tags added and removed with ignore honoured", wantTD: TDReuse,
			opts: func(o *Options) {
				o.ServiceDefinition.Tags = []types.Tag{{Key: aws.String("Env"), Value: aws.String("prod")}}
				o.IgnoreTags = []string{"Owner"}
			},
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "TagResource": 1, "UntagResource": 1},
			// Owner is ignored: neither compared nor removed.
			wantTags: [2][]string{{"Env"}, {"Old"}},
		},
		{
			name: "skip task definition with an explicit revision deploys that revision of the service's family", wantTD: TDRevision, starts: true,
			opts: func(o *Options) {
				o.TaskDefinition, o.SkipTaskDefinition, o.Revision = nil, true, 2
			},
			wantARN:   "task-definition/web:2",
			wantCalls: map[string]int{"DescribeServices": 1, "DescribeTaskDefinition": 1, "UpdateService": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd := serviceDef()
			sd.Tags = []types.Tag{{Key: aws.String("Old"), Value: aws.String("x")}, {Key: aws.String("Owner"), Value: aws.String("me")}}
			f, d := deployed(t, taskDef("nginx:1"), sd)
			if tt.wantARN != "" {
				if _, err := f.RegisterTaskDefinition(context.Background(), taskDef("nginx:2")); err != nil {
					t.Fatal(err)
				}
				delete(f.calls, "RegisterTaskDefinition")
			}
			o := Options{Cluster: "c", Service: "web", TaskDefinition: taskDef("nginx:1"), ServiceDefinition: serviceDef()}
			o.ServiceDefinition.Tags = nil
			if tt.opts != nil {
				tt.opts(&o)
			}
			p, err := d.Plan(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if p.TaskDefinition.Action != tt.wantTD || p.StartsDeployment != tt.starts || p.ForceNewDeployment != tt.force || p.UpToDate != tt.upToDate {
				t.Fatalf("plan: td=%s starts=%t force=%t upToDate=%t (%+v)", p.TaskDefinition.Action, p.StartsDeployment, p.ForceNewDeployment, p.UpToDate, p)
			}
			if d := cmp.Diff(tt.wantChg, p.Changes); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			if !p.UpToDate {
				if _, err := d.Apply(context.Background(), p); err != nil {
					t.Fatal(err)
				}
			}
			if d := cmp.Diff(tt.wantCalls, f.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if tt.wantTags[0] != nil || tt.wantTags[1] != nil {
				if d := cmp.Diff(tt.wantTags, [2][]string{f.tagged, f.untagged}); d != "" {
					t.Errorf("tags set/removed (-want +got):\n%s", d)
				}
			}
			if tt.wantARN != "" && !strings.HasSuffix(p.TaskDefinition.ARN, tt.wantARN) {
				t.Errorf("task definition %s, want ...%s", p.TaskDefinition.ARN, tt.wantARN)
			}
			if tt.check != nil && len(f.updates) > 0 {
				tt.check(t, f.updates[len(f.updates)-1])
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	f, d := deployed(t, taskDef("nginx:1"), serviceDef())
	_ = f
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"latest and revision exclude each other", Options{LatestTaskDefinition: true, Revision: 3}, "exclude each other"},
		{"nothing to deploy", Options{}, "no task definition to deploy"},
		{"negative tasks", Options{TaskDefinition: taskDef("x"), Tasks: aws.Int32(-2)}, "must be 0 or more"},
		{"launch type change refused", Options{TaskDefinition: taskDef("nginx:1"), ServiceDefinition: func() *ecs.CreateServiceInput {
			s := serviceDef()
			s.LaunchType = types.LaunchTypeEc2
			return s
		}()}, "launchType cannot change"},
		{"create without service definition", Options{Service: "other", TaskDefinition: taskDef("x")}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.o.Service == "" {
				tt.o.Service = "web"
			}
			tt.o.Cluster = "c"
			_, err := d.Plan(context.Background(), tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if diag.ExitCode(err) != diag.ExitUsage {
				t.Errorf("exit code %d", diag.ExitCode(err))
			}
		})
	}
}
