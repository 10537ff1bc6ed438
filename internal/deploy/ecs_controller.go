package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// ecsController deploys services of the ECS deployment controller: one
// UpdateService (or CreateService) per deploy, followed through the service's
// deployments and service deployments (rolling, BLUE_GREEN, LINEAR, CANARY).
type ecsController struct {
	w *Workload
	d ControllerDeps
}

func (c *ecsController) Workload() *Workload { return c.w }

// CheckWait refuses a CodeDeploy event, and a lifecycle stage of a rolling
// deployment (it has none of the traffic-shifting stages).
func (c *ecsController) CheckWait(w Wait, sd *ecs.CreateServiceInput) error {
	if strings.HasPrefix(w.Until, "codedeploy:") {
		return diag.Invalid(fmt.Errorf("--wait-until %s: the service uses the ECS deployment controller, not CodeDeploy", w.Until),
			"use deployed, stable or ecs:<STAGE>")
	}
	if !strings.HasPrefix(w.Until, "ecs:") || sd == nil {
		return nil
	}
	strategy := types.DeploymentStrategyRolling
	if dc := sd.DeploymentConfiguration; dc != nil && dc.Strategy != "" {
		strategy = dc.Strategy
	}
	if strategy == types.DeploymentStrategyRolling {
		return diag.Invalid(fmt.Errorf("--wait-until %s: a ROLLING deployment has no such lifecycle stage", w.Until),
			"set deploymentConfiguration.strategy to BLUE_GREEN, LINEAR or CANARY, or wait with deployed or stable")
	}
	return nil
}

func (c *ecsController) deployer(ctx context.Context, o Options) (*Deployer, error) {
	deps := Deps{ECS: c.d.ECS, Log: c.d.Log, Now: c.d.Now, Protect: c.d.Protect}
	if o.AutoScaling != nil && c.d.AutoScaling != nil {
		as, err := c.d.AutoScaling(ctx)
		if err != nil {
			return nil, err
		}
		deps.AutoScaling = as
	}
	return New(deps), nil
}

// Plan computes the deploy on the service Resolve described (no second describe).
func (c *ecsController) Plan(ctx context.Context, o Options) (*Plan, error) {
	o.resolved = c.w
	dp, err := c.deployer(ctx, o)
	if err != nil {
		return nil, err
	}
	p, err := dp.Plan(ctx, o)
	if err != nil {
		return nil, err
	}
	p.deployer = dp
	p.InFlight = c.adopt(p)
	return p, nil
}

// adopt returns the deployment to follow when the plan changes nothing but the
// service's PRIMARY deployment of the wanted revision is still rolling out: an
// earlier run started it and did not see it end (its CI runner died).
func (c *ecsController) adopt(p *Plan) *Started {
	live := c.w.Live
	if !p.UpToDate || live == nil {
		return nil
	}
	for _, d := range live.Deployments {
		if aws.ToString(d.Status) != "PRIMARY" || d.RolloutState != types.DeploymentRolloutStateInProgress ||
			aws.ToString(d.TaskDefinition) != p.TaskDefinition.ARN {
			continue
		}
		id := aws.ToString(d.Id)
		return &Started{Kind: c.w.Kind, Cluster: p.Cluster, Service: p.Service, TaskDefinitionARN: p.TaskDefinition.ARN,
			DeploymentID: id, StartedAt: aws.ToTime(d.CreatedAt), Described: live, Adopted: true,
			Label: "deployment", Explain: true, PausedHint: ecsPausedHint,
			Note:      "following deployment " + id + ", which this run did not start: the wanted revision is still rolling out",
			NoteAttrs: []any{"service", p.Service, "taskDefinition", p.TaskDefinition.ARN},
		}
	}
	return nil
}

// Apply registers, creates or updates, and says which deployment started.
func (c *ecsController) Apply(ctx context.Context, p *Plan) (*Started, error) {
	dp := p.deployer
	if dp == nil {
		dp = New(Deps{ECS: c.d.ECS, Log: c.d.Log, Now: c.d.Now, Protect: c.d.Protect})
	}
	res, err := dp.Apply(ctx, p)
	if err != nil {
		return nil, err
	}
	return &Started{
		Kind: c.w.Kind, Cluster: p.Cluster, Service: p.Service, TaskDefinitionARN: res.TaskDefinitionARN, Registered: res.Registered,
		DeploymentID: res.DeploymentID, StartedAt: res.StartedAt, Described: res.Service, Created: res.Created,
		Label: "deployment", Explain: true, PausedHint: ecsPausedHint,
	}, nil
}

const ecsPausedHint = "'doppio continue' goes on ('--rollback' rolls back); 'doppio wait --wait-on-pause' waits for the timeout action"

func (c *ecsController) revisions() *Revisions { return NewRevisions(c.d.ECS, c.d.Now) }

// PlanRollback finds the revision to return to, or the deployment to stop.
func (c *ecsController) PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error) {
	return c.revisions().PlanRollback(ctx, o)
}

// Rollback points the service at the target, or stops the deployment in flight
// with ROLLBACK (then rolling back is the goal of the wait).
func (c *ecsController) Rollback(ctx context.Context, p *RollbackPlan) (*Started, error) {
	res, err := c.revisions().ApplyRollback(ctx, p)
	if err != nil {
		return nil, err
	}
	s := &Started{Kind: c.w.Kind, Cluster: p.Cluster, Service: p.Service, TaskDefinitionARN: p.Target, StartedAt: res.StartedAt,
		DeploymentID: res.DeploymentID, Described: res.Service, Label: "deployment", Explain: true, PausedHint: ecsPausedHint}
	if p.StopDeployment != "" {
		s.Stopped, s.RollsBack, s.TaskDefinitionARN = p.StopDeployment, true, p.Current
	}
	return s, nil
}

// Cleanup deregisters the revision rolled away from, unless still in use.
func (c *ecsController) Cleanup(ctx context.Context, p *RollbackPlan, runs string) (string, error) {
	if p.Deregister == "" || p.Deregister == runs {
		return "", nil
	}
	return c.revisions().DeregisterUnused(ctx, p.Cluster, p.Service, p.Deregister)
}

// Continue answers the PAUSE hook the deployment in flight waits at.
func (c *ecsController) Continue(ctx context.Context, rollback bool) (*Started, error) {
	res, err := continueOn(ctx, c.d.ECS, c.w.Cluster, c.w.Service, c.w.Live, rollback, c.d.Now)
	if err != nil {
		return nil, err
	}
	return &Started{Kind: c.w.Kind, Cluster: c.w.Cluster, Service: c.w.Service, TaskDefinitionARN: res.TaskDefinition,
		DeploymentID: res.DeploymentID, DeploymentARN: res.ServiceDeploymentARN, ContinuedHook: res.HookID, RollsBack: rollback,
		Label: "deployment", Explain: true, PausedHint: ecsPausedHint, Result: res,
		Note:      fmt.Sprintf("sent %s for lifecycle hook %s at %s", res.Action, res.HookID, res.Stage),
		NoteAttrs: []any{"service", c.w.Service, "deployment", res.DeploymentID},
	}, nil
}

// InFlight is the service's current PRIMARY deployment.
func (c *ecsController) InFlight(context.Context) (*Started, error) {
	live := c.w.Live
	if !c.w.Exists() {
		return nil, &NotFoundError{What: "service", Name: c.w.Service, Cluster: c.w.Cluster}
	}
	return &Started{Kind: c.w.Kind, Cluster: c.w.Cluster, Service: c.w.Service, TaskDefinitionARN: aws.ToString(live.TaskDefinition),
		Described: live, Label: "deployment", Explain: true, PausedHint: ecsPausedHint}, nil
}

// Follow waits on the deployment our call started (or, after a stop, on its
// rollback).
func (c *ecsController) Follow(ctx context.Context, s *Started, w Wait) (watch.Outcome, error) {
	if s.Created && c.w.Kind == KindExternal {
		// An EXTERNAL service starts with no deployment and no task set: the tool
		// that manages its task sets creates them (CreateService API reference), so
		// there is nothing of ours to wait for.
		return watch.Outcome{Kind: watch.Succeeded, Started: s.StartedAt, Finished: c.d.Now(),
			Reason: "EXTERNAL service created; its task sets are created by the controller that manages them"}, nil
	}
	t := watch.Target{Cluster: s.Cluster, Service: s.Service, DeploymentID: s.DeploymentID, DeploymentARN: s.DeploymentARN,
		TaskDefinition: s.TaskDefinitionARN, StartedAt: s.StartedAt, Until: w.until(), WaitOnPause: w.WaitOnPause,
		ContinuedHook: s.ContinuedHook, NewEventsOnly: s.ContinuedHook != ""}
	if stage, ok := strings.CutPrefix(w.Until, "ecs:"); ok {
		t.Stage, _ = watch.ParseStage(stage)
	}
	if s.Stopped != "" {
		t = watch.Target{Cluster: s.Cluster, Service: s.Service, DeploymentARN: s.Stopped, TaskDefinition: s.TaskDefinitionARN,
			StartedAt: s.StartedAt, Until: w.until()}
	}
	if t.DeploymentID == "" && s.Described != nil && s.Stopped == "" {
		for _, d := range s.Described.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" {
				t.DeploymentID = aws.ToString(d.Id)
			}
		}
	}
	poller := watch.New(c.d.Watch, watch.Options{Interval: w.interval(), Observer: w.Observer, Epoch: w.Epoch})
	out, err := poller.Wait(ctx, t)
	if err != nil {
		return out, fmt.Errorf("wait for service %q: %w", s.Service, err)
	}
	return out, nil
}
