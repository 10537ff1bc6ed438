package deploy

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DaemonRevisions is deregister for a Managed Daemon's daemon task definitions.
// ECS has no DeregisterDaemonTaskDefinition: a daemon task definition is retired
// with DeleteDaemonTaskDefinition (ACTIVE → DELETE_IN_PROGRESS; no new daemon or
// deployment can use it, daemons running it go on), so deregistering one deletes
// it and every plan is a deleting one. A revision is in use while one of the
// daemon's current revisions (the one it runs, and the one a deployment rolls to)
// runs it.
type DaemonRevisions struct {
	api             DaemonAPI
	cluster, daemon string
}

// NewDaemonRevisions returns deregister for the daemon named daemon in cluster.
func NewDaemonRevisions(api DaemonAPI, cluster, daemon string) *DaemonRevisions {
	return &DaemonRevisions{api: api, cluster: cluster, daemon: daemon}
}

// PlanDeregister lists the family's ACTIVE daemon task definitions and what uses
// them, and picks the ones to delete. It changes nothing.
func (r *DaemonRevisions) PlanDeregister(ctx context.Context, o DeregisterOptions) (*DeregisterPlan, error) {
	var revs []Revision
	in := &ecs.ListDaemonTaskDefinitionsInput{Family: aws.String(o.Family), Status: types.DaemonTaskDefinitionStatusFilterActive}
	for { // the SDK has no paginator for this operation
		out, err := r.api.ListDaemonTaskDefinitions(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list daemon task definitions of %s: %w", o.Family, err)
		}
		for _, d := range out.DaemonTaskDefinitions {
			arn := aws.ToString(d.Arn)
			n, _ := strconv.Atoi(arn[strings.LastIndexByte(arn, ':')+1:])
			revs = append(revs, Revision{ARN: arn, Family: o.Family, Number: n})
		}
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	use, err := r.inUse(ctx)
	if err != nil {
		return nil, err
	}
	for i := range revs {
		revs[i].UseNotes, revs[i].InUse = use[revs[i].ARN], use[revs[i].ARN] != ""
	}
	slices.SortFunc(revs, func(a, b Revision) int { return a.Number - b.Number }) // ascending, from the numbers
	o.Delete = true
	return selectDeregister(o, revs)
}

// inUse maps the daemon task definitions the daemon's current revisions run to
// a note saying so.
func (r *DaemonRevisions) inUse(ctx context.Context) (map[string]string, error) {
	use := map[string]string{}
	live, err := FindDaemon(ctx, r.api, r.cluster, r.daemon)
	if err != nil || live == nil || live.Detail == nil || len(live.Detail.CurrentRevisions) == 0 {
		return use, err
	}
	var arns []string
	for _, cr := range live.Detail.CurrentRevisions {
		arns = append(arns, aws.ToString(cr.Arn))
	}
	out, err := r.api.DescribeDaemonRevisions(ctx, &ecs.DescribeDaemonRevisionsInput{DaemonRevisionArns: arns})
	if err != nil {
		return nil, fmt.Errorf("describe daemon revisions of %s: %w", r.daemon, err)
	}
	for _, rev := range out.DaemonRevisions {
		use[aws.ToString(rev.DaemonTaskDefinitionArn)] = "daemon " + r.daemon
	}
	return use, nil
}

// ApplyDeregister deletes the planned daemon task definitions, one call each. It
// stops at the first error, reporting what was done so far.
func (r *DaemonRevisions) ApplyDeregister(ctx context.Context, p *DeregisterPlan) (*DeregisterResult, error) {
	res := &DeregisterResult{Deregistered: []string{}, Deleted: []string{}}
	for _, x := range p.Deregister {
		if _, err := r.api.DeleteDaemonTaskDefinition(ctx, &ecs.DeleteDaemonTaskDefinitionInput{DaemonTaskDefinition: aws.String(x.ARN)}); err != nil {
			return res, fmt.Errorf("delete daemon task definition %s: %w", x.ARN, err)
		}
		res.Deregistered = append(res.Deregistered, x.ARN)
		res.Deleted = append(res.Deleted, x.ARN)
	}
	return res, nil
}
