package deploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// KindDaemon is an ECS Managed Daemon: one task per container instance of its
// capacity providers, from its own daemon task definition, rolled out instance by
// instance by ECS (CreateDaemon / UpdateDaemon start a daemon deployment).
const KindDaemon Kind = "DAEMON"

// DaemonAPI is the Managed Daemon API; *ecs.Client satisfies it.
type DaemonAPI interface {
	RegisterDaemonTaskDefinition(context.Context, *ecs.RegisterDaemonTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterDaemonTaskDefinitionOutput, error)
	DescribeDaemonTaskDefinition(context.Context, *ecs.DescribeDaemonTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeDaemonTaskDefinitionOutput, error)
	CreateDaemon(context.Context, *ecs.CreateDaemonInput, ...func(*ecs.Options)) (*ecs.CreateDaemonOutput, error)
	UpdateDaemon(context.Context, *ecs.UpdateDaemonInput, ...func(*ecs.Options)) (*ecs.UpdateDaemonOutput, error)
	DescribeDaemon(context.Context, *ecs.DescribeDaemonInput, ...func(*ecs.Options)) (*ecs.DescribeDaemonOutput, error)
	DescribeDaemonDeployments(context.Context, *ecs.DescribeDaemonDeploymentsInput, ...func(*ecs.Options)) (*ecs.DescribeDaemonDeploymentsOutput, error)
	DescribeDaemonRevisions(context.Context, *ecs.DescribeDaemonRevisionsInput, ...func(*ecs.Options)) (*ecs.DescribeDaemonRevisionsOutput, error)
	DeleteDaemon(context.Context, *ecs.DeleteDaemonInput, ...func(*ecs.Options)) (*ecs.DeleteDaemonOutput, error)
	ListDaemons(context.Context, *ecs.ListDaemonsInput, ...func(*ecs.Options)) (*ecs.ListDaemonsOutput, error)
	ListDaemonTaskDefinitions(context.Context, *ecs.ListDaemonTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListDaemonTaskDefinitionsOutput, error)
	DeleteDaemonTaskDefinition(context.Context, *ecs.DeleteDaemonTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DeleteDaemonTaskDefinitionOutput, error)
}

var _ DaemonAPI = (*ecs.Client)(nil)

// daemonRefused are the verbs that manage what a daemon has not (a desired count,
// one-off tasks, CodeDeploy), and why.
var daemonRefused = map[string]string{
	"scale":     "a Managed Daemon runs one task per container instance; change capacityProviderArns instead",
	"run":       "run starts one-off tasks from a task definition; a daemon task definition runs only as the daemon",
	"revisions": "revisions lists task definitions; a daemon's live revision is shown by 'doppio status'",
	"register":  "deploy registers the daemon task definition when it changed",
	"appspec":   "a Managed Daemon is not deployed through CodeDeploy",
	"refresh":   "deploy --force-new-deployment starts a new daemon deployment",
	"continue":  "daemon deployments never pause",
	"exec":      "exec works on the tasks of services",
	"tasks":     "tasks lists the tasks of services",
}

// DaemonPlan is what a deploy does to a Managed Daemon.
type DaemonPlan struct {
	// DaemonARN is the live daemon ("" when it is created).
	DaemonARN string `json:"daemonArn,omitempty"`
	// Register is true when the daemon task definition changed (or is new).
	Register bool `json:"register"`
	// Changes are the daemon members that differ from the live daemon.
	Changes []string `json:"changes,omitempty"`

	def     *ecsdef.DaemonDefinition
	current string // live daemon task definition ARN
	pick    string // a registered revision to go to (--revision, --latest-task-definition)
}

// LiveDaemon is a daemon as ECS describes it, with the definition it runs.
type LiveDaemon struct {
	Detail   *types.DaemonDetail
	Revision *types.DaemonRevision
	TaskDef  *types.DaemonTaskDefinition
	// Definition is the live daemon as a daemon definition (for diff).
	Definition *ecsdef.DaemonDefinition
}

// FindDaemon finds the daemon named name in cluster (nil when there is none) and
// describes its newest revision and task definition. ECS lists daemons by ARN,
// which ends in /CLUSTER/NAME (assumption: the ARN format of services).
func FindDaemon(ctx context.Context, api DaemonAPI, cluster, name string) (*LiveDaemon, error) {
	var arn string
	var token *string
	for {
		out, err := api.ListDaemons(ctx, &ecs.ListDaemonsInput{ClusterArn: aws.String(cluster), NextToken: token})
		if err != nil {
			return nil, fmt.Errorf("list daemons of cluster %s: %w", cluster, err)
		}
		for _, s := range out.DaemonSummariesList {
			if a := aws.ToString(s.DaemonArn); strings.HasSuffix(a, "/"+name) && s.Status == types.DaemonStatusActive {
				arn = a
			}
		}
		if token = out.NextToken; token == nil || arn != "" {
			break
		}
	}
	if arn == "" {
		return nil, nil
	}
	d, err := api.DescribeDaemon(ctx, &ecs.DescribeDaemonInput{DaemonArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("describe daemon %s: %w", name, err)
	}
	l := &LiveDaemon{Detail: d.Daemon}
	if d.Daemon == nil || len(d.Daemon.CurrentRevisions) == 0 {
		return l, nil
	}
	// The newest revision is the one the daemon is going to (last in the list).
	rev := d.Daemon.CurrentRevisions[len(d.Daemon.CurrentRevisions)-1].Arn
	rs, err := api.DescribeDaemonRevisions(ctx, &ecs.DescribeDaemonRevisionsInput{DaemonRevisionArns: []string{aws.ToString(rev)}})
	if err != nil {
		return nil, fmt.Errorf("describe daemon revision of %s: %w", name, err)
	}
	if len(rs.DaemonRevisions) == 0 {
		return l, nil
	}
	l.Revision = &rs.DaemonRevisions[0]
	td, err := api.DescribeDaemonTaskDefinition(ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: l.Revision.DaemonTaskDefinitionArn})
	if err != nil {
		return nil, fmt.Errorf("describe daemon task definition of %s: %w", name, err)
	}
	l.TaskDef = td.DaemonTaskDefinition
	l.Definition = &ecsdef.DaemonDefinition{
		Critical: l.Revision.Critical, EnableECSManagedTags: aws.ToBool(l.Revision.EnableECSManagedTags),
		EnableExecuteCommand: aws.ToBool(l.Revision.EnableExecuteCommand), PropagateTags: l.Revision.PropagateTags,
		TaskDefinition: ecsdef.DaemonTaskDefinitionFromLive(l.TaskDef),
	}
	for _, cp := range d.Daemon.CurrentRevisions[len(d.Daemon.CurrentRevisions)-1].CapacityProviders {
		l.Definition.CapacityProviderArns = append(l.Definition.CapacityProviderArns, aws.ToString(cp.Arn))
	}
	// The deployment configuration is reported on the daemon's deployments, not on
	// its revisions.
	if dep := aws.ToString(d.Daemon.DeploymentArn); dep != "" {
		ds, err := api.DescribeDaemonDeployments(ctx, &ecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{dep}})
		if err != nil {
			return nil, fmt.Errorf("describe daemon deployment of %s: %w", name, err)
		}
		if len(ds.DaemonDeployments) == 1 {
			l.Definition.DeploymentConfiguration = ds.DaemonDeployments[0].DeploymentConfiguration
		}
	}
	return l, nil
}

type daemonController struct {
	w   *Workload
	d   ControllerDeps
	api DaemonAPI
}

func (c *daemonController) Workload() *Workload { return c.w }

// CheckWait refuses the stages and events of services.
func (c *daemonController) CheckWait(w Wait, _ *ecs.CreateServiceInput) error {
	if strings.HasPrefix(w.Until, "ecs:") || strings.HasPrefix(w.Until, "codedeploy:") {
		return diag.Invalid(fmt.Errorf("--wait-until %s: a daemon deployment has no such stage", w.Until), "use deployed or stable")
	}
	return nil
}

func (c *daemonController) live(ctx context.Context) (*LiveDaemon, error) {
	return FindDaemon(ctx, c.api, c.w.Cluster, c.w.Service)
}

// Plan compares the daemon definition with the live daemon.
func (c *daemonController) Plan(ctx context.Context, o Options) (*Plan, error) {
	if o.Daemon == nil {
		return nil, diag.Invalid(fmt.Errorf("daemon %s: this verb does not apply to a Managed Daemon", c.w.Service), "deploy the daemon definition with 'doppio deploy'")
	}
	live, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	def := o.Daemon
	p := &Plan{Cluster: c.w.Cluster, Service: c.w.Service, StartsDeployment: true, Daemon: &DaemonPlan{def: def}}
	p.TaskDefinition = TaskDefinitionPlan{Family: aws.ToString(def.TaskDefinition.Family)}
	if live == nil {
		p.Create = true
		picked, action, err := c.pickRegistered(ctx, o, nil)
		if err != nil {
			return nil, err
		}
		if picked != "" {
			p.Daemon.pick, p.TaskDefinition.Action, p.TaskDefinition.ARN = picked, action, picked
			return p, nil
		}
		p.Daemon.Register = true
		p.TaskDefinition.Action, p.TaskDefinition.Reason = TDRegister, "new daemon"
		return p, nil
	}
	p.Daemon.DaemonARN = aws.ToString(live.Detail.DaemonArn)
	if live.TaskDef != nil {
		p.Daemon.current = aws.ToString(live.TaskDef.DaemonTaskDefinitionArn)
	}
	switch picked, action, err := c.pickRegistered(ctx, o, live); {
	case err != nil:
		return nil, err
	case picked != "":
		p.TaskDefinition.Action, p.TaskDefinition.ARN = action, picked
		if picked != p.Daemon.current {
			p.Daemon.pick = picked
		}
	case live.TaskDef == nil || !ecsdef.DaemonTaskDefinitionsEqual(ecsdef.DaemonTaskDefinitionFromLive(live.TaskDef), def.TaskDefinition) || o.ForceRegister:
		p.Daemon.Register = true
		p.TaskDefinition.Action, p.TaskDefinition.Reason = TDRegister, "the daemon task definition changed"
	default:
		p.TaskDefinition.Action, p.TaskDefinition.ARN = TDReuse, p.Daemon.current
	}
	if live.Definition != nil {
		l := *live.Definition
		l.TaskDefinition, l.Tags, l.DeploymentConfiguration = nil, nil, nil
		r := *def
		r.TaskDefinition, r.Tags, r.DeploymentConfiguration = nil, nil, nil
		if d, _ := ecsdef.DiffDaemonDefinitions("live", &l, "local", &r); d != "" {
			for _, f := range []struct {
				name string
				ch   bool
			}{
				{"capacityProviderArns", strings.Join(l.CapacityProviderArns, ",") != strings.Join(r.CapacityProviderArns, ",")},
				{"critical", r.Critical != nil && aws.ToBool(l.Critical) != aws.ToBool(r.Critical)},
				{"enableExecuteCommand", l.EnableExecuteCommand != r.EnableExecuteCommand},
				{"enableECSManagedTags", l.EnableECSManagedTags != r.EnableECSManagedTags},
				{"propagateTags", r.PropagateTags != "" && l.PropagateTags != r.PropagateTags},
			} {
				if f.ch {
					p.Daemon.Changes = append(p.Daemon.Changes, f.name)
					p.Changes = append(p.Changes, Change{Field: "daemon." + f.name, Kind: "changed"})
				}
			}
		}
	}
	if !p.Daemon.Register && p.Daemon.pick == "" && len(p.Daemon.Changes) == 0 && !o.ForceNewDeployment {
		p.UpToDate, p.StartsDeployment = true, false
	}
	return p, nil
}

// pickRegistered is the registered daemon task definition the flags choose
// instead of the rendered one ("" when they choose none): the live one
// (--skip-task-definition), the family's newest (--latest-task-definition) or
// family:N (--revision N), as for a service's task definition.
func (c *daemonController) pickRegistered(ctx context.Context, o Options, live *LiveDaemon) (arn, action string, err error) {
	family := aws.ToString(o.Daemon.TaskDefinition.Family)
	ref := ""
	switch {
	case o.Revision > 0:
		ref, action = fmt.Sprintf("%s:%d", family, o.Revision), TDRevision
	case o.LatestTaskDefinition:
		ref, action = family, TDLatest
	case o.SkipTaskDefinition:
		if live == nil || live.TaskDef == nil {
			return "", "", diag.Invalid(fmt.Errorf("daemon %s runs no daemon task definition to keep", c.w.Service), "deploy without --skip-task-definition")
		}
		return aws.ToString(live.TaskDef.DaemonTaskDefinitionArn), TDCurrent, nil
	default:
		return "", "", nil
	}
	out, err := c.api.DescribeDaemonTaskDefinition(ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String(ref)})
	if err != nil {
		return "", "", diag.Invalid(fmt.Errorf("daemon task definition %s: %w", ref, err), "'doppio status' shows the revision the daemon runs")
	}
	td := out.DaemonTaskDefinition
	if td.Status != "" && td.Status != types.DaemonTaskDefinitionStatusActive {
		return "", "", diag.Invalid(fmt.Errorf("daemon task definition %s is %s; a daemon can no longer use it", aws.ToString(td.DaemonTaskDefinitionArn), td.Status),
			"deploy another revision, or the daemon definition as it is")
	}
	return aws.ToString(td.DaemonTaskDefinitionArn), action, nil
}

// Apply registers the daemon task definition when it changed, creates or updates
// the daemon and returns the daemon deployment to follow.
func (c *daemonController) Apply(ctx context.Context, p *Plan) (*Started, error) {
	dp := p.Daemon
	if dp == nil {
		return nil, errors.New("daemon plan missing")
	}
	def := dp.def
	tdArn := dp.current
	s := &Started{Kind: KindDaemon, Cluster: p.Cluster, Service: p.Service, StartedAt: c.d.Now(), Label: "daemon deployment"}
	if dp.Register {
		in := *def.TaskDefinition
		if in.Tags == nil {
			in.Tags = def.Tags
		}
		out, err := c.api.RegisterDaemonTaskDefinition(ctx, &in)
		if err != nil {
			return nil, fmt.Errorf("register daemon task definition %q: %w", aws.ToString(def.TaskDefinition.Family), err)
		}
		tdArn, s.Registered = aws.ToString(out.DaemonTaskDefinitionArn), true
		c.d.Log.Info("registered daemon task definition", "arn", tdArn)
	}
	if dp.pick != "" {
		tdArn = dp.pick
	}
	s.TaskDefinitionARN = tdArn
	if p.Create {
		out, err := c.api.CreateDaemon(ctx, &ecs.CreateDaemonInput{
			DaemonName: aws.String(p.Service), ClusterArn: aws.String(p.Cluster), DaemonTaskDefinitionArn: aws.String(tdArn),
			CapacityProviderArns: def.CapacityProviderArns, Critical: def.Critical, DeploymentConfiguration: def.DeploymentConfiguration,
			EnableECSManagedTags: def.EnableECSManagedTags, EnableExecuteCommand: def.EnableExecuteCommand, PropagateTags: def.PropagateTags, Tags: def.Tags,
		})
		if err != nil {
			return nil, fmt.Errorf("create daemon %q: %w", p.Service, err)
		}
		s.Created, s.DeploymentARN = true, aws.ToString(out.DeploymentArn)
		s.Note, s.NoteAttrs = "created daemon", []any{"daemon", p.Service, "deployment", s.DeploymentARN}
		return s, nil
	}
	out, err := c.api.UpdateDaemon(ctx, &ecs.UpdateDaemonInput{
		DaemonArn: aws.String(dp.DaemonARN), DaemonTaskDefinitionArn: aws.String(tdArn),
		CapacityProviderArns: def.CapacityProviderArns, Critical: def.Critical, DeploymentConfiguration: def.DeploymentConfiguration,
		EnableECSManagedTags: def.EnableECSManagedTags, EnableExecuteCommand: def.EnableExecuteCommand, PropagateTags: def.PropagateTags,
	})
	if err != nil {
		return nil, fmt.Errorf("update daemon %q: %w", p.Service, err)
	}
	s.DeploymentARN = aws.ToString(out.DeploymentArn)
	s.Note, s.NoteAttrs = "updated daemon", []any{"daemon", p.Service, "deployment", s.DeploymentARN}
	return s, nil
}

// PlanRollback returns the daemon to the revision before its current daemon task
// definition (family:REVISION-1, or --revision).
func (c *daemonController) PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error) {
	live, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	if live == nil || live.TaskDef == nil {
		return nil, diag.Invalid(fmt.Errorf("daemon %q not found in cluster %q", c.w.Service, c.w.Cluster), "'doppio deploy' creates it")
	}
	cur := live.TaskDef
	rev := int(cur.Revision) - 1
	if o.Revision > 0 {
		rev = o.Revision
	}
	if rev < 1 || rev == int(cur.Revision) {
		return nil, diag.Invalid(fmt.Errorf("daemon %s runs %s:%d; there is no earlier revision to roll back to", c.w.Service, aws.ToString(cur.Family), cur.Revision), "")
	}
	target, err := c.api.DescribeDaemonTaskDefinition(ctx, &ecs.DescribeDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String(fmt.Sprintf("%s:%d", aws.ToString(cur.Family), rev))})
	if err != nil {
		return nil, fmt.Errorf("describe daemon task definition %s:%d: %w", aws.ToString(cur.Family), rev, err)
	}
	return &RollbackPlan{Cluster: c.w.Cluster, Service: c.w.Service, Current: aws.ToString(cur.DaemonTaskDefinitionArn),
		Target: aws.ToString(target.DaemonTaskDefinition.DaemonTaskDefinitionArn), daemonARN: aws.ToString(live.Detail.DaemonArn),
		daemonCPs: live.Definition.CapacityProviderArns}, nil
}

// Rollback updates the daemon to the target revision: a new daemon deployment.
func (c *daemonController) Rollback(ctx context.Context, p *RollbackPlan) (*Started, error) {
	out, err := c.api.UpdateDaemon(ctx, &ecs.UpdateDaemonInput{DaemonArn: aws.String(p.daemonARN), DaemonTaskDefinitionArn: aws.String(p.Target), CapacityProviderArns: p.daemonCPs})
	if err != nil {
		return nil, fmt.Errorf("roll back daemon %q: %w", p.Service, err)
	}
	return &Started{Kind: KindDaemon, Cluster: p.Cluster, Service: p.Service, TaskDefinitionARN: p.Target, StartedAt: c.d.Now(),
		DeploymentARN: aws.ToString(out.DeploymentArn), Label: "daemon deployment"}, nil
}

// Continue is refused: daemon deployments have no hooks.
func (c *daemonController) Continue(context.Context, bool) (*Started, error) {
	return nil, diag.Invalid(fmt.Errorf("daemon %s: daemon deployments never pause", c.w.Service), "")
}

// InFlight is the daemon's latest deployment.
func (c *daemonController) InFlight(ctx context.Context) (*Started, error) {
	live, err := c.live(ctx)
	if err != nil {
		return nil, err
	}
	if live == nil || live.Detail == nil {
		return nil, c.notFound()
	}
	s := &Started{Kind: KindDaemon, Cluster: c.w.Cluster, Service: c.w.Service, DeploymentARN: aws.ToString(live.Detail.DeploymentArn), Label: "daemon deployment", Adopted: true}
	if live.TaskDef != nil {
		s.TaskDefinitionARN = aws.ToString(live.TaskDef.DaemonTaskDefinitionArn)
	}
	return s, nil
}

// Cleanup deregisters nothing.
func (c *daemonController) Cleanup(context.Context, *RollbackPlan, string) (string, error) {
	return "", nil
}

// Follow polls the daemon deployment until it ends: SUCCESSFUL succeeds;
// ROLLBACK_SUCCESSFUL is a rollback (exit 4); ROLLBACK_FAILED and STOPPED fail
// (exit 4), STOPPED by a newer deployment is superseded; the command's deadline is
// a timeout (exit 5).
func (c *daemonController) Follow(ctx context.Context, s *Started, w Wait) (watch.Outcome, error) {
	out := watch.Outcome{DeploymentARN: s.DeploymentARN, DeploymentID: s.DeploymentARN, Started: s.StartedAt}
	t := time.NewTimer(0)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			out.Finished = c.d.Now()
			out.Kind, out.Pending = watch.Interrupted, "daemon deployment "+last
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				out.Kind = watch.TimedOut
			}
			return out, nil
		case <-t.C:
		}
		res, err := c.api.DescribeDaemonDeployments(ctx, &ecs.DescribeDaemonDeploymentsInput{DaemonDeploymentArns: []string{s.DeploymentARN}})
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			return out, fmt.Errorf("describe daemon deployment %s: %w", s.DeploymentARN, err)
		}
		if len(res.DaemonDeployments) == 0 {
			return out, fmt.Errorf("daemon deployment %s not found", s.DeploymentARN)
		}
		d := res.DaemonDeployments[0]
		st := string(d.Status)
		if st != last {
			c.d.Log.Info("daemon deployment "+strings.ToLower(st), "daemon", s.Service, "running", progress(d), "reason", aws.ToString(d.StatusReason))
			last = st
		}
		out.Reason = aws.ToString(d.StatusReason)
		// The duration is on ECS's clock: from the deployment's creation to its end,
		// never from doppio's clock to ECS's.
		if d.CreatedAt != nil {
			out.Started = *d.CreatedAt
		}
		if d.FinishedAt != nil {
			out.Finished = *d.FinishedAt
		}
		switch d.Status {
		case types.DaemonDeploymentStatusSuccessful:
			out.Kind = watch.Succeeded
			return out, nil
		case types.DaemonDeploymentStatusRollbackSuccessful:
			out.Kind = watch.RolledBack
			if d.Rollback != nil {
				out.RolledBackTo = aws.ToString(d.Rollback.RollbackTargetDaemonRevisionArn)
			}
			return out, nil
		case types.DaemonDeploymentStatusRollbackFailed:
			out.Kind = watch.Failed
			return out, nil
		case types.DaemonDeploymentStatusStopped:
			out.Kind = watch.Failed
			if strings.Contains(out.Reason, "superseded") {
				out.Kind = watch.Superseded
			}
			return out, nil
		}
		t.Reset(w.interval())
	}
}

func progress(d types.DaemonDeployment) string {
	if d.TargetDaemonRevision == nil {
		return ""
	}
	r := d.TargetDaemonRevision
	total := aws.ToInt32(r.TotalRunningInstanceCount) + aws.ToInt32(r.TotalWithoutDaemonInstanceCount) + aws.ToInt32(r.TotalDrainingInstanceCount)
	return fmt.Sprintf("%d/%d instances", aws.ToInt32(r.TotalRunningInstanceCount), total)
}
