package watch

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// TextObserver shows events and progress on stderr's console (ui.Console), in its
// one format and on its one clock (each line is stamped when it is printed; ECS's own
// times are fields, see ui.Console):
//
//	2026-11-22T10:00:03Z  deployment ecs-svc/123 IN_PROGRESS  running 1/3 pending 2
//	2026-11-22T10:00:04Z  event  (service web) has started 1 tasks: (task 0a1b).
//
// On a live console each deployment is a row redrawn in place ("web  deployment …
// 12s") until ours ends; under --log-format json every line is a record with the
// service, deployment, state and counts as fields. The observer formats nothing
// itself beyond the line's words: the console owns the bytes.
type TextObserver struct {
	mu sync.Mutex
	c  *ui.Console

	last  Snapshot
	hooks map[string]seenHook // lifecycle hooks by id, as last shown
	rows  map[string]bool     // live rows this observer shows

	stageDep, stage string // our deployment and the lifecycle stage it was last shown at
}

// seenHook is a lifecycle hook as the observer last showed it.
type seenHook struct {
	h     Hook
	stage string
	done  bool // its final status (or its disappearance) was printed
}

// NewTextObserver returns an Observer showing what it sees on w: w's own console
// when w is a ui.Console, else plain lines (with UTC stamps when ci is set).
func NewTextObserver(w io.Writer, ci bool) *TextObserver {
	return &TextObserver{c: ui.ConsoleFor(w, ci)}
}

// Event shows one event line.
func (o *TextObserver) Event(e ServiceEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	msg := oneLine(e.Message)
	o.c.Print(ui.Entry{Msg: "event", Text: "event  " + msg, Attrs: []slog.Attr{
		slog.String("service", o.last.Service), slog.String("event", msg),
		slog.Time("eventTime", e.CreatedAt), slog.String("eventId", e.ID)}})
}

// heldRow is the row key of the "waiting for the fleet" line.
const heldRow = "\x00held"

// Held shows that the change is applied and the first poll waits for the rest of
// the fleet (FirstPollHolder): a row on a live console (replaced by the deployment's
// row at the first poll), else a line.
func (o *TextObserver) Held(cluster, service string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := ui.Entry{Msg: "applied, waiting for the fleet", Text: "applied, waiting for the fleet's other services before polling",
		Attrs: []slog.Attr{slog.String("service", service), slog.String("cluster", cluster)}}
	if !o.c.Live() {
		o.c.Print(e)
		return
	}
	e.Text = service + "  " + e.Text
	if o.rows == nil {
		o.rows = map[string]bool{}
	}
	o.c.SetRow(heldRow, e)
	o.rows[heldRow] = true
}

// Last returns the last snapshot the observer received (the zero Snapshot before
// the first), for result documents: traffic split and hooks at the end of a wait.
func (o *TextObserver) Last() Snapshot {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// Progress shows one line per deployment, ours first, then the others (one row each
// on a live console). A lifecycle hook's final status gets a line of its own, once,
// also when ECS moved on to the next stage before a poll saw it (hooks.go).
func (o *TextObserver) Progress(s Snapshot) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.last = s
	if o.rows == nil {
		o.rows = map[string]bool{}
	}
	o.hookLines(s)
	o.stageLines(s)
	live := map[string]bool{}
	ended := false
	for _, d := range s.Deployments {
		if d.Ours {
			ended = o.show(d, s, live) || ended
		}
	}
	if s.DeploymentID != "" && !hasOurs(s.Deployments) {
		o.c.Print(ui.Entry{Msg: "deployment no longer listed", Text: "deployment " + s.DeploymentID + " no longer listed",
			Attrs: []slog.Attr{slog.String("service", s.Service), slog.String("deployment", s.DeploymentID)}})
		ended = true
	}
	for _, d := range s.Deployments {
		if !d.Ours {
			o.show(d, s, live)
		}
	}
	for key := range o.rows {
		if ended || !live[key] {
			o.c.DropRow(key)
			delete(o.rows, key)
		}
	}
}

// show shows deployment d (a row on a live console) and reports whether it is ours
// and has ended.
func (o *TextObserver) show(d DeploymentState, s Snapshot, live map[string]bool) bool {
	state := d.RolloutState
	if d.Ours && s.Status != "" && (state == "" || strings.HasPrefix(s.Status, "ROLLBACK") || s.Status == "STOPPED") {
		state = s.Status
	}
	if state == "" {
		state = d.Status
	}
	e := ui.Entry{Msg: "deployment", Text: o.line(d, state, s), Attrs: []slog.Attr{
		slog.String("service", s.Service), slog.String("cluster", s.Cluster),
		slog.String("deployment", d.ID), slog.Bool("ours", d.Ours), slog.String("state", state),
		slog.Int("runningCount", int(d.Running)), slog.Int("desiredCount", int(d.Desired)),
		slog.Int("pendingCount", int(d.Pending)), slog.Int("failedCount", int(d.Failed)),
	}}
	if d.TaskDefinition != "" {
		e.Attrs = append(e.Attrs, slog.String("taskDefinition", shortARN(d.TaskDefinition)))
	}
	if d.Ours {
		if s.LifecycleStage != "" {
			e.Attrs = append(e.Attrs, slog.String("lifecycleStage", s.LifecycleStage))
		}
		if s.ProductionTraffic != nil {
			e.Attrs = append(e.Attrs, slog.Float64("productionTraffic", *s.ProductionTraffic))
		}
		if s.TestTraffic != nil {
			e.Attrs = append(e.Attrs, slog.Float64("testTraffic", *s.TestTraffic))
		}
		if s.RolloutStateReason != "" {
			e.Attrs = append(e.Attrs, slog.String("reason", oneLine(s.RolloutStateReason)))
		}
	}
	key := s.Cluster + "/" + s.Service + "/" + d.ID
	if !o.c.Live() {
		o.c.Print(e)
		return d.Ours && finalState(state)
	}
	e.Text = s.Service + "  " + e.Text
	if d.Ours && finalState(state) {
		o.c.EndRow(key, e)
		delete(o.rows, key)
		return true
	}
	o.c.SetRow(key, e)
	o.rows[key] = true
	live[key] = true
	return false
}

// finalState reports whether a deployment state (rolloutState or ServiceDeployment
// status) is one ECS does not leave.
func finalState(s string) bool {
	switch s {
	case "COMPLETED", "FAILED", "SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED":
		return true
	}
	return false
}

// line is deployment d's words, after the stamp.
func (o *TextObserver) line(d DeploymentState, state string, s Snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "deployment %s %s  running %d/%d pending %d", d.ID, state, d.Running, d.Desired, d.Pending)
	if d.Failed > 0 {
		fmt.Fprintf(&b, " failed %d", d.Failed)
	}
	if d.Ours {
		if s.LifecycleStage != "" {
			fmt.Fprintf(&b, "  stage %s", s.LifecycleStage)
		}
		if s.ProductionTraffic != nil {
			fmt.Fprintf(&b, "  traffic %g%%", *s.ProductionTraffic)
			if s.TestTraffic != nil {
				fmt.Fprintf(&b, " (test %g%%)", *s.TestTraffic)
			}
		}
		if !s.BakeEnds.IsZero() {
			fmt.Fprintf(&b, "  bake time until %s", o.c.Stamp(s.BakeEnds))
		}
		for _, h := range s.Hooks {
			if finalHook(h.Status) {
				continue // printed on its own line (hookLines)
			}
			fmt.Fprintf(&b, "  hook %s %s", h.ID, strings.ToLower(h.Type))
			if h.Target != "" {
				fmt.Fprintf(&b, " %s", shortARN(h.Target))
			}
			fmt.Fprintf(&b, " %s", h.Status)
			if h.Status == "AWAITING_ACTION" && !h.ExpiresAt.IsZero() {
				fmt.Fprintf(&b, " (expires %s, then %s)", o.c.Stamp(h.ExpiresAt), strings.ToLower(h.TimeoutAction))
			}
		}
		if s.RolloutStateReason != "" {
			fmt.Fprintf(&b, "  (%s)", oneLine(s.RolloutStateReason))
		}
		if s.EarlySuccess != "" {
			fmt.Fprintf(&b, "  (%s)", oneLine(s.EarlySuccess))
		}
	} else {
		fmt.Fprintf(&b, "  %s %s", strings.ToLower(d.Status), shortARN(d.TaskDefinition))
	}
	return b.String()
}

func hasOurs(ds []DeploymentState) bool {
	for _, d := range ds {
		if d.Ours {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// stageLines prints a line for every lifecycle stage our deployment went through
// between the last poll and this one, so the log shows each stage in order even when
// ECS moved through several of them between two polls (stages.go).
func (o *TextObserver) stageLines(s Snapshot) {
	if s.LifecycleStage == "" {
		return
	}
	if !trafficShifting(s.Strategy) || strings.HasPrefix(s.Status, "ROLLBACK") || strings.HasPrefix(s.RolloutState, "ROLLBACK") {
		// A rolling deployment has no traffic-shifting stages, and one rolling back
		// does not pass the stages between where it was and where it ends.
		o.stage = s.LifecycleStage
		return
	}
	if s.DeploymentID != o.stageDep {
		o.stageDep, o.stage = s.DeploymentID, ""
	}
	if o.stage == s.LifecycleStage {
		return
	}
	if o.stage == "" && !s.FromStart {
		// The first stage seen by a resumed wait: what came before is not known to
		// have happened while we watched.
		o.stage = s.LifecycleStage
		return
	}
	for _, st := range PassedStages(o.stage, s.LifecycleStage) {
		o.c.Print(ui.Entry{Msg: "stage passed between polls",
			Text: fmt.Sprintf("stage %s passed between polls%s", st, passedEvidence(st, s)),
			Attrs: []slog.Attr{slog.String("service", s.Service), slog.String("deployment", s.DeploymentID),
				slog.String("lifecycleStage", st)}})
	}
	o.stage = s.LifecycleStage
}

// trafficShifting reports whether strategy has traffic-shifting lifecycle stages
// (BLUE_GREEN, LINEAR, CANARY); an unknown strategy is taken to have them.
func trafficShifting(strategy string) bool {
	return strategy == "" || (strategy != string(types.DeploymentStrategyRolling))
}
