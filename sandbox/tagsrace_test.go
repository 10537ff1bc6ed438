package sandbox_test

import (
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/sandbox"
)

// Tags come back exactly when a request asks for them, however many requests from
// other accounts are answered at the same time: moto keeps the choice in a
// dictionary its threads share (ecs_tagsrace.go), which once made a tagged service
// look untagged to deploy in a full test run.
func TestDescribeTagsUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	other := sandbox.Start(t)
	oc := ecs.NewFromConfig(other.AWSConfig(f.ctx))
	if _, err := oc.CreateCluster(f.ctx, &ecs.CreateClusterInput{ClusterName: aws.String("o")}); err != nil {
		t.Fatal(err)
	}
	td := f.register("web", "nginx:1.27")
	tag := []types.Tag{{Key: aws.String("Team"), Value: aws.String("web")}}
	if _, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(0), Tags: tag}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ecs.TagResource(f.ctx, &ecs.TagResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:" + f.env.Account + ":cluster/c"), Tags: tag}); err != nil {
		t.Fatal(err)
	}
	const rounds = 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []string
	note := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if len(bad) < 5 {
			bad = append(bad, s)
		}
	}
	for range 4 { // other accounts' requests without include=TAGS
		wg.Go(func() {
			for range rounds {
				if _, err := oc.DescribeServices(f.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("o"), Services: []string{"none"}}); err != nil {
					note(err.Error())
				}
				if _, err := oc.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{"o"}}); err != nil {
					note(err.Error())
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for i := range rounds {
				s, err := f.ecs.DescribeServices(f.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"web"},
					Include: []types.ServiceField{types.ServiceFieldTags}})
				if err != nil || len(s.Services) != 1 || len(s.Services[0].Tags) != 1 {
					note("DescribeServices with TAGS: tags missing")
				}
				c, err := f.ecs.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{"c"}, Include: []types.ClusterField{types.ClusterFieldTags}})
				if err != nil || len(c.Clusters) != 1 || len(c.Clusters[0].Tags) != 1 {
					note("DescribeClusters with TAGS: tags missing")
				}
				if i%4 == 0 { // and without: no tags, as in AWS
					s, err := f.ecs.DescribeServices(f.ctx, &ecs.DescribeServicesInput{Cluster: aws.String("c"), Services: []string{"web"}})
					if err != nil || len(s.Services) != 1 || len(s.Services[0].Tags) != 0 {
						note("DescribeServices without TAGS: tags returned")
					}
				}
			}
		})
	}
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("under concurrent requests: %q", bad)
	}
}
