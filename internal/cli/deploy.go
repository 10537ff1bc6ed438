package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// DeployCmd registers the task definition (unless identical to the live one) and
// creates or updates the service with one API call, then follows the deployment.
type DeployCmd struct {
	DryRun               bool     `help:"Print the plan and stop; change nothing."`
	Tasks                int32    `help:"Desired count (-1: the file's desiredCount, else keep the live count)." default:"-1"`
	SkipTaskDefinition   bool     `help:"Keep the service's current task definition; register nothing."`
	LatestTaskDefinition bool     `help:"Use the family's newest ACTIVE revision; register nothing."`
	Revision             int32    `help:"Use this revision of the family; register nothing."`
	ForceNewDeployment   bool     `help:"Start a new deployment even if nothing changed."`
	ForceRegister        bool     `help:"Register a new revision even if it equals the live one."`
	UpdateService        bool     `help:"Apply the service definition's attributes and tags." negatable:"" default:"true"`
	Image                []string `help:"Override a container's image: CONTAINER=IMAGE; repeatable." placeholder:"CONTAINER=IMAGE"`
	Tag                  string   `help:"Override the image tag of every container using the first container's repository."`
	RollbackEvents       string   `help:"CodeDeploy only: auto-rollback events, comma-separated (DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST)."`
	scalingFlags
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

// Run plans, prints the plan, applies it and waits.
func (c *DeployCmd) Run(ctx context.Context, a *app) error {
	scaling, err := c.scalingFlags.change()
	if err != nil {
		return err
	}
	p, err := a.waitingProject(ctx, c.waitFlags)
	if err != nil {
		return err
	}
	o := deploy.Options{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Tasks: tasksFlag(c.Tasks),
		SkipTaskDefinition: c.SkipTaskDefinition, LatestTaskDefinition: c.LatestTaskDefinition, Revision: c.Revision,
		ForceNewDeployment: c.ForceNewDeployment, ForceRegister: c.ForceRegister, AutoScaling: scaling,
	}
	if p.cfg.Ignore != nil {
		o.IgnoreTags = p.cfg.Ignore.Tags
	}
	if p.cfg.Service == "" {
		return diag.Invalid(fmt.Errorf("%s: no service configured", a.rel(p.cfg.Path)), "set service: in the config (use 'doppio register' or 'doppio run' for task-only projects)")
	}
	// Render and validate everything before the first AWS call.
	if !c.SkipTaskDefinition && !c.LatestTaskDefinition && c.Revision == 0 {
		td, err := p.taskDefinition(ctx)
		if err != nil {
			return err
		}
		if td, err = overrideImages(td, c.Image, c.Tag); err != nil {
			return err
		}
		o.TaskDefinition = td
	} else if len(c.Image) > 0 || c.Tag != "" {
		return diag.Invalid(fmt.Errorf("--image and --tag change the rendered task definition, which is not used with --skip-task-definition, --latest-task-definition or --revision"), "")
	} else if p.cfg.TaskDefinition != "" {
		if td, err := p.taskDefinition(ctx); err == nil {
			o.Family = aws.ToString(td.Family)
		}
	}
	if c.UpdateService && p.cfg.ServiceDefinition != "" {
		sd, err := p.serviceDefinition(ctx)
		if err != nil {
			return err
		}
		o.ServiceDefinition = sd
	}
	if handled, err := a.deployCodeDeploy(ctx, p, o, c); handled || err != nil { // codedeploy.go
		return err
	}
	return a.planAndApply(ctx, p, o, c.DryRun, c.waitFlags, false)
}

// planAndApply is shared by deploy, scale and refresh.
func (a *app) planAndApply(ctx context.Context, p *project, o deploy.Options, dryRun bool, w waitFlags, planOnly bool) error {
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	deps := deploy.Deps{ECS: client, Log: a.log}
	if o.AutoScaling != nil {
		if deps.AutoScaling, err = p.autoScalingClient(ctx); err != nil {
			return err
		}
	}
	d := deploy.New(deps)
	plan, err := d.Plan(ctx, o)
	if err != nil {
		return err
	}
	if planOnly || dryRun {
		if a.g.Output == "json" {
			return ui.WriteJSON(a.stdout, plan)
		}
		printPlan(a.stdout, plan)
		if plan.TaskDefinition.Input != nil && dryRun {
			b, err := ecsdef.Marshal(plan.TaskDefinition.Input)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "task definition to register:")
			_, _ = a.stdout.Write(p.renderer.Redact(b))
		}
		return nil
	}
	printPlan(a.stderr, plan)
	for _, warn := range plan.Warnings {
		a.log.Warn(warn)
	}
	if plan.UpToDate {
		a.log.Info("service is up to date; nothing to deploy", "service", o.Service)
		return a.reportNoDeployment(plan, "")
	}
	ctx, cancel := context.WithTimeout(ctx, a.commandTimeout(p.cfg))
	defer cancel()
	res, err := d.Apply(ctx, plan)
	if err != nil {
		return err
	}
	if !w.Wait {
		a.log.Info("not waiting (--no-wait)", "deployment", res.DeploymentID)
		return a.reportNoDeployment(plan, res.TaskDefinitionARN)
	}
	return a.follow(ctx, client, followRequest{
		cluster: o.Cluster, service: o.Service, deploymentID: res.DeploymentID,
		taskDefinition: res.TaskDefinitionARN, startedAt: res.StartedAt, until: w.until(),
		service0: res.Service, bg: w.bgFollow(),
	})
}

// reportNoDeployment prints the result document when nothing is waited for.
func (a *app) reportNoDeployment(plan *deploy.Plan, taskDef string) error {
	if a.g.Output != "json" {
		if taskDef != "" {
			fmt.Fprintln(a.stdout, taskDef)
		}
		return nil
	}
	if taskDef == "" {
		taskDef = plan.TaskDefinition.ARN
	}
	return ui.WriteJSON(a.stdout, map[string]any{
		"service": plan.Service, "cluster": plan.Cluster, "taskDefinitionArn": taskDef,
		"outcome": "unchanged", "upToDate": plan.UpToDate,
	})
}

// printPlan writes the plan for people.
func printPlan(w interface{ Write([]byte) (int, error) }, p *deploy.Plan) {
	var b strings.Builder
	verb := "update"
	if p.Create {
		verb = "create"
	}
	fmt.Fprintf(&b, "plan: %s service %s in cluster %s\n", verb, p.Service, p.Cluster)
	td := p.TaskDefinition
	switch td.Action {
	case deploy.TDRegister:
		fmt.Fprintf(&b, "  task definition: register a new revision of %s", td.Family)
	case deploy.TDReuse:
		fmt.Fprintf(&b, "  task definition: reuse %s", td.ARN)
	default:
		fmt.Fprintf(&b, "  task definition: %s %s", td.Action, td.ARN)
	}
	if td.Reason != "" {
		fmt.Fprintf(&b, " (%s)", td.Reason)
	}
	b.WriteString("\n")
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "  service: %s %s\n", c.Field, c.Kind)
	}
	if p.DesiredCount != nil {
		if p.DesiredCountFrom != nil {
			fmt.Fprintf(&b, "  desired count: %d -> %d\n", *p.DesiredCountFrom, *p.DesiredCount)
		} else {
			fmt.Fprintf(&b, "  desired count: %d\n", *p.DesiredCount)
		}
	}
	for _, t := range p.TagsAdd {
		fmt.Fprintf(&b, "  tag: set %s\n", aws.ToString(t.Key))
	}
	for _, k := range p.TagsRemove {
		fmt.Fprintf(&b, "  tag: remove %s\n", k)
	}
	if p.AutoScaling != nil {
		b.WriteString("  auto scaling:")
		if p.AutoScaling.Suspend != nil {
			fmt.Fprintf(&b, " suspended=%t", *p.AutoScaling.Suspend)
		}
		if p.AutoScaling.Min != nil {
			fmt.Fprintf(&b, " min=%d", *p.AutoScaling.Min)
		}
		if p.AutoScaling.Max != nil {
			fmt.Fprintf(&b, " max=%d", *p.AutoScaling.Max)
		}
		b.WriteString("\n")
	}
	if p.ForceNewDeployment {
		fmt.Fprintf(&b, "  force new deployment: %s\n", strings.Join(p.ForceReasons, "; "))
	}
	switch {
	case p.UpToDate:
		b.WriteString("  nothing to change\n")
	case p.StartsDeployment:
		b.WriteString("  a new deployment will start\n")
	default:
		b.WriteString("  no new deployment (attributes only)\n")
	}
	_, _ = w.Write([]byte(b.String()))
}

// overrideImages applies --image CONTAINER=IMAGE and --tag TAG to a copy of td.
func overrideImages(td *ecs.RegisterTaskDefinitionInput, images []string, tag string) (*ecs.RegisterTaskDefinitionInput, error) {
	if len(images) == 0 && tag == "" {
		return td, nil
	}
	out := *td
	out.ContainerDefinitions = append(out.ContainerDefinitions[:0:0], td.ContainerDefinitions...)
	names := make([]string, 0, len(out.ContainerDefinitions))
	for _, cd := range out.ContainerDefinitions {
		names = append(names, aws.ToString(cd.Name))
	}
	if tag != "" && len(out.ContainerDefinitions) > 0 {
		repo := repository(aws.ToString(out.ContainerDefinitions[0].Image))
		for i, cd := range out.ContainerDefinitions {
			if img := aws.ToString(cd.Image); repository(img) == repo && !strings.Contains(img, "@") {
				out.ContainerDefinitions[i].Image = aws.String(repo + ":" + tag)
			}
		}
	}
	for _, spec := range images {
		name, image, ok := strings.Cut(spec, "=")
		if !ok || name == "" || image == "" {
			return nil, diag.Invalid(fmt.Errorf("--image %q: want CONTAINER=IMAGE", spec), "")
		}
		found := false
		for i, cd := range out.ContainerDefinitions {
			if aws.ToString(cd.Name) == name {
				out.ContainerDefinitions[i].Image, found = aws.String(image), true
			}
		}
		if !found {
			return nil, diag.Invalid(fmt.Errorf("--image %q: no container named %q", spec, name), diag.DidYouMean(name, names)+" containers: "+strings.Join(names, ", "))
		}
	}
	return &out, nil
}

// repository strips the tag or digest from an image reference; a registry port
// ("host:5000/app") is not mistaken for a tag.
func repository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		return image[:i]
	}
	slash := strings.LastIndex(image, "/")
	if i := strings.LastIndex(image, ":"); i > slash {
		return image[:i]
	}
	return image
}

// PlanCmd prints what deploy would do; it changes nothing.
type PlanCmd struct {
	Tasks                int32 `help:"Desired count (-1: the file's, else keep)." default:"-1"`
	SkipTaskDefinition   bool  `help:"Plan without a new task definition."`
	LatestTaskDefinition bool  `help:"Plan with the family's newest ACTIVE revision."`
	Revision             int32 `help:"Plan with this revision."`
	ForceNewDeployment   bool  `help:"Plan a forced new deployment."`
	ForceRegister        bool  `help:"Plan registering even an identical revision."`
	UpdateService        bool  `help:"Include the service definition's attributes." negatable:"" default:"true"`
}

// Run prints the same plan value as deploy --dry-run.
func (c *PlanCmd) Run(ctx context.Context, a *app) error {
	d := DeployCmd{Tasks: c.Tasks, SkipTaskDefinition: c.SkipTaskDefinition, LatestTaskDefinition: c.LatestTaskDefinition,
		Revision: c.Revision, ForceNewDeployment: c.ForceNewDeployment, ForceRegister: c.ForceRegister,
		UpdateService: c.UpdateService, DryRun: true, scalingFlags: scalingFlags{AutoScalingMin: -1, AutoScalingMax: -1}}
	d.Wait, d.WaitUntil, d.PollInterval = true, "deployed", 5*time.Second
	return d.Run(ctx, a)
}
