package view

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/fleet"
)

// FleetSummary is what a fleet that changes services prints on stderr once every
// member has ended. A small fleet gets one row per member, grouped by outcome with
// failures first. From fleetCollapseFrom members on, only the members that did not
// succeed get rows (failures first, grouped by outcome); the successes are one count
// line per outcome, their names being in the fleet's result values (--output json)
// and in their own log lines. Both end with a count per outcome. The account column
// appears when members name accounts.
type FleetSummary struct {
	Results []fleet.Result
}

// fleetCollapseFrom is the fleet size from which successes are counted, not listed,
// and the summary ends with counts.
const fleetCollapseFrom = 10

// WriteText writes the summary.
func (s FleetSummary) WriteText(w io.Writer) error {
	accounts := false
	for _, r := range s.Results {
		accounts = accounts || r.Account != ""
	}
	large := len(s.Results) >= fleetCollapseFrom
	var rows, ok []fleet.Result
	var order []string
	count := map[string]int{}
	for _, r := range fleet.ByOutcome(s.Results) {
		if count[r.Outcome] == 0 {
			order = append(order, r.Outcome)
		}
		count[r.Outcome]++
		if large && r.Succeeded() {
			ok = append(ok, r)
			continue
		}
		rows = append(rows, r)
	}
	var b bytes.Buffer
	if len(rows) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		if accounts {
			fmt.Fprintln(tw, "SERVICE\tACCOUNT\tTASK DEFINITION\tOUTCOME\tDURATION")
		} else {
			fmt.Fprintln(tw, "SERVICE\tTASK DEFINITION\tOUTCOME\tDURATION")
		}
		for _, r := range rows {
			td := "-"
			if r.TaskDefinition != "" {
				td = ecsdef.TaskDefinitionName(r.TaskDefinition)
			}
			if accounts {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, orDash(r.Account), td, r.Outcome, summaryDuration(r))
			} else {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, td, r.Outcome, summaryDuration(r))
			}
		}
		_ = tw.Flush()
	}
	if len(ok) > 0 {
		// One line per successful outcome: how many, and how long the slowest took.
		var okOrder []string
		slowest := map[string]time.Duration{}
		n := map[string]int{}
		for _, r := range ok {
			if n[r.Outcome] == 0 {
				okOrder = append(okOrder, r.Outcome)
			}
			n[r.Outcome]++
			slowest[r.Outcome] = max(slowest[r.Outcome], r.Duration())
		}
		for _, o := range okOrder {
			line := fmt.Sprintf("%d %s", n[o], o)
			if d := slowest[o]; d > 0 {
				line += fmt.Sprintf(" (slowest %s)", d.Round(time.Second))
			}
			fmt.Fprintf(&b, "%s; names: --output json\n", line)
		}
	}
	if large {
		parts := make([]string, len(order))
		for i, o := range order {
			parts[i] = fmt.Sprintf("%d %s", count[o], o)
		}
		fmt.Fprintf(&b, "%d services: %s\n", len(s.Results), strings.Join(parts, ", "))
	}
	return flush(w, b.Bytes())
}

func summaryDuration(r fleet.Result) string {
	if r.Duration() > 0 {
		return r.Duration().Round(time.Second).String()
	}
	return "-"
}
