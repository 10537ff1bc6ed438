package sandbox

import (
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/sandbox/codedeploy"
	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

// DefaultCodeDeploy mounts the CodeDeploy fake (package sandbox/codedeploy) for one
// account: it runs on the account's clock and drives ECS through the proxy as that
// account, so blue/green task sets live in the same moto as everything else.
func DefaultCodeDeploy(clock *simclock.Clock, _ string, endpoint string) (http.Handler, error) {
	return codedeploy.New(codedeploy.Options{
		Clock: clock,
		ECS: func(account string) codedeploy.ECS {
			return ecs.New(ecs.Options{
				Region:       DefaultRegion,
				BaseEndpoint: aws.String(endpoint),
				Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyForAccount(account), SecretAccessKey, ""),
			})
		},
	}), nil
}
