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
// evaluated. The HTTP side (ecs_bluegreen_api.go) only records decisions and renders.
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

// bgPhase is one row of the traffic-shifting timeline: a lifecycle stage, how long
// it lasts in tenths of the sandbox's deployment unit (hook time comes on top),
// whether the hooks of that stage run at its start, and, for the stages that do more
// than wait, the function that lays them out.
type bgPhase struct {
	stage       string
	tenths      int
	hooks       bool
	testTraffic bool                               // test traffic moves to green when it starts
	run         func(b *bgBuilder, p bgPhase) bool // nil: (*bgBuilder).wait
}

// bgPhases is the deployment lifecycle of the Developer Guide ("Deployment lifecycle
// stages"), in order; PENDING is the first tenth of the unit (ecs_service_deployments.go).
var bgPhases = []bgPhase{
	{stage: "RECONCILE_SERVICE", tenths: 1, hooks: true},
	{stage: "PRE_SCALE_UP", tenths: 1, hooks: true},
	{stage: "SCALE_UP", tenths: 8, run: (*bgBuilder).scaleUp},
	{stage: "POST_SCALE_UP", tenths: 1, hooks: true},
	{stage: "TEST_TRAFFIC_SHIFT", tenths: 1, hooks: true, testTraffic: true},
	{stage: "POST_TEST_TRAFFIC_SHIFT", tenths: 1, hooks: true},
	{stage: "PRODUCTION_TRAFFIC_SHIFT", tenths: 1, run: (*bgBuilder).production},
	{stage: "POST_PRODUCTION_TRAFFIC_SHIFT", tenths: 1, hooks: true},
	{stage: "BAKE_TIME", tenths: 1, run: (*bgBuilder).bake},
	{stage: "CLEAN_UP", tenths: 1, run: (*bgBuilder).cleanUp},
}

// Scripted paces, in tenths of the unit: a Lambda hook's run, and how long green tasks
// of a crashing revision take to trip the circuit breaker (three failed waves, the
// pace of ecs_rollout.go's planCrash).
const (
	bgLambdaTenths = 2
	bgCrashTenths  = 12
)

// Rollback reasons.
const (
	bgStopReason    = "Service deployment rolled back because of a StopServiceDeployment request."
	bgBreakerReason = "Service deployment rolled back because the circuit breaker threshold was exceeded."
)

// bgTrafficSteps returns the production traffic steps of a strategy and the wait
// after each step below 100%: LINEAR moves stepPct at a time, CANARY canaryPct then
// the rest, BLUE_GREEN everything at once.
func bgTrafficSteps(cfg bgConfig) ([]float64, time.Duration) {
	switch cfg.strategy {
	case "LINEAR":
		var steps []float64
		for p := cfg.stepPct; ; p += cfg.stepPct {
			if p >= 100-1e-9 {
				return append(steps, 100), cfg.stepBake
			}
			steps = append(steps, p)
		}
	case "CANARY":
		steps := []float64{cfg.canaryPct}
		if cfg.canaryPct < 100 {
			steps = append(steps, 100)
		}
		return steps, cfg.canaryBake
	}
	return []float64{100}, 0
}

// bgBuilder evaluates bgPhases for one deployment: t is the instant reached so far.
type bgBuilder struct {
	cfg       bgConfig
	unit      time.Duration
	crash     bool
	decisions []bgDecision
	tl        *bgTimeline
	t         time.Time
	ended     bool
}

// bgTimelineOf lays the deployment out. unit is the sandbox's deployment duration:
// stages without hooks take unit/10, scaling up takes 0.8 unit, a Lambda hook unit/5.
func bgTimelineOf(cfg bgConfig, start time.Time, unit time.Duration, crash bool, decisions []bgDecision) *bgTimeline {
	b := &bgBuilder{cfg: cfg, unit: unit, crash: crash, decisions: decisions, tl: &bgTimeline{}, t: start.Add(unit / 10)}
	for _, p := range bgPhases {
		run := p.run
		if run == nil {
			run = (*bgBuilder).wait
		}
		if !run(b, p) {
			break
		}
	}
	return b.tl
}

func (b *bgBuilder) tenths(n int) time.Duration { return time.Duration(n) * b.unit / 10 }

// rollback ends the deployment at at, unless it already ended.
func (b *bgBuilder) rollback(at time.Time, reason string, manual bool) {
	if b.ended {
		return
	}
	b.tl.end, b.tl.reason, b.tl.manual, b.ended = at, reason, manual, true
}

// stopAfter is the first StopServiceDeployment ROLLBACK at or after from, if any.
func (b *bgBuilder) stopAfter(from time.Time) (time.Time, bool) {
	for _, d := range b.decisions {
		if d.hookID == "" && d.rollback && !d.at.Before(from) {
			return d.at, true
		}
	}
	return time.Time{}, false
}

// checkStop ends the deployment if a stop request came between from and until.
func (b *bgBuilder) checkStop(from, until time.Time) bool {
	if at, ok := b.stopAfter(from); ok && at.Before(until) {
		b.rollback(at, bgStopReason, true)
		return true
	}
	return false
}

// openStage starts a stage span at t; closeStage ends the last one at end.
func (b *bgBuilder) openStage(name string) {
	b.tl.stages = append(b.tl.stages, bgStage{name: name, start: b.t})
}
func (b *bgBuilder) closeStage(end time.Time) { b.tl.stages[len(b.tl.stages)-1].end = end }

// stage runs the hooks of hookStage (if any) then waits d; it reports false when the
// deployment ended during the stage.
func (b *bgBuilder) stage(name string, d time.Duration, hookStage string, occurrence int) bool {
	b.openStage(name)
	if hookStage != "" && !b.runHooks(hookStage, occurrence) {
		b.closeStage(b.tl.end)
		return false
	}
	if b.checkStop(b.t, b.t.Add(d)) {
		b.closeStage(b.tl.end)
		return false
	}
	b.t = b.t.Add(d)
	b.closeStage(b.t)
	return true
}

// wait is a plain phase: its hooks, then its length.
func (b *bgBuilder) wait(p bgPhase) bool {
	if p.testTraffic {
		b.tl.test = b.t
	}
	hookStage := ""
	if p.hooks {
		hookStage = p.stage
	}
	return b.stage(p.stage, b.tenths(p.tenths), hookStage, 0)
}

// scaleUp starts the green tasks; a crashing revision never becomes healthy and the
// circuit breaker rolls the deployment back.
func (b *bgBuilder) scaleUp(p bgPhase) bool {
	b.tl.scaleUp = bgStage{name: p.stage, start: b.t, end: b.t.Add(b.tenths(p.tenths))}
	if b.crash {
		trip := b.t.Add(b.tenths(bgCrashTenths))
		b.tl.stages = append(b.tl.stages, bgStage{name: p.stage, start: b.t, end: trip})
		if !b.checkStop(b.t, trip) {
			b.rollback(trip, bgBreakerReason, false)
		}
		return false
	}
	return b.wait(p)
}

// production moves production traffic in steps, each preceded by the
// PRE_PRODUCTION_TRAFFIC_SHIFT hooks and followed by the PRODUCTION_TRAFFIC_SHIFT ones.
func (b *bgBuilder) production(p bgPhase) bool {
	steps, wait := bgTrafficSteps(b.cfg)
	step := b.tenths(p.tenths)
	b.openStage(p.stage)
	for i, pct := range steps {
		if !b.runHooks("PRE_PRODUCTION_TRAFFIC_SHIFT", i) {
			b.closeStage(b.tl.end)
			return false
		}
		b.tl.shifts = append(b.tl.shifts, bgShift{at: b.t, pct: pct})
		if !b.runHooks("PRODUCTION_TRAFFIC_SHIFT", i) {
			b.closeStage(b.tl.end)
			return false
		}
		d := step
		if pct < 100 {
			d = max(wait, step)
		}
		if b.checkStop(b.t, b.t.Add(d)) {
			return false // the stage keeps no end: it was cut mid-step
		}
		b.t = b.t.Add(d)
	}
	b.closeStage(b.t)
	return true
}

// bake waits bakeTimeInMinutes (at least a step); an alarm in ALARM during it rolls
// the deployment back.
func (b *bgBuilder) bake(p bgPhase) bool {
	step := b.tenths(p.tenths)
	bakeStart := b.t
	if b.cfg.alarmRollback {
		for _, n := range b.cfg.alarms {
			if strings.Contains(strings.ToLower(n), "fail") {
				b.tl.alarmAt, b.tl.alarmName = bakeStart.Add(step), n
				break
			}
		}
	}
	bake := max(b.cfg.bake, step)
	if !b.tl.alarmAt.IsZero() && b.tl.alarmAt.Before(bakeStart.Add(bake)) {
		b.tl.stages = append(b.tl.stages, bgStage{name: p.stage, start: b.t, end: b.tl.alarmAt})
		if !b.checkStop(b.t, b.tl.alarmAt) {
			b.rollback(b.tl.alarmAt, "Service deployment rolled back because alarm "+b.tl.alarmName+" is in ALARM.", false)
		}
		return false
	}
	return b.stage(p.stage, bake, "", 0)
}

// cleanUp removes the blue revision; the deployment succeeds at its end.
func (b *bgBuilder) cleanUp(p bgPhase) bool {
	d := b.tenths(p.tenths)
	b.tl.stages = append(b.tl.stages, bgStage{name: p.stage, start: b.t, end: b.t.Add(d)})
	b.t = b.t.Add(d)
	b.tl.end, b.tl.success, b.ended = b.t, true, true
	return true
}

// runHooks runs the hooks of stage one after another from t; it reports false when
// the deployment ended in them.
func (b *bgBuilder) runHooks(stage string, occurrence int) bool {
	for i, h := range b.cfg.hooks {
		if !contains(h.stages, stage) {
			continue
		}
		r := bgHookRun{id: fmt.Sprintf("hook-%d-%s-%d", i, strings.ToLower(stage), occurrence), stage: stage, pause: h.pause, target: h.target, start: b.t}
		run := b.lambdaHook
		if h.pause {
			run = b.pauseHook
		}
		if !run(h, r) {
			return false
		}
	}
	return true
}

// pauseHook waits for ContinueServiceDeployment on the hook until its timeout, then
// takes the timeout action.
func (b *bgBuilder) pauseHook(h bgHook, r bgHookRun) bool {
	r.expires, r.action = b.t.Add(h.timeout), h.action
	r.end, r.result = r.expires, "TIMED_OUT"
	rollback := h.action == "ROLLBACK"
	decided := false
	for _, d := range b.decisions {
		if d.hookID == r.id && !d.at.Before(b.t) && d.at.Before(r.expires) {
			r.end, decided = d.at, true
			r.result, rollback = "SUCCEEDED", d.rollback
			if d.rollback {
				r.result = "FAILED"
			}
			break
		}
	}
	if b.checkStop(b.t, r.end) {
		r.result, r.end = "", b.tl.end
		b.tl.hooks = append(b.tl.hooks, r)
		return false
	}
	b.tl.hooks = append(b.tl.hooks, r)
	if rollback {
		why := fmt.Sprintf("Service deployment rolled back because lifecycle hook %s timed out at %s.", r.id, r.stage)
		if decided {
			why = fmt.Sprintf("Service deployment rolled back by ContinueServiceDeployment ROLLBACK on lifecycle hook %s at %s.", r.id, r.stage)
		}
		b.rollback(r.end, why, decided)
		return false
	}
	b.t = r.end
	return true
}

// lambdaHook runs an AWS_LAMBDA hook for a fixed time; a target containing "fail"
// returns FAILED and rolls the deployment back.
func (b *bgBuilder) lambdaHook(h bgHook, r bgHookRun) bool {
	r.end, r.result = b.t.Add(b.tenths(bgLambdaTenths)), "SUCCEEDED"
	if strings.Contains(strings.ToLower(h.target), "fail") {
		r.result = "FAILED"
	}
	if b.checkStop(b.t, r.end) {
		r.result, r.end = "", b.tl.end
		b.tl.hooks = append(b.tl.hooks, r)
		return false
	}
	b.tl.hooks = append(b.tl.hooks, r)
	b.t = r.end
	if r.result == "FAILED" {
		b.rollback(b.t, fmt.Sprintf("Service deployment rolled back because lifecycle hook %s (%s) returned FAILED at %s.", r.id, h.target, r.stage), false)
		return false
	}
	return true
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
