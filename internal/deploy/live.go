package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ServiceDescriber is the one call LiveService needs.
type ServiceDescriber interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

// LiveService returns the service with its tags, or nil when it does not exist or
// is INACTIVE (deleted). A DRAINING service (being deleted) is returned as it is;
// callers that change it refuse it. It is the one live-service lookup of every verb.
func LiveService(ctx context.Context, client ServiceDescriber, cluster, service string) (*types.Service, error) {
	out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster: aws.String(cluster), Services: []string{service}, Include: []types.ServiceField{types.ServiceFieldTags},
	})
	if err != nil {
		return nil, fmt.Errorf("describe service %q in cluster %q: %w", service, cluster, err)
	}
	for i := range out.Services {
		s := &out.Services[i]
		if aws.ToString(s.ServiceName) == service && aws.ToString(s.Status) != "INACTIVE" {
			return s, nil
		}
	}
	return nil, nil
}
