package view

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// The summary of 300 services stays a screenful: the four that did not succeed get
// rows (failures first: rolled back, timed out, then not started), the 296 others
// are one count line per outcome (succeeded, unchanged), then the counts.
func TestFleetSummary300Golden(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var rs []fleet.Result
	for i := range 300 {
		r := fleet.Result{Name: fmt.Sprintf("svc-%03d", i), Cluster: "prod", Outcome: "succeeded",
			TaskDefinition: fmt.Sprintf("arn:aws:ecs:us-east-1:111122223333:task-definition/svc-%03d:7", i),
			Started:        t0, Finished: t0.Add(time.Duration(60+i%7) * time.Second)}
		switch i {
		case 17:
			r.Outcome, r.Code = "rolled back", diag.ExitFailed
		case 42, 43:
			r.Outcome = "unchanged"
			r.Finished = t0.Add(time.Second)
		case 120:
			r.Outcome, r.Code = "timed out", diag.ExitTimeout
		case 250:
			r.Outcome, r.NotStarted, r.TaskDefinition = fleet.OutcomeNotStarted, "--fail-fast after svc-017 failed", ""
		case 299:
			r.Outcome, r.Code = "rolled back", diag.ExitFailed
		}
		rs = append(rs, r)
	}
	b := summaryText(t, rs)
	if n := strings.Count(b.String(), "\n"); n > 12 {
		t.Errorf("the summary of 300 services has %d lines, want at most 12", n)
	}
	golden.Assert(t, "testdata/fleet-summary-300.text.golden", b.Bytes())
}

// A small fleet lists every member, successes included.
func TestFleetSummarySmallListsEveryone(t *testing.T) {
	rs := []fleet.Result{{Name: "api", Outcome: "succeeded"}, {Name: "web", Outcome: "rolled back", Code: diag.ExitFailed}}
	var b bytes.Buffer
	if err := Write(&b, Text, FleetSummary{Results: rs}); err != nil {
		t.Fatal(err)
	}
	want := "SERVICE  TASK DEFINITION  OUTCOME      DURATION\nweb      -                rolled back  -\napi      -                succeeded    -\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
