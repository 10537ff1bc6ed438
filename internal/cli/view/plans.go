package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
)

// RollbackPlan is what rollback prints before it changes anything (on stdout with
// --dry-run, else on stderr). Its JSON is the plan's.
type RollbackPlan struct{ *deploy.RollbackPlan }

// WriteText prints the plan for people.
func (p RollbackPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	if g := p.CodeDeploy; g != nil {
		fmt.Fprintf(&b, "plan: roll back CODE_DEPLOY service %s through CodeDeploy %s/%s (stop the deployment in flight with automatic rollback, else deploy the previous revision)\n",
			p.Service, g.Application, g.DeploymentGroup)
		return flush(w, []byte(b.String()))
	}
	fmt.Fprintf(&b, "plan: roll back service %s in cluster %s from %s\n", p.Service, p.Cluster, ecsdef.TaskDefinitionName(p.Current))
	if p.StopDeployment != "" {
		fmt.Fprintf(&b, "  stop deployment %s with ROLLBACK\n", p.StopDeployment)
	} else {
		fmt.Fprintf(&b, "  update the service to %s\n", ecsdef.TaskDefinitionName(p.Target))
	}
	if p.Deregister != "" {
		fmt.Fprintf(&b, "  then deregister %s unless still in use\n", ecsdef.TaskDefinitionName(p.Deregister))
	}
	return flush(w, []byte(b.String()))
}

// DeregisterPlan is what deregister prints before it asks (on stdout with --dry-run,
// else on stderr). Its JSON is the plan's.
type DeregisterPlan struct{ *deploy.DeregisterPlan }

// WriteText prints one line per revision: what happens to it, and why a kept one is
// in use.
func (p DeregisterPlan) WriteText(w io.Writer) error {
	var b strings.Builder
	verb := "deregister"
	if p.Delete {
		verb = "deregister and delete"
	}
	for _, x := range p.Deregister {
		fmt.Fprintf(&b, "%s %s:%d\n", verb, x.Family, x.Number)
	}
	for _, x := range p.Keep {
		note := ""
		if x.InUse {
			note = " (in use: " + x.UseNotes + ")"
		}
		fmt.Fprintf(&b, "keep %s:%d%s\n", x.Family, x.Number, note)
	}
	return flush(w, []byte(b.String()))
}

// DeployPlan is what plan and deploy --dry-run print (on stdout), and what deploy,
// scale and refresh show on stderr before they apply it. Its JSON is the plan's.
//
// When a new revision is to be registered, the text shows what changes in it: a
// diff from LiveTaskDefinition (what the service runs now, else the family's newest
// revision), or the whole definition with Full (plan --full) or when there is
// nothing live to compare with.
type DeployPlan struct {
	*deploy.Plan
	// LiveTaskDefinition and LiveName are what the new revision is compared with.
	LiveTaskDefinition *ecs.RegisterTaskDefinitionInput `json:"-"`
	LiveName           string                           `json:"-"`
	// LocalName names the local definition in the diff (its file).
	LocalName string `json:"-"`
	// Full shows the whole definition to register instead of the diff.
	Full bool `json:"-"`
	// Redact hides secret values in what is shown (nil: shown as they are).
	Redact func([]byte) []byte `json:"-"`
}

// taskDefinitionText is what the text shows of the task definition to register:
// the diff from the live one, or the whole definition.
func (p DeployPlan) taskDefinitionText(b *strings.Builder) error {
	in := p.TaskDefinition.Input
	if in == nil || p.Plan == nil {
		return nil
	}
	redact := p.Redact
	if redact == nil {
		redact = func(b []byte) []byte { return b }
	}
	if p.LiveTaskDefinition != nil && !p.Full {
		local := p.LocalName
		if local == "" {
			local = "local task definition"
		}
		diff, err := ecsdef.DiffTaskDefinitions(p.LiveName, p.LiveTaskDefinition, local, in)
		if err != nil {
			return err
		}
		if diff != "" {
			b.WriteString("task definition changes (--full shows the whole definition):\n")
			b.Write(redact([]byte(diff)))
		}
		return nil
	}
	if !p.Full && p.LiveName == "" {
		return nil // the caller has not said what to compare with: the summary only
	}
	j, err := ecsdef.Marshal(in)
	if err != nil {
		return err
	}
	b.WriteString("task definition to register:\n")
	b.Write(redact(j))
	if !strings.HasSuffix(string(j), "\n") {
		b.WriteString("\n")
	}
	return nil
}

// WriteText prints the plan for people: the task definition, each changed attribute,
// the desired count, tags, auto scaling, why a new deployment is forced, and whether
// one starts.
func (p DeployPlan) WriteText(w io.Writer) error {
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
	if s := p.AutoScaling; s != nil {
		b.WriteString("  auto scaling:")
		if s.Suspend != nil {
			fmt.Fprintf(&b, " suspended=%t", *s.Suspend)
		}
		if s.Min != nil {
			fmt.Fprintf(&b, " min=%d", *s.Min)
		}
		if s.Max != nil {
			fmt.Fprintf(&b, " max=%d", *s.Max)
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
	if err := p.taskDefinitionText(&b); err != nil {
		return err
	}
	return flush(w, []byte(b.String()))
}

// RunPlan is what run --dry-run prints. Its JSON is the plan's.
type RunPlan struct{ *task.RunPlan }

// WriteText prints the plan for people.
func (p RunPlan) WriteText(w io.Writer) error { return flush(w, []byte(p.Text())) }
