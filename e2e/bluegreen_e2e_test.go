package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// blueGreenProject writes a Fargate service behind a load balancer whose deployment
// configuration is dc (a JSON object), deploys nginx:1.27 (the first deployment of a
// service starts its tasks directly) and returns the account with IMAGE=nginx:1.28.
func blueGreenProject(t *testing.T, dc string, speed float64) *e2e {
	t.Helper()
	e, subnets, sg := webAccount(t)
	e.sb.Clock().SetSpeed(speed)
	e.write("app/ecspresso.yml", webConfig("5m"))
	const acct = "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
	e.write("app/ecs-service-def.json", fmt.Sprintf(`{
  "launchType": "FARGATE",
  "desiredCount": 2,
  "deploymentConfiguration": %s,
  "loadBalancers": [{
    "targetGroupArn": "%stargetgroup/web-blue/0123456789abcdef",
    "containerName": "web", "containerPort": 8080,
    "advancedConfiguration": {
      "alternateTargetGroupArn": "%stargetgroup/web-green/fedcba9876543210",
      "productionListenerRule": "%slistener-rule/app/web/0123456789abcdef/0123456789abcdef/1111111111111111",
      "testListenerRule": "%slistener-rule/app/web/0123456789abcdef/fedcba9876543210/2222222222222222",
      "roleArn": "arn:aws:iam::123456789012:role/ecs-blue-green"
    }
  }],
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q, %q], "securityGroups": [%q], "assignPublicIp": "DISABLED"}}
}`, dc, acct, acct, acct, acct, subnets[0], subnets[1], sg))
	e.write("app/ecs-task-def.json", webTaskDef)
	e.setenv("IMAGE", "nginx:1.27")
	e.must(0, "app", "deploy", poll)
	e.setenv("IMAGE", "nginx:1.28")
	return e
}

func wantIn(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s lacks %q:\n%s", what, sub, s)
		}
	}
}

func (e *e2e) runsImage(want string) {
	e.t.Helper()
	svc := e.describe("e2e", "web")
	td, err := e.ecs.DescribeTaskDefinition(e.t.Context(), &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
	if err != nil {
		e.t.Fatal(err)
	}
	if got := aws.ToString(td.TaskDefinition.ContainerDefinitions[0].Image); got != want {
		e.t.Errorf("service runs %s (%s), want %s", got, aws.ToString(svc.TaskDefinition), want)
	}
}

const pauseHook = `{"targetType": "PAUSE", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"], "timeoutConfiguration": {"timeoutInMinutes": 60, "action": "ROLLBACK"}}`

func TestBlueGreenE2EBakeTime(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 10, "deploymentCircuitBreaker": {"enable": true, "rollback": true}}`, 125)
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "deploy", poll)
	// Polls are 5 simulated seconds apart here (40 ms at 125x), as in production, so short stages may fall between two.
	wantIn(t, "stderr", errs, "stage BAKE_TIME  traffic 100% (test 100%)  bake time until", "stage CLEAN_UP", "deployment succeeded")
	counts := e.sb.Counts()
	var ops []string
	for op, n := range counts {
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
	}
	sort.Strings(ops)
	t.Logf("API calls of one BLUE_GREEN deploy with 10 min bake time: %s", strings.Join(ops, " "))
	// The bake is polled at the idle interval (15 s): about 40 polls for the bake,
	// not the 120 of polling every 5 s.
	if n := counts["ecs:DescribeServices"]; n > 60 {
		t.Errorf("%d DescribeServices for a 10-minute bake; adaptive polling should back off while baking", n)
	}
	e.runsImage("nginx:1.28")
	// diff right after shows nothing: the defaults ECS fills are filled locally too.
	e.must(0, "app", "diff", "--exit-code")
}

func TestBlueGreenE2EPauseContinue(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [`+pauseHook+`]}`, 40)
	out, errs := e.must(6, "app", "deploy", poll, "--output", "json")
	wantIn(t, "paused deploy", errs, "stage POST_TEST_TRAFFIC_SHIFT", "pause AWAITING_ACTION (expires", "then rollback", "is paused", "doppio continue")
	var doc struct {
		Outcome    string
		PausedHook *struct {
			HookID, TimeoutAction, LifecycleStage string
			ExpiresAt                             time.Time
		}
		Traffic *struct {
			ProductionPercent float64
			TestPercent       *float64
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("result document: %v\n%s", err, out)
	}
	if h := doc.PausedHook; doc.Outcome != "paused" || h == nil || h.HookID == "" || h.TimeoutAction != "ROLLBACK" || h.ExpiresAt.IsZero() || h.LifecycleStage != "POST_TEST_TRAFFIC_SHIFT" {
		t.Errorf("paused result document lacks the hook:\n%s", out)
	}
	if tr := doc.Traffic; tr == nil || tr.ProductionPercent != 0 || tr.TestPercent == nil || *tr.TestPercent != 100 {
		t.Errorf("paused result document: traffic split not production 0%%, test 100%%:\n%s", out)
	}
	out, errs = e.must(0, "app", "continue", poll, "--output", "json")
	// The 1-minute bake (1.5 s here) may fall between two polls on a loaded machine.
	wantIn(t, "continue", errs, "sent CONTINUE for lifecycle hook", "pause SUCCEEDED", "deployment succeeded")
	doc.PausedHook, doc.Traffic = nil, nil
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("result document: %v\n%s", err, out)
	}
	if doc.PausedHook != nil || doc.Traffic == nil || doc.Traffic.ProductionPercent != 100 {
		t.Errorf("continue result document: want no paused hook and 100%% production traffic:\n%s", out)
	}
	e.runsImage("nginx:1.28")

	// Again, and roll back at the pause.
	e.setenv("IMAGE", "nginx:1.29")
	e.must(6, "app", "deploy", poll)
	_, errs = e.must(0, "app", "continue", "--rollback", poll)
	wantIn(t, "continue --rollback", errs, "sent ROLLBACK", "rolled back")
	e.runsImage("nginx:1.28")

	// Nothing is paused now.
	_, errs = e.must(1, "app", "continue", poll)
	wantIn(t, "continue with nothing paused", errs, "no deployment of service \"web\" is waiting at a PAUSE lifecycle hook")
}

func TestBlueGreenE2EWaitUntilStage(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5}`, 40)
	_, errs := e.must(0, "app", "deploy", poll, "--wait-until", "ecs:POST_TEST_TRAFFIC_SHIFT")
	wantIn(t, "stderr", errs, "reached lifecycle stage POST_TEST_TRAFFIC_SHIFT")
	if strings.Contains(errs, "CLEAN_UP") || strings.Contains(errs, "COMPLETED  running 2/2 pending 0  stage") {
		t.Errorf("waited past the stage:\n%s", errs)
	}
	_, errs = e.must(2, "app", "deploy", poll, "--wait-until", "ecs:AFTER_LUNCH")
	wantIn(t, "bad stage", errs, "unknown ECS lifecycle stage")
}

func TestBlueGreenE2ELambdaHookFails(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [
	  {"targetType": "AWS_LAMBDA", "hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:smoke-test-fail",
	   "roleArn": "arn:aws:iam::123456789012:role/hooks", "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"]}]}`, 40)
	_, errs := e.must(4, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "rolled back", "smoke-test-fail", "returned FAILED")
	e.runsImage("nginx:1.27")
}

// A hook's final status is printed once the stage has moved on, with the hook's
// target, and not repeated.
func TestBlueGreenE2ELambdaHookSucceeds(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [
	  {"targetType": "AWS_LAMBDA", "hookTargetArn": "arn:aws:lambda:us-east-1:123456789012:function:smoke-test",
	   "roleArn": "arn:aws:iam::123456789012:role/hooks", "lifecycleStages": ["POST_SCALE_UP"]}]}`, 40)
	_, errs := e.must(0, "app", "deploy", poll)
	// Polls may first see the hook after POST_SCALE_UP (then without "at <stage>").
	wantIn(t, "stderr", errs, "aws_lambda smoke-test SUCCEEDED", "deployment succeeded")
	if n := strings.Count(errs, "smoke-test SUCCEEDED"); n != 1 {
		t.Errorf("final hook status printed %d times:\n%s", n, errs)
	}
}

func TestBlueGreenE2EAlarmRollback(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5,
	  "alarms": {"enable": true, "rollback": true, "alarmNames": ["web-5xx-fail"]}}`, 40)
	_, errs := e.must(4, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "rolled back", "web-5xx-fail")
	e.runsImage("nginx:1.27")
}

func TestBlueGreenE2ECrashloopRollsBack(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "deploymentCircuitBreaker": {"enable": true, "rollback": true}}`, 40)
	e.setenv("IMAGE", "nginx:crashloop")
	_, errs := e.must(4, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "rolled back", "circuit breaker")
	e.runsImage("nginx:1.27")
}

func TestBlueGreenE2ERollbackInFlight(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [`+pauseHook+`]}`, 40)
	e.must(6, "app", "deploy", poll)
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "rollback", poll)
	wantIn(t, "rollback", errs, "stop deployment", "with ROLLBACK", "rolled back")
	if c := e.sb.Counts(); c["ecs:StopServiceDeployment"] != 1 || c["ecs:UpdateService"] != 0 {
		t.Errorf("rollback calls: %v", c)
	}
	e.runsImage("nginx:1.27")
}

func TestBlueGreenE2EInvalidStrategy(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "ROLLING"}`, 40)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `{"strategy": "ROLLING"}`,
		`{"strategy": "BLUE_GREEN", "lifecycleHooks": [{"targetType": "PAUSE", "lifecycleStages": ["PRODUCTION_TRAFFIC_SHIFT"]}]}`, 1))
	e.sb.ResetCounts()
	_, errs := e.must(2, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "bakeTimeInMinutes: required with strategy BLUE_GREEN", "PAUSE hooks cannot run at PRODUCTION_TRAFFIC_SHIFT")
	if c := e.sb.Counts(); c["ecs:UpdateService"]+c["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("calls before validation: %v", c)
	}
}

func TestBlueGreenE2ELinearSteps(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "LINEAR", "bakeTimeInMinutes": 1,
	  "linearConfiguration": {"stepPercent": 25, "stepBakeTimeInMinutes": 2}}`, 40)
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "stage PRODUCTION_TRAFFIC_SHIFT  traffic 25% (test 100%)", "traffic 50%", "traffic 75%", "traffic 100%", "deployment succeeded")
	e.runsImage("nginx:1.28")
}

func TestBlueGreenE2ECanarySteps(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "CANARY", "bakeTimeInMinutes": 1,
	  "canaryConfiguration": {"canaryPercent": 10, "canaryBakeTimeInMinutes": 2}}`, 40)
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "stage PRODUCTION_TRAFFIC_SHIFT  traffic 10% (test 100%)", "traffic 100%", "deployment succeeded")
	if strings.Contains(errs, "traffic 50%") {
		t.Errorf("canary shifted in more than two steps:\n%s", errs)
	}
	e.runsImage("nginx:1.28")
}

// PAUSE hooks apply their timeout action when nobody answers; --wait-on-pause waits
// through it.
func TestBlueGreenE2EPauseTimeoutActions(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1, "lifecycleHooks": [
	  {"targetType": "PAUSE", "lifecycleStages": ["POST_SCALE_UP"], "timeoutConfiguration": {"timeoutInMinutes": 1, "action": "CONTINUE"}}]}`, 40)
	_, errs := e.must(0, "app", "deploy", poll, "--wait-until", "stable", "--wait-on-pause")
	wantIn(t, "timeout CONTINUE", errs, "AWAITING_ACTION (expires", "then continue", "stage BAKE_TIME", "deployment succeeded")
	e.runsImage("nginx:1.28")

	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"action": "CONTINUE"`, `"action": "ROLLBACK"`, 1))
	e.setenv("IMAGE", "nginx:1.29")
	_, errs = e.must(4, "app", "deploy", poll, "--wait-on-pause")
	wantIn(t, "timeout ROLLBACK", errs, "then rollback", "rolled back", "timed out")
	e.runsImage("nginx:1.28")
}
