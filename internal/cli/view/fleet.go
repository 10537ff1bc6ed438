package view

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// FleetResults is what a fleet prints on stdout: every member's result values in
// config order, as text lines prefixed with the member's name, or as one JSON array
// of the members' result documents.
type FleetResults struct {
	Results []fleet.Result
}

// WriteText writes each member's text results, each line prefixed "[name] ".
func (f FleetResults) WriteText(w io.Writer) error {
	var b bytes.Buffer
	for _, r := range f.Results {
		var out bytes.Buffer
		for _, it := range r.Items {
			if v, ok := it.Value.(View); ok {
				if err := v.WriteText(&out); err != nil {
					return err
				}
				continue
			}
			out.Write(it.Raw)
		}
		prefix := "[" + r.Name + "] "
		for line := range strings.Lines(out.String()) {
			b.WriteString(prefix)
			b.WriteString(strings.TrimSuffix(line, "\n"))
			b.WriteByte('\n')
		}
	}
	return flush(w, b.Bytes())
}

// WriteJSON writes one array with one element per member: its result document (an
// array when it produced several), or, when it produced none, its outcome and error.
func (f FleetResults) WriteJSON(w io.Writer) error {
	docs := make([]any, 0, len(f.Results))
	for _, r := range f.Results {
		var mine []any
		for _, it := range r.Items {
			switch v := it.Value.(type) {
			case jsonWriter:
				var b bytes.Buffer
				if err := v.WriteJSON(&b); err != nil {
					return err
				}
				mine = append(mine, json.RawMessage(bytes.TrimSpace(b.Bytes())))
			case nil:
				// Raw output (render): the documents it holds.
				dec := json.NewDecoder(bytes.NewReader(it.Raw))
				for {
					var m json.RawMessage
					if dec.Decode(&m) != nil {
						break
					}
					mine = append(mine, m)
				}
			default:
				mine = append(mine, v)
			}
		}
		switch len(mine) {
		case 0:
			docs = append(docs, fleetMemberDoc(r))
		case 1:
			docs = append(docs, mine[0])
		default:
			docs = append(docs, mine)
		}
	}
	return ui.WriteJSON(w, docs)
}

// FleetMember is the document of a member that produced no result of its own.
type FleetMember struct {
	Service  string `json:"service"`
	Cluster  string `json:"cluster"`
	Config   string `json:"config"`
	Account  string `json:"account,omitempty"`
	Outcome  string `json:"outcome"`
	ExitCode int    `json:"exitCode"`
	Error    string `json:"error,omitempty"`
}

func fleetMemberDoc(r fleet.Result) FleetMember {
	doc := FleetMember{Service: r.Name, Cluster: r.Cluster, Config: r.Config, Account: r.Account, Outcome: r.Outcome, ExitCode: r.Code}
	if r.Err != nil && !errors.Is(r.Err, fleet.ErrReported) {
		doc.Error = r.Err.Error()
	}
	if r.NotStarted != "" {
		doc.Error = r.NotStarted
	}
	return doc
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// fleetNamedFailures bounds how many failed members the failure line names.
const fleetNamedFailures = 20

// FleetFailures is the one-line account of the members that did not succeed, e.g.
// "1 of 4 services did not succeed: svc-d (rolled back)"; empty when all did.
func FleetFailures(results []fleet.Result) string {
	bad := fleet.Failed(results)
	if len(bad) == 0 {
		return ""
	}
	names := make([]string, 0, min(len(bad), fleetNamedFailures))
	for _, r := range bad[:min(len(bad), fleetNamedFailures)] {
		names = append(names, fmt.Sprintf("%s (%s)", r.Name, r.Outcome))
	}
	msg := fmt.Sprintf("%d of %d services did not succeed: %s", len(bad), len(results), strings.Join(names, ", "))
	if len(bad) > fleetNamedFailures {
		msg += fmt.Sprintf(" and %d more", len(bad)-fleetNamedFailures)
	}
	return msg
}
