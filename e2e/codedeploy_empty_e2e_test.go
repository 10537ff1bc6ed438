package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cd "github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/doppio-ecs/doppio/sandbox"
)

// cdWorld is what a CodePipeline team's Terraform creates before doppio runs: an ALB
// with a production and a test listener, and the blue and green target groups.
type cdWorld struct {
	*e2e
	elb                    *elb.Client
	blue, green            string // target group ARNs
	prodListener, testLsnr string
}

// listenerWeights returns "blue/green" percentages of a listener's default forward
// action (a plain forward to one target group is 100 on it).
func (w *cdWorld) listenerWeights(listener string) string {
	w.t.Helper()
	out, err := w.elb.DescribeListeners(w.t.Context(), &elb.DescribeListenersInput{ListenerArns: []string{listener}})
	if err != nil || len(out.Listeners) != 1 || len(out.Listeners[0].DefaultActions) == 0 {
		w.t.Fatalf("DescribeListeners %s: %v %+v", listener, err, out)
	}
	act := out.Listeners[0].DefaultActions[0]
	weights := map[string]int32{}
	if act.ForwardConfig != nil && len(act.ForwardConfig.TargetGroups) > 0 {
		for _, tg := range act.ForwardConfig.TargetGroups {
			weights[aws.ToString(tg.TargetGroupArn)] += aws.ToInt32(tg.Weight)
		}
	} else {
		weights[aws.ToString(act.TargetGroupArn)] = 100
	}
	return fmt.Sprintf("%d/%d", weights[w.blue], weights[w.green])
}

// taskSets describes the service's task sets as "STATUS STABILITY td running/desired tg",
// PRIMARY first.
func (w *cdWorld) taskSets() []string {
	w.t.Helper()
	svc := w.describe("e2e", "web")
	var out []string
	for _, ts := range svc.TaskSets {
		tg := "-"
		for _, lb := range ts.LoadBalancers {
			switch aws.ToString(lb.TargetGroupArn) {
			case w.blue:
				tg = "blue"
			case w.green:
				tg = "green"
			}
		}
		out = append(out, fmt.Sprintf("%s %s %s %d/%d %s", aws.ToString(ts.Status), ts.StabilityStatus,
			lastPart(aws.ToString(ts.TaskDefinition)), ts.RunningCount, ts.ComputedDesiredCount, tg))
	}
	slices.SortStableFunc(out, func(x, y string) int {
		return boolInt(!strings.HasPrefix(x, "PRIMARY")) - boolInt(!strings.HasPrefix(y, "PRIMARY"))
	})
	if len(svc.Deployments) != 0 {
		w.t.Errorf("a CODE_DEPLOY service lists ECS deployments: %+v", svc.Deployments)
	}
	return out
}

// healthy counts the healthy targets of a target group.
func (w *cdWorld) healthy(tg string) int {
	w.t.Helper()
	out, err := w.elb.DescribeTargetHealth(w.t.Context(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			n++
		}
	}
	return n
}

func lastPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (w *cdWorld) wantState(step string, sets []string, prod, test string) {
	w.t.Helper()
	if got := w.taskSets(); !slices.Equal(got, sets) {
		w.t.Errorf("%s: task sets %q, want %q", step, got, sets)
	}
	if got := w.listenerWeights(w.prodListener); got != prod {
		w.t.Errorf("%s: production listener blue/green %s, want %s", step, got, prod)
	}
	if got := w.listenerWeights(w.testLsnr); got != test {
		w.t.Errorf("%s: test listener blue/green %s, want %s", step, got, test)
	}
}

// TestCodeDeployE2EFromEmptyAccount is issue 20's sequence: from an empty account,
// Terraform's part (ALB, listeners, target groups; later the CodeDeploy application
// and a deployment group naming the target groups by name) through the SDK, and
// doppio's part: create the CODE_DEPLOY service, deploy v2 through CodeDeploy, deploy
// a crash-looping image that rolls back, and roll back. Each doppio poll moves the
// sandbox clock by a fixed step, so every run sees the same states.
func TestCodeDeployE2EFromEmptyAccount(t *testing.T) {
	e := startE2E(t)
	ctx := t.Context()
	w := &cdWorld{e2e: e, elb: elb.NewFromConfig(e.sb.AWSConfig(ctx))}
	e.cluster("e2e")
	subnets, sg := e.network()
	vpc := first(t, `<vpcId>(vpc-[0-9a-f]+)</vpcId>`, e.ec2("DescribeVpcs"))
	lb, err := w.elb.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: subnets, SecurityGroups: []string{sg}})
	if err != nil {
		t.Fatal(err)
	}
	lbARN := lb.LoadBalancers[0].LoadBalancerArn
	tg := func(name string) string {
		out, err := w.elb.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(8080), VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumIp})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	w.blue, w.green = tg("web-blue"), tg("web-green")
	listener := func(port int32) string {
		out, err := w.elb.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: lbARN, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(port),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(w.blue)}}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Listeners[0].ListenerArn)
	}
	w.prodListener, w.testLsnr = listener(80), listener(8080)

	e.write("app/ecspresso.yml", webConfig("10m"))
	e.write("app/ecs-service-def.json", codeDeployServiceDef(w.blue, subnets, sg))
	// No container-level memory, as Fargate task definitions usually are (moto's own
	// CreateTaskSet failed on it with an HTML 500: the Install failure).
	e.write("app/ecs-task-def.json", `{
  "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "{{ must_env `+"`IMAGE`"+` }}", "essential": true, "portMappings": [{"containerPort": 8080}]}]
}`)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 2 * time.Second},
		sandbox.StepRule{Operation: "codedeploy:GetDeployment", Step: 2 * time.Second})

	// 1. doppio creates the CODE_DEPLOY service and waits for its first task set.
	e.setenv("IMAGE", "nginx:1.27")
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "create", errs, "created service", "PRIMARY STABILIZING  running 0/2 pending 2", "PRIMARY STEADY_STATE  running 2/2 pending 0",
		"has started 2 tasks", "has reached a steady state", "deployment succeeded")
	w.wantState("created", []string{"PRIMARY STEADY_STATE web:1 2/2 blue"}, "100/0", "100/0")

	// 2. Terraform's part: the application and a deployment group naming the target
	// groups by name, as the API takes them.
	e.codeDeployGroup(ctx, w.prodListener, func(in *cd.CreateDeploymentGroupInput) {
		in.LoadBalancerInfo.TargetGroupPairInfoList[0].TestTrafficRoute = &cdtypes.TrafficRoute{ListenerArns: []string{w.testLsnr}}
		in.BlueGreenDeploymentConfiguration = &cdtypes.BlueGreenDeploymentConfiguration{
			TerminateBlueInstancesOnDeploymentSuccess: &cdtypes.BlueInstanceTerminationOption{Action: cdtypes.InstanceActionTerminate},
		}
	})

	// 3. v2 through CodeDeploy: the replacement task set in green takes all traffic,
	// the original is gone.
	e.setenv("IMAGE", "nginx:1.28")
	_, errs = e.must(0, "app", "deploy", poll)
	wantIn(t, "v2", errs, "created CodeDeploy deployment", "Install: Succeeded", "AllowTestTraffic: Succeeded", "AllowTraffic: Succeeded", "deployment succeeded")
	if strings.Contains(errs, "invalid character") {
		t.Errorf("v2: an HTML reply reached doppio:\n%s", errs)
	}
	e.sb.Clock().Advance(time.Minute) // the original task set's tasks drain
	w.wantState("v2", []string{"PRIMARY STEADY_STATE web:2 2/2 green"}, "0/100", "0/100")
	if got := w.healthy(w.green); got != 2 {
		t.Errorf("v2: %d healthy targets in green, want the replacement's 2", got)
	}

	// 4. A crash-looping image fails Install; CodeDeploy rolls back: exit 4, and v2
	// keeps serving from green.
	e.setenv("IMAGE", "nginx:crashloop")
	_, errs = e.must(4, "app", "deploy", poll)
	wantIn(t, "crashloop", errs, "Install: Failed", "rolled back")
	e.sb.Clock().Advance(time.Minute)
	w.wantState("crashloop", []string{"PRIMARY STEADY_STATE web:2 2/2 green"}, "0/100", "0/100")

	// 5. doppio rollback: the revision before the one the service runs (web:2 after
	// CodeDeploy's automatic rollback), web:1, goes through CodeDeploy into blue,
	// which takes the traffic again — as ecspresso's rollback picks it.
	_, errs = e.must(0, "app", "rollback", poll)
	wantIn(t, "rollback", errs, "created CodeDeploy deployment of the previous revision", "AllowTraffic: Succeeded")
	target := first(t, `previous revision"?\s+deployment=\S+ taskDefinition=(web:\d+)`, errs)
	if target != "web:1" {
		t.Errorf("rollback deployed %s; want web:1, the revision before the one the service runs", target)
	}
	e.sb.Clock().Advance(time.Minute)
	w.wantState("rollback", []string{"PRIMARY STEADY_STATE " + target + " 2/2 blue"}, "100/0", "100/0")

}

// A new CODE_DEPLOY service whose tasks never stay up: doppio shows the task set
// stabilising and gives up at the config's timeout with exit 5.
func TestCodeDeployE2ECreateTimesOut(t *testing.T) {
	e, subnets, sg := webAccount(t)
	e.write("app/ecspresso.yml", webConfig("2s"))
	e.write("app/ecs-service-def.json", fmt.Sprintf(`{"launchType": "FARGATE", "desiredCount": 1, "deploymentController": {"type": "CODE_DEPLOY"},
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": [%q], "securityGroups": [%q]}}}`, subnets[0], sg))
	e.write("app/ecs-task-def.json", `{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "nginx:crashloop", "essential": true}]}`)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 2 * time.Second})
	_, errs := e.must(5, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "created service", "PRIMARY STABILIZING", "has started 1 tasks", "timed out waiting for deployment ecs-svc/")
}

// Issue 20's BLUE_GREEN deploy with a two-minute bake time, polled so sparsely that
// ECS goes through several lifecycle stages between two polls: the log still shows
// every stage after the first one seen, in order, marked as passed between polls.
func TestBlueGreenE2EStagesPassedBetweenPolls(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 2}`, 40)
	e.sb.Clock().SetSpeed(0)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 90 * time.Second})
	_, errs := e.must(0, "app", "deploy", poll)
	stages := []string{"PRE_SCALE_UP", "SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
		"PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"}
	last, passed := 0, 0
	for _, st := range stages {
		i := strings.Index(errs[last:], "stage "+st)
		if i < 0 {
			t.Fatalf("stage %s missing or out of order after offset %d:\n%s", st, last, errs)
		}
		if strings.HasPrefix(errs[last+i:], "stage "+st+" passed between polls") {
			passed++
		}
		last += i
	}
	if passed == 0 {
		t.Errorf("no stage was passed between polls; the test does not exercise the inference:\n%s", errs)
	}
	wantIn(t, "stderr", errs, "deployment succeeded")
}
