package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TaskDefinitionDescriber is the one ECS call revisionNotFound needs.
type TaskDefinitionDescriber interface {
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// revisionNotFound maps err, the error of DescribeTaskDefinition("family:revision"),
// to a usage error when that revision does not exist, naming the family's latest
// ACTIVE revision. ECS answers a revision that does not exist with a
// ClientException ("Unable to describe task definition."); any other error is
// returned wrapped as it is.
func revisionNotFound(ctx context.Context, c TaskDefinitionDescriber, family string, revision int32, err error) error {
	ref := fmt.Sprintf("%s:%d", family, revision)
	var ce *types.ClientException
	if !errors.As(err, &ce) {
		return fmt.Errorf("describe task definition %q: %w", ref, err)
	}
	hint := "'doppio revisions' lists the family's revisions"
	latest, lerr := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
	switch {
	case lerr == nil && latest.TaskDefinition != nil:
		return diag.Invalid(fmt.Errorf("--revision %d: task definition %s does not exist; the latest revision of %q is %d",
			revision, ref, family, latest.TaskDefinition.Revision), hint)
	case errors.As(lerr, &ce):
		return diag.Invalid(fmt.Errorf("--revision %d: task definition family %q has no ACTIVE revision", revision, family),
			"register one first (doppio register), or check the family's name")
	}
	return fmt.Errorf("describe task definition %q: %w", ref, err)
}
