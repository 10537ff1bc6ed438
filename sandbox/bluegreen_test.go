package sandbox

import (
	"strings"
	"testing"
	"time"
)

func TestBlueGreenTimeline(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	unit := 10 * time.Second
	pause := bgHook{pause: true, stages: []string{"POST_TEST_TRAFFIC_SHIFT"}, timeout: time.Hour, action: "ROLLBACK"}
	tests := []struct {
		name      string
		cfg       bgConfig
		crash     bool
		decisions func(tl *bgTimeline) []bgDecision
		success   bool
		reason    string
		shifts    []float64
		stages    string
	}{
		{name: "blue/green with bake time", cfg: bgConfig{strategy: "BLUE_GREEN", bake: 10 * time.Minute}, success: true, shifts: []float64{100},
			stages: "RECONCILE_SERVICE PRE_SCALE_UP SCALE_UP POST_SCALE_UP TEST_TRAFFIC_SHIFT POST_TEST_TRAFFIC_SHIFT PRODUCTION_TRAFFIC_SHIFT POST_PRODUCTION_TRAFFIC_SHIFT BAKE_TIME CLEAN_UP"},
		{name: "linear steps", cfg: bgConfig{strategy: "LINEAR", stepPct: 25, stepBake: time.Minute}, success: true, shifts: []float64{25, 50, 75, 100}},
		{name: "canary", cfg: bgConfig{strategy: "CANARY", canaryPct: 10, canaryBake: 5 * time.Minute}, success: true, shifts: []float64{10, 100}},
		{name: "crashloop trips the circuit breaker", cfg: bgConfig{strategy: "BLUE_GREEN"}, crash: true, reason: "circuit breaker"},
		{name: "failing lambda hook", cfg: bgConfig{strategy: "BLUE_GREEN", hooks: []bgHook{{target: "arn:aws:lambda:us-east-1:1:function:check-fail", stages: []string{"POST_TEST_TRAFFIC_SHIFT"}}}},
			reason: "returned FAILED at POST_TEST_TRAFFIC_SHIFT"},
		{name: "alarm in ALARM during bake", cfg: bgConfig{strategy: "BLUE_GREEN", bake: 10 * time.Minute, alarms: []string{"web-5xx-fail"}, alarmRollback: true},
			reason: "alarm web-5xx-fail is in ALARM", shifts: []float64{100}},
		{name: "pause times out and rolls back", cfg: bgConfig{strategy: "BLUE_GREEN", hooks: []bgHook{pause}}, reason: "timed out"},
		{name: "pause continued", cfg: bgConfig{strategy: "BLUE_GREEN", hooks: []bgHook{pause}}, success: true, shifts: []float64{100},
			decisions: func(tl *bgTimeline) []bgDecision {
				return []bgDecision{{at: tl.hooks[0].start.Add(time.Minute), hookID: tl.hooks[0].id}}
			}},
		{name: "pause answered with rollback", cfg: bgConfig{strategy: "BLUE_GREEN", hooks: []bgHook{pause}}, reason: "ContinueServiceDeployment ROLLBACK",
			decisions: func(tl *bgTimeline) []bgDecision {
				return []bgDecision{{at: tl.hooks[0].start.Add(time.Minute), hookID: tl.hooks[0].id, rollback: true}}
			}},
		{name: "pause with CONTINUE timeout action", cfg: bgConfig{strategy: "BLUE_GREEN", hooks: []bgHook{{pause: true, stages: []string{"POST_SCALE_UP"}, timeout: time.Minute, action: "CONTINUE"}}},
			success: true, shifts: []float64{100}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := bgTimelineOf(tc.cfg, t0, unit, tc.crash, nil)
			if tc.decisions != nil {
				tl = bgTimelineOf(tc.cfg, t0, unit, tc.crash, tc.decisions(tl))
			}
			if tl.success != tc.success || !strings.Contains(tl.reason, tc.reason) {
				t.Fatalf("success %v reason %q, want %v %q", tl.success, tl.reason, tc.success, tc.reason)
			}
			var shifts []float64
			for _, s := range tl.shifts {
				shifts = append(shifts, s.pct)
			}
			if len(shifts) != len(tc.shifts) {
				t.Errorf("shifts %v, want %v", shifts, tc.shifts)
			}
			for i := range min(len(shifts), len(tc.shifts)) {
				if shifts[i] != tc.shifts[i] {
					t.Errorf("shifts %v, want %v", shifts, tc.shifts)
				}
			}
			if tc.stages != "" {
				var names []string
				for _, s := range tl.stages {
					names = append(names, s.name)
				}
				if got := strings.Join(names, " "); got != tc.stages {
					t.Errorf("stages %s\nwant   %s", got, tc.stages)
				}
			}
			// Pure: the same inputs give the same timeline.
			again := bgTimelineOf(tc.cfg, t0, unit, tc.crash, nil)
			if tc.decisions == nil && (again.end != tl.end || again.success != tl.success) {
				t.Errorf("timeline not deterministic")
			}
		})
	}
}

// updatedAt follows the timeline: the start of the current stage while nothing else
// moved in it.
func TestBlueGreenUpdatedAt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := bgTimelineOf(bgConfig{strategy: "BLUE_GREEN", bake: 10 * time.Minute}, t0, 10*time.Second, false, nil)
	for _, s := range tl.stages {
		mid := s.start.Add(s.end.Sub(s.start) / 2)
		if got := tl.updatedAt(mid); !got.Equal(s.start) {
			t.Errorf("%s: updatedAt %s, want the stage's start %s", s.name, got.Sub(t0), s.start.Sub(t0))
		}
	}
}
