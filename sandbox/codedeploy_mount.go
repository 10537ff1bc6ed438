package sandbox

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

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
			return ecs.NewFromConfig(internalConfig(endpoint, account))
		},
		ELB: func(account string) codedeploy.ELB {
			return elasticloadbalancingv2.NewFromConfig(internalConfig(endpoint, account))
		},
	}), nil
}

// internalConfig is how the fake's clients reach the proxy at endpoint as account,
// their requests marked internal.
func internalConfig(endpoint, account string) aws.Config {
	return aws.Config{
		Region:       DefaultRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyForAccount(account), SecretAccessKey, ""),
		HTTPClient:   &http.Client{Transport: markInternal{http.DefaultTransport}},
	}
}

// markInternal tags the fake's own ECS requests, so serving them does not settle
// CodeDeploy again (codedeploy.Server.Settle).
type markInternal struct{ next http.RoundTripper }

func (m markInternal) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(codedeploy.InternalHeader, "1")
	return m.next.RoundTrip(r)
}

// settleCodeDeploy lets the account's CodeDeploy deployments catch up with the clock
// before an ECS request is served, so their ECS side effects show without any
// CodeDeploy call. Only a mounted fake is asked; none is created here.
func (s *Server) settleCodeDeploy(ctx context.Context, a *account) {
	s.mu.Lock()
	h := s.cd[a.id]
	s.mu.Unlock()
	if st, ok := h.(interface {
		Settle(context.Context, string)
	}); ok {
		st.Settle(ctx, a.id)
	}
}
