package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// The ECS-native traffic-shifting strategies (BLUE_GREEN, LINEAR, CANARY) as a pure
// timeline: given the deployment's configuration, its start, whether its tasks crash,
// and the decisions taken so far (ContinueServiceDeployment, StopServiceDeployment),
// bgTimeline returns every stage, hook, traffic step and the end, however often it is
// evaluated. The HTTP side (bluegreen_api.go) only records decisions and renders.
//
// Behaviour follows the Developer Guide:
//   - "Amazon ECS blue/green service deployments" and "Deployment lifecycle stages":
//     the green revision scales up beside the blue one (SCALE_UP), test traffic moves
//     to it (TEST_TRAFFIC_SHIFT), then production traffic (PRODUCTION_TRAFFIC_SHIFT),
//     both revisions run for bakeTimeInMinutes (BAKE_TIME), then the blue one is
//     removed (CLEAN_UP). A rollback during the deployment sends all traffic back to
//     the blue revision, which kept running.
//   - "Amazon ECS linear deployments": production traffic moves stepPercent at a
//     time, waiting stepBakeTimeInMinutes between steps (not after 100%).
//   - "Amazon ECS canary deployments": canaryPercent first, canaryBakeTimeInMinutes,
//     then the rest.
//   - "Lifecycle hooks for Amazon ECS service deployments": hooks run at their stages;
//     an AWS_LAMBDA hook returning FAILED rolls the deployment back; a PAUSE hook
//     waits (AWAITING_ACTION) for ContinueServiceDeployment (CONTINUE or ROLLBACK)
//     until timeoutInMinutes (default 1440), then takes its timeout action (default
//     ROLLBACK). PRE_PRODUCTION_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks of
//     linear and canary deployments run at every step.
//   - "Deployment alarms": with rollback on, an alarm in ALARM during the deployment
//     (bake time included) rolls it back.
//
// Scripted rules: a Lambda hook whose function ARN contains "fail" returns FAILED; an
// alarm whose name contains "fail" goes into ALARM shortly after production traffic
// has moved; a `crashloop` image never becomes healthy and trips the circuit breaker.

// bgHook is one configured lifecycle hook.
type bgHook struct {
	pause   bool
	target  string // Lambda ARN
	stages  []string
	timeout time.Duration
	action  string // timeout action: CONTINUE or ROLLBACK
}

// bgConfig is what a traffic-shifting deployment was started with.
type bgConfig struct {
	strategy      string
	bake          time.Duration
	stepPct       float64 // LINEAR
	stepBake      time.Duration
	canaryPct     float64 // CANARY
	canaryBake    time.Duration
	hooks         []bgHook
	alarms        []string
	alarmRollback bool
	breaker       bool
}

// bgDecision is ContinueServiceDeployment (hookID set) or StopServiceDeployment
// ROLLBACK (hookID empty) at an instant.
type bgDecision struct {
	at       time.Time
	hookID   string
	rollback bool
}

// bgStage is one lifecycle stage span.
type bgStage struct {
	name       string
	start, end time.Time
}

// bgHookRun is one run of a hook.
type bgHookRun struct {
	id         string
	stage      string
	pause      bool
	target     string
	start, end time.Time
	expires    time.Time // PAUSE: start + timeout
	action     string    // PAUSE: timeout action
	result     string    // SUCCEEDED, FAILED or TIMED_OUT at end ("" if the deployment ended first)
}

// bgShift is production traffic on the green revision from at on.
type bgShift struct {
	at  time.Time
	pct float64
}

// bgTimeline is a traffic-shifting deployment from start to end.
type bgTimeline struct {
	stages    []bgStage
	hooks     []bgHookRun
	test      time.Time // test traffic moved to green
	shifts    []bgShift
	scaleUp   bgStage // green tasks start and become healthy
	alarmAt   time.Time
	alarmName string
	end       time.Time
	success   bool
	reason    string // why it rolled back
	manual    bool   // rolled back on request
}

// status returns the hook's status at now: IN_PROGRESS or AWAITING_ACTION while it
// runs, then its result.
func (h bgHookRun) status(now time.Time) string {
	switch {
	case now.Before(h.start):
		return ""
	case now.Before(h.end):
		if h.pause {
			return "AWAITING_ACTION"
		}
		return "IN_PROGRESS"
	case h.result == "":
		if h.pause {
			return "AWAITING_ACTION"
		}
		return "IN_PROGRESS"
	}
	return h.result
}

// stageAt returns the lifecycle stage at now.
func (tl *bgTimeline) stageAt(now time.Time) string {
	st := ""
	for _, s := range tl.stages {
		if !now.Before(s.start) {
			st = s.name
		}
	}
	return st
}

// trafficAt returns production traffic on green at now (0 after a rollback).
func (tl *bgTimeline) trafficAt(now time.Time) float64 {
	if !tl.success && after(now, tl.end) {
		return 0
	}
	pct := 0.0
	for _, s := range tl.shifts {
		if !now.Before(s.at) {
			pct = s.pct
		}
	}
	return pct
}

// updatedAt returns the last change of the timeline at or before now: a stage
// starting, a hook starting or ending, a traffic step, the end.
func (tl *bgTimeline) updatedAt(now time.Time) time.Time {
	var u time.Time
	see := func(t time.Time) {
		if !t.IsZero() && !t.After(now) && t.After(u) {
			u = t
		}
	}
	for _, s := range tl.stages {
		see(s.start)
	}
	for _, h := range tl.hooks {
		see(h.start)
		see(h.end)
	}
	for _, s := range tl.shifts {
		see(s.at)
	}
	see(tl.test)
	see(tl.end)
	return u
}

// bgTimelineOf lays the deployment out. unit is the sandbox's deployment duration:
// stages without hooks take unit/10, scaling up takes 0.8 unit, a Lambda hook unit/5.
func bgTimelineOf(cfg bgConfig, start time.Time, unit time.Duration, crash bool, decisions []bgDecision) *bgTimeline {
	tl := &bgTimeline{}
	t := start.Add(unit / 10) // PENDING until then (sdapi.go)
	step := unit / 10
	// stop is the first StopServiceDeployment ROLLBACK after from, if any.
	stopAfter := func(from time.Time) (time.Time, bool) {
		for _, d := range decisions {
			if d.hookID == "" && d.rollback && !d.at.Before(from) {
				return d.at, true
			}
		}
		return time.Time{}, false
	}
	ended := false
	rollback := func(at time.Time, reason string, manual bool) {
		if ended {
			return
		}
		tl.end, tl.reason, tl.manual, ended = at, reason, manual, true
	}
	// checkStop ends the deployment if a stop request came before until.
	checkStop := func(from, until time.Time) bool {
		if at, ok := stopAfter(from); ok && at.Before(until) {
			rollback(at, "Service deployment rolled back because of a StopServiceDeployment request.", true)
			return true
		}
		return false
	}
	// runHooks runs the hooks of stage one after another from t; it reports false
	// when the deployment ended in them.
	runHooks := func(stage string, occurrence int) bool {
		for i, h := range cfg.hooks {
			if !contains(h.stages, stage) {
				continue
			}
			r := bgHookRun{id: fmt.Sprintf("hook-%d-%s-%d", i, strings.ToLower(stage), occurrence), stage: stage, pause: h.pause, target: h.target, start: t}
			if h.pause {
				r.expires, r.action = t.Add(h.timeout), h.action
				r.end, r.result = r.expires, "TIMED_OUT"
				timeoutRollback := h.action == "ROLLBACK"
				decided := false
				for _, d := range decisions {
					if d.hookID == r.id && !d.at.Before(t) && d.at.Before(r.expires) {
						r.end, decided = d.at, true
						if d.rollback {
							r.result = "FAILED"
							timeoutRollback = true
						} else {
							r.result = "SUCCEEDED"
							timeoutRollback = false
						}
						break
					}
				}
				if checkStop(t, r.end) {
					r.result = ""
					r.end = tl.end
					tl.hooks = append(tl.hooks, r)
					return false
				}
				tl.hooks = append(tl.hooks, r)
				if timeoutRollback {
					why := fmt.Sprintf("Service deployment rolled back because lifecycle hook %s timed out at %s.", r.id, stage)
					if decided {
						why = fmt.Sprintf("Service deployment rolled back by ContinueServiceDeployment ROLLBACK on lifecycle hook %s at %s.", r.id, stage)
					}
					rollback(r.end, why, decided)
					return false
				}
				t = r.end
				continue
			}
			r.end, r.result = t.Add(unit/5), "SUCCEEDED"
			if strings.Contains(strings.ToLower(h.target), "fail") {
				r.result = "FAILED"
			}
			if checkStop(t, r.end) {
				r.result, r.end = "", tl.end
				tl.hooks = append(tl.hooks, r)
				return false
			}
			tl.hooks = append(tl.hooks, r)
			t = r.end
			if r.result == "FAILED" {
				rollback(t, fmt.Sprintf("Service deployment rolled back because lifecycle hook %s (%s) returned FAILED at %s.", r.id, h.target, stage), false)
				return false
			}
		}
		return true
	}
	stage := func(name string, d time.Duration, hookStage string, occurrence int) bool {
		s := bgStage{name: name, start: t}
		tl.stages = append(tl.stages, s)
		if hookStage != "" && !runHooks(hookStage, occurrence) {
			tl.stages[len(tl.stages)-1].end = tl.end
			return false
		}
		if checkStop(t, t.Add(d)) {
			tl.stages[len(tl.stages)-1].end = tl.end
			return false
		}
		t = t.Add(d)
		tl.stages[len(tl.stages)-1].end = t
		return true
	}
	body := func() {
		if !stage("RECONCILE_SERVICE", step, "RECONCILE_SERVICE", 0) ||
			!stage("PRE_SCALE_UP", step, "PRE_SCALE_UP", 0) {
			return
		}
		tl.scaleUp = bgStage{name: "SCALE_UP", start: t, end: t.Add(unit * 8 / 10)}
		if crash {
			// Green tasks never become healthy: the circuit breaker trips after three
			// failed waves (sim.go's planCrash uses the same pace).
			trip := t.Add(unit * 12 / 10)
			tl.stages = append(tl.stages, bgStage{name: "SCALE_UP", start: t, end: trip})
			if !checkStop(t, trip) {
				rollback(trip, "Service deployment rolled back because the circuit breaker threshold was exceeded.", false)
			}
			return
		}
		if !stage("SCALE_UP", unit*8/10, "", 0) ||
			!stage("POST_SCALE_UP", step, "POST_SCALE_UP", 0) {
			return
		}
		tl.test = t
		if !stage("TEST_TRAFFIC_SHIFT", step, "TEST_TRAFFIC_SHIFT", 0) ||
			!stage("POST_TEST_TRAFFIC_SHIFT", step, "POST_TEST_TRAFFIC_SHIFT", 0) {
			return
		}
		// Production traffic: one or more steps, each preceded by the
		// PRE_PRODUCTION_TRAFFIC_SHIFT hooks and followed by the PRODUCTION_TRAFFIC_SHIFT ones.
		var steps []float64
		var wait time.Duration
		switch cfg.strategy {
		case "LINEAR":
			for p := cfg.stepPct; ; p += cfg.stepPct {
				if p >= 100-1e-9 {
					steps = append(steps, 100)
					break
				}
				steps = append(steps, p)
			}
			wait = cfg.stepBake
		case "CANARY":
			steps = []float64{cfg.canaryPct}
			if cfg.canaryPct < 100 {
				steps = append(steps, 100)
			}
			wait = cfg.canaryBake
		default:
			steps = []float64{100}
		}
		tl.stages = append(tl.stages, bgStage{name: "PRODUCTION_TRAFFIC_SHIFT", start: t})
		for i, pct := range steps {
			if !runHooks("PRE_PRODUCTION_TRAFFIC_SHIFT", i) {
				tl.stages[len(tl.stages)-1].end = tl.end
				return
			}
			tl.shifts = append(tl.shifts, bgShift{at: t, pct: pct})
			if !runHooks("PRODUCTION_TRAFFIC_SHIFT", i) {
				tl.stages[len(tl.stages)-1].end = tl.end
				return
			}
			d := step
			if pct < 100 {
				d = max(wait, step)
			}
			if checkStop(t, t.Add(d)) {
				return
			}
			t = t.Add(d)
		}
		tl.stages[len(tl.stages)-1].end = t
		if !stage("POST_PRODUCTION_TRAFFIC_SHIFT", step, "POST_PRODUCTION_TRAFFIC_SHIFT", 0) {
			return
		}
		bakeStart := t
		if cfg.alarmRollback {
			for _, n := range cfg.alarms {
				if strings.Contains(strings.ToLower(n), "fail") {
					tl.alarmAt, tl.alarmName = bakeStart.Add(step), n
					break
				}
			}
		}
		bake := max(cfg.bake, step)
		if !tl.alarmAt.IsZero() && tl.alarmAt.Before(bakeStart.Add(bake)) {
			tl.stages = append(tl.stages, bgStage{name: "BAKE_TIME", start: t, end: tl.alarmAt})
			if !checkStop(t, tl.alarmAt) {
				rollback(tl.alarmAt, "Service deployment rolled back because alarm "+tl.alarmName+" is in ALARM.", false)
			}
			return
		}
		if !stage("BAKE_TIME", bake, "", 0) {
			return
		}
		tl.stages = append(tl.stages, bgStage{name: "CLEAN_UP", start: t, end: t.Add(step)})
		t = t.Add(step)
		tl.end, tl.success, ended = t, true, true
	}
	body()
	return tl
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bgConfigOf reads a traffic-shifting configuration from deploymentConfiguration;
// nil for ROLLING. Defaults are the API reference's (see internal/ecsdef/bluegreen.go).
func bgConfigOf(dc obj) *bgConfig {
	strategy := str(dc, "strategy")
	if strategy != "BLUE_GREEN" && strategy != "LINEAR" && strategy != "CANARY" {
		return nil
	}
	minutes := func(o obj, k string, def int) time.Duration {
		if n, ok := num(o, k); ok {
			return time.Duration(n) * time.Minute
		}
		return time.Duration(def) * time.Minute
	}
	pct := func(o obj, k string, def float64) float64 {
		if v, ok := o[k]; ok {
			if f, err := toFloat(v); err == nil && f > 0 {
				return f
			}
		}
		return def
	}
	cfg := &bgConfig{strategy: strategy, bake: minutes(dc, "bakeTimeInMinutes", 0)}
	lc, cc := sub(dc, "linearConfiguration"), sub(dc, "canaryConfiguration")
	cfg.stepPct, cfg.stepBake = pct(lc, "stepPercent", 10), minutes(lc, "stepBakeTimeInMinutes", 6)
	cfg.canaryPct, cfg.canaryBake = pct(cc, "canaryPercent", 5), minutes(cc, "canaryBakeTimeInMinutes", 10)
	for _, v := range list(dc, "lifecycleHooks") {
		h, _ := v.(map[string]any)
		tc := sub(h, "timeoutConfiguration")
		hk := bgHook{pause: str(h, "targetType") == "PAUSE", target: str(h, "hookTargetArn"),
			timeout: minutes(tc, "timeoutInMinutes", 1440), action: str(tc, "action")}
		if hk.action == "" {
			hk.action = "ROLLBACK"
		}
		for _, s := range list(h, "lifecycleStages") {
			if st, ok := s.(string); ok {
				hk.stages = append(hk.stages, st)
			}
		}
		cfg.hooks = append(cfg.hooks, hk)
	}
	al := sub(dc, "alarms")
	if boolean(al, "enable") {
		cfg.alarmRollback = boolean(al, "rollback")
		for _, n := range list(al, "alarmNames") {
			if s, ok := n.(string); ok {
				cfg.alarms = append(cfg.alarms, s)
			}
		}
	}
	return cfg
}
