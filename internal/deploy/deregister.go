package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/diag"
)

// DeregisterOptions select the revisions to deregister.
type DeregisterOptions struct {
	Cluster, Service, Family string
	// Revision is "latest" or a revision number; "" when Keeps is used.
	Revision string
	// Keeps deregisters every unused ACTIVE revision but the newest Keeps ones.
	// In-use revisions are never deregistered and do not count.
	Keeps int
	// Delete also deletes the deregistered revisions (DeleteTaskDefinitions).
	Delete bool
}

// DeregisterPlan lists what deregister will do.
type DeregisterPlan struct {
	Family     string     `json:"family"`
	Deregister []Revision `json:"deregister"`
	Keep       []Revision `json:"keep"`
	Delete     bool       `json:"delete"`
}

// PlanDeregister lists the family's ACTIVE revisions and what uses them, and picks
// the ones to deregister. It changes nothing.
func (r *Revisions) PlanDeregister(ctx context.Context, o DeregisterOptions) (*DeregisterPlan, error) {
	if (o.Revision == "") == (o.Keeps <= 0) {
		return nil, diag.Invalid(errors.New("a revision or a number of revisions to keep (above 0) is required"), "")
	}
	revs, err := r.List(ctx, o.Family)
	if err != nil {
		return nil, err
	}
	use, err := r.InUse(ctx, o.Cluster, o.Service, o.Family)
	if err != nil {
		return nil, err
	}
	for i := range revs {
		revs[i].UseNotes, revs[i].InUse = use[revs[i].ARN], use[revs[i].ARN] != ""
	}
	return selectDeregister(o, revs)
}

// selectDeregister picks what to deregister from revs (ascending, with what uses
// each): the one --revision names, or every unused one but the newest Keeps.
func selectDeregister(o DeregisterOptions, revs []Revision) (*DeregisterPlan, error) {
	p := &DeregisterPlan{Family: o.Family, Delete: o.Delete, Deregister: []Revision{}, Keep: []Revision{}}
	if o.Revision != "" {
		if len(revs) == 0 && o.Revision == "latest" {
			return nil, diag.Invalid(fmt.Errorf("--revision latest: family %q has no ACTIVE revision", o.Family), "")
		}
		var target Revision
		if o.Revision == "latest" {
			target = revs[len(revs)-1]
		} else {
			n, err := strconv.Atoi(o.Revision)
			if err != nil || n <= 0 {
				return nil, diag.Invalid(fmt.Errorf("revision %q: want a revision number or latest", o.Revision), "")
			}
			i := slices.IndexFunc(revs, func(x Revision) bool { return x.Number == n })
			if i < 0 {
				return nil, notActive(o.Family, n, revs) // rollback.go
			}
			target = revs[i]
		}
		if target.InUse {
			return nil, diag.Invalid(fmt.Errorf("%s:%d is in use (%s); not deregistering it", o.Family, target.Number, target.UseNotes), "")
		}
		p.Deregister = append(p.Deregister, target)
		for _, x := range revs {
			if x.Number != target.Number {
				p.Keep = append(p.Keep, x)
			}
		}
		return p, nil
	}
	unused := 0
	for _, x := range revs {
		if !x.InUse {
			unused++
		}
	}
	drop := unused - o.Keeps
	for _, x := range revs { // ascending: the oldest unused ones go
		if !x.InUse && drop > 0 {
			p.Deregister = append(p.Deregister, x)
			drop--
			continue
		}
		p.Keep = append(p.Keep, x)
	}
	return p, nil
}

// DeregisterResult says what was done.
type DeregisterResult struct {
	Deregistered []string `json:"deregistered"`
	Deleted      []string `json:"deleted,omitempty"`
}

// ApplyDeregister deregisters the planned revisions (no pause between calls; the
// SDK's retryer handles throttling) and, with Delete, deletes them in batches of 10,
// the DeleteTaskDefinitions limit. It stops at the first error, reporting what was
// done so far.
func (r *Revisions) ApplyDeregister(ctx context.Context, p *DeregisterPlan) (*DeregisterResult, error) {
	res := &DeregisterResult{Deregistered: []string{}}
	for _, x := range p.Deregister {
		if _, err := r.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(x.ARN)}); err != nil {
			return res, fmt.Errorf("deregister %s: %w", x.ARN, err)
		}
		res.Deregistered = append(res.Deregistered, x.ARN)
	}
	if !p.Delete {
		return res, nil
	}
	for batch := range slices.Chunk(res.Deregistered, 10) {
		out, err := r.ecs.DeleteTaskDefinitions(ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: batch})
		if err != nil {
			return res, fmt.Errorf("delete task definitions: %w", err)
		}
		for _, td := range out.TaskDefinitions {
			res.Deleted = append(res.Deleted, aws.ToString(td.TaskDefinitionArn))
		}
		if len(out.Failures) > 0 {
			f := out.Failures[0]
			return res, fmt.Errorf("delete task definition %s: %s %s", aws.ToString(f.Arn), aws.ToString(f.Reason), aws.ToString(f.Detail))
		}
	}
	return res, nil
}
