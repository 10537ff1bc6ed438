package watch

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// TextObserver writes events and progress as append-only lines, never redrawn,
// so it suits CI logs and pipes:
//
//	2026-11-22T10:00:03Z  deployment ecs-svc/123 IN_PROGRESS  running 1/3 pending 2
//	2026-11-22T10:00:04Z  event  (service web) has started 1 tasks: (task 0a1b).
type TextObserver struct {
	mu sync.Mutex
	w  io.Writer
	ci bool

	last  Snapshot
	hooks map[string]seenHook // lifecycle hooks by id, as last shown

	stageDep, stage string // our deployment and the lifecycle stage it was last shown at
}

// seenHook is a lifecycle hook as the observer last showed it.
type seenHook struct {
	h     Hook
	stage string
	done  bool // its final status (or its disappearance) was printed
}

// NewTextObserver returns an Observer writing lines to w. With ci set, times are
// full UTC RFC 3339 timestamps; otherwise local wall-clock times, which read better
// in a terminal.
func NewTextObserver(w io.Writer, ci bool) *TextObserver {
	return &TextObserver{w: w, ci: ci}
}

func (o *TextObserver) stamp(t time.Time) string {
	if o.ci {
		return t.UTC().Format(time.RFC3339)
	}
	return t.Local().Format(time.TimeOnly)
}

// Event writes one event line.
func (o *TextObserver) Event(e ServiceEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintf(o.w, "%s  event  %s\n", o.stamp(e.CreatedAt), oneLine(e.Message))
}

// Last returns the last snapshot the observer received (the zero Snapshot before
// the first), for result documents: traffic split and hooks at the end of a wait.
func (o *TextObserver) Last() Snapshot {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// Progress writes one line per deployment, ours first, then the others. A lifecycle
// hook's final status gets a line of its own, once, also when ECS moved on to the
// next stage before a poll saw it (hooks.go).
func (o *TextObserver) Progress(s Snapshot) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.last = s
	ts := o.stamp(s.At)
	var b strings.Builder
	o.hookLines(&b, ts, s)
	o.stageLines(&b, ts, s)
	for _, d := range s.Deployments {
		if d.Ours {
			o.line(&b, ts, d, s)
		}
	}
	if s.DeploymentID != "" && !hasOurs(s.Deployments) {
		fmt.Fprintf(&b, "%s  deployment %s no longer listed\n", ts, s.DeploymentID)
	}
	for _, d := range s.Deployments {
		if !d.Ours {
			o.line(&b, ts, d, s)
		}
	}
	io.WriteString(o.w, b.String())
}

func (o *TextObserver) line(b *strings.Builder, ts string, d DeploymentState, s Snapshot) {
	state := d.RolloutState
	if d.Ours && s.Status != "" && (state == "" || strings.HasPrefix(s.Status, "ROLLBACK") || s.Status == "STOPPED") {
		state = s.Status
	}
	if state == "" {
		state = d.Status
	}
	fmt.Fprintf(b, "%s  deployment %s %s  running %d/%d pending %d", ts, d.ID, state, d.Running, d.Desired, d.Pending)
	if d.Failed > 0 {
		fmt.Fprintf(b, " failed %d", d.Failed)
	}
	if d.Ours {
		if s.LifecycleStage != "" {
			fmt.Fprintf(b, "  stage %s", s.LifecycleStage)
		}
		if s.ProductionTraffic != nil {
			fmt.Fprintf(b, "  traffic %g%%", *s.ProductionTraffic)
			if s.TestTraffic != nil {
				fmt.Fprintf(b, " (test %g%%)", *s.TestTraffic)
			}
		}
		if !s.BakeEnds.IsZero() {
			fmt.Fprintf(b, "  bake time until %s", o.stamp(s.BakeEnds))
		}
		for _, h := range s.Hooks {
			if finalHook(h.Status) {
				continue // printed on its own line (hookLines)
			}
			fmt.Fprintf(b, "  hook %s %s", h.ID, strings.ToLower(h.Type))
			if h.Target != "" {
				fmt.Fprintf(b, " %s", shortARN(h.Target))
			}
			fmt.Fprintf(b, " %s", h.Status)
			if h.Status == "AWAITING_ACTION" && !h.ExpiresAt.IsZero() {
				fmt.Fprintf(b, " (expires %s, then %s)", o.stamp(h.ExpiresAt), strings.ToLower(h.TimeoutAction))
			}
		}
		if s.RolloutStateReason != "" {
			fmt.Fprintf(b, "  (%s)", oneLine(s.RolloutStateReason))
		}
		if s.EarlySuccess != "" {
			fmt.Fprintf(b, "  (%s)", oneLine(s.EarlySuccess))
		}
	} else {
		fmt.Fprintf(b, "  %s %s", strings.ToLower(d.Status), shortARN(d.TaskDefinition))
	}
	b.WriteByte('\n')
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

// stageLines writes a line for every lifecycle stage our deployment went through
// between the last poll and this one, so the log shows each stage in order even when
// ECS moved through several of them between two polls (stages.go).
func (o *TextObserver) stageLines(b *strings.Builder, ts string, s Snapshot) {
	if s.LifecycleStage == "" {
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
		fmt.Fprintf(b, "%s  stage %s passed between polls%s\n", ts, st, passedEvidence(st, s))
	}
	o.stage = s.LifecycleStage
}
