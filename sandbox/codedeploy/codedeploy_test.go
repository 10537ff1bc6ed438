package codedeploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cd "github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/google/go-cmp/cmp"

	fake "github.com/doppio-ecs/doppio/sandbox/codedeploy"
	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

var epochStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is one fake CodeDeploy behind an httptest server, driven by a manual clock.
type env struct {
	t      *testing.T
	clock  *simclock.Clock
	client *cd.Client
	url    string
	ecs    *fakeECS
}

type envOpts struct {
	withECS bool
	wrap    func(*simclock.Clock, http.Handler) http.Handler
	opts    fake.Options
}

func newEnv(t *testing.T, o envOpts) *env {
	t.Helper()
	e := &env{t: t, clock: simclock.New(epochStart)}
	opts := o.opts
	opts.Clock = e.clock
	if o.withECS {
		e.ecs = newFakeECS()
		opts.ECS = func(account string) fake.ECS {
			if account != "123456789012" {
				t.Errorf("ECS client asked for account %s", account)
			}
			return e.ecs
		}
	}
	var h http.Handler = fake.New(opts)
	if o.wrap != nil {
		h = o.wrap(e.clock, h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	e.client = newClient(srv, "AKID123456789012")
	return e
}

func newClient(srv *httptest.Server, key string) *cd.Client {
	return cd.New(cd.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(key, "secret", ""),
		HTTPClient:   srv.Client(),
	})
}

type groupOpts struct {
	rollback        *types.AutoRollbackConfiguration
	readyWait       int32 // minutes; >0 means STOP_DEPLOYMENT
	terminationWait int32
	config          string
}

// setup creates the ECS application "app" and deployment group "dg" for service
// "web" in cluster "c".
func (e *env) setup(g groupOpts) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.client.CreateApplication(ctx, &cd.CreateApplicationInput{
		ApplicationName: aws.String("app"), ComputePlatform: types.ComputePlatformEcs,
	}); err != nil {
		e.t.Fatal(err)
	}
	bg := &types.BlueGreenDeploymentConfiguration{
		DeploymentReadyOption: &types.DeploymentReadyOption{ActionOnTimeout: types.DeploymentReadyActionContinueDeployment},
		TerminateBlueInstancesOnDeploymentSuccess: &types.BlueInstanceTerminationOption{
			Action: types.InstanceActionTerminate, TerminationWaitTimeInMinutes: g.terminationWait,
		},
	}
	if g.readyWait > 0 {
		bg.DeploymentReadyOption = &types.DeploymentReadyOption{
			ActionOnTimeout: types.DeploymentReadyActionStopDeployment, WaitTimeInMinutes: g.readyWait,
		}
	}
	in := &cd.CreateDeploymentGroupInput{
		ApplicationName:     aws.String("app"),
		DeploymentGroupName: aws.String("dg"),
		ServiceRoleArn:      aws.String("arn:aws:iam::123456789012:role/codedeploy"),
		DeploymentStyle: &types.DeploymentStyle{
			DeploymentType: types.DeploymentTypeBlueGreen, DeploymentOption: types.DeploymentOptionWithTrafficControl,
		},
		EcsServices: []types.ECSService{{ClusterName: aws.String("c"), ServiceName: aws.String("web")}},
		LoadBalancerInfo: &types.LoadBalancerInfo{TargetGroupPairInfoList: []types.TargetGroupPairInfo{{
			TargetGroups:     []types.TargetGroupInfo{{Name: aws.String("tg-blue")}, {Name: aws.String("tg-green")}},
			ProdTrafficRoute: &types.TrafficRoute{ListenerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/2"}},
		}}},
		BlueGreenDeploymentConfiguration: bg,
		AutoRollbackConfiguration:        g.rollback,
	}
	if g.config != "" {
		in.DeploymentConfigName = aws.String(g.config)
	}
	if _, err := e.client.CreateDeploymentGroup(ctx, in); err != nil {
		e.t.Fatal(err)
	}
}

func appSpec(taskDef string, hooks ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: "%s"
        LoadBalancerInfo:
          ContainerName: web
          ContainerPort: 80
        PlatformVersion: LATEST
        NetworkConfiguration:
          AwsvpcConfiguration:
            Subnets: [subnet-1]
            SecurityGroups: [sg-1]
            AssignPublicIp: DISABLED
`, taskDef)
	if len(hooks) > 0 {
		b.WriteString("Hooks:\n")
		for _, h := range hooks {
			fmt.Fprintf(&b, "  - %s: fn-%s\n", h, h)
		}
	}
	return b.String()
}

func (e *env) deploy(spec string) (string, error) {
	out, err := e.client.CreateDeployment(context.Background(), &cd.CreateDeploymentInput{
		ApplicationName:     aws.String("app"),
		DeploymentGroupName: aws.String("dg"),
		Revision: &types.RevisionLocation{
			RevisionType:   types.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &types.AppSpecContent{Content: aws.String(spec)},
		},
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.DeploymentId), nil
}

func (e *env) mustDeploy(spec string) string {
	e.t.Helper()
	id, err := e.deploy(spec)
	if err != nil {
		e.t.Fatalf("CreateDeployment: %v", err)
	}
	return id
}

func (e *env) get(id string) *types.DeploymentInfo {
	e.t.Helper()
	out, err := e.client.GetDeployment(context.Background(), &cd.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		e.t.Fatalf("GetDeployment(%s): %v", id, err)
	}
	return out.DeploymentInfo
}

func (e *env) status(id string) types.DeploymentStatus { return e.get(id).Status }

func (e *env) target(id string) *types.ECSTarget {
	e.t.Helper()
	out, err := e.client.GetDeploymentTarget(context.Background(), &cd.GetDeploymentTargetInput{
		DeploymentId: aws.String(id), TargetId: aws.String("c:web"),
	})
	if err != nil {
		e.t.Fatalf("GetDeploymentTarget: %v", err)
	}
	return out.DeploymentTarget.EcsTarget
}

// events returns "Name=Status" for each lifecycle event of the deployment's target.
func (e *env) events(id string) []string {
	var out []string
	for _, ev := range e.target(id).LifecycleEvents {
		out = append(out, aws.ToString(ev.LifecycleEventName)+"="+string(ev.Status))
	}
	return out
}

func eventList(statuses ...string) []string {
	names := []string{"BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic",
		"BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic"}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "=" + statuses[i]
	}
	return out
}

const (
	P = "Pending"
	I = "InProgress"
	S = "Succeeded"
	F = "Failed"
	K = "Skipped"
)

func TestDeploymentSucceeds(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("arn:aws:ecs:us-east-1:123456789012:task-definition/web:2", "AfterAllowTestTraffic"))

	if got := e.status(id); got != types.DeploymentStatusCreated {
		t.Fatalf("status at creation = %s, want Created", got)
	}
	e.clock.Advance(2 * time.Second) // StartDelay
	if got := e.status(id); got != types.DeploymentStatusInProgress {
		t.Fatalf("status after start = %s, want InProgress", got)
	}
	if diff := cmp.Diff(eventList(S, I, P, P, P, P, P, P), e.events(id)); diff != "" {
		t.Errorf("events during Install (-want +got):\n%s", diff)
	}
	e.clock.Advance(30*time.Second + 5*time.Second + time.Second) // Install, AllowTestTraffic, 1s into the hook
	if diff := cmp.Diff(eventList(S, S, S, S, I, P, P, P), e.events(id)); diff != "" {
		t.Errorf("events during the hook (-want +got):\n%s", diff)
	}
	e.clock.Advance(time.Hour)
	info := e.get(id)
	if info.Status != types.DeploymentStatusSucceeded {
		t.Fatalf("status = %s, want Succeeded (error %+v)", info.Status, info.ErrorInformation)
	}
	if diff := cmp.Diff(eventList(S, S, S, S, S, S, S, S), e.events(id)); diff != "" {
		t.Errorf("final events (-want +got):\n%s", diff)
	}
	// 2s start, 30s Install, 5s test traffic, 5s hook, 10s all-at-once shift.
	wantComplete := epochStart.Add(52 * time.Second)
	if !info.CreateTime.Equal(epochStart) || !info.CompleteTime.Equal(wantComplete) {
		t.Errorf("createTime %v completeTime %v, want %v and %v", info.CreateTime, info.CompleteTime, epochStart, wantComplete)
	}
	if got := info.DeploymentOverview; got == nil || got.Succeeded != 1 || got.InProgress != 0 {
		t.Errorf("overview = %+v, want one Succeeded", got)
	}
	if aws.ToString(info.Revision.AppSpecContent.Sha256) == "" {
		t.Error("revision sha256 not filled")
	}
	tgt := e.target(id)
	hook := tgt.LifecycleEvents[4]
	if d := hook.EndTime.Sub(*hook.StartTime); d != 5*time.Second {
		t.Errorf("hook ran %v, want 5s", d)
	}
	for i := 1; i < len(tgt.LifecycleEvents); i++ {
		if tgt.LifecycleEvents[i].StartTime.Before(*tgt.LifecycleEvents[i-1].EndTime) {
			t.Errorf("event %d starts before event %d ends", i, i-1)
		}
	}
	if len(tgt.TaskSetsInfo) != 2 || tgt.TaskSetsInfo[1].TrafficWeight != 100 || tgt.TaskSetsInfo[1].TaskSetLabel != types.TargetLabelGreen {
		t.Errorf("task sets = %+v, want green with all traffic", tgt.TaskSetsInfo)
	}

	list, err := e.client.ListDeployments(context.Background(), &cd.ListDeploymentsInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		IncludeOnlyStatuses: []types.DeploymentStatus{types.DeploymentStatusSucceeded},
	})
	if err != nil || len(list.Deployments) != 1 || list.Deployments[0] != id {
		t.Errorf("ListDeployments(Succeeded) = %v, %v", list, err)
	}
	list, err = e.client.ListDeployments(context.Background(), &cd.ListDeploymentsInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		IncludeOnlyStatuses: []types.DeploymentStatus{types.DeploymentStatusInProgress, types.DeploymentStatusReady},
	})
	if err != nil || len(list.Deployments) != 0 {
		t.Errorf("ListDeployments(InProgress) = %v, %v", list, err)
	}
}

func TestCanaryShiftsTraffic(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{config: "CodeDeployDefault.ECSCanary10Percent5Minutes"})
	id := e.mustDeploy(appSpec("web:2"))
	e.clock.Advance(2*time.Second + 35*time.Second + time.Minute)
	tgt := e.target(id)
	if tgt.Status != types.TargetStatusInProgress || len(tgt.TaskSetsInfo) != 2 || tgt.TaskSetsInfo[1].TrafficWeight != 10 {
		t.Fatalf("target during canary = %s %+v, want 10%% on green", tgt.Status, tgt.TaskSetsInfo)
	}
	e.clock.Advance(4 * time.Minute)
	if got := e.status(id); got != types.DeploymentStatusSucceeded {
		t.Fatalf("status after the canary interval = %s, want Succeeded", got)
	}
}

func TestReadyWaitThenContinue(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{readyWait: 60, terminationWait: 5})
	id := e.mustDeploy(appSpec("web:2"))
	ctx := context.Background()

	e.clock.Advance(10 * time.Minute)
	info := e.get(id)
	if info.Status != types.DeploymentStatusReady || info.DeploymentOverview.Ready != 1 {
		t.Fatalf("status = %s overview %+v, want Ready", info.Status, info.DeploymentOverview)
	}
	if diff := cmp.Diff(eventList(S, S, S, S, S, P, P, P), e.events(id)); diff != "" {
		t.Errorf("events while Ready (-want +got):\n%s", diff)
	}
	_, err := e.client.ContinueDeployment(ctx, &cd.ContinueDeploymentInput{
		DeploymentId: aws.String(id), DeploymentWaitType: types.DeploymentWaitTypeTerminationWait,
	})
	var notReady *types.DeploymentIsNotInReadyStateException
	if !errors.As(err, &notReady) {
		t.Errorf("TERMINATION_WAIT while Ready: err = %v, want DeploymentIsNotInReadyStateException", err)
	}
	if _, err := e.client.ContinueDeployment(ctx, &cd.ContinueDeploymentInput{
		DeploymentId: aws.String(id), DeploymentWaitType: types.DeploymentWaitTypeReadyWait,
	}); err != nil {
		t.Fatalf("ContinueDeployment(READY_WAIT): %v", err)
	}
	if got := e.status(id); got != types.DeploymentStatusReady {
		t.Errorf("right after ContinueDeployment: status %s, want still Ready (rerouting starts ContinueDelay later)", got)
	}
	e.clock.Advance(time.Minute) // AllowTraffic done; waiting to terminate the original
	info = e.get(id)
	if info.Status != types.DeploymentStatusInProgress || !info.InstanceTerminationWaitTimeStarted {
		t.Fatalf("after rerouting: status %s, termination wait %v; want InProgress, true", info.Status, info.InstanceTerminationWaitTimeStarted)
	}
	if _, err := e.client.ContinueDeployment(ctx, &cd.ContinueDeploymentInput{
		DeploymentId: aws.String(id), DeploymentWaitType: types.DeploymentWaitTypeTerminationWait,
	}); err != nil {
		t.Fatalf("ContinueDeployment(TERMINATION_WAIT): %v", err)
	}
	if got := e.status(id); got != types.DeploymentStatusSucceeded {
		t.Fatalf("status = %s, want Succeeded", got)
	}
	_, err = e.client.ContinueDeployment(ctx, &cd.ContinueDeploymentInput{DeploymentId: aws.String(id)})
	var done *types.DeploymentAlreadyCompletedException
	if !errors.As(err, &done) {
		t.Errorf("continue after success: err = %v, want DeploymentAlreadyCompletedException", err)
	}
}

func TestReadyWaitTimesOut(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{readyWait: 30})
	id := e.mustDeploy(appSpec("web:2"))
	e.clock.Advance(31 * time.Minute)
	info := e.get(id)
	if info.Status != types.DeploymentStatusStopped || info.ErrorInformation == nil || info.ErrorInformation.Code != types.ErrorCodeTimeout {
		t.Fatalf("status %s error %+v, want Stopped with TIMEOUT", info.Status, info.ErrorInformation)
	}
}

func TestStopWithRollback(t *testing.T) {
	e := newEnv(t, envOpts{withECS: true})
	e.ecs.addService("c", "web", "web:1")
	e.ecs.images["web:2"] = []string{"nginx:2"}
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("web:2"))
	ctx := context.Background()

	e.clock.Advance(2*time.Second + 35*time.Second + 5*time.Second) // into AllowTraffic
	if got := e.status(id); got != types.DeploymentStatusInProgress {
		t.Fatalf("status = %s, want InProgress", got)
	}
	stop, err := e.client.StopDeployment(ctx, &cd.StopDeploymentInput{DeploymentId: aws.String(id), AutoRollbackEnabled: aws.Bool(true)})
	if err != nil {
		t.Fatalf("StopDeployment: %v", err)
	}
	if stop.Status != types.StopStatusSucceeded {
		t.Errorf("stop status = %s", stop.Status)
	}
	info := e.get(id)
	if info.Status != types.DeploymentStatusStopped {
		t.Fatalf("status = %s, want Stopped", info.Status)
	}
	if info.ErrorInformation == nil || info.ErrorInformation.Code != types.ErrorCodeManualStop {
		t.Errorf("errorInformation = %+v, want MANUAL_STOP", info.ErrorInformation)
	}
	if diff := cmp.Diff(eventList(S, S, S, S, S, S, F, K), e.events(id)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if info.RollbackInfo == nil || aws.ToString(info.RollbackInfo.RollbackDeploymentId) == "" {
		t.Fatalf("rollbackInfo = %+v, want a rollback deployment", info.RollbackInfo)
	}
	rbID := aws.ToString(info.RollbackInfo.RollbackDeploymentId)
	rb := e.get(rbID)
	if rb.Creator != types.DeploymentCreatorCodeDeployRollback || aws.ToString(rb.RollbackInfo.RollbackTriggeringDeploymentId) != id {
		t.Errorf("rollback deployment creator %s rollbackInfo %+v", rb.Creator, rb.RollbackInfo)
	}
	if _, err := e.deploy(appSpec("web:3")); !isErr[*types.DeploymentLimitExceededException](err) {
		t.Errorf("deploy during rollback: err = %v, want DeploymentLimitExceededException", err)
	}
	e.clock.Advance(time.Minute)
	if got := e.status(rbID); got != types.DeploymentStatusSucceeded {
		t.Fatalf("rollback status = %s, want Succeeded", got)
	}
	if diff := cmp.Diff([]string{"PRIMARY=web:1"}, e.ecs.taskSets("c", "web")); diff != "" {
		t.Errorf("task sets after rollback (-want +got):\n%s", diff)
	}
	_, err = e.client.StopDeployment(ctx, &cd.StopDeploymentInput{DeploymentId: aws.String(id)})
	if !isErr[*types.DeploymentAlreadyCompletedException](err) {
		t.Errorf("stop a stopped deployment: err = %v", err)
	}
}

func TestStopDelayAnswersPending(t *testing.T) {
	e := newEnv(t, envOpts{opts: fake.Options{StopDelay: 3 * time.Second}})
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("web:2"))
	e.clock.Advance(10 * time.Second)
	stop, err := e.client.StopDeployment(context.Background(), &cd.StopDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil || stop.Status != types.StopStatusPending {
		t.Fatalf("StopDeployment = %+v, %v; want Pending", stop, err)
	}
	if got := e.status(id); got != types.DeploymentStatusInProgress {
		t.Errorf("status before the stop lands = %s", got)
	}
	e.clock.Advance(3 * time.Second)
	info := e.get(id)
	if info.Status != types.DeploymentStatusStopped || info.RollbackInfo != nil {
		t.Errorf("status %s rollbackInfo %+v, want Stopped without rollback", info.Status, info.RollbackInfo)
	}
}

func TestCrashloopFailsAndRollsBack(t *testing.T) {
	tests := []struct {
		name    string
		taskDef string
		images  []string
	}{
		{name: "family", taskDef: "web-crashloop:2", images: []string{"nginx:2"}},
		{name: "image tag", taskDef: "web:2", images: []string{"sidecar:1", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2-crashloop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOpts{withECS: true})
			e.ecs.addService("c", "web", "web:1")
			e.ecs.images[tt.taskDef] = tt.images
			e.setup(groupOpts{rollback: &types.AutoRollbackConfiguration{
				Enabled: true, Events: []types.AutoRollbackEvent{types.AutoRollbackEventDeploymentFailure},
			}})
			id := e.mustDeploy(appSpec(tt.taskDef))
			e.clock.Advance(10 * time.Second)
			_ = e.get(id) // side effects happen when a request arrives
			if diff := cmp.Diff([]string{"PRIMARY=web:1", "ACTIVE=" + tt.taskDef}, e.ecs.taskSets("c", "web")); diff != "" {
				t.Errorf("task sets during Install (-want +got):\n%s", diff)
			}
			e.clock.Advance(time.Minute)
			info := e.get(id)
			if info.Status != types.DeploymentStatusFailed {
				t.Fatalf("status = %s, want Failed", info.Status)
			}
			if info.ErrorInformation == nil || info.ErrorInformation.Code != types.ErrorCodeEcsUpdateError ||
				!strings.Contains(aws.ToString(info.ErrorInformation.Message), "steady state") {
				t.Errorf("errorInformation = %+v", info.ErrorInformation)
			}
			if diff := cmp.Diff(eventList(S, F, K, K, K, K, K, K), e.events(id)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if info.RollbackInfo == nil {
				t.Fatal("no rollback")
			}
			rbID := aws.ToString(info.RollbackInfo.RollbackDeploymentId)
			e.clock.Advance(time.Minute)
			if got := e.status(rbID); got != types.DeploymentStatusSucceeded {
				t.Errorf("rollback status = %s, want Succeeded", got)
			}
			if diff := cmp.Diff([]string{"PRIMARY=web:1"}, e.ecs.taskSets("c", "web")); diff != "" {
				t.Errorf("task sets after rollback (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCrashloopWithoutRollback(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("arn:aws:ecs:us-east-1:123456789012:task-definition/crashloop-web:7"))
	e.clock.Advance(time.Hour)
	info := e.get(id)
	if info.Status != types.DeploymentStatusFailed || info.RollbackInfo != nil {
		t.Fatalf("status %s rollbackInfo %+v, want Failed without rollback", info.Status, info.RollbackInfo)
	}
	// The group is free again.
	if _, err := e.deploy(appSpec("web:3")); err != nil {
		t.Errorf("deploy after failure: %v", err)
	}
}

func TestECSSideEffects(t *testing.T) {
	e := newEnv(t, envOpts{withECS: true})
	e.ecs.addService("c", "web", "web:1")
	e.ecs.images["web:2"] = []string{"nginx:2"}
	e.setup(groupOpts{terminationWait: 5})
	id := e.mustDeploy(appSpec("web:2"))

	e.clock.Advance(5 * time.Second)
	_ = e.get(id)
	if diff := cmp.Diff([]string{"PRIMARY=web:1", "ACTIVE=web:2"}, e.ecs.taskSets("c", "web")); diff != "" {
		t.Errorf("task sets during Install (-want +got):\n%s", diff)
	}
	e.clock.Advance(time.Minute) // traffic shifted, waiting 5 minutes to terminate the original
	tgt := e.target(id)
	if diff := cmp.Diff([]string{"ACTIVE=web:1", "PRIMARY=web:2"}, e.ecs.taskSets("c", "web")); diff != "" {
		t.Errorf("task sets during termination wait (-want +got):\n%s", diff)
	}
	if len(tgt.TaskSetsInfo) != 2 || aws.ToString(tgt.TaskSetsInfo[1].Status) != "PRIMARY" || tgt.TaskSetsInfo[0].DesiredCount != 2 {
		t.Errorf("taskSetsInfo = %+v", tgt.TaskSetsInfo)
	}
	e.clock.Advance(5 * time.Minute)
	if got := e.status(id); got != types.DeploymentStatusSucceeded {
		t.Fatalf("status = %s", got)
	}
	if diff := cmp.Diff([]string{"PRIMARY=web:2"}, e.ecs.taskSets("c", "web")); diff != "" {
		t.Errorf("task sets at the end (-want +got):\n%s", diff)
	}
}

func TestECSFailureFailsDeployment(t *testing.T) {
	e := newEnv(t, envOpts{withECS: true})
	e.ecs.addService("c", "web", "web:1")
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("web:404")) // unknown to ECS: CreateTaskSet fails
	e.clock.Advance(time.Minute)
	info := e.get(id)
	if info.Status != types.DeploymentStatusFailed || info.ErrorInformation.Code != types.ErrorCodeEcsUpdateError ||
		!strings.Contains(aws.ToString(info.ErrorInformation.Message), "CreateTaskSet") {
		t.Fatalf("status %s error %+v", info.Status, info.ErrorInformation)
	}
	if diff := cmp.Diff(eventList(S, F, K, K, K, K, K, K), e.events(id)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func isErr[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

func TestErrors(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{})
	ctx := context.Background()
	rev := func(spec string) *types.RevisionLocation {
		return &types.RevisionLocation{RevisionType: types.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &types.AppSpecContent{Content: aws.String(spec)}}
	}
	check := func(name string, err error, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: err = %v", name, err)
		}
	}

	_, err := e.client.CreateDeployment(ctx, &cd.CreateDeploymentInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("nope"), Revision: rev(appSpec("web:2")),
	})
	check("unknown group", err, isErr[*types.DeploymentGroupDoesNotExistException](err))
	_, err = e.client.CreateDeployment(ctx, &cd.CreateDeploymentInput{
		ApplicationName: aws.String("nope"), DeploymentGroupName: aws.String("dg"), Revision: rev(appSpec("web:2")),
	})
	check("unknown application", err, isErr[*types.ApplicationDoesNotExistException](err))
	_, err = e.client.CreateDeployment(ctx, &cd.CreateDeploymentInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
	})
	check("no revision", err, isErr[*types.RevisionRequiredException](err))

	for name, spec := range map[string]string{
		"not yaml":           "Resources: [",
		"no task definition": strings.Replace(appSpec("web:2"), `TaskDefinition: "web:2"`, "", 1),
		"wrong type":         strings.Replace(appSpec("web:2"), "AWS::ECS::Service", "AWS::Lambda::Function", 1),
		"bad hook":           appSpec("web:2", "Install"),
		"empty":              "",
	} {
		_, err := e.deploy(spec)
		check("bad appspec: "+name, err, isErr[*types.InvalidRevisionException](err))
	}

	jsonSpec := `{"version": 0.0, "Resources": [{"TargetService": {"Type": "AWS::ECS::Service", "Properties": {
		"TaskDefinition": "web:2", "LoadBalancerInfo": {"ContainerName": "web", "ContainerPort": 80}}}}],
		"Hooks": [{"BeforeInstall": "fn"}]}`
	first, err := e.client.CreateDeployment(ctx, &cd.CreateDeploymentInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		Revision: &types.RevisionLocation{RevisionType: types.RevisionLocationTypeString, String_: &types.RawString{Content: aws.String(jsonSpec)}},
	})
	if err != nil {
		t.Fatalf("JSON appspec as String revision: %v", err)
	}
	_, err = e.deploy(appSpec("web:3"))
	check("second concurrent deployment", err, isErr[*types.DeploymentLimitExceededException](err))

	_, err = e.client.ContinueDeployment(ctx, &cd.ContinueDeploymentInput{DeploymentId: first.DeploymentId})
	check("continue while not ready", err, isErr[*types.DeploymentIsNotInReadyStateException](err))
	_, err = e.client.GetDeployment(ctx, &cd.GetDeploymentInput{DeploymentId: aws.String("d-NOTTHERE1")})
	check("unknown deployment", err, isErr[*types.DeploymentDoesNotExistException](err))
	_, err = e.client.GetDeploymentTarget(ctx, &cd.GetDeploymentTargetInput{DeploymentId: first.DeploymentId, TargetId: aws.String("c:other")})
	check("unknown target", err, isErr[*types.DeploymentTargetDoesNotExistException](err))
	_, err = e.client.CreateApplication(ctx, &cd.CreateApplicationInput{ApplicationName: aws.String("app")})
	check("duplicate application", err, isErr[*types.ApplicationAlreadyExistsException](err))
	_, err = e.client.GetDeploymentConfig(ctx, &cd.GetDeploymentConfigInput{DeploymentConfigName: aws.String("CodeDeployDefault.Nope")})
	check("unknown config", err, isErr[*types.DeploymentConfigDoesNotExistException](err))

	// The wire shape of an error, as the real service sends it.
	req, _ := http.NewRequest(http.MethodPost, e.url, strings.NewReader(`{"deploymentId":"d-NOTTHERE1"}`))
	req.Header.Set("X-Amz-Target", "CodeDeploy_20141006.GetDeployment")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := decodeJSON(resp, &body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 400 || body["__type"] != "DeploymentDoesNotExistException" || body["message"] == "" {
		t.Errorf("error reply %d %v", resp.StatusCode, body)
	}
}

func TestDiscoveryAndAccounts(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{})
	ctx := context.Background()

	apps, err := e.client.ListApplications(ctx, &cd.ListApplicationsInput{})
	if err != nil || !cmp.Equal(apps.Applications, []string{"app"}) {
		t.Fatalf("ListApplications = %v, %v", apps, err)
	}
	infos, err := e.client.BatchGetApplications(ctx, &cd.BatchGetApplicationsInput{ApplicationNames: apps.Applications})
	if err != nil || len(infos.ApplicationsInfo) != 1 || infos.ApplicationsInfo[0].ComputePlatform != types.ComputePlatformEcs ||
		!infos.ApplicationsInfo[0].CreateTime.Equal(epochStart) {
		t.Fatalf("BatchGetApplications = %+v, %v", infos, err)
	}
	groups, err := e.client.ListDeploymentGroups(ctx, &cd.ListDeploymentGroupsInput{ApplicationName: aws.String("app")})
	if err != nil || !cmp.Equal(groups.DeploymentGroups, []string{"dg"}) {
		t.Fatalf("ListDeploymentGroups = %+v, %v", groups, err)
	}
	dgs, err := e.client.BatchGetDeploymentGroups(ctx, &cd.BatchGetDeploymentGroupsInput{
		ApplicationName: aws.String("app"), DeploymentGroupNames: groups.DeploymentGroups,
	})
	if err != nil || len(dgs.DeploymentGroupsInfo) != 1 {
		t.Fatalf("BatchGetDeploymentGroups = %+v, %v", dgs, err)
	}
	g := dgs.DeploymentGroupsInfo[0]
	if aws.ToString(g.EcsServices[0].ServiceName) != "web" || aws.ToString(g.DeploymentConfigName) != "CodeDeployDefault.ECSAllAtOnce" ||
		aws.ToString(g.LoadBalancerInfo.TargetGroupPairInfoList[0].TargetGroups[1].Name) != "tg-green" {
		t.Errorf("group = %+v", g)
	}

	// Another account sees nothing.
	srv := httptest.NewServer(fake.New(fake.Options{Clock: e.clock}))
	defer srv.Close()
	other := newClient(srv, "AKID999999999999")
	if apps, err := other.ListApplications(ctx, &cd.ListApplicationsInput{}); err != nil || len(apps.Applications) != 0 {
		t.Errorf("other account ListApplications = %v, %v", apps, err)
	}
	// The x-moto-account-id header wins over the access key.
	same := cd.New(cd.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(e.url), HTTPClient: &http.Client{Transport: headerTransport{
			"x-moto-account-id": "123456789012",
		}},
		Credentials: credentials.NewStaticCredentialsProvider("AKID999999999999", "secret", ""),
	})
	if apps, err := same.ListApplications(ctx, &cd.ListApplicationsInput{}); err != nil || len(apps.Applications) != 1 {
		t.Errorf("header account ListApplications = %v, %v", apps, err)
	}
}

type headerTransport map[string]string

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestDeploymentSuccessfulWaiter(t *testing.T) {
	// Each GetDeployment moves simulated time on by 15 seconds, the SDK's default
	// polling interval, so the waiter sees the deployment progress without sleeping.
	e := newEnv(t, envOpts{wrap: func(c *simclock.Clock, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetDeployment") {
				c.Advance(15 * time.Second)
			}
			h.ServeHTTP(w, r)
		})
	}})
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("web:2"))
	w := cd.NewDeploymentSuccessfulWaiter(e.client, func(o *cd.DeploymentSuccessfulWaiterOptions) {
		o.MinDelay, o.MaxDelay = time.Millisecond, 2*time.Millisecond
	})
	if err := w.Wait(context.Background(), &cd.GetDeploymentInput{DeploymentId: aws.String(id)}, 10*time.Second); err != nil {
		t.Fatalf("DeploymentSuccessful waiter: %v", err)
	}

	// And a failing deployment makes it fail.
	id = e.mustDeploy(appSpec("crashloop:1"))
	if err := w.Wait(context.Background(), &cd.GetDeploymentInput{DeploymentId: aws.String(id)}, 10*time.Second); err == nil {
		t.Fatal("waiter succeeded on a crashloop deployment")
	}
}

func TestGetApplicationRevision(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{})
	id := e.mustDeploy(appSpec("arn:aws:ecs:us-east-1:123456789012:task-definition/web:9"))
	info := e.get(id)
	out, err := e.client.GetApplicationRevision(context.Background(), &cd.GetApplicationRevisionInput{
		ApplicationName: aws.String("app"), Revision: info.Revision,
	})
	if err != nil {
		t.Fatalf("GetApplicationRevision: %v", err)
	}
	if !strings.Contains(aws.ToString(out.Revision.AppSpecContent.Content), "task-definition/web:9") {
		t.Errorf("revision content = %q", aws.ToString(out.Revision.AppSpecContent.Content))
	}
}

func decodeJSON(resp *http.Response, v any) error {
	return json.NewDecoder(resp.Body).Decode(v)
}

func TestFailingHook(t *testing.T) {
	e := newEnv(t, envOpts{})
	e.setup(groupOpts{rollback: &types.AutoRollbackConfiguration{
		Enabled: true, Events: []types.AutoRollbackEvent{types.AutoRollbackEventDeploymentFailure},
	}})
	id := e.mustDeploy(appSpec("web:2") + "Hooks:\n  - AfterAllowTestTraffic: smoke-test-crashloop\n")
	e.clock.Advance(time.Hour)
	info := e.get(id)
	if info.Status != types.DeploymentStatusFailed || info.ErrorInformation.Code != types.ErrorCodeHookExecutionFailure {
		t.Fatalf("status %s error %+v, want Failed with HOOK_EXECUTION_FAILURE", info.Status, info.ErrorInformation)
	}
	if diff := cmp.Diff(eventList(S, S, S, S, F, K, K, K), e.events(id)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if ev := e.target(id).LifecycleEvents[4]; ev.Diagnostics == nil || !strings.Contains(aws.ToString(ev.Diagnostics.Message), "smoke-test-crashloop") {
		t.Errorf("diagnostics = %+v", ev.Diagnostics)
	}
	if info.RollbackInfo == nil || e.status(aws.ToString(info.RollbackInfo.RollbackDeploymentId)) != types.DeploymentStatusSucceeded {
		t.Errorf("rollback = %+v", info.RollbackInfo)
	}
}

func TestS3RevisionIsRecorded(t *testing.T) {
	e := newEnv(t, envOpts{withECS: true})
	e.ecs.addService("c", "web", "web:1")
	e.setup(groupOpts{})
	out, err := e.client.CreateDeployment(context.Background(), &cd.CreateDeploymentInput{
		ApplicationName: aws.String("app"), DeploymentGroupName: aws.String("dg"),
		Revision: &types.RevisionLocation{RevisionType: types.RevisionLocationTypeS3, S3Location: &types.S3Location{
			Bucket: aws.String("bucket"), Key: aws.String("appspec.yaml"), BundleType: types.BundleTypeYaml,
		}},
	})
	if err != nil {
		t.Fatalf("CreateDeployment(S3): %v", err)
	}
	e.clock.Advance(time.Hour)
	info := e.get(aws.ToString(out.DeploymentId))
	if info.Status != types.DeploymentStatusSucceeded || aws.ToString(info.Revision.S3Location.Key) != "appspec.yaml" {
		t.Errorf("status %s revision %+v", info.Status, info.Revision)
	}
	if diff := cmp.Diff([]string{"PRIMARY=web:1"}, e.ecs.taskSets("c", "web")); diff != "" {
		t.Errorf("task sets (-want +got):\n%s", diff)
	}
}

// A body that is not the operation's input shape is refused before the operation
// runs, for every operation: 400 SerializationException.
func TestUndecodableBodyIsSerializationException(t *testing.T) {
	e := newEnv(t, envOpts{})
	for _, op := range []string{"CreateApplication", "CreateDeploymentGroup", "GetDeployment", "BatchGetDeployments"} {
		req, _ := http.NewRequest(http.MethodPost, e.url, strings.NewReader(`{"applicationName": 7, "deploymentIds": "x", "deploymentId": [1]`))
		req.Header.Set("X-Amz-Target", "CodeDeploy_20141006."+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]string
		err = decodeJSON(resp, &body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 400 || body["__type"] != "SerializationException" {
			t.Errorf("%s: reply %d %v", op, resp.StatusCode, body)
		}
	}
}
