package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/doppio-ecs/doppio/internal/ecsdef"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// DeregisterCmd deregisters (and optionally deletes) task definition revisions that
// neither the service's deployments nor running tasks use.
type DeregisterCmd struct {
	Revision string `help:"Deregister this revision: a number or latest." placeholder:"N|latest"`
	Keeps    int    `help:"Keep the newest N unused revisions and deregister the older unused ones (in-use revisions are always kept and do not count)." placeholder:"N"`
	Delete   bool   `help:"Also delete the deregistered revisions."`
	Force    bool   `help:"Do not ask for confirmation."`
	DryRun   bool   `help:"Print what would be deregistered and stop."`
}

// Validate checks the flags before anything is loaded or called.
func (c *DeregisterCmd) Validate() error {
	if c.Revision != "" && c.Keeps != 0 {
		return diag.Invalid(errors.New("--revision and --keeps exclude each other"), "")
	}
	if c.Revision == "" && c.Keeps == 0 {
		return diag.Invalid(errors.New("one of --revision or --keeps is required"), "e.g. doppio deregister --keeps 5")
	}
	if c.Keeps < 0 {
		return diag.Invalid(fmt.Errorf("--keeps %d: must be above 0", c.Keeps), "")
	}
	if r := c.Revision; r != "" && r != "latest" {
		if n, err := strconv.Atoi(r); err != nil || n <= 0 {
			return diag.Invalid(fmt.Errorf("--revision %q: want a revision number or latest", r), "")
		}
	}
	return nil
}

// Run plans, confirms and applies.
func (c *DeregisterCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	family, revs, err := a.revisionStore(ctx, p, client)
	if err != nil {
		return err
	}
	plan, err := revs.PlanDeregister(ctx, deploy.DeregisterOptions{
		Cluster: p.cfg.Cluster, Service: p.cfg.Service, Family: family,
		Revision: c.Revision, Keeps: c.Keeps, Delete: c.Delete,
	})
	if err != nil {
		return err
	}
	// The plan is the result of --dry-run; otherwise it is shown before the question.
	w, format := a.stderr, view.Text
	if c.DryRun {
		w, format = a.stdout, a.g.Output
	}
	if err := view.Write(w, format, view.DeregisterPlan{DeregisterPlan: plan}); err != nil {
		return err
	}
	done := view.Deregistered{Family: family}
	if len(plan.Deregister) == 0 {
		a.log.Info("nothing to deregister", "family", family)
	}
	if c.DryRun {
		return nil
	}
	if len(plan.Deregister) == 0 {
		return view.Write(a.stdout, a.g.Output, done)
	}
	verb := "deregister"
	if plan.Delete {
		verb = "deregister and delete"
	}
	if !c.Force && !confirm(a, fmt.Sprintf("%s %d revision(s) of %s? [y/N] ", verb, len(plan.Deregister), family)) {
		return diag.WithCode(errors.New("cancelled; nothing was deregistered"), diag.ExitError)
	}
	res, err := revs.ApplyDeregister(ctx, plan)
	done.Deregistered, done.Deleted = res.Deregistered, res.Deleted
	// What was done before a failure is printed too; the failure wins.
	if werr := view.Write(a.stdout, a.g.Output, done); err == nil {
		err = werr
	}
	return err
}

// revisionStore returns the project's family and where deregister finds and
// retires its revisions: a service's task definitions, or the definitions of a
// kind of workload that has its own (deploy.DefinedKind).
func (a *app) revisionStore(ctx context.Context, p *project, client ECSAPI) (string, deploy.RevisionStore, error) {
	if k := p.workload(); k != nil {
		return k.Revisions(ctx, p.kindSource(), client)
	}
	family, err := a.family(ctx, p, client)
	return family, deploy.NewRevisions(client, nil), err
}

// family is the task definition family of the project: the local file's, else the
// service's.
func (a *app) family(ctx context.Context, p *project, client ecsDescriber) (string, error) {
	if p.cfg.TaskDefinition != "" {
		td, err := p.taskDefinition(ctx)
		if err != nil {
			return "", err
		}
		return aws.ToString(td.Family), nil
	}
	if p.cfg.Service != "" {
		svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
		if err != nil {
			return "", err
		}
		if svc != nil {
			f, _, _ := ecsdef.ParseTaskDefinitionRef(aws.ToString(svc.TaskDefinition))
			return f, nil
		}
	}
	return "", diag.Invalid(fmt.Errorf("%s: no task definition family known", a.rel(p.cfg.Path)), "set task_definition (or an existing service) in the config")
}
