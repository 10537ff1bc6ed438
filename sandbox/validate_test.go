package sandbox_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// TestBadInputIsAValidationError: the sandbox answers what ECS rejects with a 400
// client error and keeps serving, instead of panicking (negative desired count) or
// exhausting memory (2^31-1 tasks).
func TestBadInputIsAValidationError(t *testing.T) {
	f := newFixture(t)
	td := f.register("web", "nginx:1")
	f.createService("web", td, 1, false)
	calls := []struct {
		name string
		call func() error
		code string
	}{
		{"create negative desired", func() error {
			_, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("neg"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(-1)})
			return err
		}, "InvalidParameterException"},
		{"update negative desired", func() error {
			_, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(-5)})
			return err
		}, "InvalidParameterException"},
		{"update huge desired", func() error {
			_, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DesiredCount: aws.Int32(1<<31 - 1)})
			return err
		}, "InvalidParameterException"},
		{"create huge desired", func() error {
			_, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("huge"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1<<31 - 1)})
			return err
		}, "InvalidParameterException"},
		{"service name with control character", func() error {
			_, err := f.ecs.CreateService(f.ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("a\x07b"), TaskDefinition: aws.String(td), DesiredCount: aws.Int32(1)})
			return err
		}, "InvalidParameterException"},
		{"family with control character", func() error {
			_, err := f.ecs.RegisterTaskDefinition(f.ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("we\nb"), ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("i"), Memory: aws.Int32(8)}}})
			return err
		}, "ClientException"},
		{"early success with blue/green", func() error {
			_, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DeploymentConfiguration: &types.DeploymentConfiguration{
				Strategy: types.DeploymentStrategyBlueGreen, EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(50), SourceServiceRevisionCleanup: "DEFERRED"}}})
			return err
		}, "InvalidParameterException"},
		{"early success below minimum healthy", func() error {
			_, err := f.ecs.UpdateService(f.ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("web"), DeploymentConfiguration: &types.DeploymentConfiguration{
				MinimumHealthyPercent: aws.Int32(100), EarlySuccessCriteria: &types.DeploymentEarlySuccessCriteria{Enable: true, HealthyPercent: aws.Int32(50), SourceServiceRevisionCleanup: "DEFERRED"}}})
			return err
		}, "InvalidParameterException"},
		{"run 11 tasks", func() error {
			_, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td), Count: aws.Int32(11)})
			return err
		}, "InvalidParameterException"},
		{"run -1 tasks", func() error {
			_, err := f.ecs.RunTask(f.ctx, &ecs.RunTaskInput{Cluster: aws.String("c"), TaskDefinition: aws.String(td), Count: aws.Int32(-1)})
			return err
		}, "InvalidParameterException"},
	}
	for _, c := range calls {
		err := c.call()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code {
			t.Errorf("%s: err = %v, want %s", c.name, err, c.code)
		}
	}
	// Still serving, and nothing changed.
	if s := f.describe("web"); s.DesiredCount != 1 {
		t.Errorf("desired count = %d, want 1", s.DesiredCount)
	}
}
