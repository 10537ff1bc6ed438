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
	for _, tc := range []struct {
		name string
		diff func(nilLive bool) (string, error)
	}{
		{"task definition", func(n bool) (string, error) {
			local := &ecs.RegisterTaskDefinitionInput{Family: aws.String("web")}
			if n {
				return DiffTaskDefinitions("live", nil, "local", local)
			}
			return DiffTaskDefinitions("live", nil, "local", nil)
		}},
		{"service", func(n bool) (string, error) {
			local := &ecs.CreateServiceInput{ServiceName: aws.String("web")}
			if n {
				return DiffServiceDefinitions("live", nil, "local", local)
			}
			return DiffServiceDefinitions("live", nil, "local", nil)
		}},
		{"express", func(n bool) (string, error) {
			local := &ecs.CreateExpressGatewayServiceInput{ServiceName: aws.String("web")}
			if n {
				return DiffExpressDefinitions("live", nil, "local", local)
			}
			return DiffExpressDefinitions("live", nil, "local", nil)
		}},
		{"daemon", func(n bool) (string, error) {
			local := &DaemonDefinition{CapacityProviderArns: []string{"b", "a"}}
			if n {
				return DiffDaemonDefinitions("live", nil, "local", local)
			}
			return DiffDaemonDefinitions("live", nil, "local", nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.diff(true)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(d, "--- live\n+++ local\n") || !strings.Contains(d, "\n+{") || strings.Contains(d, "null") {
				t.Errorf("diff from nothing:\n%s", d)
			}
			for _, l := range strings.Split(strings.TrimSuffix(d, "\n"), "\n")[2:] {
				if !strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "@@") {
					t.Errorf("diff from nothing has a line not added: %q\n%s", l, d)
				}
			}
			if d, err := tc.diff(false); err != nil || d != "" {
				t.Errorf("diff of nothing with nothing: %q, %v", d, err)
			}
		})
	}
}
