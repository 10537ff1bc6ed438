package deploy

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// CodeDeployPlan is what a CODE_DEPLOY service's deploy sends through CodeDeploy.
type CodeDeployPlan struct {
	Group CodeDeployGroup `json:"group"`
	// AppSpec is the AppSpec the deployment carries (its task definition is a
	// placeholder until Apply registers it).
	AppSpec *AppSpec `json:"-"`
	// Update is the UpdateService the service can take (nil when none).
	Update *ecs.UpdateServiceInput `json:"-"`
	sd     *ecs.CreateServiceInput
	events []string
}

// codeDeployController deploys CODE_DEPLOY services through CodeDeploy: the task
// definition goes into an AppSpec, attributes UpdateService may still change go
// through UpdateService, and CodeDeploy's deployment is followed. Creating the
// service is ECS's CreateService, as for any service.
type codeDeployController struct {
	*ecsController
}

// CheckWait refuses an ECS lifecycle stage on a live CODE_DEPLOY service.
func (c *codeDeployController) CheckWait(w Wait, sd *ecs.CreateServiceInput) error {
	if !c.w.Exists() {
		return c.ecsController.CheckWait(w, sd)
	}
	if strings.HasPrefix(w.Until, "ecs:") {
		return diag.Invalid(fmt.Errorf("--wait-until %s: service %q uses the CODE_DEPLOY controller", w.Until, c.w.Service), "use --wait-until codedeploy:<Event>")
	}
	return nil
}

func (c *codeDeployController) client(ctx context.Context) (CodeDeployAPI, error) {
	if c.d.CodeDeploy == nil {
		return nil, fmt.Errorf("no CodeDeploy client")
	}
	return c.d.CodeDeploy(ctx)
}

func (c *codeDeployController) group(ctx context.Context) (CodeDeployAPI, CodeDeployGroup, error) {
	cdc, err := c.client(ctx)
	if err != nil {
		return nil, CodeDeployGroup{}, err
	}
	g, err := FindDeploymentGroup(ctx, cdc, c.w.Cluster, c.w.Service, c.d.Group)
	return cdc, g, err
}

// Plan is the ECS plan, split into what UpdateService may still take and what goes
// through CodeDeploy, with the deployment group and AppSpec.
func (c *codeDeployController) Plan(ctx context.Context, o Options) (*Plan, error) {
	p, err := c.ecsController.Plan(ctx, o)
	if err != nil || !c.w.Exists() || o.ServiceOnly {
		return p, err
	}
	update, dropped := p.CodeDeployUpdate()
	for _, f := range dropped {
		c.d.Log.Warn("not sent to a CODE_DEPLOY service: " + f)
	}
	sd := o.ServiceDefinition
	if sd == nil {
		sd = ecsdef.ServiceDefinitionFromLive(c.w.Live)
	}
	_, g, err := c.group(ctx)
	if err != nil {
		return nil, err
	}
	spec, err := BuildAppSpec(placeholder(p.TaskDefinition.ARN), sd, c.d.AppSpec)
	if err != nil {
		return nil, err
	}
	p.CodeDeploy = &CodeDeployPlan{Group: g, AppSpec: spec, Update: update, sd: sd, events: o.RollbackEvents}
	if p.InFlight, err = c.adopt(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// adopt finds the group's CodeDeploy deployment in flight. One that deploys the
// revision this plan wants is followed (a re-run after a CI runner died); another
// one makes the deploy stop before it changes anything, as CodeDeploy would refuse
// a second deployment in the group.
func (c *codeDeployController) adopt(ctx context.Context, p *Plan) (*Started, error) {
	cdc, err := c.client(ctx)
	if err != nil {
		return nil, err
	}
	g := p.CodeDeploy.Group
	id, err := inFlightDeployment(ctx, cdc, g)
	if err != nil || id == "" {
		return nil, err
	}
	d, err := cdc.GetDeployment(ctx, &codedeploy.GetDeploymentInput{DeploymentId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("get CodeDeploy deployment %s: %w", id, err)
	}
	td := ""
	if d.DeploymentInfo != nil {
		td = appSpecTaskDefinition(d.DeploymentInfo.Revision)
	}
	if td == "" || td != p.TaskDefinition.ARN {
		return nil, diag.WithHint(fmt.Errorf("CodeDeploy deployment %s of %s is still in progress in %s/%s", id, orUnknownTD(td), g.Application, g.DeploymentGroup),
			"wait for it ('doppio wait'), or stop it ('doppio rollback'), then deploy again")
	}
	p.UpToDate = true
	return c.started(&Started{TaskDefinitionARN: td, DeploymentID: id, Adopted: true,
		Note:      "following CodeDeploy deployment " + id + ", which this run did not start: the wanted revision is still being deployed",
		NoteAttrs: []any{"service", p.Service, "taskDefinition", ecsdef.TaskDefinitionName(td)},
	}), nil
}

func orUnknownTD(td string) string {
	if td == "" {
		return "an unknown task definition"
	}
	return ecsdef.TaskDefinitionName(td)
}

// inFlightDeployment returns the group's deployment in flight ("" when none is).
func inFlightDeployment(ctx context.Context, cdc CodeDeployAPI, g CodeDeployGroup) (string, error) {
	out, err := cdc.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{
		ApplicationName: aws.String(g.Application), DeploymentGroupName: aws.String(g.DeploymentGroup),
		IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued,
			cdtypes.DeploymentStatusInProgress, cdtypes.DeploymentStatusReady, cdtypes.DeploymentStatusBaking},
	})
	if err != nil {
		return "", fmt.Errorf("list CodeDeploy deployments of %s/%s: %w", g.Application, g.DeploymentGroup, err)
	}
	if len(out.Deployments) == 0 {
		return "", nil
	}
	return out.Deployments[0], nil
}

func placeholder(arn string) string {
	if arn == "" {
		return "<task definition registered by deploy>"
	}
	return arn
}

// Apply registers the task definition when it changed, sends what UpdateService
// may take, and creates the CodeDeploy deployment.
func (c *codeDeployController) Apply(ctx context.Context, p *Plan) (*Started, error) {
	if p.CodeDeploy == nil { // the service is being created: ECS's CreateService
		return c.ecsController.Apply(ctx, p)
	}
	dp := p.deployer
	taskDef := p.TaskDefinition.ARN
	registered := false
	if p.TaskDefinition.Action == TDRegister {
		td, err := dp.Register(ctx, p.TaskDefinition.Input)
		if err != nil {
			return nil, err
		}
		taskDef, registered = aws.ToString(td.TaskDefinitionArn), true
		p.TaskDefinition.ARN = taskDef
	}
	if u := p.CodeDeploy.Update; u != nil {
		if _, err := c.d.ECS.UpdateService(ctx, u); err != nil {
			return nil, fmt.Errorf("update service %q: %w", p.Service, err)
		}
	}
	spec, err := BuildAppSpec(taskDef, p.CodeDeploy.sd, c.d.AppSpec)
	if err != nil {
		return nil, err
	}
	cdc, err := c.client(ctx)
	if err != nil {
		return nil, err
	}
	events := make([]cdtypes.AutoRollbackEvent, len(p.CodeDeploy.events))
	for i, e := range p.CodeDeploy.events {
		events[i] = cdtypes.AutoRollbackEvent(e)
	}
	started := c.d.Now()
	g := p.CodeDeploy.Group
	id, err := CreateCodeDeployment(ctx, cdc, g, spec, events, "doppio deploy "+ecsdef.TaskDefinitionName(taskDef))
	if err != nil {
		return nil, err
	}
	return c.started(&Started{TaskDefinitionARN: taskDef, Registered: registered, DeploymentID: id, StartedAt: started,
		Note:      "created CodeDeploy deployment",
		NoteAttrs: []any{"deployment", id, "application", g.Application, "group", g.DeploymentGroup, "taskDefinition", ecsdef.TaskDefinitionName(taskDef)},
	}), nil
}

const codeDeployPausedHint = "'doppio continue' reroutes traffic (ContinueDeployment) and follows the deployment; 'doppio continue --rollback' stops it with automatic rollback"

// started fills what every CodeDeploy start shares.
func (c *codeDeployController) started(s *Started) *Started {
	s.Kind, s.Cluster, s.Service = KindCodeDeploy, c.w.Cluster, c.w.Service
	s.Label, s.PausedHint = "CodeDeploy deployment", codeDeployPausedHint
	return s
}

// PlanRollback names the deployment group the rollback goes through.
func (c *codeDeployController) PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error) {
	_, g, err := c.group(ctx)
	if err != nil {
		return nil, err
	}
	sd := o.ServiceDefinition
	if sd == nil && c.w.Live != nil {
		sd = ecsdef.ServiceDefinitionFromLive(c.w.Live)
	}
	return &RollbackPlan{Cluster: o.Cluster, Service: o.Service, Current: aws.ToString(c.w.Live.TaskDefinition), CodeDeploy: &g, sd: sd}, nil
}

// Rollback stops the deployment in flight with automatic rollback, else deploys
// the previous revision through CodeDeploy.
func (c *codeDeployController) Rollback(ctx context.Context, p *RollbackPlan) (*Started, error) {
	cdc, err := c.client(ctx)
	if err != nil {
		return nil, err
	}
	started := c.d.Now()
	res, err := RollbackCodeDeploy(ctx, cdc, c.revisions(), *p.CodeDeploy, p.sd, c.d.AppSpec)
	if err != nil {
		return nil, err
	}
	s := c.started(&Started{TaskDefinitionARN: res.Target, DeploymentID: res.DeploymentID, StartedAt: started, Result: res})
	if res.Stopped != "" {
		s.Stopped = res.Stopped
		s.Note, s.NoteAttrs = "stopped CodeDeploy deployment with automatic rollback", []any{"deployment", res.Stopped}
	} else {
		s.Note, s.NoteAttrs = "created CodeDeploy deployment of the previous revision", []any{"deployment", res.DeploymentID, "taskDefinition", ecsdef.TaskDefinitionName(res.Target)}
	}
	return s, nil
}

// Cleanup leaves revisions alone: CodeDeploy keeps the original task set's
// revision for its own rollback.
func (c *codeDeployController) Cleanup(context.Context, *RollbackPlan, string) (string, error) {
	return "", nil
}

// Continue reroutes the traffic of the deployment waiting for it (or stops it
// with automatic rollback).
func (c *codeDeployController) Continue(ctx context.Context, rollback bool) (*Started, error) {
	cdc, g, err := c.group(ctx)
	if err != nil {
		return nil, err
	}
	res, err := ContinueCodeDeploy(ctx, cdc, g, rollback)
	if err != nil {
		return nil, err
	}
	s := c.started(&Started{DeploymentID: res.DeploymentID, StartedAt: c.d.Now(), Result: res})
	if rollback {
		s.Stopped = res.DeploymentID
		s.Note, s.NoteAttrs = "stopped CodeDeploy deployment with automatic rollback", []any{"deployment", res.DeploymentID}
	} else {
		s.Continued = true
		s.Note, s.NoteAttrs = "rerouted traffic of CodeDeploy deployment (ContinueDeployment READY_WAIT)", []any{"deployment", res.DeploymentID}
	}
	return s, nil
}

// InFlight is the deployment group's deployment in flight (nil when none is: as
// in ecspresso, nothing to wait for).
func (c *codeDeployController) InFlight(ctx context.Context) (*Started, error) {
	cdc, g, err := c.group(ctx)
	if err != nil {
		return nil, err
	}
	id, err := inFlightDeployment(ctx, cdc, g)
	if err != nil {
		return nil, err
	}
	if id == "" {
		c.d.Log.Info("no CodeDeploy deployment in progress", "application", g.Application, "group", g.DeploymentGroup)
		return nil, nil
	}
	return c.started(&Started{DeploymentID: id}), nil
}

// Follow waits for the CodeDeploy deployment; after a stop with automatic
// rollback, for the rollback deployment CodeDeploy starts.
func (c *codeDeployController) Follow(ctx context.Context, s *Started, w Wait) (watch.Outcome, error) {
	if s.Kind != KindCodeDeploy { // the service was just created through ECS
		return c.ecsController.Follow(ctx, s, w)
	}
	cdc, err := c.client(ctx)
	if err != nil {
		return watch.Outcome{}, err
	}
	id := s.DeploymentID
	if s.Stopped != "" {
		if id, err = c.rollbackOf(ctx, cdc, s.Stopped, w.interval()); err != nil {
			return watch.Outcome{}, err
		}
		s.DeploymentID = id
	}
	event := ""
	if ev, ok := strings.CutPrefix(w.Until, "codedeploy:"); ok {
		event, _ = watch.ParseCodeDeployEvent(ev)
	}
	poller := watch.New(nil, watch.Options{Interval: w.interval(), Observer: w.Observer})
	return poller.WaitCodeDeploy(ctx, cdc, watch.CodeDeployTarget{DeploymentID: id, Cluster: s.Cluster, Service: s.Service, Event: event, Continued: s.Continued})
}

// rollbackOf waits for CodeDeploy to start the rollback of a deployment stopped
// with automatic rollback and returns the rollback deployment's id.
func (c *codeDeployController) rollbackOf(ctx context.Context, cdc CodeDeployAPI, stopped string, interval time.Duration) (string, error) {
	for {
		id, err := RollbackDeploymentOf(ctx, cdc, stopped)
		if err != nil || id != "" {
			return id, err
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", diag.WithCode(fmt.Errorf("timed out waiting for CodeDeploy to start the rollback of %s", stopped), diag.ExitTimeout)
		case <-t.C:
		}
	}
}
