package codedeploy

import (
	"fmt"
	"strings"
	"time"
)

// Lifecycle events of an Amazon ECS deployment, in the order CodeDeploy runs them
// ("Run order of hooks in an Amazon ECS deployment",
// https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-run-order-ecs).
const (
	evBeforeInstall         = "BeforeInstall"
	evInstall               = "Install"
	evAfterInstall          = "AfterInstall"
	evAllowTestTraffic      = "AllowTestTraffic"
	evAfterAllowTestTraffic = "AfterAllowTestTraffic"
	evBeforeAllowTraffic    = "BeforeAllowTraffic"
	evAllowTraffic          = "AllowTraffic"
	evAfterAllowTraffic     = "AfterAllowTraffic"
)

// Deployment statuses (API_DeploymentInfo.html, "status").
const (
	stCreated    = "Created"
	stInProgress = "InProgress"
	stReady      = "Ready"
	stSucceeded  = "Succeeded"
	stFailed     = "Failed"
	stStopped    = "Stopped"
)

// Lifecycle event statuses (API_LifecycleEvent.html).
const (
	lePending    = "Pending"
	leInProgress = "InProgress"
	leSucceeded  = "Succeeded"
	leFailed     = "Failed"
	leSkipped    = "Skipped"
)

func terminal(status string) bool {
	return status == stSucceeded || status == stFailed || status == stStopped
}

// deployment is one CodeDeploy deployment: what was asked for, a snapshot of its
// group's settings, and the few facts that happened to it. Everything else (status,
// lifecycle events, traffic weights) is computed from these and the clock by evaluate.
type deployment struct {
	id          string
	app         string
	groupName   string
	configName  string
	description string
	creator     string // user | codeDeployRollback
	region      string
	created     time.Time
	revision    *revisionLocation
	previous    *revisionLocation
	target      *target // nil when the revision is not inline (S3, GitHub)
	cluster     string
	service     string
	targetGroup [2]string // blue, green target group names
	lb          *loadBalancerInfo
	blueGreen   *blueGreenConfig
	rollbackCfg *autoRollbackConfig
	routing     *trafficRoutingConfig
	crash       bool // scripted failure: the replacement tasks crash-loop

	readyWait    bool          // STOP_DEPLOYMENT: wait for ContinueDeployment before rerouting
	readyTimeout time.Duration // then stop after this long (0: wait forever)
	termWait     time.Duration // wait before terminating the original task set

	readyContinued *time.Time
	termContinued  *time.Time
	stopAt         *time.Time
	stopRollback   bool
	failAt         *time.Time
	failCode       string
	failMsg        string

	rollbackID string // the rollback deployment this one triggered
	triggerID  string // on a rollback deployment: the deployment it rolls back

	ecs     ecsState
	settled bool // terminal, with every side effect applied
}

type segKind int

const (
	segEvent segKind = iota
	segReadyWait
	segTerminationWait
)

type segment struct {
	kind  segKind
	event string
	dur   time.Duration
	skip  bool              // reported Skipped, takes no time
	fails *errorInformation // a scripted failure ends this event
}

// segments lays out a deployment's timeline. For a normal deployment, events with an
// AppSpec hook take HookDuration and the others are instant; the optional waits come
// from the group's blue/green configuration (API_DeploymentReadyOption.html,
// API_BlueInstanceTerminationOption.html). A rollback deployment only reroutes traffic
// back to the original task set, so every other event is Skipped.
func (s *Server) segments(d *deployment) []segment {
	hook := func(ev string) segment {
		sg := segment{kind: segEvent, event: ev}
		if fn := d.hook(ev); fn != "" {
			sg.dur = s.opts.HookDuration
			if strings.Contains(fn, "crashloop") {
				// Scripted rule: the hook's Lambda function reports Failed.
				sg.fails = &errorInformation{Code: "HOOK_EXECUTION_FAILURE", Message: fmt.Sprintf(
					"The deployment failed because a lifecycle event hook failed: %s returned Failed for %s (sandbox rule: crashloop).", fn, ev)}
			}
		}
		return sg
	}
	if d.triggerID != "" {
		return []segment{
			{kind: segEvent, event: evBeforeInstall, skip: true},
			{kind: segEvent, event: evInstall, skip: true},
			{kind: segEvent, event: evAfterInstall, skip: true},
			{kind: segEvent, event: evAllowTestTraffic, skip: true},
			{kind: segEvent, event: evAfterAllowTestTraffic, skip: true},
			{kind: segEvent, event: evBeforeAllowTraffic, skip: true},
			{kind: segEvent, event: evAllowTraffic, dur: s.opts.AllAtOnceDuration},
			{kind: segEvent, event: evAfterAllowTraffic, skip: true},
		}
	}
	install := segment{kind: segEvent, event: evInstall, dur: s.opts.InstallDuration}
	if d.crash {
		install.fails = &errorInformation{Code: "ECS_UPDATE_ERROR", Message: crashMessage}
	}
	segs := []segment{
		hook(evBeforeInstall),
		install,
		hook(evAfterInstall),
		{kind: segEvent, event: evAllowTestTraffic, dur: s.opts.TestTrafficDuration},
		hook(evAfterAllowTestTraffic),
	}
	if d.readyWait {
		segs = append(segs, segment{kind: segReadyWait, dur: d.readyTimeout})
	}
	segs = append(segs,
		hook(evBeforeAllowTraffic),
		segment{kind: segEvent, event: evAllowTraffic, dur: shiftDuration(d.routing, s.opts.AllAtOnceDuration)},
		hook(evAfterAllowTraffic),
	)
	if d.termWait > 0 {
		segs = append(segs, segment{kind: segTerminationWait, dur: d.termWait})
	}
	return segs
}

// end returns when a segment starting at t ends; open means not yet known (a wait for
// ContinueDeployment with no timeout).
func (d *deployment) end(sg segment, t time.Time) (end time.Time, open bool) {
	switch sg.kind {
	case segReadyWait:
		if d.readyContinued != nil {
			return later(*d.readyContinued, t), false
		}
		if sg.dur <= 0 {
			return time.Time{}, true
		}
	case segTerminationWait:
		if d.termContinued != nil && d.termContinued.Before(t.Add(sg.dur)) {
			return later(*d.termContinued, t), false
		}
	}
	return t.Add(sg.dur), false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// interrupt returns the earliest stop or failure that has happened by now.
func (d *deployment) interrupt(now time.Time) (at *time.Time, status string) {
	if d.stopAt != nil && !d.stopAt.After(now) {
		at, status = d.stopAt, stStopped
	}
	if d.failAt != nil && !d.failAt.After(now) && (at == nil || d.failAt.Before(*at)) {
		at, status = d.failAt, stFailed
	}
	return at, status
}

// view is a deployment as seen at one instant.
type view struct {
	status      string
	start       *time.Time
	complete    *time.Time
	events      []lifecycleEvent
	err         *errorInformation
	termWait    bool // waiting to terminate the original task set
	lastUpdated time.Time
	weight      float64 // production traffic on the replacement task set, percent

	installAt *time.Time // Install started (the replacement task set is created)
	shiftedAt *time.Time // AllowTraffic completed (the replacement is primary)
}

// evaluate computes a deployment's state at now. It is pure: the same deployment and
// instant always give the same view.
func (s *Server) evaluate(d *deployment, now time.Time) view {
	segs := s.segments(d)
	v := view{status: stCreated, lastUpdated: d.created}
	evIndex := make([]int, len(segs))
	for i, sg := range segs {
		evIndex[i] = -1
		if sg.kind == segEvent {
			evIndex[i] = len(v.events)
			v.events = append(v.events, lifecycleEvent{LifecycleEventName: sg.event, Status: lePending})
		}
	}
	finish := func(at time.Time, status string, err *errorInformation) view {
		for i := range v.events {
			if v.events[i].Status == lePending {
				v.events[i].Status = leSkipped
			}
		}
		v.status, v.complete, v.lastUpdated, v.err = status, &at, at, err
		return v
	}
	intr, intrStatus := d.interrupt(now)
	start := d.created.Add(s.opts.StartDelay)
	if intr != nil && intr.Before(start) {
		return finish(*intr, intrStatus, d.interruptError(intrStatus))
	}
	if now.Before(start) {
		return v
	}
	v.status, v.start, v.lastUpdated = stInProgress, &start, start
	t := start
	for i, sg := range segs {
		var ev *lifecycleEvent
		if evIndex[i] >= 0 {
			ev = &v.events[evIndex[i]]
		}
		if sg.event == evInstall && !sg.skip {
			v.installAt = ptr(t)
		}
		if sg.skip {
			ev.Status = leSkipped
			continue
		}
		end, open := d.end(sg, t)
		if intr != nil && !intr.Before(t) && (open || intr.Before(end)) {
			if ev != nil {
				ev.Status, ev.StartTime, ev.EndTime = leFailed, ts(t), ts(*intr)
				if intrStatus == stFailed {
					ev.Diagnostics = &diagnostics{ErrorCode: "UnknownError", Message: d.failMsg}
				}
			}
			return finish(*intr, intrStatus, d.interruptError(intrStatus))
		}
		if open || now.Before(end) {
			switch sg.kind {
			case segEvent:
				ev.Status, ev.StartTime = leInProgress, ts(t)
				if sg.event == evAllowTraffic {
					v.weight = shiftedWeight(d.routing, now.Sub(t))
				}
			case segReadyWait:
				v.status = stReady
			case segTerminationWait:
				v.termWait, v.weight = true, 100
			}
			v.lastUpdated = t
			return v
		}
		switch sg.kind {
		case segEvent:
			ev.Status, ev.StartTime, ev.EndTime = leSucceeded, ts(t), ts(end)
			if sg.fails != nil {
				ev.Status = leFailed
				ev.Diagnostics = &diagnostics{ErrorCode: "UnknownError", Message: sg.fails.Message}
				return finish(end, stFailed, sg.fails)
			}
			if sg.event == evAllowTraffic {
				v.shiftedAt, v.weight = ptr(end), 100
			}
		case segReadyWait:
			if d.readyContinued == nil {
				return finish(end, stStopped, &errorInformation{Code: "TIMEOUT", Message: fmt.Sprintf(
					"The deployment timed out: traffic was not rerouted with ContinueDeployment within %d minutes.",
					int(sg.dur/time.Minute))})
			}
		case segTerminationWait:
			v.termWait = true
		}
		t = end
		v.lastUpdated = t
	}
	return finish(t, stSucceeded, nil)
}

const crashMessage = "The deployment failed because the replacement task set did not reach a steady state: " +
	"essential container in task exited (sandbox rule: crashloop)."

func (d *deployment) interruptError(status string) *errorInformation {
	if status == stStopped {
		return &errorInformation{Code: "MANUAL_STOP", Message: "The deployment was stopped by a StopDeployment request."}
	}
	return &errorInformation{Code: d.failCode, Message: d.failMsg}
}

// hook returns the Lambda function of an event's AppSpec hook ("" if none).
func (d *deployment) hook(event string) string {
	if d.target == nil {
		return ""
	}
	return d.target.hooks[event]
}

func ptr[T any](v T) *T { return &v }
