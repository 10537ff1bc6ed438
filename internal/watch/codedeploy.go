package watch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
)

// CodeDeployEvents are the lifecycle events of an Amazon ECS deployment in CodeDeploy,
// in the order they run ("AppSpec 'hooks' section", run order of hooks in an Amazon
// ECS deployment, CodeDeploy User Guide).
var CodeDeployEvents = []string{
	"BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic",
	"BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic",
}

// ParseCodeDeployEvent checks a lifecycle event name (case-insensitive) for
// --wait-until codedeploy:<Event> and returns its canonical spelling.
func ParseCodeDeployEvent(s string) (string, error) {
	i := slices.IndexFunc(CodeDeployEvents, func(e string) bool { return strings.EqualFold(e, strings.TrimSpace(s)) })
	if i < 0 {
		return "", fmt.Errorf("unknown CodeDeploy lifecycle event %q; one of %s", s, strings.Join(CodeDeployEvents, ", "))
	}
	return CodeDeployEvents[i], nil
}

// CodeDeployClient is the part of CodeDeploy the CodeDeploy follower uses;
// *codedeploy.Client satisfies it.
type CodeDeployClient interface {
	GetDeployment(ctx context.Context, in *codedeploy.GetDeploymentInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentOutput, error)
	GetDeploymentTarget(ctx context.Context, in *codedeploy.GetDeploymentTargetInput, optFns ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentTargetOutput, error)
}

// CodeDeployTarget names the CodeDeploy deployment to follow.
type CodeDeployTarget struct {
	DeploymentID     string
	Cluster, Service string
	// Event, when set, ends the wait with Succeeded once that lifecycle event has
	// succeeded (or was skipped) — --wait-until codedeploy:<Event>.
	Event string
	// Continued says we just answered the deployment's wait for traffic rerouting
	// (ContinueDeployment READY_WAIT): its Ready status is not reported as a pause
	// while CodeDeploy catches up — until it has left Ready, or for
	// continuedReadyPolls polls at most.
	Continued bool
}

// continuedReadyPolls bounds how many polls may still show Ready after our
// ContinueDeployment before Ready counts as a pause again.
const continuedReadyPolls = 3

// WaitCodeDeploy follows a CodeDeploy deployment of an ECS service on its own
// clock-independent state: GetDeployment for the status, GetDeploymentTarget
// (cluster:service) for lifecycle events and traffic weights. Each lifecycle event
// status change is passed to the observer as an event line. Outcomes: Succeeded;
// Failed/Stopped become Failed or RolledBack with the failing event and its message;
// Ready (waiting for ContinueDeployment to reroute traffic) is Paused.
func (p *Poller) WaitCodeDeploy(ctx context.Context, c CodeDeployClient, t CodeDeployTarget) (Outcome, error) {
	started := p.o.Now()
	interval := p.o.Interval
	seen := map[string]string{}
	lastWeight := -1.0
	base := Outcome{DeploymentID: t.DeploymentID, Started: started}
	finish := func(o Outcome) Outcome {
		o.DeploymentID, o.Started, o.Finished = t.DeploymentID, started, p.o.Now()
		return o
	}
	polls, leftReady := 0, !t.Continued
	for {
		polls++
		dep, err := c.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(t.DeploymentID)})
		switch {
		case ctx.Err() != nil:
		case err != nil && (throttled(err) || transient(err)):
			interval = min(interval*2, p.o.MaxInterval)
		case err != nil:
			return Outcome{}, fmt.Errorf("get CodeDeploy deployment %s: %w", t.DeploymentID, err)
		default:
			interval = p.o.Interval
			var events []cdtypes.LifecycleEvent
			tg, err := c.GetDeploymentTarget(ctx, &codedeploy.GetDeploymentTargetInput{
				DeploymentId: aws.String(t.DeploymentID), TargetId: aws.String(lastSegment(t.Cluster) + ":" + t.Service)})
			if err == nil && tg.DeploymentTarget != nil && tg.DeploymentTarget.EcsTarget != nil {
				et := tg.DeploymentTarget.EcsTarget
				events = et.LifecycleEvents
				for _, e := range events {
					name, st := aws.ToString(e.LifecycleEventName), string(e.Status)
					if st == "Pending" || seen[name] == st {
						continue
					}
					seen[name] = st
					msg := fmt.Sprintf("CodeDeploy %s %s: %s", t.DeploymentID, name, st)
					if e.Diagnostics != nil && aws.ToString(e.Diagnostics.Message) != "" {
						msg += " (" + oneLine(aws.ToString(e.Diagnostics.Message)) + ")"
					}
					p.event(ServiceEvent{ID: t.DeploymentID + name + st, CreatedAt: eventTime(e, p.o.Now()), Message: msg})
				}
				for _, ts := range et.TaskSetsInfo {
					if ts.TaskSetLabel == cdtypes.TargetLabelGreen && ts.TrafficWeight != lastWeight {
						lastWeight = ts.TrafficWeight
						at := aws.ToTime(et.LastUpdatedAt)
						if at.IsZero() {
							at = p.o.Now()
						}
						p.event(ServiceEvent{ID: fmt.Sprint(t.DeploymentID, "w", ts.TrafficWeight), CreatedAt: at,
							Message: fmt.Sprintf("CodeDeploy %s production traffic on the replacement task set: %g%%", t.DeploymentID, ts.TrafficWeight)})
						// The split also goes to the observer as progress, for result documents.
						w := ts.TrafficWeight
						if p.o.Observer != nil {
							p.o.Observer.Progress(Snapshot{At: at, Cluster: t.Cluster, Service: t.Service, ProductionTraffic: &w})
						}
					}
				}
			}
			info := dep.DeploymentInfo
			if info != nil && info.Status != cdtypes.DeploymentStatusReady {
				leftReady = true
			}
			if info != nil && info.Status == cdtypes.DeploymentStatusReady && !leftReady && polls <= continuedReadyPolls {
				info = nil // the Ready we just continued: keep waiting
			}
			if o, done := decideCodeDeploy(info, events, t.Event); done {
				return finish(o), nil
			}
		}
		tm := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			tm.Stop()
			o := base
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				o.Kind, o.Reason = TimedOut, fmt.Sprintf("timed out waiting for CodeDeploy deployment %s; it goes on without us", t.DeploymentID)
			} else {
				o.Kind, o.Reason = Interrupted, fmt.Sprintf("interrupted while waiting for CodeDeploy deployment %s", t.DeploymentID)
			}
			return finish(o), nil
		case <-tm.C:
		}
	}
}

func (p *Poller) event(e ServiceEvent) {
	if p.o.Observer != nil {
		p.o.Observer.Event(e)
	}
}

// decideCodeDeploy is the pure decision on one GetDeployment reply and the target's
// lifecycle events.
func decideCodeDeploy(d *cdtypes.DeploymentInfo, events []cdtypes.LifecycleEvent, until string) (Outcome, bool) {
	if d == nil {
		return Outcome{}, false
	}
	if until != "" {
		for _, e := range events {
			if aws.ToString(e.LifecycleEventName) != until {
				continue
			}
			switch e.Status {
			case cdtypes.LifecycleEventStatusSucceeded, cdtypes.LifecycleEventStatusSkipped:
				return Outcome{Kind: Succeeded, Reason: fmt.Sprintf("CodeDeploy lifecycle event %s %s", until, e.Status)}, true
			}
		}
	}
	failing := func() string {
		var parts []string
		for _, e := range events {
			if e.Status == cdtypes.LifecycleEventStatusFailed {
				s := "lifecycle event " + aws.ToString(e.LifecycleEventName) + " failed"
				if e.Diagnostics != nil && aws.ToString(e.Diagnostics.Message) != "" {
					s += ": " + oneLine(aws.ToString(e.Diagnostics.Message))
				}
				parts = append(parts, s)
			}
		}
		if ei := d.ErrorInformation; ei != nil && aws.ToString(ei.Message) != "" {
			parts = append(parts, fmt.Sprintf("%s: %s", ei.Code, oneLine(aws.ToString(ei.Message))))
		}
		return join(parts...)
	}
	switch d.Status {
	case cdtypes.DeploymentStatusSucceeded:
		if until != "" {
			return Outcome{Kind: Failed, Reason: fmt.Sprintf("the deployment succeeded without lifecycle event %s succeeding", until)}, true
		}
		return Outcome{Kind: Succeeded, Reason: "CodeDeploy deployment succeeded"}, true
	case cdtypes.DeploymentStatusFailed, cdtypes.DeploymentStatusStopped:
		o := Outcome{Kind: Failed, Reason: join("CodeDeploy deployment "+strings.ToLower(string(d.Status)), failing())}
		if ri := d.RollbackInfo; ri != nil && aws.ToString(ri.RollbackDeploymentId) != "" {
			o.Kind = RolledBack
			o.Reason = join(o.Reason, "rolled back by deployment "+aws.ToString(ri.RollbackDeploymentId))
		}
		return o, true
	case cdtypes.DeploymentStatusReady:
		return Outcome{Kind: Paused, Reason: "CodeDeploy deployment is ready and waits for traffic to be rerouted (ContinueDeployment, or 'Reroute traffic' in the console)"}, true
	}
	return Outcome{}, false
}

func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// eventTime is when CodeDeploy says a lifecycle event reached its status: its end
// for a finished event, its start for one in progress; now when it says neither.
func eventTime(e cdtypes.LifecycleEvent, now time.Time) time.Time {
	switch {
	case e.EndTime != nil && e.Status != cdtypes.LifecycleEventStatusInProgress:
		return *e.EndTime
	case e.StartTime != nil:
		return *e.StartTime
	}
	return now
}
