package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// deployFlags choose what a deploy (or its plan) would do; deploy and plan share them.
type deployFlags struct {
	Tasks                int32 `help:"Desired count (-1: the file's desiredCount, else keep the live count)." default:"-1"`
	SkipTaskDefinition   bool  `help:"Keep the service's current task definition; register nothing (with --revision: that revision)."`
	LatestTaskDefinition bool  `help:"Use the newest ACTIVE revision of the service's family; register nothing."`
	Revision             int32 `help:"Use this revision of the service's family; register nothing."`
	ForceNewDeployment   bool  `help:"Start a new deployment even if nothing changed."`
	ForceRegister        bool  `help:"Register a new revision even if it equals the live one."`
	UpdateService        bool  `help:"Apply the service definition's attributes and tags." negatable:"" default:"true"`
	Full                 bool  `help:"With plan or --dry-run: print the whole task definition to register, not only what it changes."`
	imageFlags
	RollbackEvents string `help:"CodeDeploy services: comma-separated events that roll the deployment back (DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST)." placeholder:"EVENTS"`
	scalingFlags
}

// Validate checks the flags before anything is loaded or called.
func (f deployFlags) Validate() error {
	if f.LatestTaskDefinition && f.Revision != 0 {
		return diag.Invalid(errors.New("--revision and --latest-task-definition exclude each other"), "pick one")
	}
	if f.Revision < 0 {
		return diag.Invalid(fmt.Errorf("--revision %d: must be above 0", f.Revision), "")
	}
	if err := checkTasks(f.Tasks); err != nil {
		return err
	}
	if f.imageFlags.set() && (f.SkipTaskDefinition || f.LatestTaskDefinition || f.Revision != 0) {
		return diag.Invalid(errors.New("--image and --tag change the rendered task definition, which is not used with --skip-task-definition, --latest-task-definition or --revision"), "")
	}
	if err := f.imageFlags.Validate(); err != nil {
		return err
	}
	_, err := parseRollbackEvents(f.RollbackEvents)
	return err
}

// checkTasks checks --tasks: -1 (unset), or 0 up to the tasks-per-service quota.
func checkTasks(n int32) error {
	if n < -1 {
		return diag.Invalid(fmt.Errorf("--tasks %d: must be 0 or more", n), "")
	}
	if n > ecsdef.MaxDesiredCount {
		return diag.Invalid(fmt.Errorf("--tasks %d: above the tasks-per-service quota of %d", n, ecsdef.MaxDesiredCount), "ECS runs at most that many tasks per service unless the quota was raised")
	}
	return nil
}

// imageFlags override images of the rendered task definition (deploy, plan,
// register).
type imageFlags struct {
	Image []string `help:"Override a container's image: CONTAINER=IMAGE; repeatable." placeholder:"CONTAINER=IMAGE"`
	Tag   *string  `help:"Override the image tag of every container using the first container's repository." placeholder:"TAG"`
}

func (f imageFlags) set() bool { return len(f.Image) > 0 || f.Tag != nil }

// Validate checks every --image and the --tag before anything is loaded.
func (f imageFlags) Validate() error {
	_, err := f.overrides()
	return err
}

// overrides parses --image values; with --tag they are refused (ambiguous).
func (f imageFlags) overrides() ([]ecsdef.ImageOverride, error) {
	if f.Tag != nil {
		if len(f.Image) > 0 {
			return nil, diag.Invalid(errors.New("--image and --tag exclude each other"), "use --tag for every container of the first container's repository, or --image CONTAINER=IMAGE")
		}
		if err := ecsdef.ValidTag(*f.Tag); err != nil {
			return nil, diag.Invalid(fmt.Errorf("--tag %q: %w", *f.Tag, err), diag.Hint(err))
		}
	}
	var out []ecsdef.ImageOverride
	seen := map[string]bool{}
	for _, spec := range f.Image {
		o, err := ecsdef.ParseImageOverride(spec)
		if err != nil {
			return nil, diag.Invalid(fmt.Errorf("--image %w", err), diag.Hint(err))
		}
		if seen[o.Container] {
			return nil, diag.Invalid(fmt.Errorf("--image: container %q is given an image twice", o.Container), "give each container one --image")
		}
		seen[o.Container] = true
		out = append(out, o)
	}
	return out, nil
}

// apply returns td with the overrides applied (td itself when none was given).
func (f imageFlags) apply(td *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionInput, error) {
	overrides, err := f.overrides()
	if err != nil {
		return nil, err
	}
	tag := ""
	if f.Tag != nil {
		tag = *f.Tag
	}
	out, err := ecsdef.ApplyImages(td, overrides, tag)
	if err != nil {
		return nil, diag.Invalid(fmt.Errorf("--image/--tag: %w", err), diag.Hint(err))
	}
	return out, nil
}

// parseRollbackEvents reads --rollback-events: the CodeDeploy auto-rollback events.
func parseRollbackEvents(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	allowed := cdtypes.AutoRollbackEvent("").Values()
	names := make([]string, len(allowed))
	for i, e := range allowed {
		names[i] = string(e)
	}
	var out []string
	for _, e := range strings.Split(s, ",") {
		e = strings.TrimSpace(e)
		if !slices.Contains(names, e) {
			return nil, diag.Invalid(fmt.Errorf("--rollback-events: unknown event %q", e), "allowed: "+strings.Join(names, ", ")+" "+diag.DidYouMean(e, names))
		}
		out = append(out, e)
	}
	return out, nil
}

// DeployCmd registers the task definition (unless identical to the live one) and
// creates or updates the service with one API call, then follows the deployment.
type DeployCmd struct {
	DryRun bool `help:"Print the plan and stop; change nothing."`
	deployFlags
	waitFlags
}

// scalingFlags change the service's Application Auto Scaling target.
type scalingFlags struct {
	SuspendAutoScaling bool  `help:"Suspend auto scaling (scale-in, scale-out and scheduled)."`
	ResumeAutoScaling  bool  `help:"Resume auto scaling."`
	AutoScalingMin     int32 `help:"Set the scalable target's minimum capacity." default:"-1"`
	AutoScalingMax     int32 `help:"Set the scalable target's maximum capacity." default:"-1"`
}

func (s scalingFlags) change() (*deploy.ScalingChange, error) {
	if s.SuspendAutoScaling && s.ResumeAutoScaling {
		return nil, diag.Invalid(fmt.Errorf("--suspend-auto-scaling and --resume-auto-scaling exclude each other"), "")
	}
	c := &deploy.ScalingChange{}
	set := false
	if s.SuspendAutoScaling || s.ResumeAutoScaling {
		c.Suspend, set = aws.Bool(s.SuspendAutoScaling), true
	}
	if s.AutoScalingMin >= 0 {
		c.Min, set = aws.Int32(s.AutoScalingMin), true
	}
	if s.AutoScalingMax >= 0 {
		c.Max, set = aws.Int32(s.AutoScalingMax), true
	}
	if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
		return nil, diag.Invalid(fmt.Errorf("--auto-scaling-min %d is above --auto-scaling-max %d", *c.Min, *c.Max), "")
	}
	if !set {
		return nil, nil
	}
	return c, nil
}

func tasksFlag(n int32) *int32 {
	if n < 0 {
		return nil
	}
	return aws.Int32(n)
}

// Validate checks the deploy and wait flags before anything is loaded or called.
func (c *DeployCmd) Validate() error {
	if err := c.deployFlags.Validate(); err != nil {
		return err
	}
	return c.waitFlags.Validate()
}

// Run plans, prints the plan, applies it and waits.
func (c *DeployCmd) Run(ctx context.Context, a *app) error {
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	o, err := c.deployFlags.options(ctx, a, p)
	if err != nil {
		return err
	}
	return a.planAndApply(ctx, p, o, c.DryRun, c.waitFlags, false, c.Full)
}

// options renders and validates everything the flags ask for, before any AWS call.
func (f deployFlags) options(ctx context.Context, a *app, p *project) (deploy.Options, error) {
	scaling, err := f.scalingFlags.change()
	if err != nil {
		return deploy.Options{}, err
	}
	if err := a.requireService(p); err != nil {
		return deploy.Options{}, err
	}
	o := deploy.Options{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Tasks: tasksFlag(f.Tasks),
		SkipTaskDefinition: f.SkipTaskDefinition, LatestTaskDefinition: f.LatestTaskDefinition, Revision: f.Revision,
		ForceNewDeployment: f.ForceNewDeployment, ForceRegister: f.ForceRegister, AutoScaling: scaling,
	}
	if p.cfg.Ignore != nil {
		o.IgnoreTags = p.cfg.Ignore.Tags
	}
	if o.RollbackEvents, err = parseRollbackEvents(f.RollbackEvents); err != nil {
		return o, err
	}
	if k := p.workload(); k != nil {
		return f.kindOptions(ctx, p, k, o) // workloads.go
	}
	if !f.SkipTaskDefinition && !f.LatestTaskDefinition && f.Revision == 0 {
		td, err := p.taskDefinition(ctx)
		if err != nil {
			return o, err
		}
		if td, err = f.imageFlags.apply(td); err != nil {
			return o, err
		}
		o.TaskDefinition = td
	} else if p.cfg.TaskDefinition != "" {
		if td, err := p.taskDefinition(ctx); err == nil {
			o.Family = aws.ToString(td.Family)
		}
	}
	if f.UpdateService && p.cfg.ServiceDefinition != "" {
		sd, err := p.serviceDefinition(ctx)
		if err != nil {
			return o, err
		}
		o.ServiceDefinition = sd
	}
	return o, nil
}

// planAndApply is shared by deploy, plan, scale and refresh: options → resolve →
// controller → view.
func (a *app) planAndApply(ctx context.Context, p *project, o deploy.Options, dryRun bool, w waitFlags, planOnly, full bool) error {
	ctl, err := a.controller(ctx, p, o.ServiceDefinition)
	if err != nil {
		return err
	}
	wait := a.waitOf(w, nil)
	if err := ctl.CheckWait(wait, o.ServiceDefinition); err != nil {
		return err
	}
	plan, err := ctl.Plan(ctx, o)
	if err != nil {
		return err
	}
	if planOnly || dryRun {
		return a.printPlan(ctx, p, plan, dryRun, full)
	}
	if err := view.Write(a.stderr, view.Text, view.DeployPlan{Plan: plan}); err != nil {
		return err
	}
	for _, warn := range plan.Warnings {
		a.log.Warn(warn)
	}
	if plan.UpToDate && (plan.InFlight == nil || !w.Wait) {
		a.log.Info("service is up to date; nothing to deploy", "service", o.Service)
		return a.reportNoDeployment(plan, "")
	}
	s := plan.InFlight
	if s == nil {
		if err := a.beforeChange(ctx); err != nil {
			return err
		}
		if s, err = ctl.Apply(ctx, plan); err != nil {
			return err
		}
	}
	a.noteStarted(s)
	if !w.Wait {
		a.log.Info("not waiting (--no-wait)", "deployment", s.DeploymentID)
		return a.reportNoDeployment(plan, s.TaskDefinitionARN)
	}
	if !plan.StartsDeployment && plan.DesiredCount != nil && plan.CodeDeploy == nil {
		// Only the desired count changed: no deployment starts, so "deployed" would
		// be true at once; wait, as ecspresso does, until running equals desired.
		wait.Until = "stable"
	}
	return a.follow(ctx, ctl, s, wait)
}

// printPlan prints the plan as the result of plan or deploy --dry-run: the plan
// document; in text, what the new task definition changes against the live one
// (the whole definition with --full, always redacted) and, for CodeDeploy under
// --dry-run, the deployment group and AppSpec.
func (a *app) printPlan(ctx context.Context, p *project, plan *deploy.Plan, dryRun, full bool) error {
	doc := view.DeployPlan{Plan: plan, Full: full, Redact: p.renderer.Redact}
	if in := plan.TaskDefinition.Input; in != nil && a.g.Output != view.JSON {
		client, err := p.ecsClient(ctx)
		if err != nil {
			return err
		}
		live, name, err := liveTaskDefinition(ctx, client, plan.Live(), aws.ToString(in.Family))
		if err != nil {
			return err
		}
		doc.LiveTaskDefinition, doc.LiveName = live, name
		if doc.LiveTaskDefinition == nil {
			doc.Full = true // nothing to compare with: the whole definition
		}
		doc.LocalName = a.rel(p.cfg.TaskDefinitionPath())
	}
	if err := view.Write(a.stdout, a.g.Output, doc); err != nil || a.g.Output == view.JSON {
		return err
	}
	if cd := plan.CodeDeploy; cd != nil && dryRun {
		g := cd.Group
		fmt.Fprintf(a.stdout, "  CodeDeploy: application %s, deployment group %s, config %s\n", g.Application, g.DeploymentGroup, g.DeploymentConfig)
		b, err := cd.AppSpec.YAML()
		if err != nil {
			return err
		}
		_, err = a.stdout.Write(b)
		return err
	}
	return nil
}

// reportNoDeployment prints the result when nothing is waited for: the service was
// up to date, or a deployment started under --no-wait (taskDef is then its task
// definition).
func (a *app) reportNoDeployment(plan *deploy.Plan, taskDef string) error {
	outcome := "unchanged"
	if !plan.UpToDate {
		outcome = view.OutcomeStarted
	}
	a.record(cmp.Or(taskDef, plan.TaskDefinition.ARN), outcome)
	return view.Write(a.stdout, a.g.Output, view.NoDeployment{Cluster: plan.Cluster, Outcome: outcome, Service: plan.Service,
		TaskDefinitionARN: cmp.Or(taskDef, plan.TaskDefinition.ARN), UpToDate: plan.UpToDate, PrintARN: taskDef != ""})
}

// PlanCmd prints what deploy would do; it changes nothing.
type PlanCmd struct {
	deployFlags
}

// Run prints the same plan value as deploy --dry-run.
func (c *PlanCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	o, err := c.deployFlags.options(ctx, a, p)
	if err != nil {
		return err
	}
	return a.planAndApply(ctx, p, o, true, waitFlags{Wait: true, WaitUntil: "deployed", PollInterval: 5 * time.Second}, true, c.Full)
}
