package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// describer answers DescribeTaskDefinition from a map of refs, and as ECS does
// (ClientException "Unable to describe task definition.") for anything else.
type describer map[string]int32

func (d describer) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	if rev, ok := d[aws.ToString(in.TaskDefinition)]; ok {
		return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &types.TaskDefinition{Revision: rev}}, nil
	}
	return nil, &types.ClientException{Message: aws.String("Unable to describe task definition.")}
}

// TestRevisionNotFound: --revision naming a revision that does not exist is a usage
// error (exit 2) that names the latest revision, not the SDK's ClientException.
func TestRevisionNotFound(t *testing.T) {
	notFound := &types.ClientException{Message: aws.String("Unable to describe task definition.")}
	tests := []struct {
		name     string
		d        describer
		err      error
		want     string
		wantCode int
	}{
		{"latest named", describer{"web": 3}, notFound, `--revision 999999: task definition web:999999 does not exist; the latest revision of "web" is 3`, diag.ExitUsage},
		{"family without revisions", describer{}, notFound, `--revision 999999: task definition family "web" has no ACTIVE revision`, diag.ExitUsage},
		{"other errors pass through", describer{"web": 3}, errors.New("connection reset"), `describe task definition "web:999999": connection reset`, diag.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := revisionNotFound(context.Background(), tt.d, "web", 999999, tt.err)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if got := diag.ExitCode(err); got != tt.wantCode {
				t.Errorf("exit code %d, want %d", got, tt.wantCode)
			}
			if strings.Contains(err.Error(), "api error") && tt.wantCode == diag.ExitUsage {
				t.Errorf("raw SDK error leaked: %v", err)
			}
		})
	}
}
