package watch

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Recorded replies, trimmed to what decide reads: a DescribeServices service and our
// DescribeServiceDeployments entry, as ECS returns them during a BLUE_GREEN deployment.
const (
	bgService = `{"serviceName":"web","status":"ACTIVE","desiredCount":2,"runningCount":4,"pendingCount":0,
	  "deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":10},
	  "deployments":[
	    {"id":"ecs-svc/2","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:2","rolloutState":"IN_PROGRESS","desiredCount":2,"runningCount":2},
	    {"id":"ecs-svc/1","status":"ACTIVE","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:1","rolloutState":"COMPLETED","desiredCount":2,"runningCount":2}]}`
	bgRolledBackService = `{"serviceName":"web","status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,
	  "deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":10},
	  "deployments":[
	    {"id":"ecs-svc/1","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:1","rolloutState":"COMPLETED","desiredCount":2,"runningCount":2}]}`
	bgDone = `{"serviceName":"web","status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,
	  "deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":10},
	  "deployments":[
	    {"id":"ecs-svc/2","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:2","rolloutState":"COMPLETED","desiredCount":2,"runningCount":2}]}`
	// Someone else's deployment, created 30 s after our update (synctest's clock
	// starts at 2000-01-01), replaced ours, which is gone from the list.
	replacedService = `{"serviceName":"web","status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,
	  "deployments":[
	    {"id":"ecs-svc/3","status":"PRIMARY","taskDefinition":"arn:aws:ecs:us-east-1:1:task-definition/web:3","rolloutState":"COMPLETED","desiredCount":2,"runningCount":2,"createdAt":"2000-01-01T00:00:30Z"}]}`
	sdPaused = `{"status":"IN_PROGRESS","lifecycleStage":"POST_TEST_TRAFFIC_SHIFT",
	  "lifecycleHookDetails":[{"hookId":"hook-0","targetType":"PAUSE","status":"AWAITING_ACTION","expiresAt":"2026-11-26T10:00:00Z","timeoutAction":"ROLLBACK"}]}`
	sdTestTraffic  = `{"status":"IN_PROGRESS","lifecycleStage":"TEST_TRAFFIC_SHIFT"}`
	sdBake         = `{"status":"IN_PROGRESS","lifecycleStage":"BAKE_TIME"}`
	sdSuccessful   = `{"status":"SUCCESSFUL","lifecycleStage":"CLEAN_UP"}`
	sdLambdaFailed = `{"status":"ROLLBACK_SUCCESSFUL","lifecycleStage":"POST_TEST_TRAFFIC_SHIFT",
	  "rollback":{"reason":"Service deployment rolled back because lifecycle hook hook-1 returned FAILED."},
	  "lifecycleHookDetails":[{"hookId":"hook-1","targetType":"AWS_LAMBDA","targetArn":"arn:aws:lambda:us-east-1:1:function:smoke-fail","status":"FAILED"}]}`
	sdAlarm = `{"status":"ROLLBACK_IN_PROGRESS","lifecycleStage":"BAKE_TIME",
	  "rollback":{"reason":"Service deployment rolled back because alarm web-5xx is in ALARM."},
	  "alarms":{"status":"TRIGGERED","alarmNames":["web-5xx"],"triggeredAlarmNames":["web-5xx"]}}`
)

// decode reads a recorded reply into an SDK type. The replies use the SDK's field
// names (camelCase matches the Go fields case-insensitively) and RFC 3339 times.
func decode[T any](t *testing.T, s string) *T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
	return &v
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		svc    string
		sd     string
		polls  int
		sdAsk  bool
		want   Kind
		done   bool
		reason []string
		hook   string
	}{
		{name: "in progress keeps waiting", svc: bgService, sd: sdTestTraffic},
		{name: "paused at a PAUSE hook", svc: bgService, sd: sdPaused, done: true, want: Paused,
			reason: []string{"POST_TEST_TRAFFIC_SHIFT", "hook-0", "2026-11-26T10:00:00Z", "rollback"}, hook: "hook-0"},
		{name: "--wait-on-pause keeps waiting", target: Target{WaitOnPause: true}, svc: bgService, sd: sdPaused},
		{name: "the hook we just continued is not a pause", target: Target{ContinuedHook: "hook-0"}, svc: bgService, sd: sdPaused},
		{name: "stage reached", target: Target{Stage: types.ServiceDeploymentLifecycleStagePostTestTrafficShift}, svc: bgService, sd: sdPaused,
			done: true, want: Succeeded, reason: []string{"reached lifecycle stage POST_TEST_TRAFFIC_SHIFT"}},
		{name: "stage not reached yet", target: Target{Stage: types.ServiceDeploymentLifecycleStagePostTestTrafficShift}, svc: bgService, sd: sdTestTraffic},
		{name: "bake time is not done", svc: bgService, sd: sdBake},
		{name: "successful", svc: bgDone, sd: sdSuccessful, done: true, want: Succeeded},
		{name: "lambda hook failed, rolled back", svc: bgRolledBackService, sd: sdLambdaFailed, done: true, want: RolledBack,
			reason: []string{"hook-1 returned FAILED", "lifecycle hook hook-1 (AWS_LAMBDA smoke-fail) FAILED at POST_TEST_TRAFFIC_SHIFT"}},
		{name: "alarm rolls back; wait for the rollback", svc: bgService, sd: sdAlarm},
		{name: "stage after a rollback does not count", target: Target{Stage: types.ServiceDeploymentLifecycleStagePostTestTrafficShift},
			svc: bgRolledBackService, sd: sdLambdaFailed, done: true, want: RolledBack},
		{name: "gone unseen, ServiceDeployment not answered yet: keep waiting", svc: replacedService, polls: 2, sdAsk: true},
		{name: "gone unseen, the API cannot tell: superseded", svc: replacedService, polls: 2, done: true, want: Superseded,
			reason: []string{"ecs-svc/3", "web:3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tg := tc.target
				tg.Service, tg.DeploymentID, tg.StartedAt = "web", "ecs-svc/2", time.Now()
				d := decider{t: tg, ourID: tg.DeploymentID, polls: max(tc.polls, 1), sdAsk: tc.sdAsk}
				svc := decode[types.Service](t, tc.svc)
				if tc.sd != "" {
					d.sd = decode[types.ServiceDeployment](t, tc.sd)
				}
				ours := d.identify(svc)
				if ours != nil {
					d.ourSeen = true
				}
				out, done := d.decide(svc, ours)
				if done != tc.done || (done && out.Kind != tc.want) {
					t.Fatalf("decide = %v done %v (%q), want %v done %v", out.Kind, done, out.Reason, tc.want, tc.done)
				}
				for _, s := range tc.reason {
					if !strings.Contains(out.Reason, s) {
						t.Errorf("reason %q lacks %q", out.Reason, s)
					}
				}
				if out.Hook != tc.hook {
					t.Errorf("hook %q, want %q", out.Hook, tc.hook)
				}
			})
		})
	}
}

func TestAlarmReason(t *testing.T) {
	sd := decode[types.ServiceDeployment](t, sdAlarm)
	if got := sdReason(sd); !strings.Contains(got, "alarms triggered: web-5xx") {
		t.Errorf("reason %q", got)
	}
}

func TestParseStage(t *testing.T) {
	if st, err := ParseStage("post_test_traffic_shift"); err != nil || st != types.ServiceDeploymentLifecycleStagePostTestTrafficShift {
		t.Errorf("ParseStage = %v, %v", st, err)
	}
	if _, err := ParseStage("AFTER_LUNCH"); err == nil || !strings.Contains(err.Error(), "BAKE_TIME") {
		t.Errorf("err = %v, want the list of stages", err)
	}
	if shortARN("arn:aws:ecs:us-east-1:1:task-definition/web:3") != "web:3" || shortARN(aws.ToString(aws.String("arn:aws:lambda:us-east-1:1:function:f"))) != "f" {
		t.Error("shortARN")
	}
}
