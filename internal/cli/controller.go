package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// controller resolves what the project's service is (one DescribeServices) and
// returns the controller that deploys it. sd is the rendered service definition
// (nil when the project has none); it decides for a service not created yet.
func (a *app) controller(ctx context.Context, p *project, sd *ecs.CreateServiceInput) (deploy.Controller, error) {
	client, err := p.ecsClient(ctx)
	if err != nil {
		return nil, err
	}
	api, err := p.ecsAPI(ctx) // batched in a fleet
	if err != nil {
		return nil, err
	}
	w, err := deploy.Resolve(ctx, api, p.cfg.Cluster, p.cfg.Service, sd, p.declaredKind())
	if err != nil {
		return nil, err
	}
	return deploy.NewController(w, deploy.ControllerDeps{
		ECS: client, Watch: api, Log: a.log, Protect: a.protectLive,
		AutoScaling: func(ctx context.Context) (deploy.AutoScaling, error) { return p.autoScalingClient(ctx) },
		CodeDeploy:  func(ctx context.Context) (deploy.CodeDeployAPI, error) { return p.codeDeployClient(ctx) },
		Group:       p.codeDeployGroup(), AppSpec: p.cfg.AppSpec, Kinds: client,
	})
}

// definedController is the controller of the project's service resolved with its
// service definition (nil when the config names none), which decides for a
// service not created yet; it returns the definition too.
func (a *app) definedController(ctx context.Context, p *project) (deploy.Controller, *ecs.CreateServiceInput, error) {
	sd, err := p.optionalServiceDefinition(ctx)
	if err != nil {
		return nil, nil, err
	}
	ctl, err := a.controller(ctx, p, sd)
	return ctl, sd, err
}

// waitOf is the wait the flags ask for, with the observer that prints progress.
func (a *app) waitOf(w waitFlags, obs watch.Observer) deploy.Wait {
	return deploy.Wait{Until: w.WaitUntil, WaitOnPause: w.WaitOnPause, Interval: w.PollInterval, Epoch: a.pollEpoch(), Observer: obs}
}

// collector forwards to the text observer and keeps events for the JSON result.
type collector struct {
	next   watch.Observer
	events []watch.ServiceEvent
}

func (c *collector) Event(e watch.ServiceEvent) {
	c.events = append(c.events, e)
	c.next.Event(e)
}

func (c *collector) Progress(s watch.Snapshot) { c.next.Progress(s) }

// Held forwards a fleet's hold on the first poll (watch.HoldObserver).
func (c *collector) Held(cluster, service string) {
	if o, ok := c.next.(watch.HoldObserver); ok {
		o.Held(cluster, service)
	}
}

// TaskSetProgress forwards task-set progress (a new CODE_DEPLOY service) when the
// next observer shows it.
func (c *collector) TaskSetProgress(s watch.TaskSetSnapshot) {
	if o, ok := c.next.(watch.TaskSetObserver); ok {
		o.TaskSetProgress(s)
	}
}

// noteStarted logs what a change started.
func (a *app) noteStarted(s *deploy.Started) {
	if s.Note != "" {
		a.log.Info(s.Note, s.NoteAttrs...)
	}
}

// follow waits for what a change started, prints the result document and returns
// nil or an error carrying the outcome's exit code.
func (a *app) follow(ctx context.Context, ctl deploy.Controller, s *deploy.Started, w deploy.Wait) error {
	a.gate.Applied() // a fleet member's change is applied: its --parallel slot goes to the next, and it no longer holds up the fleet's first polls (fleet.go)
	obs := &collector{next: watch.NewTextObserver(a.stderr, a.ci())}
	w.Observer = obs
	endGroup := func() {}
	if !a.noGroups {
		endGroup = ui.NewAnnotator(a.stderr, a.env.Vars).Group(fmt.Sprintf("service %s (cluster %s)", s.Service, s.Cluster))
	}
	out, err := ctl.Follow(ctx, s, w)
	endGroup()
	if err != nil {
		return err
	}
	a.record(s.TaskDefinitionARN, out.Kind.String())
	var why *task.Explanation
	if s.Explain && (out.Kind == watch.RolledBack || out.Kind == watch.Failed) {
		why = a.explainDeploy(context.WithoutCancel(ctx), s.Cluster, s.Service, out.StoppedTasks)
		_ = view.Write(a.stderr, view.Text, view.Explanation{Explanation: why})
	}
	id := out.DeploymentID
	if id == "" {
		id = s.DeploymentID
	}
	doc := view.Result{
		Service: s.Service, Cluster: s.Cluster, TaskDefinitionARN: s.TaskDefinitionARN,
		DeploymentID: id, DeploymentARN: out.DeploymentARN, Outcome: out.Kind.String(),
		Reason: out.Reason, SupersededBy: out.SupersededBy, RolledBackTo: out.RolledBackTo, Pending: out.Pending,
		StartedAt: out.Started, FinishedAt: out.Finished, DurationSeconds: out.Duration().Seconds(),
		StoppedTasks: out.StoppedTasks, Events: obs.events, Explanation: why,
	}
	addBlueGreen(&doc, out, obs.next)
	if err := view.Write(a.stdout, a.g.Output, doc); err != nil {
		return err
	}
	if w.Accepts(s, out) {
		a.log.Info(s.Label+" "+out.Kind.String(), "service", s.Service, "deployment", id, "reason", out.Reason)
		return nil
	}
	out.DeploymentID = id
	return a.outcomeError(s, out)
}

// outcomeError logs the outcome for people and returns nil or an error carrying the
// exit code.
func (a *app) outcomeError(s *deploy.Started, out watch.Outcome) error {
	switch out.Kind {
	case watch.Succeeded:
		a.log.Info(s.Label+" succeeded", "service", s.Service, "deployment", out.DeploymentID, "taskDefinition", s.TaskDefinitionARN, "duration", ui.Since(out.Duration()))
		return nil
	case watch.RolledBack, watch.Failed:
		if !s.Explain {
			// Without the explainer's account (each distinct reason once, with its
			// count), the stopped tasks are listed here; with it they are not
			// repeated.
			for _, t := range out.StoppedTasks {
				a.log.Error("stopped task", "task", t.TaskARN, "reason", t.StoppedReason, "containers", containerExits(t.Containers))
			}
		}
		msg := fmt.Sprintf("%s %s %s: %s", s.Label, out.DeploymentID, out.Kind.String(), out.Reason)
		if out.RolledBackTo != "" {
			msg += "; the service runs " + ecsdef.TaskDefinitionName(out.RolledBackTo) + " again"
		}
		return diag.WithHint(diag.WithCode(errors.New(msg), out.ExitCode()), "see why it failed above; 'doppio status' shows the service's events")
	case watch.Superseded:
		return diag.WithHint(diag.WithCode(fmt.Errorf("%s %s was superseded by %s: %s", s.Label, out.DeploymentID, out.SupersededBy, out.Reason), out.ExitCode()),
			"someone else deployed while we waited; check 'doppio status'")
	case watch.TimedOut:
		return diag.WithHint(diag.WithCode(fmt.Errorf("timed out waiting for %s %s: %s", s.Label, out.DeploymentID, out.Pending), out.ExitCode()),
			"the deployment goes on without us; resume with 'doppio wait', or raise --timeout / the config timeout")
	case watch.Interrupted:
		return diag.WithHint(diag.WithCode(fmt.Errorf("interrupted while waiting for %s %s; the service was left as it is", s.Label, out.DeploymentID), out.ExitCode()),
			"check with 'doppio status'; roll back with 'doppio rollback'")
	case watch.Paused:
		return diag.WithHint(diag.WithCode(fmt.Errorf("%s %s is paused: %s", s.Label, out.DeploymentID, out.Reason), out.ExitCode()), s.PausedHint)
	}
	return diag.WithCode(fmt.Errorf("%s %s ended as %v", s.Label, out.DeploymentID, out.Kind), out.ExitCode())
}

// serviceController is the controller of the service the project's config must
// name (status, delete and wait need one that exists: requireService says which key
// is missing).
func (a *app) serviceController(ctx context.Context, p *project) (deploy.Controller, error) {
	if err := a.requireService(p); err != nil {
		return nil, err
	}
	return a.controller(ctx, p, nil)
}

// liveStatus describes the project's workload once; a workload that does not exist
// is the not-found error with its hint.
func (a *app) liveStatus(ctx context.Context, p *project) (deploy.Controller, *deploy.Status, error) {
	ctl, err := a.serviceController(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	st, err := ctl.Status(ctx)
	if err != nil {
		return nil, nil, notFoundHint(err)
	}
	return ctl, st, nil
}
