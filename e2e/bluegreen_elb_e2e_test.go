package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// elb makes one signed ELBv2 Query call on the test's sandbox account (there is no
// ELBv2 SDK module in go.mod).
func (e *e2e) elb(action string, params url.Values) string {
	e.t.Helper()
	return e.query("elasticloadbalancing", "2015-12-01", action, params)
}

func (e *e2e) ec2(action string) string {
	e.t.Helper()
	return e.query("ec2", "2016-11-15", action, url.Values{})
}

func first(t *testing.T, re, s string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in %s", re, s)
	}
	return m[1]
}

// ruleWeights returns "blueWeight/greenWeight" of a listener rule's forward action.
func (e *e2e) ruleWeights(rule, blue, green string) string {
	e.t.Helper()
	out := e.elb("DescribeRules", url.Values{"RuleArns.member.1": {rule}})
	w := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)<member>\s*<TargetGroupArn>([^<]+)</TargetGroupArn>\s*<Weight>(\d+)</Weight>`).FindAllStringSubmatch(out, -1) {
		w[m[1]] = m[2]
	}
	return w[blue] + "/" + w[green]
}

// TestBlueGreenE2EListenerRuleWeights: the sandbox moves the weights of the real
// (moto) listener rules while a LINEAR deployment shifts traffic.
func TestBlueGreenE2EListenerRuleWeights(t *testing.T) {
	e := startE2E(t)
	e.cluster("e2e")
	subnets, sg := e.network()
	vpc := first(t, `<vpcId>(vpc-[0-9a-f]+)</vpcId>`, e.ec2("DescribeVpcs"))
	lb := first(t, `<LoadBalancerArn>([^<]+)</LoadBalancerArn>`, e.elb("CreateLoadBalancer", url.Values{
		"Name": {"web"}, "Subnets.member.1": {subnets[0]}, "Subnets.member.2": {subnets[1]}, "SecurityGroups.member.1": {sg}}))
	tg := func(name string) string {
		return first(t, `<TargetGroupArn>([^<]+)</TargetGroupArn>`, e.elb("CreateTargetGroup", url.Values{
			"Name": {name}, "Protocol": {"HTTP"}, "Port": {"8080"}, "VpcId": {vpc}, "TargetType": {"ip"}}))
	}
	blue, green := tg("web-blue"), tg("web-green")
	listener := first(t, `<ListenerArn>([^<]+)</ListenerArn>`, e.elb("CreateListener", url.Values{
		"LoadBalancerArn": {lb}, "Protocol": {"HTTP"}, "Port": {"80"},
		"DefaultActions.member.1.Type": {"forward"}, "DefaultActions.member.1.TargetGroupArn": {blue}}))
	rule := func(prio, path string) string {
		return first(t, `<RuleArn>([^<]+)</RuleArn>`, e.elb("CreateRule", url.Values{
			"ListenerArn": {listener}, "Priority": {prio},
			"Conditions.member.1.Field": {"path-pattern"}, "Conditions.member.1.Values.member.1": {path},
			"Actions.member.1.Type": {"forward"}, "Actions.member.1.TargetGroupArn": {blue}}))
	}
	prod, test := rule("1", "/*"), rule("2", "/test/*")

	e.sb.Clock().SetSpeed(40)
	e.write("app/ecspresso.yml", webConfig("5m"))
	sd := `{
  "launchType": "FARGATE", "desiredCount": 2,
  "deploymentConfiguration": {"strategy": "LINEAR", "bakeTimeInMinutes": 1, "linearConfiguration": {"stepPercent": 50, "stepBakeTimeInMinutes": 2}},
  "loadBalancers": [{"targetGroupArn": "BLUE", "containerName": "web", "containerPort": 8080,
    "advancedConfiguration": {"alternateTargetGroupArn": "GREEN", "productionListenerRule": "PROD", "testListenerRule": "TEST", "roleArn": "arn:aws:iam::123456789012:role/ecs-blue-green"}}],
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["S1", "S2"], "securityGroups": ["SG"], "assignPublicIp": "DISABLED"}}
}`
	sd = strings.NewReplacer("BLUE", blue, "GREEN", green, "PROD", prod, "TEST", test, "S1", subnets[0], "S2", subnets[1], "SG", sg).Replace(sd)
	e.write("app/ecs-service-def.json", sd)
	e.write("app/ecs-task-def.json", `{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
  "containerDefinitions": [{"name": "web", "image": "{{ must_env `+"`IMAGE`"+` }}", "essential": true, "portMappings": [{"containerPort": 8080}]}]}`)
	e.setenv("IMAGE", "nginx:1.27")
	e.must(0, "app", "deploy", poll)
	e.setenv("IMAGE", "nginx:1.28")

	// Read the rules at the moment doppio reports each step.
	seen := map[string]string{}
	stderr := &syncBuffer{onLine: func(l string) {
		for _, step := range []string{"traffic 50%", "traffic 100%"} {
			if strings.Contains(l, "  "+step+" (test") && seen[step] == "" {
				seen[step] = e.ruleWeights(prod, blue, green) + " test " + e.ruleWeights(test, blue, green)
			}
		}
	}}
	if code, _ := e.runCtx(t.Context(), stderr, "deploy", poll); code != 0 {
		t.Fatalf("deploy: exit %d\n%s", code, stderr.String())
	}
	want := map[string]string{"traffic 50%": "50/50 test 0/100", "traffic 100%": "0/100 test 0/100"}
	for step, w := range want {
		if seen[step] != w {
			t.Errorf("rules at %q: blue/green %q, want %q\n%s", step, seen[step], w, stderr.String())
		}
	}
	if got := e.ruleWeights(prod, blue, green); got != "0/100" {
		t.Errorf("production rule after the deployment: %s, want 0/100", got)
	}
}
