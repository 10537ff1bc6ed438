package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// daemonProject writes a Managed Daemon project whose image comes from $IMAGE.
func daemonProject(t *testing.T) *e2e {
	t.Helper()
	e := fastProject(t, "doppio.yml", "region: us-east-1\ncluster: e2e\nservice: agent\ndaemon_definition: ecs-daemon-def.json\ntimeout: 2m\n",
		"ecs-daemon-def.json", `{
  "capacityProviderArns": ["arn:aws:ecs:us-east-1:123456789012:capacity-provider/ec2-a", "arn:aws:ecs:us-east-1:123456789012:capacity-provider/ec2-b"],
  "deploymentConfiguration": {"drainPercent": 25, "bakeTimeInMinutes": 0},
  "taskDefinition": {
    "family": "agent",
    "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    "containerDefinitions": [{"name": "agent", "image": "{{ must_env `+"`IMAGE`"+` }}", "memory": 128,
      "environment": [{"name": "LEVEL", "value": "info"}]}]
  }
}`)
	e.setenv("IMAGE", "datadog/agent:7.60")
	return e
}

// TestDaemonE2ELifecycle: render, diff, plan, deploy (create, unchanged, update),
// status, rollback and delete of a Managed Daemon.
func TestDaemonE2ELifecycle(t *testing.T) {
	e := daemonProject(t)
	out, _ := e.must(0, "app", "render", "daemondef")
	if !strings.Contains(out, `"image": "datadog/agent:7.60"`) || !strings.Contains(out, `"drainPercent": 25`) {
		t.Errorf("render daemondef:\n%s", out)
	}
	out, _ = e.must(0, "app", "diff")
	if !strings.Contains(out, "(daemon agent does not exist)") {
		t.Errorf("diff before create:\n%s", out)
	}
	out, _ = e.must(0, "app", "plan")
	if !strings.Contains(out, "plan: create service agent") || !strings.Contains(out, "register a new revision of agent") {
		t.Errorf("plan:\n%s", out)
	}

	e.sb.ResetCounts()
	start := time.Now()
	_, errs := e.must(0, "app", "deploy", poll)
	logCounts(t, "daemon deploy (create)", time.Since(start), e.sb.Counts())
	if !strings.Contains(errs, "created daemon") || !strings.Contains(errs, "daemon deployment succeeded") {
		t.Errorf("create: %s", errs)
	}
	out, _ = e.must(0, "app", "status")
	if !strings.Contains(out, "DaemonTaskDefinition: agent:1") || !strings.Contains(out, "running=6") || !strings.Contains(out, "Deployment: SUCCESSFUL") {
		t.Errorf("status:\n%s", out)
	}
	out, _ = e.must(0, "app", "diff", "--exit-code")
	if out != "" {
		t.Errorf("diff after create:\n%s", out)
	}
	e.sb.ResetCounts()
	_, errs = e.must(0, "app", "deploy", poll)
	if c := e.sb.Counts(); !strings.Contains(errs, "nothing to deploy") || c["ecs:RegisterDaemonTaskDefinition"] != 0 || c["ecs:UpdateDaemon"] != 0 {
		t.Errorf("unchanged deploy: %v\n%s", c, errs)
	}

	e.setenv("IMAGE", "datadog/agent:7.61")
	e.must(3, "app", "diff", "--exit-code")
	e.sb.ResetCounts()
	start = time.Now()
	_, errs = e.must(0, "app", "deploy", poll)
	logCounts(t, "daemon deploy (update)", time.Since(start), e.sb.Counts())
	if c := e.sb.Counts(); c["ecs:RegisterDaemonTaskDefinition"] != 1 || c["ecs:UpdateDaemon"] != 1 {
		t.Errorf("update calls: %v", c)
	}
	out, _ = e.must(0, "app", "status")
	if !strings.Contains(out, "DaemonTaskDefinition: agent:2") {
		t.Errorf("status after update:\n%s\n%s", out, errs)
	}

	_, errs = e.must(0, "app", "rollback", poll)
	out, _ = e.must(0, "app", "status")
	if !strings.Contains(out, "DaemonTaskDefinition: agent:1") {
		t.Errorf("status after rollback:\n%s\n%s", out, errs)
	}

	_, errs = e.must(0, "app", "delete", "--force")
	if !strings.Contains(errs, "daemon deleted") {
		t.Errorf("delete: %s", errs)
	}
	e.must(1, "app", "status")
}

// TestDaemonE2ECrashloopRollsBack: a revision that fails on its first instance is
// rolled back by the circuit breaker; deploy exits 4 and the daemon runs the old
// revision.
func TestDaemonE2ECrashloopRollsBack(t *testing.T) {
	e := daemonProject(t)
	e.must(0, "app", "deploy", poll)
	for _, image := range []string{"datadog/agent:crashloop", "datadog/agent:pullfail"} {
		e.setenv("IMAGE", image)
		_, errs := e.must(4, "app", "deploy", poll)
		if !strings.Contains(errs, "rolled back") || !strings.Contains(errs, "circuit breaker") {
			t.Errorf("%s: stderr:\n%s", image, errs)
		}
		out, _ := e.must(0, "app", "status")
		if !strings.Contains(out, "DaemonTaskDefinition: agent:1") {
			t.Errorf("%s: status after rollback:\n%s", image, out)
		}
	}
}

// TestDaemonE2ERefusedVerbs: verbs that do not apply to a daemon exit 2 before any
// AWS call.
func TestDaemonE2ERefusedVerbs(t *testing.T) {
	e := daemonProject(t)
	for _, verb := range []string{"scale", "run", "revisions", "register", "appspec", "refresh", "continue"} {
		e.sb.ResetCounts()
		_, errs := e.must(2, "app", verb)
		if !strings.Contains(errs, verb+" does not work with a Managed Daemon") {
			t.Errorf("%s: %s", verb, errs)
		}
		if c := e.sb.Counts(); len(c) != 0 {
			t.Errorf("%s made calls: %v", verb, c)
		}
	}
}

// TestDaemonE2EImageRevisionWait: deploy --tag and --image change the rendered
// daemon task definition (a new revision); --revision and
// --latest-task-definition go to a registered one without registering; wait
// follows the daemon deployment in flight, and says when the daemon is gone.
func TestDaemonE2EImageRevisionWait(t *testing.T) {
	e := daemonProject(t)
	e.must(0, "app", "deploy", poll)
	image := func() string {
		t.Helper()
		out, err := e.ecs.DescribeDaemonTaskDefinition(t.Context(), &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String("agent")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.DaemonTaskDefinition.ContainerDefinitions[0].Image)
	}
	runs := func(want string) {
		t.Helper()
		if out, _ := e.must(0, "app", "status"); !strings.Contains(out, "DaemonTaskDefinition: "+want+"\n") {
			t.Errorf("want %s:\n%s", want, out)
		}
	}

	// --tag, without waiting; wait follows the daemon deployment to its end.
	_, errs := e.must(0, "app", "deploy", "--tag", "7.61", "--no-wait")
	if got := image(); got != "datadog/agent:7.61" {
		t.Errorf("--tag registered %s\n%s", got, errs)
	}
	_, errs = e.must(0, "app", "wait", poll)
	if !strings.Contains(errs, "daemon deployment succeeded") {
		t.Errorf("wait: %s", errs)
	}
	runs("agent:2")

	e.must(0, "app", "deploy", "--image", "agent=datadog/agent:7.62", poll)
	if got := image(); got != "datadog/agent:7.62" {
		t.Errorf("--image registered %s", got)
	}
	runs("agent:3")

	e.sb.ResetCounts()
	e.must(0, "app", "deploy", "--revision", "1", poll)
	if c := e.sb.Counts(); c["ecs:RegisterDaemonTaskDefinition"] != 0 || c["ecs:UpdateDaemon"] != 1 {
		t.Errorf("--revision 1 calls: %v", c)
	}
	runs("agent:1")
	e.must(0, "app", "deploy", "--latest-task-definition", poll)
	runs("agent:3")
	_, errs = e.must(2, "app", "deploy", "--revision", "9")
	if !strings.Contains(errs, "agent:9") {
		t.Errorf("--revision 9: %s", errs)
	}

	e.must(0, "app", "delete", "--force")
	_, errs = e.must(1, "app", "wait")
	if !strings.Contains(errs, `daemon "agent" not found in cluster "e2e"`) {
		t.Errorf("wait without a daemon: %s", errs)
	}
}

// TestDaemonE2EDeregister: deregister retires a daemon's old daemon task
// definitions with DeleteDaemonTaskDefinition (ECS has no deregister for them);
// the ones the daemon runs are kept, and a deleted one cannot be deployed again.
func TestDaemonE2EDeregister(t *testing.T) {
	e := daemonProject(t)
	e.must(0, "app", "deploy", poll)
	e.must(0, "app", "deploy", "--tag", "7.61", poll)
	e.must(0, "app", "deploy", "--tag", "7.62", poll) // runs agent:3
	active := func() string {
		t.Helper()
		out, err := e.ecs.ListDaemonTaskDefinitions(t.Context(), &ecs.ListDaemonTaskDefinitionsInput{Family: aws.String("agent")})
		if err != nil {
			t.Fatal(err)
		}
		var revs []string
		for _, d := range out.DaemonTaskDefinitions {
			a := aws.ToString(d.Arn)
			revs = append(revs, a[strings.LastIndexByte(a, '/')+1:])
		}
		return strings.Join(revs, " ")
	}

	out, _ := e.must(0, "app", "deregister", "--keeps", "1", "--dry-run", "--output", "json")
	if !strings.Contains(out, `"delete": true`) || !strings.Contains(out, "daemon-task-definition/agent:1") || !strings.Contains(out, `"usedBy": "daemon agent"`) {
		t.Errorf("dry run:\n%s", out)
	}
	if got := active(); got != "agent:1 agent:2 agent:3" {
		t.Errorf("dry run changed something: %s", got)
	}
	e.sb.ResetCounts()
	e.must(0, "app", "deregister", "--keeps", "1", "--force")
	if c := e.sb.Counts(); c["ecs:DeleteDaemonTaskDefinition"] != 1 || c["ecs:DescribeServices"] != 0 {
		t.Errorf("deregister calls: %v", c)
	}
	if got := active(); got != "agent:2 agent:3" {
		t.Errorf("after deregister --keeps 1: %s", got)
	}
	_, errs := e.must(2, "app", "deregister", "--revision", "3", "--force")
	if !strings.Contains(errs, "agent:3 is in use (daemon agent)") {
		t.Errorf("deregister in use: %s", errs)
	}
	_, errs = e.must(2, "app", "deploy", "--revision", "1")
	if !strings.Contains(errs, "DELETE_IN_PROGRESS") {
		t.Errorf("deploy a deleted revision: %s", errs)
	}
}
