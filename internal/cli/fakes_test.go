package cli

// In-memory fakes of the AWS clients verbs use (the Clients factory), for plain unit
// tests of verb logic through Main: no sandbox, no network. The fake ECS keeps
// services, task definitions, tasks and service deployments in maps and implements
// the operations the tested verbs make; every other operation fails the test that
// made it, naming the operation, and returns an error (never a nil-pointer panic).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/plugin"
	"github.com/doppio-ecs/doppio/internal/plugin/cloudformation"
	pluginsm "github.com/doppio-ecs/doppio/internal/plugin/secretsmanager"
	pluginssm "github.com/doppio-ecs/doppio/internal/plugin/ssm"
	"github.com/doppio-ecs/doppio/internal/plugin/tfstate"
	"github.com/doppio-ecs/doppio/internal/schedule"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/verify"
)

const (
	fakeRegion  = "us-east-1"
	fakeAccount = "123456789012"
)

// fakeClients is a Clients whose ECS, Auto Scaling and CodeDeploy are in memory; the
// clients no unit test uses fail the test when asked for.
type fakeClients struct {
	t   testing.TB
	ecs *fakeECS
	as  *fakeAutoScaling
	cd  *fakeCodeDeploy
	// events are the schedule verbs' EventBridge rules and IAM roles.
	events *fakeEvents
	// verify is verify's clients, when a test sets them.
	verify *verify.Deps
	// ssm are the SSM parameters of the template plugins, by name.
	ssm map[string]ssmtypes.Parameter
	// secrets are the Secrets Manager secrets' ARNs, by name.
	secrets map[string]string
	// lookups are the plugin lookups made, in order ("ssm:NAME", "secretsmanager:NAME").
	lookups []string
	mu      sync.Mutex
}

var _ Clients = (*fakeClients)(nil)

func newFakeClients(t testing.TB) *fakeClients {
	return &fakeClients{t: t, ecs: newFakeECS(t), as: &fakeAutoScaling{t: t}, cd: &fakeCodeDeploy{t: t}, events: newFakeEvents(t)}
}

func (f *fakeClients) ECS(context.Context) (ECSAPI, error)                     { return f.ecs, nil }
func (f *fakeClients) AutoScaling(context.Context) (deploy.AutoScaling, error) { return f.as, nil }
func (f *fakeClients) CodeDeploy(context.Context) (deploy.CodeDeployAPI, error) {
	return f.cd, nil
}

func (f *fakeClients) Logs(context.Context, string) (task.Logs, error) {
	return nil, f.unexpected("Logs client")
}

func (f *fakeClients) TargetHealth(context.Context) (task.TargetHealth, error) {
	return nil, f.unexpected("ELBv2 client")
}

// SSM is Session Manager for exec: the session's region and endpoint (exec run
// hands them to the plugin and makes no SSM call; portforward would, and fails).
func (f *fakeClients) SSM(context.Context) (SSMSession, error) {
	return SSMSession{Client: fakeSessions{f}, Region: fakeRegion, Endpoint: "https://ssm." + fakeRegion + ".amazonaws.com"}, nil
}

type fakeSessions struct{ f *fakeClients }

func (s fakeSessions) StartSession(_ context.Context, in *awsssm.StartSessionInput, _ ...func(*awsssm.Options)) (*awsssm.StartSessionOutput, error) {
	return nil, s.f.unexpected("SSM StartSession")
}

func (f *fakeClients) Verify(context.Context) (verify.Deps, error) {
	if f.verify != nil {
		return *f.verify, nil
	}
	return verify.Deps{}, f.unexpected("verify's clients")
}

func (f *fakeClients) Identity(context.Context) (schedule.Identity, error) { return fakeCaller{}, nil }

// Schedule is the schedule verbs' region: the fake EventBridge, Resource Groups
// and IAM of fakes_schedule_test.go, the fake ECS and STS; no EventBridge
// Scheduler (a file that uses it fails its test).
func (f *fakeClients) Schedule(context.Context) (*schedule.Region, error) {
	return f.scheduleRegion(), nil
}

// Plugins serve ssm and secretsmanager lookups from f.ssm and f.secrets; the
// cloudformation and tfstate-on-S3 clients fail the test.
func (f *fakeClients) Plugins() plugin.Clients {
	return plugin.Clients{
		SSM:            func(context.Context) (pluginssm.Client, error) { return fakeSSMParams{f}, nil },
		SecretsManager: func(context.Context) (pluginsm.Client, error) { return fakeSecrets{f}, nil },
		CloudFormation: func(context.Context) (cloudformation.Client, error) {
			return nil, f.unexpected("CloudFormation client")
		},
		S3: func(context.Context) (tfstate.S3Client, error) { return nil, f.unexpected("S3 client") },
	}
}

func (f *fakeClients) lookup(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups = append(f.lookups, what)
}

// fakeCaller answers who the caller is: fakeAccount.
type fakeCaller struct{}

func (fakeCaller) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String(fakeAccount), Arn: aws.String("arn:aws:iam::" + fakeAccount + ":user/test")}, nil
}

// fakeSSMParams is Parameter Store for the ssm plugin.
type fakeSSMParams struct{ f *fakeClients }

func (s fakeSSMParams) GetParameter(_ context.Context, in *awsssm.GetParameterInput, _ ...func(*awsssm.Options)) (*awsssm.GetParameterOutput, error) {
	name := aws.ToString(in.Name)
	s.f.lookup("ssm:" + name)
	p, ok := s.f.ssm[name]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{Message: aws.String("parameter " + name + " not found")}
	}
	if p.Type == ssmtypes.ParameterTypeSecureString && !aws.ToBool(in.WithDecryption) {
		s.f.t.Errorf("fake SSM: SecureString %s read without WithDecryption", name)
	}
	p.Name = aws.String(name)
	return &awsssm.GetParameterOutput{Parameter: &p}, nil
}

// fakeSecrets is Secrets Manager for the secretsmanager plugin.
type fakeSecrets struct{ f *fakeClients }

func (s fakeSecrets) DescribeSecret(_ context.Context, in *awssm.DescribeSecretInput, _ ...func(*awssm.Options)) (*awssm.DescribeSecretOutput, error) {
	id := aws.ToString(in.SecretId)
	s.f.lookup("secretsmanager:" + id)
	arn, ok := s.f.secrets[id]
	if !ok {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &awssm.DescribeSecretOutput{ARN: aws.String(arn), Name: aws.String(id)}, nil
}

func (f *fakeClients) unexpected(what string) error {
	f.t.Errorf("fake AWS: unexpected request for the %s", what)
	return fmt.Errorf("fake AWS: no %s in this test", what)
}

// fakeECS is an in-memory ECS: one account, one region, any cluster.
type fakeECS struct {
	t  testing.TB
	mu sync.Mutex
	// calls are the operations made, in order ("UpdateService", ...).
	calls []string
	// families: family → revisions (index = revision-1).
	families map[string][]*types.TaskDefinition
	// services by cluster/name.
	services map[string]*types.Service
	tasks    []types.Task
	// deployments by service ARN, newest last.
	deployments map[string][]types.ServiceDeployment
	now         time.Time
	// runs are the RunTask inputs, in order.
	runs []*ecs.RunTaskInput
	// runStatuses are the lastStatus each DescribeTasks shows of a task RunTask
	// started, poll after poll (the last one stays); nil: RUNNING, then STOPPED.
	runStatuses []string
	// runExitCode is the exit code of the containers of a task RunTask started,
	// once it is STOPPED (nil: none, as a task that never ran its container).
	runExitCode *int32
	// execOff makes ExecuteCommand refuse as when the task's agent is not running.
	execOff bool
	// execs are the ExecuteCommand inputs, in order.
	execs []*ecs.ExecuteCommandInput
	// polls counts the DescribeTasks of each task RunTask started.
	polls map[string]int
}

func newFakeECS(t testing.TB) *fakeECS {
	return &fakeECS{t: t, families: map[string][]*types.TaskDefinition{}, services: map[string]*types.Service{},
		deployments: map[string][]types.ServiceDeployment{}, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (f *fakeECS) call(op string) {
	f.calls = append(f.calls, op)
}

// called reports how many times op was made.
func (f *fakeECS) called(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	return n
}

// changes are the calls that change something (not Describe/List).
func (f *fakeECS) changes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "Describe") && !strings.HasPrefix(c, "List") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeECS) unexpected(op string, in any) error {
	f.t.Helper()
	f.mu.Lock()
	f.calls = append(f.calls, op)
	f.mu.Unlock()
	f.t.Errorf("fake ECS: unexpected %s(%+v): implement it in fakes_test.go if the verb should make it", op, in)
	return fmt.Errorf("fake ECS: %s is not implemented", op)
}

func clusterName(c *string) string {
	s := aws.ToString(c)
	if s == "" {
		return "default"
	}
	return s[strings.LastIndexByte(s, '/')+1:]
}

func clusterARN(name string) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", fakeRegion, fakeAccount, name)
}

func tdARN(family string, rev int) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", fakeRegion, fakeAccount, family, rev)
}

// lookupTD finds a task definition by family, family:rev or ARN (the latest
// ACTIVE revision for a bare family).
func (f *fakeECS) lookupTD(ref string) *types.TaskDefinition {
	fam, rev, ok := ecsdef.ParseTaskDefinitionRef(ref)
	if !ok {
		fam, rev = ref[strings.LastIndexByte(ref, '/')+1:], 0
	}
	revs := f.families[fam]
	if rev > 0 {
		if rev <= len(revs) && revs[rev-1].Status != types.TaskDefinitionStatusDeleteInProgress {
			return revs[rev-1]
		}
		return nil
	}
	for i := len(revs) - 1; i >= 0; i-- {
		if revs[i].Status == types.TaskDefinitionStatusActive {
			return revs[i]
		}
	}
	return nil
}

// addTaskDefinition registers in and returns its ARN (test setup, not a call).
func (f *fakeECS) addTaskDefinition(in *ecs.RegisterTaskDefinitionInput) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return aws.ToString(f.register(in).TaskDefinitionArn)
}

func (f *fakeECS) register(in *ecs.RegisterTaskDefinitionInput) *types.TaskDefinition {
	fam := aws.ToString(in.Family)
	rev := len(f.families[fam]) + 1
	td := &types.TaskDefinition{
		TaskDefinitionArn: aws.String(tdARN(fam, rev)), Family: in.Family, Revision: int32(rev),
		Status: types.TaskDefinitionStatusActive, ContainerDefinitions: in.ContainerDefinitions,
		Cpu: in.Cpu, Memory: in.Memory, NetworkMode: in.NetworkMode, RequiresCompatibilities: in.RequiresCompatibilities,
		ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn, Volumes: in.Volumes,
		PlacementConstraints: in.PlacementConstraints, RuntimePlatform: in.RuntimePlatform, PidMode: in.PidMode,
		IpcMode: in.IpcMode, ProxyConfiguration: in.ProxyConfiguration, InferenceAccelerators: in.InferenceAccelerators,
		EphemeralStorage: in.EphemeralStorage, RegisteredAt: aws.Time(f.now), RegisteredBy: aws.String("arn:aws:iam::" + fakeAccount + ":user/test"),
	}
	f.families[fam] = append(f.families[fam], td)
	return td
}

// addService creates a service running taskDefinition with one PRIMARY deployment
// (test setup, not a call).
func (f *fakeECS) addService(cluster, name, taskDefinition string, desired int32) *types.Service {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s/%s", fakeRegion, fakeAccount, cluster, name)
	svc := &types.Service{
		ServiceArn: aws.String(arn), ServiceName: aws.String(name), ClusterArn: aws.String(clusterARN(cluster)),
		Status: aws.String("ACTIVE"), TaskDefinition: aws.String(taskDefinition), DesiredCount: desired,
		RunningCount: desired, LaunchType: types.LaunchTypeFargate, SchedulingStrategy: types.SchedulingStrategyReplica,
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeEcs},
		DeploymentConfiguration: &types.DeploymentConfiguration{
			MaximumPercent: aws.Int32(200), MinimumHealthyPercent: aws.Int32(100),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true},
			Strategy:                 types.DeploymentStrategyRolling,
		},
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: []string{"subnet-1"}, SecurityGroups: []string{"sg-1"}, AssignPublicIp: types.AssignPublicIpDisabled}},
		PlatformVersion: aws.String("LATEST"), PropagateTags: types.PropagateTagsNone,
		CreatedAt: aws.Time(f.now.Add(-time.Hour)),
		Events: []types.ServiceEvent{
			{Id: aws.String("e2"), CreatedAt: aws.Time(f.now.Add(-time.Minute)), Message: aws.String("(service " + name + ") has reached a steady state.")},
			{Id: aws.String("e1"), CreatedAt: aws.Time(f.now.Add(-2 * time.Minute)), Message: aws.String("(service " + name + ") has started 1 tasks.")},
		},
	}
	f.services[cluster+"/"+name] = svc
	f.startDeployment(svc, types.ServiceDeploymentStatusSuccessful)
	return svc
}

// startDeployment makes a new PRIMARY deployment of svc's task definition, with a
// service deployment in status.
func (f *fakeECS) startDeployment(svc *types.Service, status types.ServiceDeploymentStatus) string {
	arn := aws.ToString(svc.ServiceArn)
	n := len(f.deployments[arn]) + 1
	id := "ecs-svc/" + strconv.Itoa(1000+n)
	darn := fmt.Sprintf("arn:aws:ecs:%s:%s:service-deployment/%s/%s/%d", fakeRegion, fakeAccount, clusterName(svc.ClusterArn), aws.ToString(svc.ServiceName), 1000+n)
	rollout := types.DeploymentRolloutStateCompleted
	if status == types.ServiceDeploymentStatusInProgress {
		rollout = types.DeploymentRolloutStateInProgress
	}
	svc.Deployments = []types.Deployment{{
		Id: aws.String(id), Status: aws.String("PRIMARY"), TaskDefinition: svc.TaskDefinition,
		DesiredCount: svc.DesiredCount, RunningCount: svc.DesiredCount, RolloutState: rollout,
		CreatedAt: aws.Time(f.now), UpdatedAt: aws.Time(f.now), LaunchType: svc.LaunchType,
	}}
	var source []types.ServiceRevisionSummary
	if prev := f.deployments[arn]; len(prev) > 0 {
		source = []types.ServiceRevisionSummary{{Arn: prev[len(prev)-1].TargetServiceRevision.Arn}}
	}
	sd := types.ServiceDeployment{
		ServiceDeploymentArn: aws.String(darn), ServiceArn: svc.ServiceArn, ClusterArn: svc.ClusterArn, Status: status,
		CreatedAt: aws.Time(f.now), StartedAt: aws.Time(f.now), UpdatedAt: aws.Time(f.now),
		TargetServiceRevision:   &types.ServiceRevisionSummary{Arn: aws.String(darn + "/revision"), RequestedTaskCount: svc.DesiredCount, RunningTaskCount: svc.DesiredCount},
		SourceServiceRevisions:  source,
		DeploymentConfiguration: svc.DeploymentConfiguration,
	}
	if status == types.ServiceDeploymentStatusSuccessful {
		sd.FinishedAt = aws.Time(f.now)
	}
	f.deployments[arn] = append(f.deployments[arn], sd)
	return darn
}

// addTask adds a task of a service (group "service:NAME") or a one-off task.
func (f *fakeECS) addTask(cluster, group, taskDefinition string, status types.DesiredStatus) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("%032x", len(f.tasks)+1)
	arn := fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", fakeRegion, fakeAccount, cluster, id)
	last := "RUNNING"
	if status == types.DesiredStatusStopped {
		last = "STOPPED"
	}
	td := f.lookupTD(taskDefinition)
	var containers []types.Container
	if td != nil {
		for _, c := range td.ContainerDefinitions {
			containers = append(containers, types.Container{Name: c.Name, Image: c.Image, LastStatus: aws.String(last), TaskArn: aws.String(arn)})
		}
	}
	f.tasks = append(f.tasks, types.Task{
		TaskArn: aws.String(arn), ClusterArn: aws.String(clusterARN(cluster)), Group: aws.String(group),
		TaskDefinitionArn: aws.String(taskDefinition), LastStatus: aws.String(last), DesiredStatus: aws.String(string(status)),
		LaunchType: types.LaunchTypeFargate, CreatedAt: aws.Time(f.now.Add(-10 * time.Minute)), StartedAt: aws.Time(f.now.Add(-9 * time.Minute)),
		Containers: containers, Cpu: aws.String("256"), Memory: aws.String("512"),
	})
	return arn
}

func (f *fakeECS) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DescribeServices")
	cluster := clusterName(in.Cluster)
	out := &ecs.DescribeServicesOutput{}
	for _, name := range in.Services {
		name = name[strings.LastIndexByte(name, '/')+1:]
		if svc, ok := f.services[cluster+"/"+name]; ok {
			out.Services = append(out.Services, *svc)
			continue
		}
		out.Failures = append(out.Failures, types.Failure{Arn: aws.String(name), Reason: aws.String("MISSING")})
	}
	return out, nil
}

func (f *fakeECS) ListServices(_ context.Context, in *ecs.ListServicesInput, _ ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ListServices")
	out := &ecs.ListServicesOutput{}
	for key, svc := range f.services {
		if strings.HasPrefix(key, clusterName(in.Cluster)+"/") && aws.ToString(svc.Status) == "ACTIVE" {
			out.ServiceArns = append(out.ServiceArns, aws.ToString(svc.ServiceArn))
		}
	}
	slices.Sort(out.ServiceArns)
	return out, nil
}

func (f *fakeECS) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DescribeTaskDefinition")
	td := f.lookupTD(aws.ToString(in.TaskDefinition))
	if td == nil {
		return nil, &types.ClientException{Message: aws.String("Unable to describe task definition.")}
	}
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td}, nil
}

func (f *fakeECS) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("RegisterTaskDefinition")
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: f.register(in), Tags: in.Tags}, nil
}

func (f *fakeECS) ListTaskDefinitions(_ context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ListTaskDefinitions")
	status := in.Status
	if status == "" {
		status = types.TaskDefinitionStatusActive
	}
	var arns []string
	fams := make([]string, 0, len(f.families))
	for fam := range f.families {
		if in.FamilyPrefix == nil || strings.HasPrefix(fam, aws.ToString(in.FamilyPrefix)) {
			fams = append(fams, fam)
		}
	}
	slices.Sort(fams)
	for _, fam := range fams {
		for _, td := range f.families[fam] {
			if td.Status == status {
				arns = append(arns, aws.ToString(td.TaskDefinitionArn))
			}
		}
	}
	if in.Sort == types.SortOrderDesc {
		slices.Reverse(arns)
	}
	return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: arns}, nil
}

func (f *fakeECS) DeregisterTaskDefinition(_ context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DeregisterTaskDefinition")
	td := f.lookupTD(aws.ToString(in.TaskDefinition))
	if td == nil {
		return nil, &types.ClientException{Message: aws.String("The specified task definition does not exist.")}
	}
	td.Status = types.TaskDefinitionStatusInactive
	return &ecs.DeregisterTaskDefinitionOutput{TaskDefinition: td}, nil
}

func (f *fakeECS) DeleteTaskDefinitions(_ context.Context, in *ecs.DeleteTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DeleteTaskDefinitions")
	out := &ecs.DeleteTaskDefinitionsOutput{}
	for _, ref := range in.TaskDefinitions {
		td := f.lookupTD(ref)
		if td == nil || td.Status != types.TaskDefinitionStatusInactive {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(ref), Reason: aws.String("not INACTIVE")})
			continue
		}
		td.Status = types.TaskDefinitionStatusDeleteInProgress
		out.TaskDefinitions = append(out.TaskDefinitions, *td)
	}
	return out, nil
}

func (f *fakeECS) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ListTasks")
	cluster := clusterName(in.Cluster)
	want := in.DesiredStatus
	if want == "" {
		want = types.DesiredStatusRunning
	}
	out := &ecs.ListTasksOutput{}
	for _, t := range f.tasks {
		switch {
		case clusterName(t.ClusterArn) != cluster, aws.ToString(t.DesiredStatus) != string(want),
			in.ServiceName != nil && aws.ToString(t.Group) != "service:"+aws.ToString(in.ServiceName),
			in.Family != nil && !strings.Contains(aws.ToString(t.TaskDefinitionArn), "/"+aws.ToString(in.Family)+":"),
			in.StartedBy != nil && aws.ToString(t.StartedBy) != aws.ToString(in.StartedBy):
			continue
		}
		out.TaskArns = append(out.TaskArns, aws.ToString(t.TaskArn))
	}
	return out, nil
}

func (f *fakeECS) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DescribeTasks")
	out := &ecs.DescribeTasksOutput{}
	for _, ref := range in.Tasks {
		found := false
		for i := range f.tasks {
			if arn := aws.ToString(f.tasks[i].TaskArn); arn == ref || strings.HasSuffix(arn, "/"+ref) {
				f.advance(&f.tasks[i])
				out.Tasks, found = append(out.Tasks, f.tasks[i]), true
			}
		}
		if !found {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(ref), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

// RunTask starts in.Count tasks of in.TaskDefinition (PROVISIONING); DescribeTasks
// then moves them along runStatuses.
func (f *fakeECS) RunTask(_ context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("RunTask")
	f.runs = append(f.runs, in)
	td := f.lookupTD(aws.ToString(in.TaskDefinition))
	if td == nil {
		return nil, &types.ClientException{Message: aws.String("TaskDefinition not found.")}
	}
	if f.polls == nil {
		f.polls = map[string]int{}
	}
	out := &ecs.RunTaskOutput{}
	for range max(1, aws.ToInt32(in.Count)) {
		id := fmt.Sprintf("%032x", len(f.tasks)+1)
		cluster := clusterName(in.Cluster)
		arn := fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", fakeRegion, fakeAccount, cluster, id)
		var containers []types.Container
		for _, c := range td.ContainerDefinitions {
			containers = append(containers, types.Container{Name: c.Name, Image: c.Image, LastStatus: aws.String("PENDING"), TaskArn: aws.String(arn)})
		}
		t := types.Task{
			TaskArn: aws.String(arn), ClusterArn: aws.String(clusterARN(cluster)), Group: aws.String("family:" + aws.ToString(td.Family)),
			TaskDefinitionArn: td.TaskDefinitionArn, LastStatus: aws.String("PROVISIONING"), DesiredStatus: aws.String("RUNNING"),
			LaunchType: in.LaunchType, CreatedAt: aws.Time(f.now), Containers: containers, StartedBy: in.StartedBy, Overrides: in.Overrides,
		}
		f.polls[arn] = 0
		f.tasks = append(f.tasks, t)
		out.Tasks = append(out.Tasks, t)
	}
	return out, nil
}

// advance moves a task RunTask started to its next status.
func (f *fakeECS) advance(t *types.Task) {
	n, ok := f.polls[aws.ToString(t.TaskArn)]
	if !ok {
		return
	}
	f.polls[aws.ToString(t.TaskArn)] = n + 1
	statuses := f.runStatuses
	if statuses == nil {
		statuses = []string{"RUNNING", "STOPPED"}
	}
	st := statuses[min(n, len(statuses)-1)]
	t.LastStatus = aws.String(st)
	switch st {
	case "RUNNING":
		t.StartedAt = aws.Time(f.now)
		for i := range t.Containers {
			t.Containers[i].LastStatus = aws.String("RUNNING")
		}
	case "STOPPED":
		t.DesiredStatus = aws.String("STOPPED")
		t.StoppedAt, t.StopCode = aws.Time(f.now), types.TaskStopCodeEssentialContainerExited
		t.StoppedReason = aws.String("Essential container in task exited")
		for i := range t.Containers {
			t.Containers[i].LastStatus = aws.String("STOPPED")
			t.Containers[i].ExitCode = f.runExitCode
		}
	}
}

// ExecuteCommand opens a session in a task whose enableExecuteCommand is set.
func (f *fakeECS) ExecuteCommand(_ context.Context, in *ecs.ExecuteCommandInput, _ ...func(*ecs.Options)) (*ecs.ExecuteCommandOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ExecuteCommand")
	f.execs = append(f.execs, in)
	for _, t := range f.tasks {
		if aws.ToString(t.TaskArn) == aws.ToString(in.Task) {
			if !t.EnableExecuteCommand || f.execOff {
				return nil, &types.InvalidParameterException{Message: aws.String("The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running.")}
			}
			return &ecs.ExecuteCommandOutput{ClusterArn: t.ClusterArn, TaskArn: t.TaskArn, ContainerName: in.Container, Interactive: true,
				Session: &types.Session{SessionId: aws.String("sess-1"), StreamUrl: aws.String("wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/sess-1"), TokenValue: aws.String("token-1")}}, nil
		}
	}
	return nil, &types.InvalidParameterException{Message: aws.String("The referenced task was not found.")}
}

func (f *fakeECS) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("UpdateService")
	svc, ok := f.services[clusterName(in.Cluster)+"/"+aws.ToString(in.Service)]
	if !ok {
		return nil, &types.ServiceNotFoundException{Message: aws.String("Service not found.")}
	}
	newDeployment := in.ForceNewDeployment
	if in.DesiredCount != nil {
		svc.DesiredCount = *in.DesiredCount
		svc.RunningCount = *in.DesiredCount
	}
	if in.TaskDefinition != nil && aws.ToString(in.TaskDefinition) != aws.ToString(svc.TaskDefinition) {
		td := f.lookupTD(aws.ToString(in.TaskDefinition))
		if td == nil {
			return nil, &types.ClientException{Message: aws.String("TaskDefinition not found.")}
		}
		svc.TaskDefinition = td.TaskDefinitionArn
		newDeployment = true
	}
	if newDeployment {
		f.startDeployment(svc, types.ServiceDeploymentStatusSuccessful)
	} else if len(svc.Deployments) > 0 {
		svc.Deployments[0].DesiredCount = svc.DesiredCount
		svc.Deployments[0].RunningCount = svc.DesiredCount
	}
	return &ecs.UpdateServiceOutput{Service: svc}, nil
}

func (f *fakeECS) DeleteService(_ context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DeleteService")
	key := clusterName(in.Cluster) + "/" + aws.ToString(in.Service)
	svc, ok := f.services[key]
	if !ok {
		return nil, &types.ServiceNotFoundException{Message: aws.String("Service not found.")}
	}
	if svc.DesiredCount > 0 && !aws.ToBool(in.Force) {
		return nil, &types.InvalidParameterException{Message: aws.String("The service cannot be stopped while it is scaled above 0.")}
	}
	svc.Status = aws.String("DRAINING")
	return &ecs.DeleteServiceOutput{Service: svc}, nil
}

func (f *fakeECS) ListServiceDeployments(_ context.Context, in *ecs.ListServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ListServiceDeployments")
	svc, ok := f.services[clusterName(in.Cluster)+"/"+aws.ToString(in.Service)[strings.LastIndexByte(aws.ToString(in.Service), '/')+1:]]
	if !ok {
		return nil, &types.ServiceNotFoundException{Message: aws.String("Service not found.")}
	}
	out := &ecs.ListServiceDeploymentsOutput{}
	ds := f.deployments[aws.ToString(svc.ServiceArn)]
	for i := len(ds) - 1; i >= 0; i-- { // newest first
		d := ds[i]
		if len(in.Status) > 0 && !slices.Contains(in.Status, d.Status) {
			continue
		}
		out.ServiceDeployments = append(out.ServiceDeployments, types.ServiceDeploymentBrief{
			ServiceDeploymentArn: d.ServiceDeploymentArn, ServiceArn: d.ServiceArn, ClusterArn: d.ClusterArn, Status: d.Status,
			CreatedAt: d.CreatedAt, StartedAt: d.StartedAt, FinishedAt: d.FinishedAt, TargetServiceRevisionArn: d.TargetServiceRevision.Arn,
		})
	}
	return out, nil
}

func (f *fakeECS) DescribeServiceDeployments(_ context.Context, in *ecs.DescribeServiceDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeServiceDeploymentsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DescribeServiceDeployments")
	out := &ecs.DescribeServiceDeploymentsOutput{}
	for _, arn := range in.ServiceDeploymentArns {
		found := false
		for _, ds := range f.deployments {
			for _, d := range ds {
				if aws.ToString(d.ServiceDeploymentArn) == arn {
					out.ServiceDeployments, found = append(out.ServiceDeployments, d), true
				}
			}
		}
		if !found {
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
		}
	}
	return out, nil
}

func (f *fakeECS) StopTask(_ context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("StopTask")
	for i, t := range f.tasks {
		if arn := aws.ToString(t.TaskArn); clusterName(t.ClusterArn) == clusterName(in.Cluster) && (arn == aws.ToString(in.Task) || strings.HasSuffix(arn, "/"+aws.ToString(in.Task))) {
			f.tasks[i].DesiredStatus = aws.String(string(types.DesiredStatusStopped))
			f.tasks[i].StoppedReason = in.Reason
			return &ecs.StopTaskOutput{Task: &f.tasks[i]}, nil
		}
	}
	return nil, &types.InvalidParameterException{Message: aws.String("The referenced task was not found.")}
}

// fakeAutoScaling and fakeCodeDeploy implement no operation: a verb that calls one
// fails its test.
type fakeAutoScaling struct{ t testing.TB }

func (f *fakeAutoScaling) unexpected(op string, in any) error {
	f.t.Helper()
	f.t.Errorf("fake Application Auto Scaling: unexpected %s(%+v)", op, in)
	return fmt.Errorf("fake Application Auto Scaling: %s is not implemented", op)
}

// fakeCodeDeploy is CodeDeploy with deployment groups and deployments in memory.
// A deployment CreateDeployment creates goes through statuses, one a
// GetDeployment (the last one stays).
type fakeCodeDeploy struct {
	t  testing.TB
	mu sync.Mutex
	// calls are the operations made, in order.
	calls []string
	// groups by "application/group", with their application's ECS services.
	groups map[string]cdtypes.DeploymentGroupInfo
	// deployments, oldest first.
	deployments []*cdtypes.DeploymentInfo
	// statuses a created deployment passes through (nil: InProgress, Succeeded).
	statuses []cdtypes.DeploymentStatus
	// errorMessage is a failed or stopped deployment's ErrorInformation.
	errorMessage string
	polls        map[string]int
	created      []*codedeploy.CreateDeploymentInput
	stopped      []*codedeploy.StopDeploymentInput
}

func (f *fakeCodeDeploy) call(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
}

// addGroup adds application app's deployment group group, deploying service of
// cluster (test setup).
func (f *fakeCodeDeploy) addGroup(app, group, cluster, service string) {
	if f.groups == nil {
		f.groups = map[string]cdtypes.DeploymentGroupInfo{}
	}
	f.groups[app+"/"+group] = cdtypes.DeploymentGroupInfo{ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group),
		ComputePlatform: cdtypes.ComputePlatformEcs, DeploymentConfigName: aws.String("CodeDeployDefault.ECSAllAtOnce"),
		EcsServices: []cdtypes.ECSService{{ClusterName: aws.String(cluster), ServiceName: aws.String(service)}}}
}

// addDeployment adds a deployment of taskDefinition in status (test setup).
func (f *fakeCodeDeploy) addDeployment(app, group, taskDefinition string, status cdtypes.DeploymentStatus) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newDeployment(app, group, "TaskDefinition: "+taskDefinition, status, cdtypes.DeploymentCreatorUser)
}

func (f *fakeCodeDeploy) newDeployment(app, group, appSpec string, status cdtypes.DeploymentStatus, creator cdtypes.DeploymentCreator) string {
	id := fmt.Sprintf("d-%08d", len(f.deployments)+1)
	f.deployments = append(f.deployments, &cdtypes.DeploymentInfo{
		DeploymentId: aws.String(id), ApplicationName: aws.String(app), DeploymentGroupName: aws.String(group), Status: status, Creator: creator,
		CreateTime: aws.Time(time.Date(2026, 1, 2, 3, 4, 5+len(f.deployments), 0, time.UTC)), ComputePlatform: cdtypes.ComputePlatformEcs,
		Revision: &cdtypes.RevisionLocation{RevisionType: cdtypes.RevisionLocationTypeAppSpecContent, AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(
			"version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        " + appSpec + "\n")}},
	})
	return id
}

func (f *fakeCodeDeploy) deployment(id string) *cdtypes.DeploymentInfo {
	for _, d := range f.deployments {
		if aws.ToString(d.DeploymentId) == id {
			return d
		}
	}
	return nil
}

func (f *fakeCodeDeploy) unexpected(op string, in any) error {
	f.t.Helper()
	f.call(op)
	f.t.Errorf("fake CodeDeploy: unexpected %s(%+v)", op, in)
	return fmt.Errorf("fake CodeDeploy: %s is not implemented", op)
}

func (f *fakeCodeDeploy) GetDeploymentGroup(_ context.Context, in *codedeploy.GetDeploymentGroupInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentGroupOutput, error) {
	f.call("GetDeploymentGroup")
	g, ok := f.groups[aws.ToString(in.ApplicationName)+"/"+aws.ToString(in.DeploymentGroupName)]
	if !ok {
		return nil, &cdtypes.DeploymentGroupDoesNotExistException{Message: aws.String("No Deployment Group found for name: " + aws.ToString(in.DeploymentGroupName))}
	}
	return &codedeploy.GetDeploymentGroupOutput{DeploymentGroupInfo: &g}, nil
}

func (f *fakeCodeDeploy) ListApplications(context.Context, *codedeploy.ListApplicationsInput, ...func(*codedeploy.Options)) (*codedeploy.ListApplicationsOutput, error) {
	f.call("ListApplications")
	out := &codedeploy.ListApplicationsOutput{}
	for _, g := range f.groups {
		if app := aws.ToString(g.ApplicationName); !slices.Contains(out.Applications, app) {
			out.Applications = append(out.Applications, app)
		}
	}
	slices.Sort(out.Applications)
	return out, nil
}

func (f *fakeCodeDeploy) BatchGetApplications(_ context.Context, in *codedeploy.BatchGetApplicationsInput, _ ...func(*codedeploy.Options)) (*codedeploy.BatchGetApplicationsOutput, error) {
	f.call("BatchGetApplications")
	out := &codedeploy.BatchGetApplicationsOutput{}
	for _, app := range in.ApplicationNames {
		out.ApplicationsInfo = append(out.ApplicationsInfo, cdtypes.ApplicationInfo{ApplicationName: aws.String(app), ComputePlatform: cdtypes.ComputePlatformEcs})
	}
	return out, nil
}

func (f *fakeCodeDeploy) ListDeploymentGroups(_ context.Context, in *codedeploy.ListDeploymentGroupsInput, _ ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentGroupsOutput, error) {
	f.call("ListDeploymentGroups")
	out := &codedeploy.ListDeploymentGroupsOutput{ApplicationName: in.ApplicationName}
	for _, g := range f.groups {
		if aws.ToString(g.ApplicationName) == aws.ToString(in.ApplicationName) {
			out.DeploymentGroups = append(out.DeploymentGroups, aws.ToString(g.DeploymentGroupName))
		}
	}
	slices.Sort(out.DeploymentGroups)
	return out, nil
}

func (f *fakeCodeDeploy) BatchGetDeploymentGroups(_ context.Context, in *codedeploy.BatchGetDeploymentGroupsInput, _ ...func(*codedeploy.Options)) (*codedeploy.BatchGetDeploymentGroupsOutput, error) {
	f.call("BatchGetDeploymentGroups")
	out := &codedeploy.BatchGetDeploymentGroupsOutput{}
	for _, name := range in.DeploymentGroupNames {
		if g, ok := f.groups[aws.ToString(in.ApplicationName)+"/"+name]; ok {
			out.DeploymentGroupsInfo = append(out.DeploymentGroupsInfo, g)
		}
	}
	return out, nil
}

// ListDeployments lists a group's deployments, newest first.
func (f *fakeCodeDeploy) ListDeployments(_ context.Context, in *codedeploy.ListDeploymentsInput, _ ...func(*codedeploy.Options)) (*codedeploy.ListDeploymentsOutput, error) {
	f.call("ListDeployments")
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &codedeploy.ListDeploymentsOutput{}
	for i := len(f.deployments) - 1; i >= 0; i-- {
		d := f.deployments[i]
		if aws.ToString(d.ApplicationName) != aws.ToString(in.ApplicationName) || aws.ToString(d.DeploymentGroupName) != aws.ToString(in.DeploymentGroupName) ||
			len(in.IncludeOnlyStatuses) > 0 && !slices.Contains(in.IncludeOnlyStatuses, d.Status) {
			continue
		}
		out.Deployments = append(out.Deployments, aws.ToString(d.DeploymentId))
	}
	return out, nil
}

func (f *fakeCodeDeploy) CreateDeployment(_ context.Context, in *codedeploy.CreateDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.CreateDeploymentOutput, error) {
	f.call("CreateDeployment")
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.groups[aws.ToString(in.ApplicationName)+"/"+aws.ToString(in.DeploymentGroupName)]; !ok {
		return nil, &cdtypes.DeploymentGroupDoesNotExistException{Message: aws.String("no such deployment group")}
	}
	f.created = append(f.created, in)
	id := f.newDeployment(aws.ToString(in.ApplicationName), aws.ToString(in.DeploymentGroupName), "", cdtypes.DeploymentStatusCreated, cdtypes.DeploymentCreatorUser)
	f.deployments[len(f.deployments)-1].Revision = in.Revision
	if f.polls == nil {
		f.polls = map[string]int{}
	}
	f.polls[id] = 0
	return &codedeploy.CreateDeploymentOutput{DeploymentId: aws.String(id)}, nil
}

// GetDeployment moves a deployment CreateDeployment created to its next status.
func (f *fakeCodeDeploy) GetDeployment(_ context.Context, in *codedeploy.GetDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error) {
	f.call("GetDeployment")
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.DeploymentId)
	d := f.deployment(id)
	if d == nil {
		return nil, &cdtypes.DeploymentDoesNotExistException{Message: aws.String("no deployment " + id)}
	}
	if n, ok := f.polls[id]; ok && d.Status != cdtypes.DeploymentStatusStopped {
		f.polls[id] = n + 1
		statuses := f.statuses
		if statuses == nil {
			statuses = []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusInProgress, cdtypes.DeploymentStatusSucceeded}
		}
		d.Status = statuses[min(n, len(statuses)-1)]
		if (d.Status == cdtypes.DeploymentStatusFailed || d.Status == cdtypes.DeploymentStatusStopped) && f.errorMessage != "" {
			d.ErrorInformation = &cdtypes.ErrorInformation{Code: cdtypes.ErrorCodeEcsUpdateError, Message: aws.String(f.errorMessage)}
		}
	}
	c := *d
	return &codedeploy.GetDeploymentOutput{DeploymentInfo: &c}, nil
}

// GetDeploymentTarget has no lifecycle events to show.
func (f *fakeCodeDeploy) GetDeploymentTarget(_ context.Context, in *codedeploy.GetDeploymentTargetInput, _ ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentTargetOutput, error) {
	f.call("GetDeploymentTarget")
	return &codedeploy.GetDeploymentTargetOutput{DeploymentTarget: &cdtypes.DeploymentTarget{DeploymentTargetType: cdtypes.DeploymentTargetTypeEcsTarget,
		EcsTarget: &cdtypes.ECSTarget{DeploymentId: in.DeploymentId, TargetId: in.TargetId}}}, nil
}

// StopDeployment stops a deployment; with automatic rollback, CodeDeploy's
// rollback deployment starts (and succeeds).
func (f *fakeCodeDeploy) StopDeployment(_ context.Context, in *codedeploy.StopDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.StopDeploymentOutput, error) {
	f.call("StopDeployment")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stopped = append(f.stopped, in)
	d := f.deployment(aws.ToString(in.DeploymentId))
	if d == nil {
		return nil, &cdtypes.DeploymentDoesNotExistException{Message: aws.String("no such deployment")}
	}
	d.Status = cdtypes.DeploymentStatusStopped
	if aws.ToBool(in.AutoRollbackEnabled) {
		rb := f.newDeployment(aws.ToString(d.ApplicationName), aws.ToString(d.DeploymentGroupName), "", cdtypes.DeploymentStatusSucceeded, cdtypes.DeploymentCreatorCodeDeployRollback)
		d.RollbackInfo = &cdtypes.RollbackInfo{RollbackDeploymentId: aws.String(rb)}
	}
	return &codedeploy.StopDeploymentOutput{Status: cdtypes.StopStatusPending}, nil
}

// Operations no unit test expects yet: each fails the test that makes it.

func (f *fakeECS) ContinueServiceDeployment(ctx context.Context, in *ecs.ContinueServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.ContinueServiceDeploymentOutput, error) {
	return nil, f.unexpected("ContinueServiceDeployment", in)
}

func (f *fakeECS) CreateDaemon(ctx context.Context, in *ecs.CreateDaemonInput, _ ...func(*ecs.Options)) (*ecs.CreateDaemonOutput, error) {
	return nil, f.unexpected("CreateDaemon", in)
}

func (f *fakeECS) CreateExpressGatewayService(ctx context.Context, in *ecs.CreateExpressGatewayServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateExpressGatewayServiceOutput, error) {
	return nil, f.unexpected("CreateExpressGatewayService", in)
}

func (f *fakeECS) CreateService(ctx context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return nil, f.unexpected("CreateService", in)
}

func (f *fakeECS) DeleteDaemon(ctx context.Context, in *ecs.DeleteDaemonInput, _ ...func(*ecs.Options)) (*ecs.DeleteDaemonOutput, error) {
	return nil, f.unexpected("DeleteDaemon", in)
}

func (f *fakeECS) DeleteExpressGatewayService(ctx context.Context, in *ecs.DeleteExpressGatewayServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteExpressGatewayServiceOutput, error) {
	return nil, f.unexpected("DeleteExpressGatewayService", in)
}

func (f *fakeECS) DescribeDaemon(ctx context.Context, in *ecs.DescribeDaemonInput, _ ...func(*ecs.Options)) (*ecs.DescribeDaemonOutput, error) {
	return nil, f.unexpected("DescribeDaemon", in)
}

func (f *fakeECS) DescribeDaemonDeployments(ctx context.Context, in *ecs.DescribeDaemonDeploymentsInput, _ ...func(*ecs.Options)) (*ecs.DescribeDaemonDeploymentsOutput, error) {
	return nil, f.unexpected("DescribeDaemonDeployments", in)
}

func (f *fakeECS) DescribeDaemonRevisions(ctx context.Context, in *ecs.DescribeDaemonRevisionsInput, _ ...func(*ecs.Options)) (*ecs.DescribeDaemonRevisionsOutput, error) {
	return nil, f.unexpected("DescribeDaemonRevisions", in)
}

func (f *fakeECS) DescribeDaemonTaskDefinition(ctx context.Context, in *ecs.DescribeDaemonTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeDaemonTaskDefinitionOutput, error) {
	return nil, f.unexpected("DescribeDaemonTaskDefinition", in)
}

func (f *fakeECS) DescribeExpressGatewayService(ctx context.Context, in *ecs.DescribeExpressGatewayServiceInput, _ ...func(*ecs.Options)) (*ecs.DescribeExpressGatewayServiceOutput, error) {
	return nil, f.unexpected("DescribeExpressGatewayService", in)
}

func (f *fakeECS) ListDaemons(ctx context.Context, in *ecs.ListDaemonsInput, _ ...func(*ecs.Options)) (*ecs.ListDaemonsOutput, error) {
	return nil, f.unexpected("ListDaemons", in)
}

func (f *fakeECS) RegisterDaemonTaskDefinition(ctx context.Context, in *ecs.RegisterDaemonTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterDaemonTaskDefinitionOutput, error) {
	return nil, f.unexpected("RegisterDaemonTaskDefinition", in)
}

func (f *fakeECS) StopServiceDeployment(ctx context.Context, in *ecs.StopServiceDeploymentInput, _ ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error) {
	return nil, f.unexpected("StopServiceDeployment", in)
}

func (f *fakeECS) TagResource(ctx context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return nil, f.unexpected("TagResource", in)
}

func (f *fakeECS) UntagResource(ctx context.Context, in *ecs.UntagResourceInput, _ ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error) {
	return nil, f.unexpected("UntagResource", in)
}

func (f *fakeECS) UpdateDaemon(ctx context.Context, in *ecs.UpdateDaemonInput, _ ...func(*ecs.Options)) (*ecs.UpdateDaemonOutput, error) {
	return nil, f.unexpected("UpdateDaemon", in)
}

func (f *fakeECS) UpdateExpressGatewayService(ctx context.Context, in *ecs.UpdateExpressGatewayServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateExpressGatewayServiceOutput, error) {
	return nil, f.unexpected("UpdateExpressGatewayService", in)
}

func (f *fakeAutoScaling) DescribeScalableTargets(ctx context.Context, in *applicationautoscaling.DescribeScalableTargetsInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	return nil, f.unexpected("DescribeScalableTargets", in)
}

func (f *fakeAutoScaling) RegisterScalableTarget(ctx context.Context, in *applicationautoscaling.RegisterScalableTargetInput, _ ...func(*applicationautoscaling.Options)) (*applicationautoscaling.RegisterScalableTargetOutput, error) {
	return nil, f.unexpected("RegisterScalableTarget", in)
}

func (f *fakeCodeDeploy) ContinueDeployment(ctx context.Context, in *codedeploy.ContinueDeploymentInput, _ ...func(*codedeploy.Options)) (*codedeploy.ContinueDeploymentOutput, error) {
	return nil, f.unexpected("ContinueDeployment", in)
}

func (f *fakeECS) DeleteDaemonTaskDefinition(ctx context.Context, in *ecs.DeleteDaemonTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeleteDaemonTaskDefinitionOutput, error) {
	return nil, f.unexpected("DeleteDaemonTaskDefinition", in)
}

func (f *fakeECS) ListDaemonTaskDefinitions(ctx context.Context, in *ecs.ListDaemonTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListDaemonTaskDefinitionsOutput, error) {
	return nil, f.unexpected("ListDaemonTaskDefinitions", in)
}
