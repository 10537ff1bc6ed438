package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/doppio-ecs/doppio/internal/ecsdef"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// RevisionsECS is the part of the ECS API that rollback, deregister and revisions
// use; *ecs.Client satisfies it.
type RevisionsECS interface {
	ecs.ListTaskDefinitionsAPIClient
	ecs.ListTasksAPIClient
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	ListServiceDeployments(context.Context, *ecs.ListServiceDeploymentsInput, ...func(*ecs.Options)) (*ecs.ListServiceDeploymentsOutput, error)
	StopServiceDeployment(context.Context, *ecs.StopServiceDeploymentInput, ...func(*ecs.Options)) (*ecs.StopServiceDeploymentOutput, error)
	DeregisterTaskDefinition(context.Context, *ecs.DeregisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
	DeleteTaskDefinitions(context.Context, *ecs.DeleteTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error)
}

// Revisions manages the task definition revisions of a service's family: listing
// them with what is in use, rolling back, and deregistering unused ones.
type Revisions struct {
	ecs RevisionsECS
	now func() time.Time
}

// NewRevisions returns a Revisions on client; now defaults to time.Now.
func NewRevisions(client RevisionsECS, now func() time.Time) *Revisions {
	if now == nil {
		now = time.Now
	}
	return &Revisions{ecs: client, now: now}
}

// Revision is one task definition revision.
type Revision struct {
	ARN      string `json:"taskDefinitionArn"`
	Family   string `json:"family"`
	Number   int    `json:"revision"`
	InUse    bool   `json:"inUse"`
	UseNotes string `json:"usedBy,omitempty"`
}

// List returns the ACTIVE revisions of family in ascending revision order. The order
// is computed here from the revision numbers, not trusted from the server.
func (r *Revisions) List(ctx context.Context, family string) ([]Revision, error) {
	var revs []Revision
	pages := ecs.NewListTaskDefinitionsPaginator(r.ecs, &ecs.ListTaskDefinitionsInput{
		FamilyPrefix: aws.String(family), Status: types.TaskDefinitionStatusActive, Sort: types.SortOrderAsc,
	})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list revisions of %q: %w", family, err)
		}
		for _, arn := range out.TaskDefinitionArns {
			// familyPrefix is a prefix: "web" also lists "web-worker".
			if f, n, ok := ecsdef.ParseTaskDefinitionRef(arn); ok && f == family {
				revs = append(revs, Revision{ARN: arn, Family: f, Number: n})
			}
		}
	}
	slices.SortFunc(revs, func(a, b Revision) int { return a.Number - b.Number })
	return slices.CompactFunc(revs, func(a, b Revision) bool { return a.Number == b.Number }), nil
}

// InUse returns the task definitions the service's deployments reference and those
// of family's tasks in cluster that are not STOPPED yet (tasks being stopped still run
// their revision), each with a note saying by what in ecspresso's words: "PRIMARY
// deployment", "ACTIVE deployment", "RUNNING task" (a deployment's note wins).
func (r *Revisions) InUse(ctx context.Context, cluster, service, family string) (map[string]string, error) {
	use := map[string]string{}
	if service != "" {
		svc, err := r.service(ctx, cluster, service)
		if err != nil {
			return nil, err
		}
		if svc != nil {
			for _, d := range svc.Deployments {
				if _, ok := use[aws.ToString(d.TaskDefinition)]; !ok {
					use[aws.ToString(d.TaskDefinition)] = aws.ToString(d.Status) + " deployment"
				}
			}
			if _, ok := use[aws.ToString(svc.TaskDefinition)]; !ok {
				use[aws.ToString(svc.TaskDefinition)] = "PRIMARY deployment"
			}
		}
	}
	for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		pages := ecs.NewListTasksPaginator(r.ecs, &ecs.ListTasksInput{Cluster: aws.String(cluster), Family: aws.String(family), DesiredStatus: status})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list tasks of %q in cluster %q: %w", family, cluster, err)
			}
			for batch := range slices.Chunk(out.TaskArns, 100) {
				tasks, err := r.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: batch})
				if err != nil {
					return nil, fmt.Errorf("describe tasks in cluster %q: %w", cluster, err)
				}
				for _, t := range tasks.Tasks {
					if aws.ToString(t.LastStatus) == "STOPPED" {
						continue
					}
					if _, ok := use[aws.ToString(t.TaskDefinitionArn)]; !ok {
						st := aws.ToString(t.LastStatus)
						if st == "" {
							st = aws.ToString(t.DesiredStatus)
						}
						use[aws.ToString(t.TaskDefinitionArn)] = st + " task"
					}
				}
			}
		}
	}
	delete(use, "")
	return use, nil
}

// service returns the live service, nil when it is missing or INACTIVE.
func (r *Revisions) service(ctx context.Context, cluster, service string) (*types.Service, error) {
	return LiveService(ctx, r.ecs, cluster, service)
}

// RollbackOptions say where to roll back to.
type RollbackOptions struct {
	Cluster, Service string
	// Revision is the revision to roll back to; 0 means the newest ACTIVE revision
	// older than the current one.
	Revision int
	// Deregister deregisters the revision rolled away from, once the rollback is done
	// and if nothing uses it any more.
	Deregister bool
	// Stop stops an in-progress service deployment with a ROLLBACK instead, when there
	// is one.
	Stop bool
	// ServiceDefinition is the rendered service definition, when the project has
	// one (a CodeDeploy rollback builds its AppSpec from it).
	ServiceDefinition *ecs.CreateServiceInput
}

// RollbackPlan is what a rollback will do.
type RollbackPlan struct {
	Cluster string `json:"cluster"`
	Service string `json:"service"`
	// Current is the service's task definition now.
	Current string `json:"currentTaskDefinitionArn"`
	// Target is the revision UpdateService will point the service at ("" when
	// StopDeployment is used).
	Target string `json:"targetTaskDefinitionArn,omitempty"`
	// StopDeployment is the in-progress service deployment to stop with ROLLBACK.
	StopDeployment string `json:"stopDeploymentArn,omitempty"`
	// Deregister is the revision to deregister afterwards, if unused by then.
	Deregister string `json:"deregisterTaskDefinitionArn,omitempty"`
	// CodeDeploy is the deployment group a CODE_DEPLOY service rolls back through
	// (it stops the deployment in flight with automatic rollback, else deploys the
	// previous revision).
	CodeDeploy *CodeDeployGroup `json:"codeDeploy,omitempty"`

	sd        *ecs.CreateServiceInput
	daemonARN string   // daemon_controller.go
	daemonCPs []string // its capacity providers (UpdateDaemon requires them)
}

// PlanRollback finds the rollback target without changing anything.
func (r *Revisions) PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error) {
	svc, err := r.service(ctx, o.Cluster, o.Service)
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, &NotFoundError{What: "service", Name: o.Service, Cluster: o.Cluster}
	}
	if svc.DeploymentController != nil && svc.DeploymentController.Type == types.DeploymentControllerTypeCodeDeploy {
		return nil, diag.Invalid(fmt.Errorf("service %q uses the CODE_DEPLOY deployment controller", o.Service), "roll back CodeDeploy deployments in CodeDeploy (doppio rollback supports the ECS controller)")
	}
	p := &RollbackPlan{Cluster: o.Cluster, Service: o.Service, Current: aws.ToString(svc.TaskDefinition)}
	if o.Deregister {
		p.Deregister = p.Current
	}
	// A traffic-shifting deployment in flight is rolled back by ECS itself (traffic
	// returns to the blue revision), never by starting another deployment.
	if o.Stop || trafficShifting(svc) { // continue.go
		arn, err := r.activeDeployment(ctx, o.Cluster, o.Service)
		if err != nil {
			return nil, err
		}
		if arn != "" {
			p.StopDeployment = arn
			return p, nil
		}
	}
	family, current, ok := ecsdef.ParseTaskDefinitionRef(p.Current)
	if !ok {
		return nil, fmt.Errorf("service %q: cannot read the revision of task definition %q", o.Service, p.Current)
	}
	revs, err := r.List(ctx, family)
	if err != nil {
		return nil, err
	}
	if o.Revision != 0 {
		if o.Revision == current {
			return nil, diag.Invalid(fmt.Errorf("revision %d is the service's current revision", o.Revision), "")
		}
		i := slices.IndexFunc(revs, func(x Revision) bool { return x.Number == o.Revision })
		if i < 0 {
			return nil, notActive(family, o.Revision, revs)
		}
		p.Target = revs[i].ARN
		return p, nil
	}
	if p.Target, err = previousRevision(revs, family, current); err != nil {
		return nil, err
	}
	return p, nil
}

// previousRevision is what a rollback goes back to: the newest of revs (family's
// ACTIVE revisions, oldest first) older than current.
func previousRevision(revs []Revision, family string, current int) (string, error) {
	target := ""
	for _, x := range revs {
		if x.Number < current {
			target = x.ARN
		}
	}
	if target == "" {
		return "", diag.WithHint(fmt.Errorf("no ACTIVE revision of %q older than %d to roll back to", family, current), "'doppio revisions' lists the ACTIVE revisions")
	}
	return target, nil
}

// notActive is the error of --revision n when revs (family's ACTIVE revisions,
// ascending) do not hold it: exit 2, naming the latest ACTIVE revision, as run
// --revision does.
func notActive(family string, n int, revs []Revision) error {
	hint := "'doppio revisions' lists the ACTIVE revisions"
	if len(revs) == 0 {
		return diag.Invalid(fmt.Errorf("--revision %d: task definition %s:%d is not ACTIVE; family %q has no ACTIVE revision", n, family, n, family), hint)
	}
	return diag.Invalid(fmt.Errorf("--revision %d: task definition %s:%d is not ACTIVE; the latest ACTIVE revision of %q is %d",
		n, family, n, family, revs[len(revs)-1].Number), hint)
}

// activeDeployment returns the ARN of the service's IN_PROGRESS or PENDING service
// deployment, or "".
func (r *Revisions) activeDeployment(ctx context.Context, cluster, service string) (string, error) {
	out, err := r.ecs.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{
		Cluster: aws.String(cluster), Service: aws.String(service),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress, types.ServiceDeploymentStatusPending},
	})
	if err != nil {
		return "", fmt.Errorf("list service deployments of %q: %w", service, err)
	}
	for _, d := range out.ServiceDeployments {
		return aws.ToString(d.ServiceDeploymentArn), nil
	}
	return "", nil
}

// RollbackResult is what ApplyRollback started.
type RollbackResult struct {
	// Service is the service as UpdateService returned it (nil after a stop).
	Service *types.Service
	// StartedAt is when the rollback was requested.
	StartedAt time.Time
	// DeploymentID is the ecs-svc/… deployment UpdateService started ("" after a stop).
	DeploymentID string
}

// ApplyRollback points the service at the target, or stops the in-progress
// deployment with ROLLBACK. Deregistering comes after the wait (DeregisterUnused).
func (r *Revisions) ApplyRollback(ctx context.Context, p *RollbackPlan) (*RollbackResult, error) {
	res := &RollbackResult{StartedAt: r.now()}
	if p.StopDeployment != "" {
		_, err := r.ecs.StopServiceDeployment(ctx, &ecs.StopServiceDeploymentInput{
			ServiceDeploymentArn: aws.String(p.StopDeployment), StopType: types.StopServiceDeploymentStopTypeRollback,
		})
		if err != nil {
			return nil, fmt.Errorf("stop service deployment %s: %w", p.StopDeployment, err)
		}
		return res, nil
	}
	if p.Target == "" {
		return nil, errors.New("rollback plan has no target")
	}
	out, err := r.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster: aws.String(p.Cluster), Service: aws.String(p.Service), TaskDefinition: aws.String(p.Target),
	})
	if err != nil {
		return nil, fmt.Errorf("update service %q to %s: %w", p.Service, p.Target, err)
	}
	res.Service = out.Service
	res.DeploymentID = primaryDeployment(out.Service, p.Target)
	return res, nil
}

// DeregisterUnused deregisters arn unless the service or a task of its family in
// cluster still uses it; it returns what uses it when it was left alone.
func (r *Revisions) DeregisterUnused(ctx context.Context, cluster, service, arn string) (usedBy string, err error) {
	family, _, _ := ecsdef.ParseTaskDefinitionRef(arn)
	use, err := r.InUse(ctx, cluster, service, family)
	if err != nil {
		return "", err
	}
	if by, ok := use[arn]; ok {
		return by, nil
	}
	if _, err := r.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(arn)}); err != nil {
		return "", fmt.Errorf("deregister %s: %w", arn, err)
	}
	return "", nil
}
