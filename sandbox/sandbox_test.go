package sandbox_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/sandbox"
)

type fixture struct {
	t   *testing.T
	env *sandbox.Env
	ecs *ecs.Client
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	t.Parallel()
	env := sandbox.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	f := &fixture{t: t, env: env, ecs: ecs.NewFromConfig(env.AWSConfig(ctx)), ctx: ctx}
	if _, err := f.ecs.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("c")}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	return f
}

func (f *fixture) register(family, image string, cmd ...string) string {
	f.t.Helper()
	cd := types.ContainerDefinition{Name: aws.String("app"), Image: aws.String(image), Memory: aws.Int32(128), Essential: aws.Bool(true)}
	if len(cmd) > 0 {
		cd.Command = cmd
	}
	out, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: []types.ContainerDefinition{cd}})
	if err != nil {
		f.t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

func (f *fixture) createService(name, td string, desired int32, breaker bool) *types.Service {
	f.t.Helper()
	in := &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String(name), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(desired)}
	if breaker {
		in.DeploymentConfiguration = &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	}
	out, err := f.ecs.CreateService(f.ctx, in)
	if err != nil {
		f.t.Fatalf("CreateService: %v", err)
	}
	return out.Service
}

func (f *fixture) update(name, td string) *types.Service {
	f.t.Helper()
	out, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String(name), TaskDefinition: aws.String(td)})
	if err != nil {
		f.t.Fatalf("UpdateService: %v", err)
	}
	return out.Service
}

func (f *fixture) describe(name string) types.Service {
	f.t.Helper()
	out, err := f.ecs.DescribeServices(f.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{name}})
	if err != nil {
		f.t.Fatalf("DescribeServices: %v", err)
	}
	if len(out.Services) != 1 {
		f.t.Fatalf("DescribeServices: %d services, failures %+v", len(out.Services), out.Failures)
	}
	return out.Services[0]
}

type depView struct {
	Status, TaskDefinition, Rollout string
	Desired, Running, Pending       int32
}

func deps(s types.Service) []depView {
	var out []depView
	for _, d := range s.Deployments {
		out = append(out, depView{aws.ToString(d.Status), aws.ToString(d.TaskDefinition), string(d.RolloutState), d.DesiredCount, d.RunningCount, d.PendingCount})
	}
	return out
}

func messages(s types.Service) []string {
	var out []string
	for _, e := range s.Events {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

func TestRolloutCompletes(t *testing.T) {
	f := newFixture(t)
	td1 := f.register("web", "nginx:1")
	created := f.createService("web", td1, 2, false)
	if got := deps(*created); len(got) != 1 || got[0].Rollout != "IN_PROGRESS" {
		t.Fatalf("CreateService deployments = %+v, want one IN_PROGRESS", got)
	}
	f.env.Clock().Advance(2500 * time.Millisecond)
	mid := f.describe("web")
	if mid.Deployments[0].RolloutState != types.DeploymentRolloutStateInProgress || mid.PendingCount+mid.RunningCount != 2 {
		t.Fatalf("mid-rollout: %+v running %d pending %d", deps(mid), mid.RunningCount, mid.PendingCount)
	}
	f.env.Clock().Advance(2500 * time.Millisecond)
	done := f.describe("web")
	want := []depView{{"PRIMARY", td1, "COMPLETED", 2, 2, 0}}
	if diff := cmp.Diff(want, deps(done)); diff != "" {
		t.Fatalf("deployments after 5s (-want +got):\n%s", diff)
	}
	if done.RunningCount != 2 || done.PendingCount != 0 {
		t.Fatalf("service counts running %d pending %d", done.RunningCount, done.PendingCount)
	}
	if got := aws.ToString(done.Deployments[0].RolloutStateReason); !strings.HasSuffix(got, "completed.") {
		t.Errorf("rolloutStateReason = %q", got)
	}
	msgs := messages(done)
	if len(msgs) != 3 || msgs[0] != "(service web) has reached a steady state." ||
		!strings.HasPrefix(msgs[1], "(service web) (deployment ecs-svc/") || !strings.HasPrefix(msgs[2], "(service web) has started 2 tasks: (task ") {
		t.Errorf("events = %q", msgs)
	}
	if done.CreatedAt == nil || done.CurrentServiceDeployment == nil {
		t.Errorf("createdAt %v currentServiceDeployment %v", done.CreatedAt, done.CurrentServiceDeployment)
	}
	tasks, err := f.ecs.ListTasks(f.ctx, &ecs.ListTasksInput{Cluster: aws.String("c"), ServiceName: aws.String("web")})
	if err != nil || len(tasks.TaskArns) != 2 {
		t.Fatalf("ListTasks(serviceName) = %v, %v", tasks, err)
	}
}

func TestUpdateSupersedesInFlightDeployment(t *testing.T) {
	f := newFixture(t)
	td1, td2, td3 := f.register("api", "app:1"), f.register("api", "app:2"), f.register("api", "app:3")
	f.createService("api", td1, 2, false)
	f.env.Clock().Advance(6 * time.Second)

	up2 := f.update("api", td2)
	if got := deps(*up2); len(got) != 2 || got[0].Status != "PRIMARY" || got[0].TaskDefinition != td2 || got[1].TaskDefinition != td1 {
		t.Fatalf("UpdateService reply deployments = %+v, want new PRIMARY first", got)
	}
	first := aws.ToString(up2.CurrentServiceDeployment)
	f.env.Clock().Advance(2 * time.Second)
	up3 := f.update("api", td3)
	got := deps(*up3)
	if len(got) != 3 || got[0].TaskDefinition != td3 || got[1].TaskDefinition != td2 || got[1].Status != "ACTIVE" || got[1].Rollout != "IN_PROGRESS" {
		t.Fatalf("after second update deployments = %+v", got)
	}
	sd, err := f.ecs.DescribeServiceDeployments(f.ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{first}})
	if err != nil || len(sd.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments: %v %v", sd, err)
	}
	if st := sd.ServiceDeployments[0].Status; st != types.ServiceDeploymentStatusStopped || sd.ServiceDeployments[0].StatusReason == nil {
		t.Fatalf("superseded service deployment status = %s reason %v", st, sd.ServiceDeployments[0].StatusReason)
	}
	f.env.Clock().Advance(5 * time.Second)
	want := []depView{{"PRIMARY", td3, "COMPLETED", 2, 2, 0}}
	if diff := cmp.Diff(want, deps(f.describe("api"))); diff != "" {
		t.Fatalf("final deployments (-want +got):\n%s", diff)
	}
}

func TestCrashloopTriggersCircuitBreakerRollback(t *testing.T) {
	f := newFixture(t)
	good := f.register("cb", "app:v1")
	bad := f.register("cb", "app:crashloop")
	f.createService("cb", good, 2, true)
	f.env.Clock().Advance(6 * time.Second)
	up := f.update("cb", bad)
	sdArn := aws.ToString(up.CurrentServiceDeployment)

	var sawFailed bool
	var failedReason string
	for range 60 {
		f.env.Clock().Advance(time.Second)
		s := f.describe("cb")
		for _, d := range s.Deployments {
			if d.RolloutState == types.DeploymentRolloutStateFailed {
				sawFailed = true
				failedReason = aws.ToString(d.RolloutStateReason)
			}
		}
		if len(s.Deployments) == 1 && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted {
			break
		}
	}
	if !sawFailed || failedReason != "ECS deployment circuit breaker: tasks failed to start." {
		t.Fatalf("FAILED deployment seen %v with reason %q", sawFailed, failedReason)
	}
	s := f.describe("cb")
	if got := deps(s); len(got) != 1 || got[0].TaskDefinition != good || got[0].Rollout != "COMPLETED" || got[0].Running != 2 {
		t.Fatalf("after rollback deployments = %+v, want the previous task definition COMPLETED", got)
	}
	joined := strings.Join(messages(s), "\n")
	for _, want := range []string{"deployment failed: tasks failed to start.", "rolling back to deployment ecs-svc/"} {
		if !strings.Contains(joined, want) {
			t.Errorf("events lack %q:\n%s", want, joined)
		}
	}
	out, err := f.ecs.DescribeServiceDeployments(f.ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{sdArn}})
	if err != nil {
		t.Fatal(err)
	}
	sd := out.ServiceDeployments[0]
	if sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.Rollback == nil || sd.DeploymentCircuitBreaker.Status != "TRIGGERED" || sd.DeploymentCircuitBreaker.FailureCount < 3 {
		t.Fatalf("service deployment status %s rollback %+v breaker %+v", sd.Status, sd.Rollback, sd.DeploymentCircuitBreaker)
	}
	stopped, err := f.ecs.ListTasks(f.ctx, &ecs.ListTasksInput{Cluster: aws.String("c"), ServiceName: aws.String("cb"), DesiredStatus: types.DesiredStatusStopped})
	if err != nil || len(stopped.TaskArns) == 0 {
		t.Fatalf("stopped tasks: %v %v", stopped, err)
	}
	dt, err := f.ecs.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: stopped.TaskArns[:1]})
	if err != nil || aws.ToString(dt.Tasks[0].StoppedReason) == "" {
		t.Fatalf("DescribeTasks of a stopped service task: %v %v", dt, err)
	}
}

func TestWaitersComplete(t *testing.T) {
	f := newFixture(t)
	f.env.Clock().SetSpeed(20)
	td := f.register("w", "app:1")
	f.createService("w", td, 1, false)
	stable := ecs.NewServicesStableWaiter(f.ecs, func(o *ecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
	})
	if err := stable.Wait(f.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"w"}}, 20*time.Second); err != nil {
		t.Fatalf("ServicesStable: %v", err)
	}
	run, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td)})
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	stopped := ecs.NewTasksStoppedWaiter(f.ecs, func(o *ecs.TasksStoppedWaiterOptions) {
		o.MinDelay, o.MaxDelay = 20*time.Millisecond, 50*time.Millisecond
	})
	if err := stopped.Wait(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{aws.ToString(run.Tasks[0].TaskArn)}}, 20*time.Second); err != nil {
		t.Fatalf("TasksStopped: %v", err)
	}
}

func TestRunTaskExitCodeAndLogs(t *testing.T) {
	f := newFixture(t)
	logs := cloudwatchlogs.NewFromConfig(f.env.AWSConfig(f.ctx))
	if _, err := logs.CreateLogGroup(f.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/job")}); err != nil {
		t.Fatal(err)
	}
	_, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("job"), NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("busybox:1"), Essential: aws.Bool(true),
			Command: []string{"sh", "-c", "echo hello from the job; exit 0"},
			LogConfiguration: &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "/ecs/job", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "job"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{
		Cluster: aws.String("c"), TaskDefinition: aws.String("job"), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-12345"}}},
		Overrides:            &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("app"), Command: []string{"sh", "-c", "echo hello from the job; exit 3"}}}},
	})
	if err != nil {
		t.Fatalf("RunTask: %v", err)
	}
	task := run.Tasks[0]
	if aws.ToString(task.LastStatus) != "PROVISIONING" || aws.ToString(task.Cpu) != "256" {
		t.Fatalf("RunTask task lastStatus %q cpu %q", aws.ToString(task.LastStatus), aws.ToString(task.Cpu))
	}
	var seen []string
	for range 12 {
		f.env.Clock().Advance(500 * time.Millisecond)
		dt, err := f.ecs.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: []string{aws.ToString(task.TaskArn)}})
		if err != nil {
			t.Fatalf("DescribeTasks: %v", err)
		}
		task = dt.Tasks[0]
		if st := aws.ToString(task.LastStatus); len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
	}
	if diff := cmp.Diff([]string{"PENDING", "RUNNING", "STOPPING", "DEPROVISIONING", "STOPPED"}, seen); diff != "" {
		t.Errorf("lifecycle (-want +got):\n%s", diff)
	}
	if got := aws.ToInt32(task.Containers[0].ExitCode); got != 3 {
		t.Errorf("exit code = %d, want 3", got)
	}
	if aws.ToString(task.StoppedReason) != "Essential container in task exited" || task.StopCode != types.TaskStopCodeEssentialContainerExited ||
		task.StartedAt == nil || task.StoppedAt == nil || task.PullStartedAt == nil {
		t.Errorf("task = reason %q code %q startedAt %v stoppedAt %v", aws.ToString(task.StoppedReason), task.StopCode, task.StartedAt, task.StoppedAt)
	}
	id := aws.ToString(task.TaskArn)[strings.LastIndexByte(aws.ToString(task.TaskArn), '/')+1:]
	ev, err := logs.GetLogEvents(f.ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/job"), LogStreamName: aws.String("job/app/" + id), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetLogEvents: %v", err)
	}
	var lines []string
	for _, e := range ev.Events {
		lines = append(lines, aws.ToString(e.Message))
	}
	want := []string{"[sandbox] app: started busybox:1", "hello from the job", "[sandbox] app: exited with code 3"}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
}

func TestServiceDeploymentsAndStopRollback(t *testing.T) {
	f := newFixture(t)
	td1, td2 := f.register("sd", "app:1"), f.register("sd", "app:2")
	created := f.createService("sd", td1, 1, false)
	f.env.Clock().Advance(6 * time.Second)
	up := f.update("sd", td2)
	list, err := f.ecs.ListServiceDeployments(f.ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("c"), Service: aws.String("sd")})
	if err != nil {
		t.Fatalf("ListServiceDeployments: %v", err)
	}
	if len(list.ServiceDeployments) != 2 || aws.ToString(list.ServiceDeployments[0].ServiceDeploymentArn) != aws.ToString(up.CurrentServiceDeployment) ||
		aws.ToString(list.ServiceDeployments[1].ServiceDeploymentArn) != aws.ToString(created.CurrentServiceDeployment) {
		t.Fatalf("ListServiceDeployments = %+v", list.ServiceDeployments)
	}
	if got := list.ServiceDeployments[1].Status; got != types.ServiceDeploymentStatusSuccessful {
		t.Errorf("first deployment status %s", got)
	}
	arn := aws.ToString(up.CurrentServiceDeployment)
	if !strings.HasPrefix(arn, "arn:aws:ecs:us-east-1:"+f.env.Account+":service-deployment/c/sd/") {
		t.Errorf("service deployment ARN %q", arn)
	}
	f.env.Clock().Advance(time.Second)
	active, err := f.ecs.ListServiceDeployments(f.ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("c"), Service: aws.String("sd"),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentStatusPending}})
	if err != nil || len(active.ServiceDeployments) != 1 {
		t.Fatalf("active deployments: %+v %v", active, err)
	}
	desc, err := f.ecs.DescribeServiceDeployments(f.ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		t.Fatal(err)
	}
	sd := desc.ServiceDeployments[0]
	if sd.Status != types.ServiceDeploymentStatusInProgress || len(sd.SourceServiceRevisions) != 1 || sd.TargetServiceRevision == nil || sd.StartedAt == nil {
		t.Fatalf("service deployment = %+v", sd)
	}
	if _, err := f.ecs.StopServiceDeployment(f.ctx, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(arn), StopType: types.StopServiceDeploymentStopTypeRollback}); err != nil {
		t.Fatalf("StopServiceDeployment: %v", err)
	}
	f.env.Clock().Advance(6 * time.Second)
	desc, err = f.ecs.DescribeServiceDeployments(f.ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn, arn + "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := desc.ServiceDeployments[0].Status; got != types.ServiceDeploymentStatusRollbackSuccessful || len(desc.Failures) != 1 {
		t.Fatalf("after rollback status %s failures %+v", got, desc.Failures)
	}
	if got := deps(f.describe("sd")); len(got) != 1 || got[0].TaskDefinition != td1 || got[0].Rollout != "COMPLETED" {
		t.Fatalf("after rollback deployments %+v", got)
	}
	rev, err := f.ecs.DescribeServiceRevisions(f.ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{aws.ToString(sd.TargetServiceRevision.Arn)}})
	if err != nil || len(rev.ServiceRevisions) != 1 || aws.ToString(rev.ServiceRevisions[0].TaskDefinition) != td2 {
		t.Fatalf("DescribeServiceRevisions: %+v %v", rev, err)
	}
}

func TestThrottlingIsRetriedAndCounted(t *testing.T) {
	f := newFixture(t)
	f.env.ResetCounts()
	f.env.SetFaults(sandbox.Faults{Seed: 7, Rules: []sandbox.FaultRule{{Operation: "ecs:ListClusters", Throttle: 1, Times: 2}}})
	if _, err := f.ecs.ListClusters(f.ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("ListClusters after 2 throttles: %v", err)
	}
	for range 3 {
		if _, err := f.ecs.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c"}}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"ecs:ListClusters": 3, "ecs:DescribeClusters": 3}
	if diff := cmp.Diff(want, f.env.Counts()); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	f.env.SetFaults(sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "DescribeClusters", Error: 1, Status: 503}}})
	_, err := f.ecs.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c"}})
	var apiErr interface{ ErrorCode() string }
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailable" {
		t.Fatalf("persistent 503: %v", err)
	}
	f.env.SetFaults(sandbox.Faults{Rules: []sandbox.FaultRule{{Operation: "*", Drop: 1, Times: 1}}})
	if _, err := f.ecs.ListClusters(f.ctx, &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("one dropped connection should be retried: %v", err)
	}
}

func TestListTaskDefinitionsSortAndPaging(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		f.register("b", "app:1")
	}
	for range 11 {
		f.register("a", "app:1")
	}
	out, err := f.ecs.ListTaskDefinitions(f.ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("a"), Sort: types.SortOrderDesc, MaxResults: aws.Int32(1)})
	if err != nil || len(out.TaskDefinitionArns) != 1 || !strings.HasSuffix(out.TaskDefinitionArns[0], "/a:11") || out.NextToken == nil {
		t.Fatalf("DESC max 1 = %+v, %v", out, err)
	}
	var all []string
	p := ecs.NewListTaskDefinitionsPaginator(f.ecs, &ecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(4)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range page.TaskDefinitionArns {
			all = append(all, a[strings.LastIndexByte(a, '/')+1:])
		}
	}
	want := []string{"a:1", "a:2", "a:3", "a:4", "a:5", "a:6", "a:7", "a:8", "a:9", "a:10", "a:11", "b:1", "b:2", "b:3"}
	if diff := cmp.Diff(want, all); diff != "" || pages != 4 {
		t.Errorf("ASC pages %d (-want +got):\n%s", pages, diff)
	}
}

func TestAccountsAreIsolated(t *testing.T) {
	a := newFixture(t)
	b := sandbox.Start(t)
	bc := ecs.NewFromConfig(b.AWSConfig(a.ctx))
	if a.env.Account == b.Account {
		t.Fatal("two Envs share an account")
	}
	out, err := bc.ListClusters(a.ctx, &ecs.ListClustersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ClusterArns) != 0 {
		t.Fatalf("account %s sees %v created by account %s", b.Account, out.ClusterArns, a.env.Account)
	}
	if got := a.env.Counts()["ecs:CreateCluster"]; got != 1 {
		t.Errorf("account a CreateCluster count %d", got)
	}
	if got := b.Counts()["ecs:CreateCluster"]; got != 0 {
		t.Errorf("account b CreateCluster count %d", got)
	}
}

func TestControlEndpoint(t *testing.T) {
	f := newFixture(t)
	base := f.env.Endpoint + "/_sandbox/"
	get := func(path string, v any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(f.ctx, http.MethodGet, base+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var counts struct {
		Counts map[string]int `json:"counts"`
	}
	get("counts?account="+f.env.Account, &counts)
	if counts.Counts["ecs:CreateCluster"] != 1 {
		t.Errorf("control counts = %v", counts.Counts)
	}
	req, _ := http.NewRequestWithContext(f.ctx, http.MethodPost, base+"clock/advance?account="+f.env.Account, strings.NewReader(`{"duration":"90s"}`))
	before := f.env.Clock().Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := f.env.Clock().Now().Sub(before); got != 90*time.Second {
		t.Errorf("advance moved the clock by %s", got)
	}
	var state map[string]any
	get("state?account="+f.env.Account, &state)
	if state["account"] != f.env.Account {
		t.Errorf("state = %v", state)
	}
}

// defaultSubnet reads one of moto's default subnets with a raw EC2 query call (the
// module has no EC2 client dependency).
func (f *fixture) defaultSubnet() string {
	f.t.Helper()
	req, _ := http.NewRequestWithContext(f.ctx, http.MethodPost, f.env.Endpoint+"/", strings.NewReader("Action=DescribeSubnets&Version=2016-11-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+f.env.AccessKeyID+"/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Subnets []string `xml:"subnetSet>item>subnetId"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Subnets) == 0 {
		f.t.Fatalf("DescribeSubnets: %v %+v", err, out)
	}
	return out.Subnets[0]
}

func TestCreateServiceKeepsWhatMotoDrops(t *testing.T) {
	f := newFixture(t)
	td := f.register("keep", "app:1")
	subnet := f.defaultSubnet()
	in := &ecs.CreateServiceInput{
		Cluster: aws.String("c"), ServiceName: aws.String("keep"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1),
		CapacityProviderStrategy:      []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}},
		DeploymentConfiguration:       &types.DeploymentConfiguration{MaximumPercent: aws.Int32(150), MinimumHealthyPercent: aws.Int32(50)},
		EnableExecuteCommand:          true,
		EnableECSManagedTags:          true,
		HealthCheckGracePeriodSeconds: aws.Int32(30),
		PropagateTags:                 types.PropagateTagsService,
		NetworkConfiguration:          &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{subnet}}},
		ServiceConnectConfiguration:   &types.ServiceConnectConfiguration{Enabled: false},
	}
	if _, err := f.ecs.CreateService(f.ctx, in); err != nil {
		t.Fatalf("CreateService (awsvpc without securityGroups): %v", err)
	}
	s := f.describe("keep")
	if len(s.CapacityProviderStrategy) != 1 || s.LaunchType != "" || !s.EnableExecuteCommand || !s.EnableECSManagedTags ||
		aws.ToInt32(s.HealthCheckGracePeriodSeconds) != 30 || s.PropagateTags != types.PropagateTagsService ||
		aws.ToInt32(s.DeploymentConfiguration.MaximumPercent) != 150 || s.DeploymentConfiguration.DeploymentCircuitBreaker == nil {
		t.Fatalf("service lost create-time fields: cps %v launchType %q exec %v tags %v grace %v propagate %q dc %+v",
			s.CapacityProviderStrategy, s.LaunchType, s.EnableExecuteCommand, s.EnableECSManagedTags, s.HealthCheckGracePeriodSeconds, s.PropagateTags, s.DeploymentConfiguration)
	}
	if d := s.Deployments[0]; d.ServiceConnectConfiguration == nil || d.NetworkConfiguration == nil || len(d.CapacityProviderStrategy) != 1 {
		t.Fatalf("deployment lacks per-deployment configuration: %+v", d)
	}
	// A desiredCount-only update scales the PRIMARY without a new deployment.
	if _, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("keep"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	f.env.Clock().Advance(10 * time.Second)
	if got := deps(f.describe("keep")); len(got) != 1 || got[0].Running != 3 {
		t.Fatalf("after scaling to 3: %+v", got)
	}
}

func TestCodeDeployIsMounted(t *testing.T) {
	f := newFixture(t)
	cd := codedeploy.NewFromConfig(f.env.AWSConfig(f.ctx))
	if _, err := cd.CreateApplication(f.ctx, &codedeploy.CreateApplicationInput{ApplicationName: aws.String("app"), ComputePlatform: cdtypes.ComputePlatformEcs}); err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	out, err := cd.ListApplications(f.ctx, &codedeploy.ListApplicationsInput{})
	if err != nil || len(out.Applications) != 1 {
		t.Fatalf("ListApplications: %+v %v", out, err)
	}
	if got := f.env.Counts()["codedeploy:ListApplications"]; got != 1 {
		t.Errorf("codedeploy calls are counted: %d", got)
	}
}

// The clock endpoints answer the account's clock as it is after the call, and a body
// that does not decode is a 400 that changes nothing.
func TestControlClockAnswers(t *testing.T) {
	f := newFixture(t)
	base := f.env.Endpoint + "/_sandbox/"
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(f.ctx, http.MethodPost, base+path+"?account="+f.env.Account, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, out
	}
	clock := f.env.Clock()
	clock.SetSpeed(0)
	status, out := post("clock/advance", `{"duration":"45s"}`)
	if want := clock.Now().Format(time.RFC3339Nano); status != 200 || out["now"] != want || out["speed"] != 0.0 || out["account"] != f.env.Account {
		t.Errorf("advance: %d %v, want now %s speed 0", status, out, want)
	}
	status, out = post("clock/speed", `{"speed":0}`)
	if want := clock.Now().Format(time.RFC3339Nano); status != 200 || out["now"] != want || out["speed"] != 0.0 {
		t.Errorf("speed: %d %v, want now %s", status, out, want)
	}
	before := clock.Now()
	for _, path := range []string{"clock/advance", "clock/speed", "faults"} {
		if status, out := post(path, `{"duration":`); status != 400 || out["error"] == nil {
			t.Errorf("%s with a bad body: %d %v", path, status, out)
		}
	}
	if !clock.Now().Equal(before) || clock.Speed() != 0 {
		t.Errorf("bad bodies moved the clock: %s -> %s, speed %v", before, clock.Now(), clock.Speed())
	}
}
