package e2e

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/golden"

	"github.com/aws/aws-sdk-go-v2/aws"
	cd "github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// codeDeployProject creates a CODE_DEPLOY service "web" in cluster e2e (task definition
// web:1, nginx:1.27), its CodeDeploy application and deployment group, and a project
// whose config names neither (discovery finds them) with the given appspec hooks.
func codeDeployProject(t *testing.T, hooks string) *e2e {
	t.Helper()
	e, subnets, sg := webAccount(t)
	e.sb.Clock().SetSpeed(40)
	td := e.register(&ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc, RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx:1.27"), Essential: aws.Bool(true), Memory: aws.Int32(512),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(8080)}}}},
	})
	const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-blue/0123456789abcdef"
	net := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: subnets, SecurityGroups: []string{sg}, AssignPublicIp: types.AssignPublicIpDisabled}}
	e.createService(&ecs.CreateServiceInput{
		Cluster: aws.String("e2e"), ServiceName: aws.String("web"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2),
		LaunchType: types.LaunchTypeFargate, DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
		LoadBalancers:        []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("web"), ContainerPort: aws.Int32(8080)}},
		NetworkConfiguration: net,
	})
	e.codeDeployGroup(t.Context(), "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/1/2", nil)
	e.write("app/ecspresso.yml", webConfig("5m")+hooks)
	e.write("app/ecs-service-def.json", codeDeployServiceDef(tg, subnets, sg))
	e.write("app/ecs-task-def.json", `{
  "family": "web",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "{{ must_env `+"`IMAGE`"+` }}", "essential": true, "memory": 512,
    "portMappings": [{"containerPort": 8080}]}]
}`)
	// Container-level memory: moto 5.2.1's CreateTaskSet raises a TypeError (HTTP 500)
	// on a container without it.
	e.setenv("IMAGE", "nginx:1.28")
	return e
}

func TestCodeDeployE2ESuccess(t *testing.T) {
	e := codeDeployProject(t, "appspec:\n  Hooks:\n    - BeforeInstall: check-before-install\n")
	e.sb.ResetCounts()
	out, errs := e.must(0, "app", "deploy", poll, "--rollback-events", "DEPLOYMENT_FAILURE,DEPLOYMENT_STOP_ON_REQUEST", "--output", "json")
	wantIn(t, "stderr", errs, "created CodeDeploy deployment", "BeforeInstall: Succeeded", "AllowTraffic: Succeeded", "deployment succeeded")
	var doc struct {
		DeploymentID string
		Traffic      *struct{ ProductionPercent float64 }
		Events       []struct {
			CreatedAt time.Time
			Message   string
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("result document: %v\n%s", err, out)
	}
	if doc.Traffic == nil || doc.Traffic.ProductionPercent != 100 {
		t.Errorf("result document: want 100%% production traffic on the replacement:\n%s", out)
	}
	// Lifecycle events carry CodeDeploy's own times (the sandbox clock runs 40x
	// faster than ours), in order.
	var prev time.Time
	for _, ev := range doc.Events {
		if strings.Contains(ev.Message, ": Succeeded") && ev.CreatedAt.Before(prev) {
			t.Errorf("event %q at %s before the previous one at %s", ev.Message, ev.CreatedAt, prev)
		}
		if strings.Contains(ev.Message, ": Succeeded") {
			prev = ev.CreatedAt
		}
	}
	dep, err := cd.NewFromConfig(e.sb.AWSConfig(t.Context())).GetDeployment(t.Context(), &cd.GetDeploymentInput{DeploymentId: aws.String(doc.DeploymentID)})
	if err != nil {
		t.Fatal(err)
	}
	if !prev.Equal(aws.ToTime(dep.DeploymentInfo.CompleteTime)) {
		t.Errorf("last lifecycle event at %s, want CodeDeploy's completion time %s", prev, aws.ToTime(dep.DeploymentInfo.CompleteTime))
	}
	c := e.sb.Counts()
	if c["ecs:UpdateService"] != 0 || c["codedeploy:CreateDeployment"] != 1 || c["ecs:RegisterTaskDefinition"] != 1 {
		t.Errorf("calls: %v", c)
	}
}

func TestCodeDeployE2EHookFails(t *testing.T) {
	e := codeDeployProject(t, "appspec:\n  Hooks:\n    - AfterAllowTestTraffic: smoke-crashloop\n")
	_, errs := e.must(4, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "AfterAllowTestTraffic: Failed", "lifecycle event AfterAllowTestTraffic failed", "smoke-crashloop")
}

func TestCodeDeployE2EWaitUntilEvent(t *testing.T) {
	e := codeDeployProject(t, "")
	_, errs := e.must(0, "app", "deploy", poll, "--wait-until", "codedeploy:AfterAllowTestTraffic")
	wantIn(t, "stderr", errs, "CodeDeploy lifecycle event AfterAllowTestTraffic")
	if strings.Contains(errs, "AllowTraffic: Succeeded") && strings.Contains(errs, " AllowTraffic: Succeeded") {
		t.Errorf("waited past AfterAllowTestTraffic:\n%s", errs)
	}
	e.must(2, "app", "deploy", poll, "--wait-until", "codedeploy:AfterLunch")
	e.must(2, "app", "deploy", poll, "--rollback-events", "DEPLOYMENT_SOMETIMES")
}

func TestCodeDeployE2EAppspecGolden(t *testing.T) {
	e := codeDeployProject(t, "appspec:\n  Hooks:\n    - BeforeInstall: check-before-install\n    - AfterAllowTestTraffic: smoke-test\n")
	out, _ := e.must(0, "app", "appspec", "--task-definition", "current")
	// Subnet and security group ids differ per account: name them.
	out = regexp.MustCompile(`subnet-[0-9a-f]+`).ReplaceAllString(out, "subnet-X")
	out = regexp.MustCompile(`sg-[0-9a-f]+`).ReplaceAllString(out, "sg-X")
	out = regexp.MustCompile(`:\d{12}:`).ReplaceAllString(out, ":ACCOUNT:")
	golden.Assert(t, filepath.Join("testdata", "appspec.golden"), []byte(out))
	e.must(2, "app", "appspec", "--task-definition", "nonsense")
}

func TestCodeDeployE2ERollback(t *testing.T) {
	e := codeDeployProject(t, "")
	e.must(0, "app", "deploy", poll)
	// Nothing in flight: a new deployment of the previous revision.
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "rollback", poll)
	wantIn(t, "rollback", errs, "created CodeDeploy deployment of the previous revision", "web:1", "AllowTraffic: Succeeded", "rolled back")
	if c := e.sb.Counts(); c["codedeploy:CreateDeployment"] != 1 || c["ecs:UpdateService"] != 0 {
		t.Errorf("rollback calls: %v", c)
	}

	// In flight: stopped with automatic rollback, and the rollback followed. Simulated
	// time stands still from deploy --no-wait to rollback's first poll, so the
	// deployment is still in flight when rollback looks, however slow the machine.
	e.setenv("IMAGE", "nginx:1.29")
	e.deployInFlight()
	_, errs = e.must(0, "app", "rollback", poll)
	wantIn(t, "rollback in flight", errs, "stopped CodeDeploy deployment with automatic rollback", "rolled back")
}

func TestCodeDeployE2EWait(t *testing.T) {
	e := codeDeployProject(t, "")
	_, errs := e.must(0, "app", "wait", poll)
	wantIn(t, "wait with nothing in flight", errs, "no CodeDeploy deployment in progress")
	// The deployment must still be in flight when wait starts: simulated time stands
	// still after deploy --no-wait and moves only with wait's polls.
	e.deployInFlight()
	_, errs = e.must(0, "app", "wait", poll)
	wantIn(t, "wait", errs, "AllowTraffic: Succeeded", "deployment succeeded")
}

func TestCodeDeployE2EInit(t *testing.T) {
	e := codeDeployProject(t, "")
	e.must(0, "new", "init", "--region", "us-east-1", "--cluster", "e2e", "--service", "web")
	wantIn(t, "doppio.yml", e.read("new/doppio.yml"), "codedeploy:\n  application_name: web-app\n  deployment_group_name: web-dg\n")
	e.must(0, "new", "diff", "--exit-code")
}

// A deployment group that waits for traffic to be rerouted manually: exit 6 there.
func TestCodeDeployE2EWaitsForReroute(t *testing.T) {
	e := codeDeployProject(t, "")
	e.waitForReroute()
	_, errs := e.must(6, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "AfterAllowTestTraffic: Succeeded", "waits for traffic to be rerouted", "doppio continue")

	// continue reroutes traffic (ContinueDeployment READY_WAIT) and follows to the end.
	e.sb.ResetCounts()
	_, errs = e.must(0, "app", "continue", poll)
	wantIn(t, "continue", errs, "rerouted traffic of CodeDeploy deployment", "AllowTraffic: Succeeded", "deployment succeeded")
	if c := e.sb.Counts(); c["codedeploy:ContinueDeployment"] != 1 || c["ecs:ContinueServiceDeployment"] != 0 {
		t.Errorf("continue calls: %v", c)
	}
	e.runsImage("nginx:1.28")

	// continue --rollback stops the next one with automatic rollback.
	e.setenv("IMAGE", "nginx:1.29")
	e.must(6, "app", "deploy", poll)
	e.sb.ResetCounts()
	_, errs = e.must(0, "app", "continue", "--rollback", poll)
	wantIn(t, "continue --rollback", errs, "stopped CodeDeploy deployment with automatic rollback", "rolled back")
	if c := e.sb.Counts(); c["codedeploy:StopDeployment"] != 1 || c["codedeploy:ContinueDeployment"] != 0 {
		t.Errorf("continue --rollback calls: %v", c)
	}
	e.runsImage("nginx:1.28")

	// continue --wait-until paused: the Ready it answered (still reported for a
	// moment, as CodeDeploy starts rerouting) is no pause; it follows to the end.
	e.setenv("IMAGE", "nginx:1.30")
	e.must(6, "app", "deploy", poll)
	_, errs = e.must(0, "app", "continue", "--wait-until", "paused", poll)
	wantIn(t, "continue --wait-until paused", errs, "rerouted traffic of CodeDeploy deployment", "AllowTraffic: Succeeded", "deployment succeeded")
	e.runsImage("nginx:1.30")

	// Nothing waits now.
	_, errs = e.must(1, "app", "continue", poll)
	wantIn(t, "continue with nothing ready", errs, "no CodeDeploy deployment of web-app/web-dg waits for traffic to be rerouted")
}

// Attributes a CODE_DEPLOY service cannot take through UpdateService are named and
// not sent; the others (desiredCount here) are.
func TestCodeDeployE2EFixedAttributes(t *testing.T) {
	e := codeDeployProject(t, "")
	sd := e.read("app/ecs-service-def.json")
	sd = strings.Replace(sd, `"assignPublicIp": "DISABLED"`, `"assignPublicIp": "ENABLED"`, 1)
	sd = strings.Replace(sd, `"desiredCount": 2`, `"desiredCount": 3`, 1)
	e.write("app/ecs-service-def.json", sd)
	e.sb.ResetCounts()
	_, errs := e.must(0, "app", "deploy", poll)
	wantIn(t, "stderr", errs, "not sent to a CODE_DEPLOY service: networkConfiguration: set through the AppSpec")
	if c := e.sb.Counts(); c["ecs:UpdateService"] != 1 {
		t.Errorf("UpdateService %d times, want 1 (desiredCount)", c["ecs:UpdateService"])
	}
	if svc := e.describe("e2e", "web"); svc.DesiredCount != 3 {
		t.Errorf("desired count %d, want 3", svc.DesiredCount)
	}
	out, _ := e.must(0, "app", "appspec")
	wantIn(t, "appspec", out, "AssignPublicIp: ENABLED")
}
