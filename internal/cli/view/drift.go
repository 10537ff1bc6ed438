package view

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// DriftReport is what diff prints over a fleet: one table of every member (drifted or
// not, and which fields differ), then each drifted member's diff prefixed with its
// name; as JSON one document with a record per member.
type DriftReport struct {
	Results []fleet.Result
}

// DriftMember is one member's record in the drift report.
type DriftMember struct {
	Service string `json:"service"`
	Cluster string `json:"cluster"`
	Account string `json:"account,omitempty"`
	Config  string `json:"config"`
	// Drifted is true when the live service or task definition differs from the files;
	// nil when the member could not be compared (Error says why).
	Drifted *bool `json:"drifted"`
	// Differs lists the fields whose lines differ, service definition first.
	Differs           []string `json:"differs"`
	ServiceDefinition string   `json:"serviceDefinition,omitempty"`
	TaskDefinition    string   `json:"taskDefinition,omitempty"`
	Error             string   `json:"error,omitempty"`
}

// driftDoc is the JSON document of the report.
type driftDoc struct {
	Services int           `json:"services"`
	Drifted  int           `json:"drifted"`
	Failed   int           `json:"failed"`
	Members  []DriftMember `json:"members"`
}

// Members returns the report's records in config order.
func (d DriftReport) Members() []DriftMember {
	out := make([]DriftMember, 0, len(d.Results))
	for _, r := range d.Results {
		m := DriftMember{Service: r.Name, Cluster: r.Cluster, Account: r.Account, Config: r.Config, Differs: []string{}}
		var diff *Diff
		for _, it := range r.Items {
			if v, ok := it.Value.(Diff); ok {
				diff = &v
			}
		}
		switch {
		case diff != nil:
			m.Drifted = &diff.Differences
			m.ServiceDefinition, m.TaskDefinition = diff.ServiceDefinition, diff.TaskDefinition
			m.Differs = append(m.Differs, changedFields("service definition", diff.ServiceDefinition)...)
			m.Differs = append(m.Differs, changedFields("task definition", diff.TaskDefinition)...)
		case r.NotStarted != "":
			m.Error = r.NotStarted
		case r.Err != nil && !errors.Is(r.Err, fleet.ErrReported):
			m.Error = r.Err.Error()
		default:
			m.Error = r.Outcome
		}
		out = append(out, m)
	}
	return out
}

func (d DriftReport) doc() driftDoc {
	doc := driftDoc{Services: len(d.Results), Members: d.Members()}
	for _, m := range doc.Members {
		switch {
		case m.Drifted == nil:
			doc.Failed++
		case *m.Drifted:
			doc.Drifted++
		}
	}
	return doc
}

// MarshalJSON is the report's one document.
func (d DriftReport) MarshalJSON() ([]byte, error) { return ui.MarshalNoEscape(d.doc()) }

// driftShownFields bounds the fields the table names per member.
const driftShownFields = 4

// WriteText writes the table, then the drifted members' diffs.
func (d DriftReport) WriteText(w io.Writer) error {
	doc := d.doc()
	var b bytes.Buffer
	fmt.Fprintf(&b, "drift: %d of %d services drifted", doc.Drifted, doc.Services)
	if doc.Failed > 0 {
		fmt.Fprintf(&b, ", %d not compared", doc.Failed)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCLUSTER\tACCOUNT\tDRIFTED\tWHAT DIFFERS")
	// Drifted and failed members first, then the rest, each in config order.
	members := slices.Clone(doc.Members)
	rank := func(m DriftMember) int {
		switch {
		case m.Drifted == nil:
			return 1
		case *m.Drifted:
			return 0
		}
		return 2
	}
	slices.SortStableFunc(members, func(a, b DriftMember) int { return rank(a) - rank(b) })
	for _, m := range members {
		state, what := "no", "-"
		switch {
		case m.Drifted == nil:
			state, what = "?", m.Error
		case *m.Drifted:
			state, what = "yes", summarizeFields(m.Differs)
			if what == "" {
				what = "(see the diff)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.Service, m.Cluster, orDash(m.Account), state, what)
	}
	_ = tw.Flush()
	var drifted []fleet.Result
	for i, r := range d.Results {
		if dm := doc.Members[i]; dm.Drifted != nil && *dm.Drifted {
			drifted = append(drifted, r)
		}
	}
	if len(drifted) > 0 {
		b.WriteString("\n")
		if err := (FleetResults{Results: drifted}).WriteText(&b); err != nil {
			return err
		}
	}
	return flush(w, b.Bytes())
}

// summarizeFields groups "what: key" fields by what, naming at most
// driftShownFields keys: "service definition: desiredCount; task definition: image, memory".
func summarizeFields(fields []string) string {
	var groups []string
	keys := map[string][]string{}
	for _, f := range fields[:min(len(fields), driftShownFields)] {
		what, key, _ := strings.Cut(f, ": ")
		if _, ok := keys[what]; !ok {
			groups = append(groups, what)
		}
		if key != "" {
			keys[what] = append(keys[what], key)
		} else {
			keys[what] = keys[what][:len(keys[what]):len(keys[what])]
		}
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = g
		if len(keys[g]) > 0 {
			parts[i] += ": " + strings.Join(keys[g], ", ")
		}
	}
	s := strings.Join(parts, "; ")
	if n := len(fields) - driftShownFields; n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

// diffKey is a changed line of a JSON diff that names a key: -  "image": "nginx:1",
var diffKey = regexp.MustCompile(`^[-+]\s*"([^"]+)"\s*:`)

// changedFields names the keys on the changed lines of a unified diff (as "what: key"),
// each once, in order. A changed array element without a key names nothing.
func changedFields(what, diff string) []string {
	var out []string
	for line := range strings.Lines(diff) {
		if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "+++") {
			continue
		}
		m := diffKey.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := what + ": " + m[1]
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 && strings.TrimSpace(diff) != "" {
		out = append(out, what)
	}
	return out
}
