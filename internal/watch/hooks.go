package watch

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// finalHook reports whether a lifecycle hook status is final
// (DeploymentLifecycleHookStatus in the ECS API reference).
func finalHook(status string) bool {
	return status == "SUCCEEDED" || status == "FAILED" || status == "TIMED_OUT"
}

// hookLines writes, once per hook, the final status of the lifecycle hooks of s, and
// for a hook that was running and is no longer reported after the deployment moved
// to another stage, that it ended there: a stage change must not swallow the result
// of the hooks that allowed it.
func (o *TextObserver) hookLines(s Snapshot) {
	show := func(h Hook, text string) {
		o.c.Print(ui.Entry{Msg: "hook", Text: text, Attrs: []slog.Attr{
			slog.String("service", s.Service), slog.String("deployment", s.DeploymentID),
			slog.String("hook", h.ID), slog.String("type", h.Type), slog.String("status", h.Status)}})
	}
	if o.hooks == nil {
		o.hooks = map[string]seenHook{}
	}
	present := map[string]bool{}
	for _, h := range s.Hooks {
		present[h.ID] = true
		seen, ok := o.hooks[h.ID]
		if ok && seen.done {
			continue
		}
		if finalHook(h.Status) {
			text := fmt.Sprintf("hook %s %s%s %s", h.ID, strings.ToLower(h.Type), hookTarget(h), h.Status)
			if ok && seen.stage != "" {
				text += " at " + seen.stage // a hook first seen final may belong to an earlier stage
			}
			show(h, text)
			o.hooks[h.ID] = seenHook{h: h, stage: seen.stage, done: true}
			continue
		}
		stage := s.LifecycleStage
		if ok && seen.stage != "" {
			stage = seen.stage
		}
		o.hooks[h.ID] = seenHook{h: h, stage: stage}
	}
	ids := make([]string, 0, len(o.hooks))
	for id := range o.hooks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		seen := o.hooks[id]
		if seen.done || present[id] || seen.stage == s.LifecycleStage {
			continue
		}
		show(seen.h, fmt.Sprintf("hook %s %s%s ended at %s (last seen %s; the deployment is now at %s)",
			id, strings.ToLower(seen.h.Type), hookTarget(seen.h), seen.stage, seen.h.Status, orUnknown(s.LifecycleStage)))
		seen.done = true
		o.hooks[id] = seen
	}
}

func hookTarget(h Hook) string {
	if h.Target == "" {
		return ""
	}
	return " " + shortARN(h.Target)
}

func orUnknown(s string) string {
	if s == "" {
		return "an unreported stage"
	}
	return s
}
