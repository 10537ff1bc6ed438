package task

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// RunOptions is what the user asked run to do.
type RunOptions struct {
	Cluster string
	// Service is the configured service ("" for a task-only project); its current
	// task definition is the one --skip-task-definition runs, and its family the one
	// --revision and --latest-task-definition look up.
	Service string
	Region  string
	// TaskDefinition is the rendered local definition; nil with Skip/Latest/Revision.
	TaskDefinition *ecs.RegisterTaskDefinitionInput
	// Family names the family when there is no rendered definition.
	Family               string
	SkipTaskDefinition   bool
	LatestTaskDefinition bool
	Revision             int32
	ForceRegister        bool
	// ServiceDefinition supplies the launch settings (network, launch type or
	// capacity providers, platform version, placement, ECS Exec, volumes); nil for a
	// task-only project.
	ServiceDefinition *ecs.CreateServiceInput
	Overrides         *types.TaskOverride
	Count             int32
	WatchContainer    string
	// PropagateTags is "", "NONE", "SERVICE" or "TASK_DEFINITION".
	PropagateTags          string
	Tags                   []types.Tag
	ClientToken            string
	EBSDeleteOnTermination bool
	// StartedBy is RunTask's startedBy ("" for none); schedule run sets the
	// rule's events-rule/NAME so its runs are found like the rule's own.
	StartedBy string
}

// Task definition choices of a run.
const (
	TDRegister = "register"
	TDReuse    = "reuse"
	TDCurrent  = "current"
	TDLatest   = "latest"
	TDRevision = "revision"
)

// RunPlan is what a run will do, computed with read calls only.
type RunPlan struct {
	Cluster        string `json:"cluster"`
	TaskDefinition struct {
		Action string `json:"action"`
		ARN    string `json:"arn,omitempty"`
		Family string `json:"family"`
		Reason string `json:"reason,omitempty"`
	} `json:"taskDefinition"`
	Count          int32     `json:"count"`
	WatchContainer string    `json:"watchContainer"`
	Logs           LogSource `json:"logs"`

	register   *ecs.RegisterTaskDefinitionInput
	containers []types.ContainerDefinition
	input      ecs.RunTaskInput
}

// Input returns the RunTask request (TaskDefinition is empty until registered).
func (p *RunPlan) Input() *ecs.RunTaskInput { in := p.input; return &in }

// Register returns the definition to register, or nil.
func (p *RunPlan) Register() *ecs.RegisterTaskDefinitionInput { return p.register }

// Runner plans, starts and follows one-off tasks.
type Runner struct{ d Deps }

// NewRunner returns a Runner.
func NewRunner(d Deps) *Runner { return &Runner{d: d} }

// Validate checks the options that need no AWS call.
func (o RunOptions) Validate() error {
	n := 0
	for _, b := range []bool{o.SkipTaskDefinition, o.LatestTaskDefinition, o.Revision != 0} {
		if b {
			n++
		}
	}
	if n > 1 {
		return diag.Invalid(errors.New("--skip-task-definition, --latest-task-definition and --revision exclude each other"), "pick one")
	}
	if o.Revision < 0 {
		return diag.Invalid(fmt.Errorf("--revision %d: must be above 0", o.Revision), "")
	}
	if o.Count < 1 || o.Count > 10 {
		return diag.Invalid(fmt.Errorf("--count %d: must be 1 to 10", o.Count), "RunTask starts at most 10 tasks per call")
	}
	switch o.PropagateTags {
	case "", "NONE", "TASK_DEFINITION":
	case "SERVICE":
		if o.Service == "" {
			return diag.Invalid(errors.New("--propagate-tags SERVICE: no service is configured"), "set service: in the config, or use --propagate-tags TASK_DEFINITION")
		}
	default:
		return diag.Invalid(fmt.Errorf("--propagate-tags %q: want SERVICE or TASK_DEFINITION", o.PropagateTags), "")
	}
	if n == 0 && o.TaskDefinition == nil {
		return diag.Invalid(errors.New("no task definition to run"), "set task_definition in the config, pass --task-def, or use --skip-task-definition, --latest-task-definition or --revision")
	}
	if o.TaskDefinition != nil {
		if err := o.checkContainers(o.TaskDefinition.ContainerDefinitions); err != nil {
			return err
		}
		if err := o.checkNetwork(o.TaskDefinition.NetworkMode, o.TaskDefinition.RequiresCompatibilities); err != nil {
			return err
		}
	}
	return nil
}

func (o RunOptions) checkContainers(cds []types.ContainerDefinition) error {
	names := containerNames(cds)
	if o.WatchContainer != "" && !slices.Contains(names, o.WatchContainer) {
		return diag.Invalid(fmt.Errorf("--watch-container %q: no such container", o.WatchContainer),
			strings.TrimSpace(diag.DidYouMean(o.WatchContainer, names)+" containers: "+strings.Join(names, ", ")))
	}
	if o.Overrides != nil {
		for _, co := range o.Overrides.ContainerOverrides {
			if n := aws.ToString(co.Name); !slices.Contains(names, n) {
				return diag.Invalid(fmt.Errorf("overrides: no container %q in the task definition", n),
					strings.TrimSpace(diag.DidYouMean(n, names)+" containers: "+strings.Join(names, ", ")))
			}
		}
	}
	return nil
}

// checkNetwork refuses an awsvpc (and so every Fargate) task without a network
// configuration: RunTask requires one ("networkConfiguration", RunTask API reference).
func (o RunOptions) checkNetwork(mode types.NetworkMode, compat []types.Compatibility) error {
	fargate := slices.Contains(compat, types.CompatibilityFargate)
	if sd := o.ServiceDefinition; sd != nil {
		fargate = fargate || sd.LaunchType == types.LaunchTypeFargate
		if sd.NetworkConfiguration != nil {
			return nil
		}
	}
	if mode == types.NetworkModeAwsvpc || fargate {
		where := "the project has no service definition"
		if o.ServiceDefinition != nil {
			where = "the service definition has no networkConfiguration"
		}
		return diag.Invalid(fmt.Errorf("the task uses awsvpc networking (Fargate always does) but %s", where),
			"add networkConfiguration.awsvpcConfiguration (subnets, securityGroups) to the service definition; run takes its launch settings from there")
	}
	return nil
}

// Plan resolves the task definition and builds the RunTask request.
func (r *Runner) Plan(ctx context.Context, o RunOptions) (*RunPlan, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	p := &RunPlan{Cluster: o.Cluster, Count: o.Count}
	td := &p.TaskDefinition
	family := o.Family
	if o.TaskDefinition != nil {
		family = aws.ToString(o.TaskDefinition.Family)
	}
	var live *types.Service
	if o.Service != "" && (o.SkipTaskDefinition || o.PropagateTags == "SERVICE" || ((o.Revision != 0 || o.LatestTaskDefinition) && family == "")) {
		out, err := r.d.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(o.Cluster), Services: []string{o.Service}, Include: []types.ServiceField{types.ServiceFieldTags}})
		if err != nil {
			return nil, fmt.Errorf("describe service %q: %w", o.Service, err)
		}
		for i := range out.Services {
			if aws.ToString(out.Services[i].Status) == "ACTIVE" {
				live = &out.Services[i]
			}
		}
		if live == nil && (o.SkipTaskDefinition || o.PropagateTags == "SERVICE") {
			return nil, diag.Invalid(fmt.Errorf("service %q not found in cluster %q", o.Service, o.Cluster), "deploy it first, or run without --skip-task-definition / --propagate-tags SERVICE")
		}
		if live != nil && family == "" {
			family = ecsdef.TaskDefinitionFamily(aws.ToString(live.TaskDefinition))
		}
	}
	td.Family = family
	var ref string
	switch {
	case o.SkipTaskDefinition && live != nil:
		td.Action, ref = TDCurrent, aws.ToString(live.TaskDefinition)
		td.Reason = "the service's current task definition"
	case o.SkipTaskDefinition, o.LatestTaskDefinition:
		td.Action, ref = TDLatest, family
		td.Reason = "the family's newest ACTIVE revision"
	case o.Revision != 0:
		td.Action, ref = TDRevision, fmt.Sprintf("%s:%d", family, o.Revision)
	}
	if ref != "" {
		if family == "" && td.Action != TDCurrent {
			return nil, diag.Invalid(errors.New("no task definition family known"), "set task_definition in the config")
		}
		out, err := r.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)})
		if err != nil {
			return nil, r.taskDefinitionNotFound(ctx, o, td.Action, family, ref, err)
		}
		td.ARN = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		if out.TaskDefinition.Status != types.TaskDefinitionStatusActive {
			return nil, diag.Invalid(fmt.Errorf("task definition %s is %s", td.ARN, out.TaskDefinition.Status), "run an ACTIVE revision")
		}
		p.containers = out.TaskDefinition.ContainerDefinitions
		if err := o.checkContainers(p.containers); err != nil {
			return nil, err
		}
		if err := o.checkNetwork(out.TaskDefinition.NetworkMode, out.TaskDefinition.RequiresCompatibilities); err != nil {
			return nil, err
		}
	} else {
		p.containers = o.TaskDefinition.ContainerDefinitions
		if err := r.planRegister(ctx, o, p); err != nil {
			return nil, err
		}
	}
	p.WatchContainer = watchContainer(p.containers, o.WatchContainer)
	for _, cd := range p.containers {
		if aws.ToString(cd.Name) == p.WatchContainer {
			p.Logs = LogSourceOf(cd, o.Region)
		}
	}
	p.input = runTaskInput(o, live)
	return p, nil
}

// planRegister decides between registering the local definition and reusing the
// family's newest ACTIVE revision when it is the same after normalisation (the
// comparison deploy uses: ecsdef.TaskDefinitionsEqual).
func (r *Runner) planRegister(ctx context.Context, o RunOptions, p *RunPlan) error {
	td := &p.TaskDefinition
	td.Action = TDRegister
	p.register = o.TaskDefinition
	if o.ForceRegister {
		td.Reason = "--force-register"
		return nil
	}
	out, err := r.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(td.Family), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		var nf *types.ClientException
		if errors.As(err, &nf) {
			td.Reason = "the family has no ACTIVE revision yet"
			return nil
		}
		return fmt.Errorf("describe task definition family %q: %w", td.Family, err)
	}
	same, err := ecsdef.TaskDefinitionsEqual(ecsdef.TaskDefinitionFromLive(out.TaskDefinition, out.Tags), o.TaskDefinition)
	if err != nil {
		return fmt.Errorf("compare with the family's latest revision: %w", err)
	}
	if same {
		td.Action, td.ARN = TDReuse, aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		td.Reason = "identical to the family's latest revision (use --force-register to register anyway)"
		p.register = nil
	}
	return nil
}

// watchContainer is the named container, else the first essential one (its exit
// ends the task), else the first.
func watchContainer(cds []types.ContainerDefinition, name string) string {
	if name != "" {
		return name
	}
	for _, cd := range cds {
		if cd.Essential == nil || *cd.Essential {
			return aws.ToString(cd.Name)
		}
	}
	if len(cds) > 0 {
		return aws.ToString(cds[0].Name)
	}
	return ""
}

// runTaskInput takes the launch settings from the service definition, as ecspresso
// does, and the rest from the options.
func runTaskInput(o RunOptions, live *types.Service) ecs.RunTaskInput {
	in := ecs.RunTaskInput{
		Cluster:   aws.String(o.Cluster),
		Count:     aws.Int32(o.Count),
		Overrides: o.Overrides,
		Tags:      slices.Clone(o.Tags),
	}
	if o.ClientToken != "" {
		in.ClientToken = aws.String(o.ClientToken)
	}
	if o.StartedBy != "" {
		in.StartedBy = aws.String(o.StartedBy)
	}
	if sd := o.ServiceDefinition; sd != nil {
		in.NetworkConfiguration = sd.NetworkConfiguration
		in.CapacityProviderStrategy = sd.CapacityProviderStrategy
		if len(sd.CapacityProviderStrategy) == 0 {
			in.LaunchType = sd.LaunchType
		}
		in.PlacementConstraints = sd.PlacementConstraints
		in.PlacementStrategy = sd.PlacementStrategy
		in.PlatformVersion = sd.PlatformVersion
		in.EnableECSManagedTags = sd.EnableECSManagedTags
		in.EnableExecuteCommand = sd.EnableExecuteCommand
		for _, vc := range sd.VolumeConfigurations {
			in.VolumeConfigurations = append(in.VolumeConfigurations, taskVolume(vc, o.EBSDeleteOnTermination))
		}
	}
	switch o.PropagateTags {
	case "TASK_DEFINITION":
		in.PropagateTags = types.PropagateTagsTaskDefinition
	case "SERVICE":
		// RunTask rejects SERVICE (RunTask API reference, propagateTags): copy the
		// service's tags instead, as ecspresso meant to.
		if live != nil {
			have := map[string]bool{}
			for _, t := range in.Tags {
				have[aws.ToString(t.Key)] = true
			}
			for _, t := range live.Tags {
				if !have[aws.ToString(t.Key)] {
					in.Tags = append(in.Tags, t)
				}
			}
		}
	}
	if len(in.Tags) == 0 {
		in.Tags = nil
	}
	return in
}

// taskVolume converts a service's managed EBS volume to the task form RunTask takes;
// SERVICE tag propagation does not exist for a standalone task.
func taskVolume(vc types.ServiceVolumeConfiguration, deleteOnTermination bool) types.TaskVolumeConfiguration {
	out := types.TaskVolumeConfiguration{Name: vc.Name}
	m := vc.ManagedEBSVolume
	if m == nil {
		return out
	}
	v := &types.TaskManagedEBSVolumeConfiguration{
		RoleArn: m.RoleArn, Encrypted: m.Encrypted, FilesystemType: m.FilesystemType, Iops: m.Iops,
		KmsKeyId: m.KmsKeyId, SizeInGiB: m.SizeInGiB, SnapshotId: m.SnapshotId, Throughput: m.Throughput,
		VolumeType: m.VolumeType, VolumeInitializationRate: m.VolumeInitializationRate,
		TerminationPolicy: &types.TaskManagedEBSVolumeTerminationPolicy{DeleteOnTermination: aws.Bool(deleteOnTermination)},
	}
	for _, ts := range m.TagSpecifications {
		if ts.PropagateTags == types.PropagateTagsService {
			ts.PropagateTags = ""
		}
		v.TagSpecifications = append(v.TagSpecifications, ts)
	}
	out.ManagedEBSVolume = v
	return out
}

// Started is the result of Start: the task definition run and the tasks started.
type Started struct {
	Cluster           string
	TaskDefinitionARN string
	TaskARNs          []string
	// Failures are the tasks ECS could not place (RunTask's failures); the started
	// ones are still followed.
	Failures []Failure
	At       time.Time
}

// ExitCode is run's exit code given the code of the tasks that started: that code
// when non-zero (the first failing task's), else 4 when ECS could not place some.
func (s *Started) ExitCode(code int) int {
	if code == 0 && len(s.Failures) > 0 {
		return diag.ExitFailed
	}
	return code
}

// Failure is one task RunTask could not place.
type Failure struct {
	ARN    string `json:"arn,omitempty"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}

// String is the reason and detail for people.
func (f Failure) String() string { return strings.TrimSpace(f.Reason + " " + f.Detail) }

// Start registers the task definition when the plan says so, then calls RunTask.
func (r *Runner) Start(ctx context.Context, p *RunPlan) (*Started, error) {
	arn := p.TaskDefinition.ARN
	if p.register != nil {
		in := *p.register
		if len(in.Tags) == 0 {
			in.Tags = nil
		}
		out, err := r.d.ECS.RegisterTaskDefinition(ctx, &in)
		if err != nil {
			return nil, fmt.Errorf("register task definition %q: %w", aws.ToString(in.Family), err)
		}
		arn = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		p.TaskDefinition.ARN = arn
	}
	in := p.input
	in.TaskDefinition = aws.String(arn)
	at := r.d.now()
	out, err := r.d.ECS.RunTask(ctx, &in)
	if err != nil {
		return nil, fmt.Errorf("run task %s: %w", arn, err)
	}
	s := &Started{Cluster: p.Cluster, TaskDefinitionARN: arn, At: at}
	for _, t := range out.Tasks {
		s.TaskARNs = append(s.TaskARNs, aws.ToString(t.TaskArn))
	}
	var parts []string
	for _, f := range out.Failures {
		fl := Failure{ARN: aws.ToString(f.Arn), Reason: aws.ToString(f.Reason), Detail: aws.ToString(f.Detail)}
		s.Failures = append(s.Failures, fl)
		parts = append(parts, fl.String())
	}
	if len(s.TaskARNs) == 0 && len(parts) > 0 {
		return nil, diag.WithHint(diag.WithCode(fmt.Errorf("run task %s: ECS could not place %d task(s): %s", arn, len(parts), strings.Join(parts, "; ")), diag.ExitFailed),
			"check the cluster's capacity and the task's cpu/memory")
	}
	return s, nil
}

// Text renders the plan for people (run --dry-run).
func (p *RunPlan) Text() string {
	td := p.TaskDefinition
	s := fmt.Sprintf("plan: run %d task(s) in cluster %s\n  task definition: %s %s", p.Count, p.Cluster, td.Action, td.Family)
	if td.ARN != "" {
		s += " (" + td.ARN + ")"
	}
	if td.Reason != "" {
		s += ": " + td.Reason
	}
	return s + "\n  watch container: " + p.WatchContainer + "\n"
}

// ParseTags reads tags written K=V,K2=V2.
func ParseTags(s string) ([]types.Tag, error) {
	if s == "" {
		return nil, nil
	}
	var tags []types.Tag
	for kv := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not K=V", kv)
		}
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return tags, nil
}

// taskDefinitionNotFound maps err, the error of DescribeTaskDefinition(ref), to a
// usage error when ECS says the revision does not exist (a ClientException, "Unable
// to describe task definition."): for --revision N it names the family's latest
// ACTIVE revision, asked for once more; any other error is returned wrapped.
func (r *Runner) taskDefinitionNotFound(ctx context.Context, o RunOptions, action, family, ref string, err error) error {
	var ce *types.ClientException
	if !errors.As(err, &ce) || action == TDCurrent {
		return fmt.Errorf("describe task definition %q: %w", ref, err)
	}
	flag := "--latest-task-definition"
	if o.SkipTaskDefinition {
		flag = "--skip-task-definition"
	}
	if action == TDRevision {
		flag = fmt.Sprintf("--revision %d", o.Revision)
		latest, lerr := r.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if lerr == nil && latest.TaskDefinition != nil {
			return diag.Invalid(fmt.Errorf("%s: task definition %s does not exist; the latest revision of %q is %d", flag, ref, family, latest.TaskDefinition.Revision),
				"'doppio revisions' lists the family's revisions")
		}
		if !errors.As(lerr, &ce) {
			return fmt.Errorf("describe task definition %q: %w", ref, err)
		}
	}
	return diag.Invalid(fmt.Errorf("%s: task definition family %q has no ACTIVE revision", flag, family),
		"register one first (doppio register, or run without "+strings.Fields(flag)[0]+"), or check the family's name")
}
