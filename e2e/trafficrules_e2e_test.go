package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

const testTrafficSC = `"serviceConnectConfiguration": {"enabled": true, "namespace": "internal", "services": [{"portName": "http",
    "clientAliases": [{"port": 80, "dnsName": "web", "testTrafficRules": {"header": {"name": %s, "value": {"exact": "yes"}}}}]}]},
  "launchType"`

// Service Connect test traffic rules are checked before any call (a header name no
// request can carry routes nothing) and, when valid, reach ECS untouched.
func TestE2ETestTrafficRules(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 1}`, 40)
	sd := e.read("app/ecs-service-def.json")
	e.write("app/ecs-service-def.json", strings.Replace(sd, `"launchType"`, strings.Replace(testTrafficSC, "%s", `"x canary"`, 1), 1))
	e.sb.ResetCounts()
	_, errs := e.must(2, "app", "deploy", poll)
	wantIn(t, "stderr", errs, `serviceConnectConfiguration.services[0].clientAliases[0].testTrafficRules.header.name: "x canary" is not a valid HTTP header name`)
	if c := e.sb.Counts(); c["ecs:UpdateService"]+c["ecs:RegisterTaskDefinition"] != 0 {
		t.Errorf("calls before validation: %v", c)
	}

	e.write("app/ecs-service-def.json", strings.Replace(sd, `"launchType"`, strings.Replace(testTrafficSC, "%s", `"x-canary"`, 1), 1))
	e.must(0, "app", "deploy", poll)
	svc := e.describe("e2e", "web")
	var got string
	for _, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" && d.ServiceConnectConfiguration != nil {
			if r := d.ServiceConnectConfiguration.Services[0].ClientAliases[0].TestTrafficRules; r != nil && r.Header != nil && r.Header.Value != nil {
				got = aws.ToString(r.Header.Name) + "=" + aws.ToString(r.Header.Value.Exact)
			}
		}
	}
	if got != "x-canary=yes" {
		t.Errorf("test traffic rule on the live deployment: %q, want x-canary=yes", got)
	}
}
