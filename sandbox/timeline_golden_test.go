package sandbox

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestBlueGreenTimelineGolden lays out traffic-shifting timelines for a matrix of
// strategies, hooks, alarms, crashes and decisions (StopServiceDeployment every
// fifth of a unit, PAUSE hooks continued or rolled back) and compares them, field by
// field, with testdata/bgtimeline.golden: the timeline is data plus small functions
// and may be restructured, never changed.
func TestBlueGreenTimelineGolden(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	unit := 10 * time.Second
	pause := func(stage, action string) bgHook {
		return bgHook{pause: true, stages: []string{stage}, timeout: time.Minute, action: action}
	}
	lambda := func(target string, stages ...string) bgHook { return bgHook{target: target, stages: stages} }
	configs := map[string]bgConfig{
		"bluegreen":        {strategy: "BLUE_GREEN", bake: 2 * time.Minute},
		"bluegreen-nobake": {strategy: "BLUE_GREEN"},
		"linear":           {strategy: "LINEAR", stepPct: 30, stepBake: time.Minute},
		"linear-nowait":    {strategy: "LINEAR", stepPct: 50},
		"canary":           {strategy: "CANARY", canaryPct: 10, canaryBake: 3 * time.Minute},
		"canary-100":       {strategy: "CANARY", canaryPct: 100},
		"hooks": {strategy: "LINEAR", stepPct: 50, stepBake: 30 * time.Second, hooks: []bgHook{
			lambda("arn:ok", "RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT"),
			lambda("arn:ok2", "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT"),
			pause("PRODUCTION_TRAFFIC_SHIFT", "CONTINUE"),
		}},
		"failing-lambda":   {strategy: "CANARY", canaryPct: 20, hooks: []bgHook{lambda("arn:x-fail", "PRODUCTION_TRAFFIC_SHIFT")}},
		"pause-rollback":   {strategy: "BLUE_GREEN", hooks: []bgHook{pause("POST_TEST_TRAFFIC_SHIFT", "ROLLBACK"), pause("PRE_SCALE_UP", "CONTINUE")}},
		"alarm":            {strategy: "BLUE_GREEN", bake: 5 * time.Minute, alarms: []string{"ok", "web-fail"}, alarmRollback: true},
		"alarm-norollback": {strategy: "BLUE_GREEN", bake: 5 * time.Minute, alarms: []string{"web-fail"}},
		"alarm-shortbake":  {strategy: "BLUE_GREEN", alarms: []string{"web-fail"}, alarmRollback: true},
	}
	var out strings.Builder
	dump := func(name string, tl *bgTimeline) {
		rel := func(x time.Time) string {
			if x.IsZero() {
				return "-"
			}
			return x.Sub(t0).String()
		}
		fmt.Fprintf(&out, "## %s\nend %s success %v manual %v reason %q test %s alarm %s %q scaleUp %s..%s\n", name, rel(tl.end), tl.success, tl.manual, tl.reason,
			rel(tl.test), rel(tl.alarmAt), tl.alarmName, rel(tl.scaleUp.start), rel(tl.scaleUp.end))
		for _, s := range tl.stages {
			fmt.Fprintf(&out, "  stage %s %s..%s\n", s.name, rel(s.start), rel(s.end))
		}
		for _, h := range tl.hooks {
			fmt.Fprintf(&out, "  hook %s %s pause=%v %s %s..%s expires %s action %s result %s\n", h.id, h.stage, h.pause, h.target, rel(h.start), rel(h.end), rel(h.expires), h.action, h.result)
		}
		for _, s := range tl.shifts {
			fmt.Fprintf(&out, "  shift %s %v\n", rel(s.at), s.pct)
		}
	}
	names := []string{"bluegreen", "bluegreen-nobake", "linear", "linear-nowait", "canary", "canary-100", "hooks", "failing-lambda", "pause-rollback", "alarm", "alarm-norollback", "alarm-shortbake"}
	for _, name := range names {
		cfg := configs[name]
		for _, crash := range []bool{false, true} {
			base := bgTimelineOf(cfg, t0, unit, crash, nil)
			label := fmt.Sprintf("%s crash=%v", name, crash)
			dump(label, base)
			// StopServiceDeployment ROLLBACK at every fifth of a unit until the end.
			for at := t0; !at.After(base.end.Add(unit / 10)); at = at.Add(unit / 5) {
				dump(label+" stop@"+at.Sub(t0).String(), bgTimelineOf(cfg, t0, unit, crash, []bgDecision{{at: at, rollback: true}}))
			}
			// Every PAUSE hook answered a little after it started, both ways.
			for _, h := range base.hooks {
				if !h.pause {
					continue
				}
				for _, rb := range []bool{false, true} {
					d := []bgDecision{{at: h.start.Add(time.Second), hookID: h.id, rollback: rb}}
					dump(fmt.Sprintf("%s %s rollback=%v", label, h.id, rb), bgTimelineOf(cfg, t0, unit, crash, d))
				}
			}
		}
	}
	checkGolden(t, "bgtimeline", "timelines", out.String())
}
