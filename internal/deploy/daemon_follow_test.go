package deploy

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/watch"
)

// daemonDeployments answers DescribeDaemonDeployments with one deployment; every
// other DaemonAPI method is unplanned (nil interface: a call panics the test).
type daemonDeployments struct {
	DaemonAPI
	d types.DaemonDeployment
}

func (f daemonDeployments) DescribeDaemonDeployments(context.Context, *ecs.DescribeDaemonDeploymentsInput, ...func(*ecs.Options)) (*ecs.DescribeDaemonDeploymentsOutput, error) {
	return &ecs.DescribeDaemonDeploymentsOutput{DaemonDeployments: []types.DaemonDeployment{f.d}}, nil
}

// A daemon deployment's duration is measured on ECS's clock (created to finished),
// even when doppio's own clock is far from it.
func TestDaemonFollowDurationOnECSClock(t *testing.T) {
	created := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	finished := created.Add(3 * time.Minute)
	api := daemonDeployments{d: types.DaemonDeployment{
		DaemonDeploymentArn: aws.String("arn:aws:ecs:us-east-1:123456789012:daemon-deployment/c/d/1"),
		Status:              types.DaemonDeploymentStatusSuccessful,
		CreatedAt:           &created, FinishedAt: &finished,
	}}
	doppioNow := created.Add(-15 * time.Minute) // a clock 15 minutes behind ECS's
	c := &daemonController{d: ControllerDeps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return doppioNow }}, api: api}
	s := &Started{Kind: KindDaemon, Service: "agent", DeploymentARN: aws.ToString(api.d.DaemonDeploymentArn), StartedAt: doppioNow}
	out, err := c.Follow(context.Background(), s, Wait{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Kind != watch.Succeeded {
		t.Fatalf("outcome %v, want succeeded", out.Kind)
	}
	if got := out.Finished.Sub(out.Started); got != 3*time.Minute {
		t.Errorf("duration %s, want 3m0s (created to finished on ECS's clock)", got)
	}
}
