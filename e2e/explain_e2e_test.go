package e2e

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// defaultVPC returns the id of the account's default VPC (a signed EC2 query; there
// is no EC2 SDK module in go.mod).
func (e *e2e) defaultVPC() string {
	e.t.Helper()
	b := []byte(e.query("ec2", "2016-11-15", "DescribeVpcs", url.Values{}))
	m := regexp.MustCompile(`<vpcId>(vpc-[0-9a-f]+)</vpcId>`).FindSubmatch(b)
	if m == nil {
		e.t.Fatalf("no default VPC: %s", b)
	}
	return string(m[1])
}

// A crashloop deploy behind a load balancer ends with one explanation: the stopped
// reason with its count and exit codes, the failing container's last log lines and
// the target group's view of the failed tasks.
func TestDeployE2ECrashloopExplainsFailure(t *testing.T) {
	e := deployProject(t)
	lb := elbv2.NewFromConfig(e.sb.AWSConfig(t.Context()))
	tg, err := lb.CreateTargetGroup(t.Context(), &elbv2.CreateTargetGroupInput{
		Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(8080),
		VpcId: aws.String(e.defaultVPC()), TargetType: elbtypes.TargetTypeEnumIp,
	})
	if err != nil {
		t.Fatal(err)
	}
	tgARN := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	e.write("app/ecs-service-def.json", strings.Replace(e.read("app/ecs-service-def.json"), `"desiredCount": 2,`,
		fmt.Sprintf(`"desiredCount": 2, "loadBalancers": [{"targetGroupArn": %q, "containerName": "web", "containerPort": 8080}],`, tgARN), 1))
	e.write("app/ecs-task-def.json", strings.Replace(e.read("app/ecs-task-def.json"), `"essential": true,`,
		`"essential": true, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "web", "awslogs-create-group": "true"}},`, 1))
	e.setenv("IMAGE", "nginx:1.27")
	e.must(0, "app", "deploy", poll)

	// While the healthy revision serves, the load balancer sees healthy targets.
	th, err := lb.DescribeTargetHealth(t.Context(), &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgARN)})
	if err != nil || len(th.TargetHealthDescriptions) == 0 {
		t.Fatalf("target health: %v %+v", err, th)
	}
	for _, d := range th.TargetHealthDescriptions {
		if d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy && d.TargetHealth.State != elbtypes.TargetHealthStateEnumInitial {
			t.Errorf("target %s is %s", aws.ToString(d.Target.Id), d.TargetHealth.State)
		}
	}

	e.setenv("IMAGE", "nginx:crashloop")
	out, errs := e.must(diag.ExitFailed, "app", "deploy", poll, "--output", "json")
	wantIn(t, "stderr", errs,
		"why it failed:",
		"task(s) stopped: Essential container in task exited [EssentialContainerExited]; exit codes: web=1",
		"last log lines of web in task",
		"[sandbox] web: started nginx:crashloop",
		"fatal: cannot serve (crashloop rule)",
		"[sandbox] web: exited with code 1",
		"target(s) draining (Target.DeregistrationInProgress")
	if !strings.Contains(out, `"explanation"`) || !strings.Contains(out, `"unhealthyTargets"`) || !strings.Contains(out, "fatal: cannot serve") {
		t.Errorf("json lacks the explanation:\n%s", out)
	}
}
