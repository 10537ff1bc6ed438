package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// waitFlags are shared by every verb that waits for a deployment.
type waitFlags struct {
	Wait         bool          `help:"Wait for the deployment to finish." negatable:"" default:"true"`
	WaitUntil    string        `help:"deployed: our deployment completed; stable: also a single deployment with running == desired; ecs:<STAGE>: a blue/green lifecycle stage reached; codedeploy:<Event>: a CodeDeploy lifecycle event succeeded." default:"deployed"`
	WaitOnPause  bool          `help:"Keep waiting at a PAUSE lifecycle hook (showing its expiry) instead of exiting 6."`
	PollInterval time.Duration `help:"Time between status polls (at most 5s)." default:"5s"`
}

// Validate checks the wait flags (kong calls it after parsing).
func (w waitFlags) Validate() error {
	if w.PollInterval <= 0 || w.PollInterval > 5*time.Second {
		return diag.Invalid(fmt.Errorf("--poll-interval %s: must be above 0 and at most 5s", w.PollInterval), "")
	}
	return w.validateUntil() // bluegreen.go
}

// waitingProject validates the wait flags and loads the project: the common start
// of every verb that waits.
func (a *app) waitingProject(ctx context.Context, w waitFlags) (*project, error) {
	return a.project(ctx)
}

func (w waitFlags) until() watch.Until {
	if w.WaitUntil == "stable" {
		return watch.Stable
	}
	return watch.Deployed
}

// followRequest says which deployment to follow.
type followRequest struct {
	cluster, service string
	deploymentID     string
	taskDefinition   string
	startedAt        time.Time
	until            watch.Until
	interval         time.Duration
	service0         *types.Service // service as the update returned it, to find the deployment
	bg               bgFollow       // blue/green: stage, pauses (bluegreen.go)
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

// follow waits for a deployment and turns its outcome into output and an exit code.
func (a *app) follow(ctx context.Context, client watch.Client, r followRequest) error {
	if r.deploymentID == "" && r.service0 != nil {
		for _, d := range r.service0.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" {
				r.deploymentID = aws.ToString(d.Id)
			}
		}
	}
	interval := r.interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	obs := &collector{next: watch.NewTextObserver(a.stderr, a.ci())}
	poller := watch.New(client, watch.Options{Interval: interval, Observer: obs, Epoch: a.pollEpoch()})
	endGroup := func() {}
	if !a.noGroups {
		endGroup = ui.NewAnnotator(a.stderr, a.env.Vars).Group(fmt.Sprintf("service %s (cluster %s)", r.service, r.cluster))
	}
	out, err := poller.Wait(ctx, watch.Target{
		Cluster: r.cluster, Service: r.service, DeploymentID: r.deploymentID,
		TaskDefinition: r.taskDefinition, StartedAt: r.startedAt, Until: r.until,
		Stage: r.bg.stage, WaitOnPause: r.bg.waitOnPause, ContinuedHook: r.bg.continuedHook, DeploymentARN: r.bg.deploymentARN, NewEventsOnly: r.bg.continuedHook != "",
	})
	endGroup()
	if err != nil {
		return fmt.Errorf("wait for service %q: %w", r.service, err)
	}
	a.record(r.taskDefinition, out.Kind.String())
	var why *task.Explanation
	if out.Kind == watch.RolledBack || out.Kind == watch.Failed {
		why = a.explainDeploy(context.WithoutCancel(ctx), r.cluster, r.service, out.StoppedTasks)
		_ = view.Write(a.stderr, view.Text, view.Explanation{Explanation: why})
	}
	doc := view.Result{
		Service: r.service, Cluster: r.cluster, TaskDefinitionARN: r.taskDefinition,
		DeploymentID: out.DeploymentID, DeploymentARN: out.DeploymentARN, Outcome: out.Kind.String(),
		Reason: out.Reason, SupersededBy: out.SupersededBy, RolledBackTo: out.RolledBackTo, Pending: out.Pending,
		StartedAt: out.Started, FinishedAt: out.Finished, DurationSeconds: out.Duration().Seconds(),
		StoppedTasks: out.StoppedTasks, Events: obs.events, Explanation: why,
	}
	addBlueGreen(&doc, out, obs.next)
	if err := view.Write(a.stdout, a.g.Output, doc); err != nil {
		return err
	}
	if r.bg.accept(out) {
		a.log.Info("deployment "+out.Kind.String(), "service", r.service, "deployment", out.DeploymentID, "reason", out.Reason)
		return nil
	}
	return a.outcomeError(r, out)
}

// outcomeError logs the outcome for people and returns nil or an error carrying the
// exit code.
func (a *app) outcomeError(r followRequest, out watch.Outcome) error {
	switch out.Kind {
	case watch.Succeeded:
		a.log.Info("deployment succeeded", "service", r.service, "deployment", out.DeploymentID, "taskDefinition", r.taskDefinition, "duration", ui.Since(out.Duration()))
		return nil
	case watch.RolledBack, watch.Failed:
		// The stopped tasks' reasons were shown once each, with their counts, by the
		// explainer ("why it failed"); they are in the result document too.
		msg := fmt.Sprintf("deployment %s %s: %s", out.DeploymentID, out.Kind.String(), out.Reason)
		if out.RolledBackTo != "" {
			msg += "; the service runs " + ecsdef.TaskDefinitionName(out.RolledBackTo) + " again"
		}
		return diag.WithHint(diag.WithCode(errors.New(msg), out.ExitCode()), "see why it failed above; 'doppio status' shows the service's events")
	case watch.Superseded:
		return diag.WithHint(diag.WithCode(fmt.Errorf("deployment %s was superseded by %s: %s", out.DeploymentID, out.SupersededBy, out.Reason), out.ExitCode()),
			"someone else deployed while we waited; check 'doppio status'")
	case watch.TimedOut:
		return diag.WithHint(diag.WithCode(fmt.Errorf("timed out waiting for deployment %s: %s", out.DeploymentID, out.Pending), out.ExitCode()),
			"the deployment goes on without us; resume with 'doppio wait', or raise --timeout / the config timeout")
	case watch.Interrupted:
		return diag.WithHint(diag.WithCode(fmt.Errorf("interrupted while waiting for deployment %s; the service was left as it is", out.DeploymentID), out.ExitCode()),
			"check with 'doppio status'; roll back with 'doppio rollback'")
	case watch.Paused:
		return diag.WithHint(diag.WithCode(fmt.Errorf("deployment %s is paused: %s", out.DeploymentID, out.Reason), out.ExitCode()),
			"'doppio continue' goes on ('--rollback' rolls back); 'doppio wait --wait-on-pause' waits for the timeout action")
	}
	return diag.WithCode(fmt.Errorf("deployment %s ended as %v", out.DeploymentID, out.Kind), out.ExitCode())
}

// ci reports whether progress must be append-only lines (CI, or not a terminal).
func (a *app) ci() bool {
	return a.env.Vars["CI"] == "true" || !a.env.IsTerminal
}

// WaitCmd follows the service's current deployment.
type WaitCmd struct {
	waitFlags
}

// Run waits for the current PRIMARY deployment.
func (c *WaitCmd) Run(ctx context.Context, a *app) error {
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	client, err := p.ecsAPI(ctx)
	if err != nil {
		return err
	}
	svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	if svc == nil {
		return errServiceNotFound(p.cfg)
	}
	if deploy.IsCodeDeploy(svc) {
		return a.waitCodeDeploy(ctx, p, c.waitFlags) // codedeploy.go
	}
	return a.follow(ctx, client, followRequest{
		cluster: p.cfg.Cluster, service: p.cfg.Service, taskDefinition: aws.ToString(svc.TaskDefinition),
		until: c.until(), service0: svc, interval: c.PollInterval, bg: c.bgFollow(),
	})
}
