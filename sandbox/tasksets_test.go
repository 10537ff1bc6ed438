package sandbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A service created with the CODE_DEPLOY controller gets its first task set, PRIMARY
// at 100%, whose tasks start on the clock until it is STEADY_STATE; the service has an
// empty deployments list (CreateService API reference).
func TestCodeDeployServiceCreatesPrimaryTaskSet(t *testing.T) {
	f := newFixture(t)
	td := f.register("web", "nginx:1")
	out, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("c"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
	})
	if err != nil {
		t.Fatal(err)
	}
	created := out.Service
	if len(created.Deployments) != 0 || len(created.TaskSets) != 1 {
		t.Fatalf("CreateService: deployments %d, task sets %d; want 0 and 1", len(created.Deployments), len(created.TaskSets))
	}
	ts := created.TaskSets[0]
	if aws.ToString(ts.Status) != "PRIMARY" || ts.StabilityStatus != types.StabilityStatusStabilizing || ts.ComputedDesiredCount != 2 || aws.ToString(ts.TaskDefinition) != td {
		t.Errorf("first task set = status %s, stability %s, computed desired %d, td %s", aws.ToString(ts.Status), ts.StabilityStatus, ts.ComputedDesiredCount, aws.ToString(ts.TaskDefinition))
	}
	f.env.Clock().Advance(6 * time.Second)
	svc := f.describe("web")
	if len(svc.TaskSets) != 1 {
		t.Fatalf("task sets: %d", len(svc.TaskSets))
	}
	ts = svc.TaskSets[0]
	if ts.StabilityStatus != types.StabilityStatusSteadyState || ts.RunningCount != 2 || svc.RunningCount != 2 || svc.PendingCount != 0 {
		t.Errorf("after 6s: stability %s, task set running %d, service running %d pending %d; want STEADY_STATE, 2, 2, 0",
			ts.StabilityStatus, ts.RunningCount, svc.RunningCount, svc.PendingCount)
	}
	msgs := strings.Join(messages(svc), "\n")
	for _, want := range []string{"(service web, taskSet " + aws.ToString(ts.Id) + ") has started 2 tasks", "(service web) has reached a steady state."} {
		if !strings.Contains(msgs, want) {
			t.Errorf("events lack %q:\n%s", want, msgs)
		}
	}
	tasks, err := f.ecs.ListTasks(f.ctx, &ecs.ListTasksInput{Cluster: aws.String("c"), ServiceName: aws.String("web")})
	if err != nil || len(tasks.TaskArns) != 2 {
		t.Fatalf("ListTasks: %v %v", tasks, err)
	}
	desc, err := f.ecs.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String("c"), Tasks: tasks.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range desc.Tasks {
		if aws.ToString(task.StartedBy) != aws.ToString(ts.Id) || aws.ToString(task.LastStatus) != "RUNNING" {
			t.Errorf("task startedBy %s status %s, want %s RUNNING", aws.ToString(task.StartedBy), aws.ToString(task.LastStatus), aws.ToString(ts.Id))
		}
	}
	// The desired count of a CODE_DEPLOY service can change without CodeDeploy; its
	// task sets follow (computedDesiredCount).
	if _, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	f.env.Clock().Advance(6 * time.Second)
	svc = f.describe("web")
	if ts := svc.TaskSets[0]; ts.ComputedDesiredCount != 3 || ts.RunningCount != 3 || svc.RunningCount != 3 || ts.StabilityStatus != types.StabilityStatusSteadyState {
		t.Errorf("after scaling to 3: task set %d/%d %s, service running %d", ts.RunningCount, ts.ComputedDesiredCount, ts.StabilityStatus, svc.RunningCount)
	}
}

// An EXTERNAL service starts with no task set; CreateTaskSet, UpdateServicePrimaryTaskSet,
// UpdateTaskSet and DeleteTaskSet drive its tasks on the clock.
func TestExternalServiceTaskSets(t *testing.T) {
	f := newFixture(t)
	td1 := f.register("api", "nginx:1")
	td2 := f.register("api", "nginx:2")
	out, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("c"), ServiceName: aws.String("api"), DesiredCount: aws.Int32(3),
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeExternal},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Service.TaskSets) != 0 || len(out.Service.Deployments) != 0 {
		t.Fatalf("EXTERNAL service created with task sets %d deployments %d", len(out.Service.TaskSets), len(out.Service.Deployments))
	}
	blue, err := f.ecs.CreateTaskSet(f.ctx, &ecs.CreateTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskDefinition: aws.String(td1), ExternalId: aws.String("blue")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ecs.UpdateServicePrimaryTaskSet(f.ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), PrimaryTaskSet: blue.TaskSet.TaskSetArn}); err != nil {
		t.Fatal(err)
	}
	f.env.Clock().Advance(6 * time.Second)
	svc := f.describe("api")
	if svc.RunningCount != 3 || aws.ToString(svc.TaskDefinition) != td1 {
		t.Fatalf("blue: running %d td %s", svc.RunningCount, aws.ToString(svc.TaskDefinition))
	}
	green, err := f.ecs.CreateTaskSet(f.ctx, &ecs.CreateTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskDefinition: aws.String(td2),
		Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 50}})
	if err != nil {
		t.Fatal(err)
	}
	if green.TaskSet.ComputedDesiredCount != 2 {
		t.Errorf("50%% of 3 = %d, want 2 (rounded up)", green.TaskSet.ComputedDesiredCount)
	}
	if _, err := f.ecs.DeleteTaskSet(f.ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskSet: blue.TaskSet.Id}); err == nil {
		t.Error("DeleteTaskSet of a task set still scaled up without force: no error")
	}
	if _, err := f.ecs.UpdateTaskSet(f.ctx, &ecs.UpdateTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskSet: green.TaskSet.Id,
		Scale: &types.Scale{Unit: types.ScaleUnitPercent, Value: 100}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ecs.UpdateServicePrimaryTaskSet(f.ctx, &ecs.UpdateServicePrimaryTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), PrimaryTaskSet: green.TaskSet.TaskSetArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ecs.DeleteTaskSet(f.ctx, &ecs.DeleteTaskSetInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskSet: blue.TaskSet.TaskSetArn, Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	f.env.Clock().Advance(10 * time.Second)
	svc = f.describe("api")
	if len(svc.TaskSets) != 1 || aws.ToString(svc.TaskSets[0].Id) != aws.ToString(green.TaskSet.Id) || svc.TaskSets[0].StabilityStatus != types.StabilityStatusSteadyState {
		t.Fatalf("after the switch: %+v", svc.TaskSets)
	}
	if svc.RunningCount != 3 || aws.ToString(svc.TaskDefinition) != td2 {
		t.Errorf("green: running %d td %s", svc.RunningCount, aws.ToString(svc.TaskDefinition))
	}
	d, err := f.ecs.DescribeTaskSets(f.ctx, &ecs.DescribeTaskSetsInput{Cluster: aws.String("c"), Service: aws.String("api"), TaskSets: []string{aws.ToString(blue.TaskSet.TaskSetArn)}})
	if err != nil || len(d.Failures) != 1 || len(d.TaskSets) != 0 {
		t.Errorf("DescribeTaskSets of the deleted task set: %+v %v", d, err)
	}
}
