package view

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/verify"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// localZone hides the machine's time zone: status prints event times in local time.
var localZone = regexp.MustCompile(`(T\d\d:\d\d:\d\d)(Z|[+-]\d\d:\d\d)`)

func arn(rev string) string { return "arn:aws:ecs:us-east-1:123456789012:task-definition/web:" + rev }

// at is printed in local time by status: only its offset varies between machines.
var at = time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)

// TestGolden renders every view in the formats its verb accepts and compares the
// output with testdata/NAME.FORMAT.golden (rewrite with go test ./internal/cli/view
// -update). The status, revisions and rollback-plan goldens were written by the code
// these views replaced, before the move.
func TestGolden(t *testing.T) {
	cases := []struct {
		name    string
		v       View
		formats []string
	}{
		{"status", Status{
			Service: "web", Cluster: "prod", ServiceARN: "arn:aws:ecs:us-east-1:123456789012:service/prod/web", Status: "ACTIVE",
			TaskDefinition: arn("7"), LaunchType: "EC2", Desired: 3, Running: 2, Pending: 1,
			Deployments: []StatusDeployment{
				{ID: "ecs-svc/1", Status: "PRIMARY", TaskDefinition: arn("7"), Desired: 3, Running: 1, Pending: 1, Failed: 2,
					RolloutState: "IN_PROGRESS", RolloutReason: "ECS deployment ecs-svc/1 in progress.", CreatedAt: at},
				{ID: "ecs-svc/0", Status: "ACTIVE", TaskDefinition: arn("6"), Desired: 1, Running: 1},
			},
			Events: []StatusEvent{{CreatedAt: at, Message: "(service web) has started 1 tasks: (task 1234)."}, {CreatedAt: at.Add(time.Minute), Message: "second"}},
		}, []string{Text, JSON}},
		{"status-express", StatusOf("prod", &deploy.Status{
			Service: &types.Service{ServiceName: aws.String("hello"), ServiceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/prod/hello"),
				Status: aws.String("ACTIVE"), TaskDefinition: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/prod-hello:2"),
				LaunchType: types.LaunchTypeFargate, DesiredCount: 2, RunningCount: 2,
				Deployments: []types.Deployment{{Id: aws.String("ecs-svc/2"), Status: aws.String("PRIMARY"),
					TaskDefinition: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/prod-hello:2"), DesiredCount: 2, RunningCount: 2,
					RolloutState: types.DeploymentRolloutStateCompleted}}},
			Express: &types.ECSExpressGatewayService{
				Status: &types.ExpressGatewayServiceStatus{StatusCode: types.ExpressGatewayServiceStatusCodeActive},
				ActiveConfigurations: []types.ExpressGatewayServiceConfiguration{{IngressPaths: []types.IngressPathSummary{
					{AccessType: types.AccessTypePublic, Endpoint: aws.String("hello-1a2b3c.ecs.us-east-1.on.aws")}}}},
			},
		}, 10), []string{Text, JSON}},
		{"status-daemon", StatusOf("prod", &deploy.Status{
			Daemon: &deploy.LiveDaemon{
				Detail: &types.DaemonDetail{DaemonArn: aws.String("arn:aws:ecs:us-east-1:123456789012:daemon/prod/agent"), Status: types.DaemonStatusActive,
					DeploymentArn: aws.String("arn:aws:ecs:us-east-1:123456789012:daemon-deployment/prod/agent/2"),
					CurrentRevisions: []types.DaemonRevisionDetail{{Arn: aws.String("arn:aws:ecs:us-east-1:123456789012:daemon-revision/prod/agent/2"),
						TotalRunningCount: 6}}},
				TaskDef: &types.DaemonTaskDefinition{DaemonTaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:123456789012:daemon-task-definition/agent:2"),
					Family: aws.String("agent"), Revision: 2},
			},
			DaemonDeployment: &types.DaemonDeployment{Status: types.DaemonDeploymentStatusSuccessful},
		}, 10), []string{Text, JSON}},
		{"revisions", Revisions{{Name: "web:9", InUse: ""}, {Name: "web:10", InUse: "PRIMARY deployment, RUNNING task"}, {Name: "wéb:11", InUse: "ACTIVE deployment"}},
			[]string{Text, Table, TSV, JSON}},
		{"revisions-empty", Revisions(nil), []string{Table, TSV, JSON}},
		{"rollback-stop-plan", RollbackPlan{&deploy.RollbackPlan{Cluster: "prod", Service: "web", Current: arn("7"),
			StopDeployment: "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc"}}, []string{Text, JSON}},
		{"rollback-plan", RollbackPlan{&deploy.RollbackPlan{Cluster: "prod", Service: "web", Current: arn("7"), Target: arn("6"), Deregister: arn("7")}},
			[]string{Text, JSON}},
		{"deregister-plan-delete", DeregisterPlan{&deploy.DeregisterPlan{Family: "web", Delete: true,
			Deregister: []deploy.Revision{{ARN: arn("1"), Family: "web", Number: 1}},
			Keep:       []deploy.Revision{{ARN: arn("2"), Family: "web", Number: 2, InUse: true, UseNotes: "RUNNING task"}, {ARN: arn("3"), Family: "web", Number: 3}},
		}}, []string{Text, JSON}},
		{"deregistered", Deregistered{Family: "web", Deregistered: []string{arn("1"), arn("2")}, Deleted: []string{arn("1")}}, []string{Text, JSON}},
		{"deregistered-nothing", Deregistered{Family: "web"}, []string{Text, JSON}},
		{"registered", Registered{Family: "web", TaskDefinitionARN: arn("8")}, []string{Text, JSON}},
		{"deleted", Deleted{Cluster: "prod", Service: "web", ServiceARN: "arn:aws:ecs:us-east-1:123456789012:service/prod/web", Status: "DRAINING"},
			[]string{Text, JSON}},
		{"result-started", Result{Service: "web", Cluster: "prod", TaskDefinitionARN: arn("6"), Outcome: OutcomeStarted, StartedAt: at.UTC()},
			[]string{Text, JSON}},
		{"result-rolled-back", Result{Service: "web", Cluster: "prod", TaskDefinitionARN: arn("7"), DeploymentID: "ecs-svc/1", Outcome: "rolled back",
			Reason: "circuit breaker", RolledBackTo: arn("6"), StartedAt: at.UTC(), FinishedAt: at.UTC().Add(90 * time.Second), DurationSeconds: 90,
			StoppedTasks: []watch.StoppedTask{{TaskARN: "arn:aws:ecs:us-east-1:123456789012:task/prod/abc", StoppedReason: "Essential container in task exited"}},
			Events:       []watch.ServiceEvent{{ID: "e1", CreatedAt: at.UTC(), Message: "(service web) deployment ecs-svc/1 rolled back"}}},
			[]string{Text, JSON}},
		{"no-deployment-up-to-date", NoDeployment{Cluster: "prod", Outcome: "unchanged", Service: "web", TaskDefinitionARN: arn("6"), UpToDate: true},
			[]string{Text, JSON}},
		{"no-deployment-no-wait", NoDeployment{Cluster: "prod", Outcome: "unchanged", Service: "web", TaskDefinitionARN: arn("7"), PrintARN: true},
			[]string{Text, JSON}},
		{"stopped-rollback", StoppedRollback{Cluster: "prod", Outcome: "rolled back", Service: "web",
			StoppedDeploymentARN: "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc", TaskDefinitionARN: arn("6")},
			[]string{Text, JSON}},
		{"diff", NewDiff("", "--- arn:aws:ecs:us-east-1:123456789012:task-definition/web:3\n+++ ecs-task-def.json\n@@ -1 +1 @@\n-  \"image\": \"nginx:1.22\"\n+  \"image\": \"nginx:1.23\"\n", false),
			[]string{Text, JSON}},
		{"diff-color", NewDiff("--- a\n+++ b\n-x\n+y\n", "", true), []string{Text}},
		{"diff-none", NewDiff("", "", true), []string{Text, JSON}},
		{"deploy-plan", DeployPlan{Plan: &deploy.Plan{Cluster: "prod", Service: "web", StartsDeployment: true,
			TaskDefinition: deploy.TaskDefinitionPlan{Action: deploy.TDRegister, Family: "web", Reason: "image changed"},
			Changes:        []deploy.Change{{Field: "networkConfiguration", Kind: "changed"}},
			DesiredCount:   aws.Int32(3), DesiredCountFrom: aws.Int32(1), ForceNewDeployment: true, ForceReasons: []string{"--force-new-deployment"}}},
			[]string{Text, JSON}},
		{"deploy-plan-diff", DeployPlan{Plan: planToRegister(), LiveTaskDefinition: taskDef("nginx:1.27"), LiveName: arn("7"), LocalName: "ecs-task-def.json"},
			[]string{Text, JSON}},
		{"deploy-plan-full", DeployPlan{Plan: planToRegister(), LiveTaskDefinition: taskDef("nginx:1.27"), LiveName: arn("7"), LocalName: "ecs-task-def.json", Full: true},
			[]string{Text}},
		{"task-stopped", TaskStopped{DesiredStatus: "STOPPED", LastStatus: "RUNNING", TaskARN: "arn:aws:ecs:us-east-1:123456789012:task/prod/abc"},
			[]string{Text, JSON}},
		{"run-started", Run{Cluster: "prod", TaskDefinitionARN: arn("5"), Outcome: OutcomeStarted,
			TaskARNs: []string{"arn:aws:ecs:us-east-1:123456789012:task/prod/a", "arn:aws:ecs:us-east-1:123456789012:task/prod/b"}}, []string{Text, JSON}},
		{"run-tasks-started", RunStarted{TaskARNs: []string{"arn:aws:ecs:us-east-1:123456789012:task/prod/a", "arn:aws:ecs:us-east-1:123456789012:task/prod/b"}},
			[]string{Text, JSON}},
		{"run-done", Run{Cluster: "prod", TaskDefinitionARN: arn("5"), Outcome: "failed", ExitCode: 4,
			TaskARNs: []string{"arn:aws:ecs:us-east-1:123456789012:task/prod/a"},
			Failures: []task.Failure{{ARN: "arn:aws:ecs:us-east-1:123456789012:cluster/prod", Reason: "RESOURCE:MEMORY"}},
			Tasks: []task.TaskResult{{TaskARN: "arn:aws:ecs:us-east-1:123456789012:task/prod/a", LastStatus: "STOPPED", Container: "web", ExitCode: aws.Int32(0),
				StoppedReason: "Essential container in task exited", StartedAt: &at, Code: 0}},
			Explanation: &task.Explanation{Reasons: []task.ReasonCount{{Reason: "Essential container in task exited", Tasks: 1, ExitCodes: []string{"web=0"}}}}},
			[]string{Text, JSON}},
		{"continued", Continued{&deploy.Continued{ServiceDeploymentARN: "arn:aws:ecs:us-east-1:123456789012:service-deployment/prod/web/abc",
			DeploymentID: "ecs-svc/2", TaskDefinition: arn("5"), HookID: "hook-1", Stage: "POST_TEST_TRAFFIC_SHIFT", Action: "CONTINUE", At: at.UTC()}},
			[]string{Text, JSON}},
		{"task", Task{types.Task{TaskArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/abc"), TaskDefinitionArn: aws.String(arn("3")),
			LastStatus: aws.String("STOPPED"), DesiredStatus: aws.String("STOPPED"), Group: aws.String("family:web"), LaunchType: types.LaunchTypeFargate,
			Containers: []types.Container{{Name: aws.String("web"), ExitCode: aws.Int32(0)}}}},
			[]string{Text, JSON, Table}},
		{"trace", Trace{TaskARN: "arn:aws:ecs:us-east-1:123456789012:task/prod/abc", Timeline: []task.TraceEvent{{At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), What: "created"},
			{At: time.Date(2026, 1, 2, 4, 4, 9, 0, time.FixedZone("CET", 3600)), What: "started (RUNNING)"}}, Logs: []string{"web abc | hello"}},
			[]string{Text, JSON}},
		{"continued-codedeploy", CodeDeployContinued{&deploy.CodeDeployContinued{DeploymentID: "d-ABCDEF123", Action: "ContinueDeployment"}},
			[]string{Text, JSON}},
		{"explanation", Explanation{&task.Explanation{
			Reasons: []task.ReasonCount{
				{Reason: "Essential container in task exited", StopCode: "EssentialContainerExited", Tasks: 2, ExitCodes: []string{"app=1"}},
				{Reason: "OutOfMemoryError: Container killed due to memory usage", StopCode: "EssentialContainerExited", Tasks: 1, ExitCodes: []string{"app=137"}},
			},
			Logs: &task.FailingLog{Task: "arn:aws:ecs:us-east-1:1:task/c/aaaa", Container: "app", Lines: []string{"boot", "panic: no DB_URL"}},
			UnhealthyTargets: []task.UnhealthyTarget{
				{TargetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc", Target: "10.0.0.1:80", State: "unhealthy", Reason: "Target.FailedHealthChecks"},
				{TargetGroup: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/abc", Target: "10.0.0.2:80", State: "unhealthy", Reason: "Target.FailedHealthChecks"},
			}}},
			[]string{Text, JSON}},
		{"version", Version{buildinfo.Info{Version: "v1.2.3", Commit: "abc1234", Date: "2026-01-02", Go: "go1.26.0"}}, []string{Text, JSON}},
		{"task-choices", TaskChoices{List: []types.Task{
			{TaskArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef"), TaskDefinitionArn: aws.String(arn("3")),
				LastStatus: aws.String("RUNNING"), StartedAt: aws.Time(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))},
			{TaskArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/fedcba9876543210fedcba9876543210"), TaskDefinitionArn: aws.String(arn("4")),
				LastStatus: aws.String("PENDING")},
		}}, []string{Text}},
		{"task-choices-narrow", TaskChoices{Width: 40, List: []types.Task{
			{TaskArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef"), TaskDefinitionArn: aws.String(arn("3")),
				LastStatus: aws.String("RUNNING")},
		}}, []string{Text}},
	}
	for _, c := range cases {
		for _, f := range c.formats {
			t.Run(c.name+"."+f, func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, f, c.v); err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, filepath.Join("testdata", c.name+"."+f+".golden"), localZone.ReplaceAll(b.Bytes(), []byte("${1}ZONE")))
			})
		}
	}
}

// TestWriteFallsBackToText: a view without ecspresso's table shapes prints its text
// for table and tsv (the CLI refuses those formats for such verbs first), and any
// other format is text too.
func TestWriteFallsBackToText(t *testing.T) {
	v := Registered{Family: "web", TaskDefinitionARN: arn("8")}
	for _, f := range []string{Table, TSV, Text, ""} {
		var b bytes.Buffer
		if err := Write(&b, f, v); err != nil {
			t.Fatal(err)
		}
		if got, want := b.String(), arn("8")+"\n"; got != want {
			t.Errorf("Write(%q) = %q, want %q", f, got, want)
		}
	}
}

// taskDef is a one-container task definition running image.
func taskDef(image string) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"), ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("web"), Image: aws.String(image), Essential: aws.Bool(true), Memory: aws.Int32(128)}}}
}

// planToRegister is a plan that registers a new revision with a new image.
func planToRegister() *deploy.Plan {
	return &deploy.Plan{Cluster: "prod", Service: "web", StartsDeployment: true,
		TaskDefinition: deploy.TaskDefinitionPlan{Action: deploy.TDRegister, Family: "web", Reason: "differs from the live revision", Input: taskDef("nginx:1.28")}}
}

// TestVerifyTextGolden renders the verify package's golden report (one problem of
// each outcome) as the tree ecspresso prints, with repeated checks marked cached and
// in full (--no-cache).
func TestVerifyTextGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "verify", "testdata", "golden", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep verify.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]verify.TextOptions{"verify-tree": {}, "verify-tree-full": {Full: true}} {
		var out bytes.Buffer
		if err := Write(&out, Text, Verify{Report: rep, Options: o}); err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, filepath.Join("testdata", name+".text.golden"), out.Bytes())
	}
}
