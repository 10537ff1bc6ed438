package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/sandbox"
)

// A rolling deployment with early success criteria ends when ECS completes it (half
// of the tasks healthy here), before the service is steady, and says so.
func TestE2EEarlySuccessRolling(t *testing.T) {
	e := blueGreenProject(t, `{"strategy": "ROLLING", "minimumHealthyPercent": 50,
	  "earlySuccessCriteria": {"enable": true, "healthyPercent": 50, "sourceServiceRevisionCleanup": "DEFERRED"}}`, 2)
	// Simulated time moves one second per poll and never between polls, so the
	// state between early success and the steady state is seen however slow the
	// machine (at a clock speed, a slow poll could miss it).
	e.sb.Clock().SetSpeed(0)
	e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: time.Second})
	out, errs := e.must(0, "app", "deploy", poll, "--output", "json")
	var doc struct {
		Outcome, Reason string
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("result document: %v\n%s", err, out)
	}
	wantIn(t, "reason", doc.Reason, "early success criteria met (1 of 2 tasks healthy", "completed early with 1 of 2 tasks running (earlySuccessCriteria.healthyPercent 50)",
		"removes the previous revision's tasks in the background")
	wantIn(t, "progress", errs, "COMPLETED  running 1/2", "early success criteria met")
	if doc.Outcome != "succeeded" || strings.Contains(errs, "has reached a steady state") {
		t.Errorf("outcome %s; waited for the steady state:\n%s", doc.Outcome, errs)
	}
	// --wait-until stable still waits for the rest.
	_, errs = e.must(0, "app", "wait", poll, "--wait-until", "stable")
	wantIn(t, "wait stable", errs, "deployment succeeded")
}
