package ecsdef

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// A nil side of every kind of definition diffs as an empty document: what is not
// live yet shows as added lines only, never as a "null" document; two nil sides
// differ in nothing.
func TestDiffOfNothingIsAnEmptyDocument(t *testing.T) {
	fromNothing := func(what, d string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if !strings.HasPrefix(d, "--- live\n+++ local\n") || !strings.Contains(d, "\n+{") || strings.Contains(d, "null") {
			t.Errorf("%s: diff from nothing:\n%s", what, d)
		}
		for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n")[2:] {
			if !strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "@@") {
				t.Errorf("%s: diff from nothing has a line not added: %q\n%s", what, l, d)
			}
		}
	}
	nothing := func(what, d string, err error) {
		t.Helper()
		if err != nil || d != "" {
			t.Errorf("%s: diff of nothing with nothing: %q, %v", what, d, err)
		}
	}
	d, err := DiffTaskDefinitions("live", nil, "local", &ecs.RegisterTaskDefinitionInput{Family: aws.String("web")})
	fromNothing("task definition", d, err)
	d, err = DiffTaskDefinitions("live", nil, "local", nil)
	nothing("task definition", d, err)
	d, err = DiffServiceDefinitions("live", nil, "local", &ecs.CreateServiceInput{ServiceName: aws.String("web")})
	fromNothing("service", d, err)
	d, err = DiffServiceDefinitions("live", nil, "local", nil)
	nothing("service", d, err)
	d, err = DiffExpressDefinitions("live", nil, "local", &ecs.CreateExpressGatewayServiceInput{ServiceName: aws.String("web")})
	fromNothing("express", d, err)
	d, err = DiffExpressDefinitions("live", nil, "local", nil)
	nothing("express", d, err)
	d, err = DiffDaemonDefinitions("live", nil, "local", &DaemonDefinition{CapacityProviderArns: []string{"b", "a"}})
	fromNothing("daemon", d, err)
	d, err = DiffDaemonDefinitions("live", nil, "local", nil)
	nothing("daemon", d, err)
}
