package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// expressProject writes an Express Mode project (ecspresso's express_definition)
// whose image comes from $IMAGE.
func expressProject(t *testing.T) *e2e {
	t.Helper()
	e := fastProject(t, "ecspresso.yml", "region: us-east-1\ncluster: e2e\nservice: hello\nexpress_definition: ecs-express-def.json\ntimeout: 2m\n",
		"ecs-express-def.json", `{
  "infrastructureRoleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRoleForExpressServices",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "cpu": "512", "memory": "1024", "healthCheckPath": "/health",
  "primaryContainer": {"image": "{{ must_env `+"`IMAGE`"+` }}", "containerPort": 8080,
    "environment": [{"name": "GREETING", "value": "{{ env `+"`GREETING` `hello`"+` }}"}]},
  "scalingTarget": {"minTaskCount": 2, "maxTaskCount": 4}
}`)
	e.setenv("IMAGE", "nginx:1.27")
	return e
}

func (e *e2e) expressService(cluster, name string) *types.ECSExpressGatewayService {
	e.t.Helper()
	svc := e.describe(cluster, name)
	out, err := e.ecs.DescribeExpressGatewayService(e.t.Context(), &ecs.DescribeExpressGatewayServiceInput{ServiceArn: svc.ServiceArn})
	if err != nil {
		e.t.Fatal(err)
	}
	return out.Service
}

// TestExpressE2ELifecycle: render, plan, deploy (create, then update), diff,
// status, tasks, wait, refresh and delete of an Express Mode service.
func TestExpressE2ELifecycle(t *testing.T) {
	e := expressProject(t)

	out, _ := e.must(0, "app", "render", "expressdef")
	if !strings.Contains(out, `"serviceName": "hello"`) || !strings.Contains(out, `"image": "nginx:1.27"`) || !strings.Contains(out, `"cluster": "e2e"`) {
		t.Errorf("render expressdef:\n%s", out)
	}
	out, _ = e.must(0, "app", "diff")
	if !strings.Contains(out, `+  "healthCheckPath": "/health"`) {
		t.Errorf("diff before create:\n%s", out)
	}
	out, _ = e.must(0, "app", "plan")
	if !strings.Contains(out, "plan: create service hello in cluster e2e") {
		t.Errorf("plan before create:\n%s", out)
	}

	e.sb.ResetCounts()
	start := time.Now()
	_, errs := e.must(0, "app", "deploy", poll)
	wall := time.Since(start)
	logCounts(t, "express deploy (create)", wall, e.sb.Counts())
	if !strings.Contains(errs, "express gateway service created") || !strings.Contains(errs, "succeeded") {
		t.Errorf("create: stderr:\n%s", errs)
	}
	svc := e.describe("e2e", "hello")
	if svc.ResourceManagementType != types.ResourceManagementTypeEcs || svc.RunningCount != 2 || len(svc.LoadBalancers) != 1 {
		t.Fatalf("after create: %s running %d load balancers %v", svc.ResourceManagementType, svc.RunningCount, svc.LoadBalancers)
	}
	x := e.expressService("e2e", "hello")
	if len(x.ActiveConfigurations) != 1 || len(x.ActiveConfigurations[0].IngressPaths) != 1 ||
		!strings.HasSuffix(aws.ToString(x.ActiveConfigurations[0].IngressPaths[0].Endpoint), ".ecs.us-east-1.on.aws") {
		t.Fatalf("express service: %+v", x)
	}
	lbs := e.query("elasticloadbalancing", "2015-12-01", "DescribeLoadBalancers", url.Values{})
	if !strings.Contains(lbs, "ecs-express-") {
		t.Errorf("no managed load balancer in ELBv2:\n%s", lbs)
	}

	// Nothing changed: nothing to deploy, diff is empty.
	out, _ = e.must(0, "app", "diff", "--exit-code")
	if out != "" {
		t.Errorf("diff after create:\n%s", out)
	}
	_, errs = e.must(0, "app", "deploy", poll)
	if !strings.Contains(errs, "nothing to deploy") {
		t.Errorf("redeploy: %s", errs)
	}

	// An update: plan says what changes, deploy follows the new deployment.
	e.setenv("IMAGE", "nginx:1.28")
	out, _ = e.must(0, "app", "plan")
	if !strings.Contains(out, "express.primaryContainer.image changed (new task definition revision)") {
		t.Errorf("plan update:\n%s", out)
	}
	e.must(3, "app", "diff", "--exit-code")
	e.sb.ResetCounts()
	start = time.Now()
	_, errs = e.must(0, "app", "deploy", poll)
	logCounts(t, "express deploy (update)", time.Since(start), e.sb.Counts())
	if c := e.sb.Counts(); c["ecs:UpdateExpressGatewayService"] != 1 || c["ecs:RegisterTaskDefinition"] != 0 || c["ecs:UpdateService"] != 0 {
		t.Errorf("update calls: %v", c)
	}
	if !strings.HasSuffix(aws.ToString(e.describe("e2e", "hello").TaskDefinition), "e2e-hello:2") {
		t.Errorf("after update: %s\n%s", aws.ToString(e.describe("e2e", "hello").TaskDefinition), errs)
	}

	out, _ = e.must(0, "app", "status")
	if !strings.Contains(out, "Express:\n  Status: ACTIVE") || !strings.Contains(out, "PUBLIC hello-") {
		t.Errorf("status:\n%s", out)
	}
	out, _ = e.must(0, "app", "tasks")
	if strings.Count(out, "RUNNING") < 2 {
		t.Errorf("tasks:\n%s", out)
	}
	e.must(0, "app", "wait", poll)
	e.must(0, "app", "refresh", poll)
	// rollback only while a deployment is in flight.
	_, errs = e.must(2, "app", "rollback")
	if !strings.Contains(errs, "no deployment in progress") {
		t.Errorf("rollback: %s", errs)
	}

	_, errs = e.must(0, "app", "delete", "--force")
	if !strings.Contains(errs, "express gateway service deleted") {
		t.Errorf("delete: %s", errs)
	}
	if lbs := e.query("elasticloadbalancing", "2015-12-01", "DescribeLoadBalancers", url.Values{}); strings.Contains(lbs, "ecs-express-") {
		t.Errorf("managed load balancer left after delete:\n%s", lbs)
	}
}

// TestExpressE2ECrashloop: a failing image is rolled back by the circuit breaker;
// deploy explains it and exits 4.
func TestExpressE2ECrashloop(t *testing.T) {
	e := expressProject(t)
	e.must(0, "app", "deploy", poll)
	e.setenv("IMAGE", "nginx:crashloop")
	_, errs := e.must(4, "app", "deploy", poll)
	if !strings.Contains(errs, "rolled back") || !strings.Contains(errs, "why it failed") || strings.Contains(errs, "passed between polls") {
		t.Errorf("crashloop: stderr:\n%s", errs)
	}
}

// TestExpressE2ERefusedVerbs: the verbs ecspresso refuses for Express Mode exit 2
// with a reason, before any AWS call.
func TestExpressE2ERefusedVerbs(t *testing.T) {
	e := expressProject(t)
	for _, verb := range []string{"scale", "run", "revisions", "register", "deregister", "appspec"} {
		e.sb.ResetCounts()
		args := []string{verb}
		if verb == "deregister" {
			args = append(args, "--keeps", "1") // its flags are checked first
		}
		_, errs := e.must(2, "app", args...)
		if !strings.Contains(errs, verb+" does not work with an Express Mode service") {
			t.Errorf("%s: %s", verb, errs)
		}
		if c := e.sb.Counts(); len(c) != 0 {
			t.Errorf("%s made calls: %v", verb, c)
		}
	}
	_, errs := e.must(2, "app", "deploy", "--tasks", "3")
	if !strings.Contains(errs, "scalingTarget") {
		t.Errorf("deploy --tasks: %s", errs)
	}
}

// logCounts prints the calls a command made, by operation (the figures of the
// issue note).
func logCounts(t *testing.T, what string, wall time.Duration, c map[string]int) {
	t.Helper()
	ops := make([]string, 0, len(c))
	total := 0
	for op, n := range c {
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
		total += n
	}
	sort.Strings(ops)
	t.Logf("%s: %d calls in %v wall: %s", what, total, wall.Round(time.Millisecond), strings.Join(ops, " "))
}

// TestFleetE2EMixesWorkloads: one fleet run deploys an Express Mode service, a
// Managed Daemon and an ordinary service, then reports every member's outcome.
func TestFleetE2EMixesWorkloads(t *testing.T) {
	e := expressProject(t)
	e.writeFleetMembers()
	out, errs := e.must(0, ".", "deploy", "--config", "app/ecspresso.yml", "--config", "daemon/doppio.yml", "--config", "web/ecspresso.yml", poll, "--output", "json")
	for _, want := range []string{`"service": "hello"`, `"service": "agent"`, `"service": "web"`} {
		if !strings.Contains(out, want) {
			t.Errorf("fleet result lacks %s:\n%s\n%s", want, out, errs)
		}
	}
	if strings.Count(out, `"outcome": "succeeded"`) != 3 {
		t.Errorf("fleet outcomes:\n%s", out)
	}
}

// TestInitE2EExpressAndDaemon: init imports a live Express Mode service (as an
// express definition, or with --no-express as ordinary definitions) and a live
// Managed Daemon (--daemon); diff right after shows nothing.
func TestInitE2EExpressAndDaemon(t *testing.T) {
	e := expressProject(t)
	e.must(0, "app", "deploy", poll)
	e.write("imp/.keep", "")
	e.must(0, "imp", "init", "--region", "us-east-1", "--cluster", "e2e", "--service", "hello")
	if cfg := e.read("imp/doppio.yml"); !strings.Contains(cfg, "express_definition: ecs-express-def.json") {
		t.Errorf("init config:\n%s", cfg)
	}
	if def := e.read("imp/ecs-express-def.json"); strings.Contains(def, "serviceName") || !strings.Contains(def, `"image": "nginx:1.27"`) {
		t.Errorf("init express definition:\n%s", def)
	}
	if out, _ := e.must(0, "imp", "diff", "--exit-code"); out != "" {
		t.Errorf("diff after init:\n%s", out)
	}
	e.write("plain/.keep", "")
	e.must(0, "plain", "init", "--region", "us-east-1", "--cluster", "e2e", "--service", "hello", "--no-express")
	if cfg := e.read("plain/doppio.yml"); !strings.Contains(cfg, "task_definition:") || strings.Contains(cfg, "express_definition") {
		t.Errorf("init --no-express config:\n%s", cfg)
	}

	e.write("d/doppio.yml", "region: us-east-1\ncluster: e2e\nservice: agent\ndaemon_definition: ecs-daemon-def.json\n")
	e.write("d/ecs-daemon-def.json", `{"capacityProviderArns": ["arn:aws:ecs:us-east-1:123456789012:capacity-provider/ec2"],
  "taskDefinition": {"family": "agent", "containerDefinitions": [{"name": "agent", "image": "agent:1", "memory": 64}]}}`)
	e.must(0, "d", "deploy", poll)
	e.write("dimp/.keep", "")
	e.must(0, "dimp", "init", "--region", "us-east-1", "--cluster", "e2e", "--daemon", "agent")
	if out, _ := e.must(0, "dimp", "diff", "--exit-code"); out != "" {
		t.Errorf("diff after init --daemon:\n%s\n%s", out, e.read("dimp/ecs-daemon-def.json"))
	}
}

// TestExpressE2EStatusJSONExecWait: status --output json has the express section
// (status and ingress paths); exec opens a session in a task of the express
// service (its one container, Main, as ECS names it); wait follows the deployment
// in flight.
func TestExpressE2EStatusJSONExecWait(t *testing.T) {
	e := expressProject(t)
	e.must(0, "app", "deploy", poll)
	out, _ := e.must(0, "app", "status", "--output", "json", "--events", "0")
	var st struct {
		Service string `json:"service"`
		Express *struct {
			Status       string `json:"status"`
			IngressPaths []struct {
				AccessType string `json:"accessType"`
				Endpoint   string `json:"endpoint"`
			} `json:"ingressPaths"`
		} `json:"express"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status json: %v\n%s", err, out)
	}
	if st.Service != "hello" || st.Express == nil || st.Express.Status != "ACTIVE" || len(st.Express.IngressPaths) != 1 ||
		st.Express.IngressPaths[0].AccessType != "PUBLIC" || !strings.HasSuffix(st.Express.IngressPaths[0].Endpoint, ".ecs.us-east-1.on.aws") {
		t.Errorf("status json:\n%s", out)
	}

	args := e.fakePlugin()
	out, _ = e.must(0, "app", "tasks", "list", "--output", "tsv")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 {
		t.Fatalf("tasks:\n%s", out)
	}
	id := strings.Split(lines[1], "\t")[0]
	// CreateExpressGatewayService has no enableExecuteCommand: the tasks start
	// without ECS Exec, and exec says so (exit 1, before any session).
	_, errs := e.must(1, "app", "exec", "run", "--id", id, "--command", "ls /")
	if !strings.Contains(errs, "ECS Exec (execute command) is not enabled") {
		t.Errorf("exec without ECS Exec:\n%s", errs)
	}
	// Turned on for the ECS service behind it, exec opens a session in the one
	// container of the new tasks.
	if _, err := e.ecs.UpdateService(t.Context(), &ecs.UpdateServiceInput{Cluster: aws.String("e2e"), Service: aws.String("hello"),
		EnableExecuteCommand: aws.Bool(true), ForceNewDeployment: true}); err != nil {
		t.Fatal(err)
	}
	e.must(0, "app", "wait", poll)
	out, _ = e.must(0, "app", "tasks", "list", "--output", "tsv")
	id = ""
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Split(l, "\t"); len(f) > 4 && f[3] == "RUNNING" && f[4] == "RUNNING" {
			id = f[0]
		}
	}
	e.must(0, "app", "exec", "run", "--id", id, "--command", "ls /")
	if got := args(); len(got) != 6 || got[2] != "StartSession" || !strings.Contains(got[4], `"Target":"ecs:e2e_`+id+"_") {
		t.Errorf("plugin args %q", got)
	}
}

// TestFleetE2ERefusedMember: in a fleet run, a member whose kind of workload does
// not take the verb (scale on an Express Mode service and on a Managed Daemon) is
// reported as refused, with its reason; the other members go on and the run
// succeeds.
func TestFleetE2ERefusedMember(t *testing.T) {
	e := expressProject(t)
	e.writeFleetMembers()
	configs := []string{"--config", "app/ecspresso.yml", "--config", "daemon/doppio.yml", "--config", "web/ecspresso.yml"}
	e.must(0, ".", append([]string{"deploy", poll}, configs...)...)

	e.sb.ResetCounts()
	out, errs := e.must(0, ".", append([]string{"scale", "--tasks", "2", poll, "--output", "json"}, configs...)...)
	var members []struct {
		Service string `json:"service"`
		Outcome string `json:"outcome"`
	}
	if err := json.Unmarshal([]byte(out), &members); err != nil {
		t.Fatalf("fleet json: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, m := range members {
		got[m.Service] = m.Outcome
	}
	if got["hello"] != "refused" || got["agent"] != "refused" || got["web"] != "succeeded" {
		t.Errorf("outcomes %v\n%s\n%s", got, out, errs)
	}
	if !strings.Contains(errs, "scale does not work with an Express Mode service") || !strings.Contains(errs, "scale does not work with a Managed Daemon") ||
		!regexp.MustCompile(`(?m)^hello\s.*refused`).MatchString(errs) {
		t.Errorf("stderr lacks the refusals or the summary:\n%s", errs)
	}
	if e.describe("e2e", "web").DesiredCount != 2 {
		t.Errorf("web was not scaled")
	}
	if c := e.sb.Counts(); c["ecs:UpdateExpressGatewayService"] != 0 || c["ecs:UpdateDaemon"] != 0 {
		t.Errorf("a refused member made changes: %v", c)
	}
	// status takes all three: each member's status document, express section and
	// daemon included.
	out, _ = e.must(0, ".", append([]string{"status", "--output", "json"}, configs...)...)
	for _, want := range []string{`"ingressPaths"`, `"daemonArn"`, `"service": "hello"`, `"service": "web"`} {
		if !strings.Contains(out, want) {
			t.Errorf("fleet status lacks %s:\n%s", want, out)
		}
	}
}
