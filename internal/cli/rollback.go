package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/doppio-ecs/doppio/internal/ecsdef"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// RollbackCmd points the service back at an older ACTIVE revision of its family (or
// stops the in-progress deployment with a rollback), waits, and optionally
// deregisters the revision rolled away from.
type RollbackCmd struct {
	Revision                 int    `help:"Roll back to this revision of the family (default: the newest ACTIVE one older than the current)."`
	Previous                 bool   `help:"Roll back to the previous ACTIVE revision (the default)."`
	DeregisterTaskDefinition bool   `help:"After the rollback, deregister the revision rolled away from, unless something still uses it (default, as in ecspresso). Needs the wait." negatable:"" default:"true"`
	Stop                     bool   `help:"If a deployment is in progress, stop it with ECS's ROLLBACK instead of starting a new one."`
	DryRun                   bool   `help:"Print the plan and stop."`
	RollbackEvents           string `help:"CodeDeploy services: comma-separated events that roll the deployment back (DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST)." placeholder:"EVENTS"`
	waitFlags
}

// Validate checks the flags before anything is loaded or called.
func (c *RollbackCmd) Validate() error {
	if c.Revision != 0 && c.Previous {
		return diag.Invalid(errors.New("--revision and --previous exclude each other"), "")
	}
	if c.Revision < 0 {
		return diag.Invalid(fmt.Errorf("--revision %d: must be above 0", c.Revision), "")
	}
	if c.DeregisterTaskDefinition && !c.Wait {
		return diag.Invalid(errors.New("--deregister-task-definition (the default) needs to wait for the rollback, but --no-wait was given"), "add --no-deregister-task-definition, or drop --no-wait")
	}
	_, err := parseRollbackEvents(c.RollbackEvents)
	return err
}

// Run plans, applies and waits.
func (c *RollbackCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	if handled, err := a.rollbackCodeDeploy(ctx, p, c); handled || err != nil { // codedeploy.go
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	waiter, err := p.ecsAPI(ctx) // batched in a fleet
	if err != nil {
		return err
	}
	revs := deploy.NewRevisions(client, nil)
	plan, err := revs.PlanRollback(ctx, deploy.RollbackOptions{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Revision: c.Revision,
		Deregister: c.DeregisterTaskDefinition, Stop: c.Stop,
	})
	if err != nil {
		return err
	}
	// The plan is the result of --dry-run; otherwise it is shown before the change.
	if c.DryRun {
		return view.Write(a.stdout, a.g.Output, view.RollbackPlan{RollbackPlan: plan})
	}
	if err := view.Write(a.stderr, view.Text, view.RollbackPlan{RollbackPlan: plan}); err != nil {
		return err
	}
	if err := a.beforeChange(ctx); err != nil {
		return err
	}
	res, err := revs.ApplyRollback(ctx, plan)
	if err != nil {
		return err
	}
	if !c.Wait {
		a.log.Info("not waiting (--no-wait)")
		return view.Write(a.stdout, a.g.Output, view.Result{Service: plan.Service, Cluster: plan.Cluster, TaskDefinitionARN: plan.Target,
			Outcome: view.OutcomeStarted, StartedAt: res.StartedAt})
	}
	target := plan.Target
	if plan.StopDeployment != "" {
		if target, err = a.followStop(ctx, waiter, plan, res, c.waitFlags); err != nil {
			return err
		}
	} else if err := a.follow(ctx, waiter, followRequest{
		cluster: p.cfg.Cluster, service: p.cfg.Service, taskDefinition: target,
		startedAt: res.StartedAt, until: c.until(), service0: res.Service, interval: c.PollInterval,
	}); err != nil {
		return err
	}
	if plan.Deregister == "" || plan.Deregister == target {
		return nil
	}
	by, err := revs.DeregisterUnused(ctx, p.cfg.Cluster, p.cfg.Service, plan.Deregister)
	if err != nil {
		return err
	}
	if by != "" {
		a.log.Warn("left "+ecsdef.TaskDefinitionName(plan.Deregister)+" registered: still in use", "by", by)
		return nil
	}
	a.log.Info("deregistered " + ecsdef.TaskDefinitionName(plan.Deregister))
	return nil
}

// followStop follows the deployment we stopped with ROLLBACK: for us, its rolling
// back is success. It returns the task definition the service runs afterwards.
func (a *app) followStop(ctx context.Context, client watch.Client, plan *deploy.RollbackPlan, res *deploy.RollbackResult, w waitFlags) (string, error) {
	r := followRequest{cluster: plan.Cluster, service: plan.Service, taskDefinition: plan.Current, until: w.until()}
	poller := watch.New(client, watch.Options{Interval: w.PollInterval, Observer: watch.NewTextObserver(a.stderr, a.ci()), Epoch: a.pollEpoch()})
	out, err := poller.Wait(ctx, watch.Target{Cluster: plan.Cluster, Service: plan.Service, DeploymentARN: plan.StopDeployment,
		TaskDefinition: plan.Current, StartedAt: res.StartedAt, Until: r.until})
	if err != nil {
		return "", fmt.Errorf("wait for service %q: %w", plan.Service, err)
	}
	a.record(out.RolledBackTo, out.Kind.String())
	if out.Kind != watch.RolledBack {
		return "", a.outcomeError(r, out)
	}
	if out.Pending != "" {
		return "", diag.WithCode(fmt.Errorf("rollback of deployment %s has not finished: %s", out.DeploymentID, out.Pending), diag.ExitTimeout)
	}
	a.log.Info("deployment stopped and rolled back", "deployment", out.DeploymentID, "runs", ecsdef.TaskDefinitionName(out.RolledBackTo))
	if err := view.Write(a.stdout, a.g.Output, view.StoppedRollback{Cluster: plan.Cluster, Outcome: watch.RolledBack.String(),
		Service: plan.Service, StoppedDeploymentARN: plan.StopDeployment, TaskDefinitionARN: out.RolledBackTo}); err != nil {
		return "", err
	}
	return out.RolledBackTo, nil
}

// rollbackClient is checked at compile time: *ecs.Client must satisfy the domain's
// interface.
var _ deploy.RevisionsECS = (*ecs.Client)(nil)
