package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// A service with the CODE_DEPLOY (or EXTERNAL) deployment controller has no ECS
// deployments: "if the service uses the CODE_DEPLOY deployment controller, the
// deploymentController, taskSets and deployments parameters will be returned, however
// the deployments parameter will be an empty list" (CreateService API reference). Its
// tasks belong to task sets; CreateService with CODE_DEPLOY creates the first one,
// PRIMARY, and the service is ready when that task set is STEADY_STATE ("the task set
// ... all tasks are running, the computedDesiredCount is met, no tasks pending",
// TaskSet.stabilityStatus) and the service runs its desired count.

// UsesTaskSets reports whether svc's tasks belong to task sets (CODE_DEPLOY or
// EXTERNAL controller), so there is no ECS deployment to follow.
func UsesTaskSets(svc *types.Service) bool {
	if svc == nil || svc.DeploymentController == nil {
		return false
	}
	t := svc.DeploymentController.Type
	return t == types.DeploymentControllerTypeCodeDeploy || t == types.DeploymentControllerTypeExternal
}

// TaskSetTarget names the service whose PRIMARY task set to follow.
type TaskSetTarget struct {
	Cluster, Service string
	// StartedAt is taken just before CreateService: events before it are not shown.
	StartedAt time.Time
}

// TaskSetState is one task set of the service as of one poll.
type TaskSetState struct {
	ID             string `json:"id"`
	Status         string `json:"status"`          // PRIMARY, ACTIVE or DRAINING
	StabilityState string `json:"stabilityStatus"` // STEADY_STATE or STABILIZING
	TaskDefinition string `json:"taskDefinition"`
	Desired        int32  `json:"computedDesiredCount"`
	Running        int32  `json:"runningCount"`
	Pending        int32  `json:"pendingCount"`
}

// TaskSetSnapshot is a task-set service as of one poll.
type TaskSetSnapshot struct {
	At                        time.Time
	Cluster, Service          string
	Desired, Running, Pending int32
	TaskSets                  []TaskSetState // PRIMARY first
}

// TaskSetObserver is what an Observer also implements to see task-set progress;
// TextObserver does.
type TaskSetObserver interface {
	TaskSetProgress(TaskSetSnapshot)
}

// taskSetSnapshot reads the service's task sets, PRIMARY first.
func taskSetSnapshot(at time.Time, cluster string, svc *types.Service) TaskSetSnapshot {
	s := TaskSetSnapshot{At: at, Cluster: cluster, Service: aws.ToString(svc.ServiceName),
		Desired: svc.DesiredCount, Running: svc.RunningCount, Pending: svc.PendingCount}
	for _, ts := range svc.TaskSets {
		s.TaskSets = append(s.TaskSets, TaskSetState{
			ID: aws.ToString(ts.Id), Status: aws.ToString(ts.Status), StabilityState: string(ts.StabilityStatus),
			TaskDefinition: aws.ToString(ts.TaskDefinition), Desired: ts.ComputedDesiredCount,
			Running: ts.RunningCount, Pending: ts.PendingCount,
		})
	}
	slices.SortStableFunc(s.TaskSets, func(x, y TaskSetState) int {
		if (x.Status == "PRIMARY") == (y.Status == "PRIMARY") {
			return 0
		}
		if x.Status == "PRIMARY" {
			return -1
		}
		return 1
	})
	return s
}

// primary returns the PRIMARY task set, if any.
func (s TaskSetSnapshot) primary() (TaskSetState, bool) {
	if len(s.TaskSets) > 0 && s.TaskSets[0].Status == "PRIMARY" {
		return s.TaskSets[0], true
	}
	return TaskSetState{}, false
}

// steady reports whether the service is ready: its PRIMARY task set is STEADY_STATE
// with its computed desired count running, it is the only task set, and the service
// runs its desired count with nothing pending.
func (s TaskSetSnapshot) steady() bool {
	p, ok := s.primary()
	return ok && len(s.TaskSets) == 1 && p.StabilityState == string(types.StabilityStatusSteadyState) &&
		p.Running == p.Desired && s.Running == s.Desired && s.Pending == 0
}

// pending says what a wait was still waiting for.
func (s TaskSetSnapshot) pending() string {
	p, ok := s.primary()
	if !ok {
		return fmt.Sprintf("service %s has no PRIMARY task set yet", s.Service)
	}
	return fmt.Sprintf("task set %s %s: running %d/%d, pending %d; service running %d/%d",
		p.ID, p.StabilityState, p.Running, p.Desired, p.Pending, s.Running, s.Desired)
}

// WaitTaskSets follows a CODE_DEPLOY or EXTERNAL service until its PRIMARY task set
// is steady (Succeeded), the service goes away (Failed), or ctx ends (TimedOut on a
// deadline, Interrupted on cancel). Each poll is one DescribeServices; events newer
// than t.StartedAt go to the Observer once, oldest first, and a TaskSetSnapshot goes
// to it (when it implements TaskSetObserver) whenever something changed.
func (p *Poller) WaitTaskSets(ctx context.Context, t TaskSetTarget) (Outcome, error) {
	started := p.o.Now()
	seen := map[string]bool{}
	var last *TaskSetSnapshot
	primaryID := "" // the PRIMARY task set's id (ecs-svc/…), reported as the deployment id
	end := func(k Kind, reason, pending string) Outcome {
		return Outcome{Kind: k, Reason: reason, Pending: pending, DeploymentID: primaryID, Started: started, Finished: p.o.Now()}
	}
	lastPending := fmt.Sprintf("service %s not described yet", t.Service)
	for {
		out, err := p.c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(t.Cluster), Services: []string{t.Service}})
		switch {
		case ctx.Err() != nil:
			return p.taskSetCtxOutcome(ctx, t, end, lastPending), nil
		case err != nil && !transient(err):
			return Outcome{}, fmt.Errorf("describe service %q: %w", t.Service, err)
		case err == nil && len(out.Services) == 0:
			return end(Failed, fmt.Sprintf("service %s not found in cluster %s", t.Service, t.Cluster), ""), nil
		case err == nil:
			svc := &out.Services[0]
			if st := aws.ToString(svc.Status); st != "ACTIVE" {
				return end(Failed, fmt.Sprintf("service %s is %s", t.Service, st), ""), nil
			}
			// Events since the service was created, on ECS's clock (ours may differ);
			// StartedAt only when ECS gives no creation time.
			since := t.StartedAt
			if svc.CreatedAt != nil {
				since = *svc.CreatedAt
			}
			evs := svc.Events
			for i := len(evs) - 1; i >= 0; i-- {
				e := evs[i]
				id := aws.ToString(e.Id)
				if seen[id] || (!since.IsZero() && aws.ToTime(e.CreatedAt).Before(since)) {
					continue
				}
				seen[id] = true
				if p.o.Observer != nil {
					p.o.Observer.Event(ServiceEvent{ID: id, CreatedAt: aws.ToTime(e.CreatedAt), Message: aws.ToString(e.Message)})
				}
			}
			snap := taskSetSnapshot(p.o.Now(), t.Cluster, svc)
			if ps, ok := snap.primary(); ok {
				primaryID = ps.ID
			}
			if last == nil || !snap.sameAs(*last) {
				if o, ok := p.o.Observer.(TaskSetObserver); ok {
					o.TaskSetProgress(snap)
				}
				last = &snap
			}
			lastPending = snap.pending()
			if len(snap.TaskSets) == 0 && svc.DeploymentController != nil && svc.DeploymentController.Type == types.DeploymentControllerTypeExternal {
				// An EXTERNAL service gets its task sets from its own controller
				// (CreateTaskSet); there is nothing to wait for.
				return end(Succeeded, fmt.Sprintf("service %s uses an EXTERNAL deployment controller: its task sets come from CreateTaskSet", t.Service), ""), nil
			}
			if snap.steady() {
				if ps, ok := snap.primary(); ok {
					return end(Succeeded, fmt.Sprintf("task set %s is steady: %d/%d running", ps.ID, ps.Running, ps.Desired), ""), nil
				}
			}
		}
		tm := time.NewTimer(p.o.Interval)
		select {
		case <-ctx.Done():
			tm.Stop()
			return p.taskSetCtxOutcome(ctx, t, end, lastPending), nil
		case <-tm.C:
		}
	}
}

func (p *Poller) taskSetCtxOutcome(ctx context.Context, t TaskSetTarget, end func(Kind, string, string) Outcome, pending string) Outcome {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return end(TimedOut, fmt.Sprintf("timed out waiting for the PRIMARY task set of service %s to be steady; nothing was changed", t.Service), pending)
	}
	return end(Interrupted, fmt.Sprintf("interrupted while waiting for the PRIMARY task set of service %s; nothing was changed", t.Service), pending)
}

func (s TaskSetSnapshot) sameAs(o TaskSetSnapshot) bool {
	return s.Desired == o.Desired && s.Running == o.Running && s.Pending == o.Pending && slices.Equal(s.TaskSets, o.TaskSets)
}

// TaskSetProgress writes one line per task set, PRIMARY first:
//
//	10:00:03  task set ecs-svc/123 PRIMARY STABILIZING  running 1/2 pending 1  web:1  (service running 1/2)
func (o *TextObserver) TaskSetProgress(s TaskSetSnapshot) {
	o.mu.Lock()
	defer o.mu.Unlock()
	svc := []slog.Attr{slog.String("service", s.Service), slog.Int("runningCount", int(s.Running)),
		slog.Int("desiredCount", int(s.Desired)), slog.Int("pendingCount", int(s.Pending))}
	if len(s.TaskSets) == 0 {
		o.c.Print(ui.Entry{Msg: "no task set yet", Attrs: svc,
			Text: fmt.Sprintf("service %s has no task set yet  running %d/%d pending %d", s.Service, s.Running, s.Desired, s.Pending)})
	}
	for _, t := range s.TaskSets {
		o.c.Print(ui.Entry{Msg: "task set", Attrs: append(slices.Clone(svc), slog.String("taskSet", t.ID),
			slog.String("status", t.Status), slog.String("stabilityStatus", t.StabilityState)),
			Text: fmt.Sprintf("task set %s %s %s  running %d/%d pending %d  %s  (service running %d/%d)",
				t.ID, t.Status, t.StabilityState, t.Running, t.Desired, t.Pending, shortARN(t.TaskDefinition), s.Running, s.Desired)})
	}
}
