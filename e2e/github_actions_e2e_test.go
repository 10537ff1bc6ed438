package e2e

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TestGitHubActionsE2E deploys on the sandbox as a GitHub Actions job would: the wait's
// progress sits in one ::group:: per service, a rollback ends in an ::error::
// annotation after the group, and the JSON result has the fields the action's outputs
// are read from (action/run.sh).
func TestGitHubActionsE2E(t *testing.T) {
	e := deployProject(t)
	e.setenv("GITHUB_ACTIONS", "true")
	e.setenv("IMAGE", "nginx:1.27")
	out, errs := e.must(0, "app", "deploy", poll, "--output", "json")
	if !regexp.MustCompile(`(?s)::group::service web \(cluster e2e\)\n.*\n::endgroup::\n`).MatchString(errs) {
		t.Errorf("stderr has no group around the wait:\n%s", errs)
	}
	if strings.Contains(errs, "::error") {
		t.Errorf("a successful deploy annotated an error:\n%s", errs)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("result document: %v\n%s", err, out)
	}
	for _, k := range []string{"taskDefinitionArn", "deploymentId", "outcome", "service", "cluster", "durationSeconds"} {
		if s, _ := doc[k].(string); s == "" && doc[k] == nil {
			t.Errorf("result document lacks %q (read by action/run.sh):\n%s", k, out)
		}
	}
	if doc["outcome"] != "succeeded" {
		t.Errorf("outcome = %v", doc["outcome"])
	}

	e.setenv("IMAGE", "nginx:crashloop")
	_, errs = e.must(diag.ExitFailed, "app", "deploy", poll)
	end := strings.LastIndex(errs, "::endgroup::")
	ann := strings.Index(errs, "::error title=doppio%3A deployment failed::deployment ")
	if end < 0 || ann < end {
		t.Errorf("want the ::error:: annotation after the group closes:\n%s", errs)
	}
	if !strings.Contains(errs[max(ann, 0):], "rolled back") {
		t.Errorf("annotation does not say rolled back:\n%s", errs)
	}
}
