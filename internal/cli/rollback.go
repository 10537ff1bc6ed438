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

// Run plans, applies and waits: options → resolve → controller → view.
func (c *RollbackCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	ctl, sd, err := a.definedController(ctx, p)
	if err != nil {
		return err
	}
	plan, err := ctl.PlanRollback(ctx, deploy.RollbackOptions{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Revision: c.Revision,
		Deregister: c.DeregisterTaskDefinition, Stop: c.Stop, ServiceDefinition: sd,
	})
	if err != nil {
		return notFoundHint(err)
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
	s, err := ctl.Rollback(ctx, plan)
	if err != nil {
		return err
	}
	a.noteStarted(s)
	if !c.Wait {
		a.log.Info("not waiting (--no-wait)")
		return view.Write(a.stdout, a.g.Output, view.Result{Service: plan.Service, Cluster: plan.Cluster, TaskDefinitionARN: s.TaskDefinitionARN,
			DeploymentID: s.DeploymentID, Outcome: view.OutcomeStarted, StartedAt: s.StartedAt})
	}
	runs := s.TaskDefinitionARN
	if s.RollsBack {
		if runs, err = a.followStop(ctx, ctl, s, c.waitFlags); err != nil {
			return err
		}
	} else if err := a.follow(ctx, ctl, s, a.waitOf(c.waitFlags, nil)); err != nil {
		return err
	}
	if !s.RollsBack {
		a.log.Info("rolled back", "service", p.cfg.Service, "deployment", s.DeploymentID)
	}
	by, err := ctl.Cleanup(ctx, plan, runs)
	if err != nil || plan.Deregister == "" || plan.Deregister == runs || plan.CodeDeploy != nil {
		return err
	}
	if by != "" {
		a.log.Warn("left "+ecsdef.TaskDefinitionName(plan.Deregister)+" registered: still in use", "by", by)
		return nil
	}
	a.log.Info("deregistered " + ecsdef.TaskDefinitionName(plan.Deregister))
	return nil
}

// followStop follows the deployment we stopped with a rollback: for us, its rolling
// back is success. It returns the task definition the service runs afterwards.
func (a *app) followStop(ctx context.Context, ctl deploy.Controller, s *deploy.Started, w waitFlags) (string, error) {
	wait := a.waitOf(w, watch.NewTextObserver(a.stderr, a.ci()))
	out, err := ctl.Follow(ctx, s, wait)
	if err != nil {
		return "", err
	}
	a.record(out.RolledBackTo, out.Kind.String())
	if out.Kind != watch.RolledBack {
		return "", a.outcomeError(s, out)
	}
	if out.Pending != "" {
		return "", diag.WithCode(fmt.Errorf("rollback of deployment %s has not finished: %s", out.DeploymentID, out.Pending), diag.ExitTimeout)
	}
	a.log.Info("deployment stopped and rolled back", "deployment", out.DeploymentID, "runs", ecsdef.TaskDefinitionName(out.RolledBackTo))
	if err := view.Write(a.stdout, a.g.Output, view.StoppedRollback{Cluster: s.Cluster, Outcome: watch.RolledBack.String(),
		Service: s.Service, StoppedDeploymentARN: s.Stopped, TaskDefinitionARN: out.RolledBackTo}); err != nil {
		return "", err
	}
	return out.RolledBackTo, nil
}

// rollbackClient is checked at compile time: *ecs.Client must satisfy the domain's
// interface.
var _ deploy.RevisionsECS = (*ecs.Client)(nil)
