package view

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/golden"
)

// A summary of twelve services in two accounts: failures first (rolled back, then
// timed out, then not started), the successes last, and a count per outcome.
func TestFleetSummaryGolden(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var rs []fleet.Result
	for i := range 12 {
		r := fleet.Result{Name: fmt.Sprintf("svc-%02d", i), Cluster: "prod", Account: "111122223333", Outcome: "succeeded",
			TaskDefinition: fmt.Sprintf("arn:aws:ecs:us-east-1:111122223333:task-definition/svc-%02d:7", i), Started: t0, Finished: t0.Add(64 * time.Second)}
		switch i {
		case 3:
			r.Outcome, r.Code, r.Err = "rolled back", diag.ExitFailed, diag.WithCode(fleet.ErrReported, diag.ExitFailed)
		case 5:
			r.Outcome, r.Code = "timed out", diag.ExitTimeout
		case 7:
			r.Outcome, r.NotStarted, r.TaskDefinition, r.Account = fleet.OutcomeNotStarted, "--fail-fast after svc-03 failed", "", "444455556666"
		}
		rs = append(rs, r)
	}
	b := summaryText(t, rs)
	golden.Assert(t, "testdata/fleet-summary.text.golden", b.Bytes())

	b.Reset()
	rs[0].Items = []fleet.Item{{Value: Registered{Family: "svc-00", TaskDefinitionARN: rs[0].TaskDefinition}}}
	rs[1].Items = []fleet.Item{{Raw: []byte("{\"family\": \"svc-01\"}\n")}}
	rs[2].Err, rs[2].Code, rs[2].Outcome = errors.New("describe services: AccessDenied"), diag.ExitError, "error"
	if err := Write(b, JSON, FleetResults{Results: rs[:3]}); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "testdata/fleet-results.json.golden", b.Bytes())
}

// summaryText is what a fleet verb prints of rs as text: the summary table, then
// the failures line.
func summaryText(t *testing.T, rs []fleet.Result) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, Text, FleetSummary{Results: rs}); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(&b, FleetFailures(rs))
	return &b
}
