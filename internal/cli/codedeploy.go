package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// codeDeployClient returns a CodeDeploy client on the project's AWS config.
func (p *project) codeDeployClient(ctx context.Context) (*codedeploy.Client, error) {
	cfg, err := p.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return codedeploy.NewFromConfig(cfg), nil
}

// codeDeployGroup is the config's codedeploy section as the domain wants it.
func (p *project) codeDeployGroup() deploy.CodeDeployGroup {
	if cd := p.cfg.CodeDeploy; cd != nil {
		return deploy.CodeDeployGroup{Application: cd.ApplicationName, DeploymentGroup: cd.DeploymentGroupName, DeploymentConfig: cd.DeploymentConfigName}
	}
	return deploy.CodeDeployGroup{}
}

// deployCodeDeploy deploys a CODE_DEPLOY service through CodeDeploy: register (or
// reuse) the task definition, send the attributes UpdateService may change (naming
// the ones it may not), build the AppSpec, CreateDeployment and follow it. handled is
// false when the service is not a CODE_DEPLOY one.
func (a *app) deployCodeDeploy(ctx context.Context, p *project, o deploy.Options, c *DeployCmd) (handled bool, err error) {
	// The service definition (or the config's codedeploy section) says which
	// controller the service uses; only without either is the live service asked, so
	// an ECS deploy makes no extra call.
	sdSays := o.ServiceDefinition != nil && o.ServiceDefinition.DeploymentController != nil
	if sdSays && o.ServiceDefinition.DeploymentController.Type != ecstypes.DeploymentControllerTypeCodeDeploy {
		return false, nil
	}
	if !sdSays && p.cfg.CodeDeploy == nil && o.ServiceDefinition != nil {
		return false, nil
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return false, err
	}
	ds, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(o.Cluster), Services: []string{o.Service}})
	if err != nil || len(ds.Services) == 0 || !deploy.IsCodeDeploy(&ds.Services[0]) || aws.ToString(ds.Services[0].Status) != "ACTIVE" {
		return false, nil // the ECS path reports errors and creates services
	}
	live := &ds.Services[0]
	events, err := parseRollbackEvents(c.RollbackEvents)
	if err != nil {
		return true, err
	}
	w := c.waitFlags
	until := ""
	if ev, ok := strings.CutPrefix(w.WaitUntil, "codedeploy:"); ok {
		until, _ = watch.ParseCodeDeployEvent(ev)
	} else if strings.HasPrefix(w.WaitUntil, "ecs:") {
		return true, diag.Invalid(fmt.Errorf("--wait-until %s: service %q uses the CODE_DEPLOY controller", w.WaitUntil, o.Service), "use --wait-until codedeploy:<Event>")
	}
	d := deploy.New(deploy.Deps{ECS: client, Log: a.log})
	plan, err := d.Plan(ctx, o)
	if err != nil {
		return true, err
	}
	update, dropped := plan.CodeDeployUpdate()
	for _, f := range dropped {
		a.log.Warn("not sent to a CODE_DEPLOY service: " + f)
	}
	sd := o.ServiceDefinition
	if sd == nil {
		sd = ecsdef.ServiceDefinitionFromLive(live)
	}
	cdc, err := p.codeDeployClient(ctx)
	if err != nil {
		return true, err
	}
	group, err := deploy.FindDeploymentGroup(ctx, cdc, o.Cluster, o.Service, p.codeDeployGroup())
	if err != nil {
		return true, err
	}
	taskDef := plan.TaskDefinition.ARN
	if c.DryRun {
		spec, err := deploy.BuildAppSpec(orPlaceholder(taskDef), sd, p.cfg.AppSpec)
		if err != nil {
			return true, err
		}
		if err := view.Write(a.stdout, a.g.Output, view.DeployPlan{Plan: plan}); err != nil || a.g.Output == view.JSON {
			return true, err // with --output json the plan document is the result
		}
		fmt.Fprintf(a.stdout, "  CodeDeploy: application %s, deployment group %s, config %s\n", group.Application, group.DeploymentGroup, group.DeploymentConfig)
		b, err := spec.YAML()
		if err != nil {
			return true, err
		}
		_, _ = a.stdout.Write(b)
		return true, nil
	}
	if plan.TaskDefinition.Action == deploy.TDRegister {
		registered, err := d.Register(ctx, plan.TaskDefinition.Input)
		if err != nil {
			return true, err
		}
		taskDef = aws.ToString(registered.TaskDefinitionArn)
	}
	if update != nil {
		if _, err := client.UpdateService(ctx, update); err != nil {
			return true, fmt.Errorf("update service %q: %w", o.Service, err)
		}
	}
	if plan.TaskDefinition.Action == deploy.TDReuse && !c.ForceNewDeployment && plan.UpToDate {
		a.log.Info("service is up to date; no CodeDeploy deployment", "service", o.Service)
		return true, a.reportNoDeployment(plan, taskDef)
	}
	spec, err := deploy.BuildAppSpec(taskDef, sd, p.cfg.AppSpec)
	if err != nil {
		return true, err
	}
	id, err := deploy.CreateCodeDeployment(ctx, cdc, group, spec, events, "doppio deploy "+ecsdef.TaskDefinitionName(taskDef))
	if err != nil {
		return true, err
	}
	a.log.Info("created CodeDeploy deployment", "deployment", id, "application", group.Application, "group", group.DeploymentGroup, "taskDefinition", ecsdef.TaskDefinitionName(taskDef))
	if !w.Wait {
		return true, a.reportNoDeployment(plan, taskDef)
	}
	return true, a.followCodeDeploy(ctx, cdc, o.Cluster, o.Service, id, taskDef, cdFollow{until: until}, w.PollInterval)
}

// cdFollow is what a wait on a CodeDeploy deployment needs beyond its id.
type cdFollow struct {
	until        string // --wait-until codedeploy:<Event>
	continued    bool   // continue: its wait for traffic rerouting was just answered
	acceptPaused bool   // continue --wait-until paused: waiting for a reroute again is the goal
}

// followCodeDeploy waits for a CodeDeploy deployment and maps its outcome.
func (a *app) followCodeDeploy(ctx context.Context, cdc *codedeploy.Client, cluster, service, id, taskDef string, f cdFollow, interval time.Duration) error {
	until := f.until
	obs := &collector{next: watch.NewTextObserver(a.stderr, a.ci())}
	poller := watch.New(nil, watch.Options{Interval: interval, Observer: obs})
	out, err := poller.WaitCodeDeploy(ctx, cdc, watch.CodeDeployTarget{DeploymentID: id, Cluster: cluster, Service: service, Event: until, Continued: f.continued})
	if err != nil {
		return err
	}
	r := followRequest{cluster: cluster, service: service, taskDefinition: taskDef}
	a.record(taskDef, out.Kind.String())
	doc := view.Result{Service: service, Cluster: cluster, TaskDefinitionARN: taskDef, DeploymentID: id, Outcome: out.Kind.String(),
		Reason: out.Reason, StartedAt: out.Started, FinishedAt: out.Finished, DurationSeconds: out.Duration().Seconds(), Events: obs.events}
	addBlueGreen(&doc, out, obs.next)
	if err := view.Write(a.stdout, a.g.Output, doc); err != nil {
		return err
	}
	if out.Kind == watch.Succeeded && until != "" {
		a.log.Info(out.Reason, "deployment", id)
		return nil
	}
	if out.Kind == watch.Paused && f.acceptPaused {
		a.log.Info("CodeDeploy deployment paused", "deployment", id, "reason", out.Reason)
		return nil
	}
	if out.Kind == watch.Paused {
		return diag.WithHint(diag.WithCode(fmt.Errorf("CodeDeploy deployment %s is paused: %s", id, out.Reason), out.ExitCode()),
			"'doppio continue' reroutes traffic (ContinueDeployment) and follows the deployment; 'doppio continue --rollback' stops it with automatic rollback")
	}
	return a.outcomeError(r, out)
}

func orPlaceholder(arn string) string {
	if arn == "" {
		return "<task definition registered by deploy>"
	}
	return arn
}

// codeDeployService looks the project's service up when its service definition or
// config names CodeDeploy (only then does this cost a DescribeServices): handled is
// true when it is a live CODE_DEPLOY service; sd is the rendered service definition
// (nil when the project has none).
func codeDeployService(ctx context.Context, p *project) (ds *ecs.DescribeServicesOutput, sd *ecs.CreateServiceInput, client *ecs.Client, handled bool, err error) {
	if p.cfg.ServiceDefinition != "" {
		if sd, err = p.serviceDefinition(ctx); err != nil {
			return nil, nil, nil, true, err
		}
	}
	says := sd != nil && sd.DeploymentController != nil && sd.DeploymentController.Type == ecstypes.DeploymentControllerTypeCodeDeploy
	if !says && p.cfg.CodeDeploy == nil {
		return nil, nil, nil, false, nil
	}
	if client, err = p.ecsClient(ctx); err != nil {
		return nil, nil, nil, true, err
	}
	ds, err = client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(p.cfg.Cluster), Services: []string{p.cfg.Service}})
	if err != nil || len(ds.Services) == 0 || !deploy.IsCodeDeploy(&ds.Services[0]) {
		return nil, nil, nil, false, nil
	}
	return ds, sd, client, true, nil
}

// rollbackCodeDeploy rolls a CODE_DEPLOY service back through CodeDeploy (see
// deploy.RollbackCodeDeploy). handled is false for other services; only a service
// definition or config that names CodeDeploy costs a DescribeServices here.
func (a *app) rollbackCodeDeploy(ctx context.Context, p *project, c *RollbackCmd) (handled bool, err error) {
	ds, sd, client, handled, err := codeDeployService(ctx, p)
	if !handled || err != nil {
		return handled, err
	}
	if sd == nil {
		sd = ecsdef.ServiceDefinitionFromLive(&ds.Services[0])
	}
	cdc, err := p.codeDeployClient(ctx)
	if err != nil {
		return true, err
	}
	group, err := deploy.FindDeploymentGroup(ctx, cdc, p.cfg.Cluster, p.cfg.Service, p.codeDeployGroup())
	if err != nil {
		return true, err
	}
	if c.DryRun {
		fmt.Fprintf(a.stdout, "plan: roll back CODE_DEPLOY service %s through CodeDeploy %s/%s (stop the deployment in flight with automatic rollback, else deploy the previous revision)\n",
			p.cfg.Service, group.Application, group.DeploymentGroup)
		return true, nil
	}
	res, err := deploy.RollbackCodeDeploy(ctx, cdc, deploy.NewRevisions(client, nil), group, sd, p.cfg.AppSpec)
	if err != nil {
		return true, err
	}
	if res.Stopped != "" {
		a.log.Info("stopped CodeDeploy deployment with automatic rollback", "deployment", res.Stopped)
	} else {
		a.log.Info("created CodeDeploy deployment of the previous revision", "deployment", res.DeploymentID, "taskDefinition", ecsdef.TaskDefinitionName(res.Target))
	}
	if !c.Wait {
		return true, nil
	}
	id := res.DeploymentID
	if res.Stopped != "" {
		// CodeDeploy starts the rollback deployment as the stop completes.
		if id, err = a.codeDeployRollbackOf(ctx, cdc, res.Stopped, c.PollInterval); err != nil {
			return true, err
		}
	}
	if err := a.followCodeDeploy(ctx, cdc, p.cfg.Cluster, p.cfg.Service, id, res.Target, cdFollow{}, c.PollInterval); err != nil {
		return true, err
	}
	a.log.Info("rolled back", "service", p.cfg.Service, "deployment", id)
	return true, nil
}

// waitCodeDeploy follows the CODE_DEPLOY service's deployment in flight; with none
// in flight there is nothing to wait for (as ecspresso: success).
func (a *app) waitCodeDeploy(ctx context.Context, p *project, w waitFlags) error {
	cdc, err := p.codeDeployClient(ctx)
	if err != nil {
		return err
	}
	group, err := deploy.FindDeploymentGroup(ctx, cdc, p.cfg.Cluster, p.cfg.Service, p.codeDeployGroup())
	if err != nil {
		return err
	}
	out, err := cdc.ListDeployments(ctx, &codedeploy.ListDeploymentsInput{
		ApplicationName: aws.String(group.Application), DeploymentGroupName: aws.String(group.DeploymentGroup),
		IncludeOnlyStatuses: []cdtypes.DeploymentStatus{cdtypes.DeploymentStatusCreated, cdtypes.DeploymentStatusQueued,
			cdtypes.DeploymentStatusInProgress, cdtypes.DeploymentStatusReady, cdtypes.DeploymentStatusBaking},
	})
	if err != nil {
		return fmt.Errorf("list CodeDeploy deployments of %s/%s: %w", group.Application, group.DeploymentGroup, err)
	}
	if len(out.Deployments) == 0 {
		a.log.Info("no CodeDeploy deployment in progress", "application", group.Application, "group", group.DeploymentGroup)
		return nil
	}
	until := ""
	if ev, ok := strings.CutPrefix(w.WaitUntil, "codedeploy:"); ok {
		until, _ = watch.ParseCodeDeployEvent(ev)
	}
	return a.followCodeDeploy(ctx, cdc, p.cfg.Cluster, p.cfg.Service, out.Deployments[0], "", cdFollow{until: until}, w.PollInterval)
}

// initCodeDeploy adds the codedeploy section to the config init writes for a
// CODE_DEPLOY service, as ecspresso's init does; discovery failing is a warning.
type initCodeDeploy struct {
	client deploy.CodeDeploy
	log    interface{ Warn(string, ...any) }
}

func (i initCodeDeploy) section(ctx context.Context, cfg []byte, path, cluster string, svc *ecstypes.Service) []byte {
	if i.client == nil || !deploy.IsCodeDeploy(svc) {
		return cfg
	}
	g, err := deploy.FindDeploymentGroup(ctx, i.client, cluster, aws.ToString(svc.ServiceName), deploy.CodeDeployGroup{})
	if err != nil {
		i.log.Warn("CODE_DEPLOY service: no codedeploy section written", "error", err)
		return cfg
	}
	if !strings.HasSuffix(path, ".yml") && !strings.HasSuffix(path, ".yaml") {
		i.log.Warn(fmt.Sprintf("CODE_DEPLOY service: add codedeploy: {application_name: %q, deployment_group_name: %q} to %s", g.Application, g.DeploymentGroup, path))
		return cfg
	}
	return fmt.Appendf(cfg, "codedeploy:\n  application_name: %s\n  deployment_group_name: %s\n", g.Application, g.DeploymentGroup)
}
