package sandbox

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/doppio-ecs/doppio/sandbox/simclock"
)

// shared is the one sandbox of a test binary, started by the first Start call. moto
// dies with the process (Pdeathsig), so nothing needs to stop it.
var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// SecretAccessKey is the secret every sandbox access key uses (moto checks none).
const SecretAccessKey = "sandbox-secret"

// Env is one test's view of the shared sandbox: an isolated AWS account with its own
// simulated clock (manual: call Clock().Advance or Clock().SetSpeed), counts and
// faults.
type Env struct {
	// Endpoint is the base URL for every AWS service (AWS_ENDPOINT_URL).
	Endpoint string
	// Region is the region to use (us-east-1).
	Region string
	// Account is the isolated account id.
	Account string
	// AccessKeyID and SecretAccessKey select Account.
	AccessKeyID     string
	SecretAccessKey string

	srv *Server
}

// Start returns an Env on the test binary's shared sandbox, starting it on first use.
// A missing moto_server fails the test with moto.ErrMissing: the sandbox is required,
// never skipped.
func Start(t testing.TB) *Env {
	t.Helper()
	shared.once.Do(func() {
		opts := Options{}
		if os.Getenv("SANDBOX_MOTO_LOG") != "" {
			if f, err := os.Create(os.Getenv("SANDBOX_MOTO_LOG")); err == nil {
				opts.MotoLog = f
			}
		}
		opts.CodeDeploy = DefaultCodeDeploy
		shared.srv, shared.err = NewServer(context.Background(), opts)
	})
	if shared.err != nil {
		t.Fatalf("sandbox: %v", shared.err)
	}
	acct := shared.srv.NewAccount()
	e := &Env{
		Endpoint:        shared.srv.URL(),
		Region:          DefaultRegion,
		Account:         acct,
		AccessKeyID:     AccessKeyForAccount(acct),
		SecretAccessKey: SecretAccessKey,
		srv:             shared.srv,
	}
	t.Cleanup(func() { e.SetFaults(Faults{}) })
	return e
}

// AWSConfig returns an aws.Config for the Env's account: base endpoint, static
// credentials, and a retryer with short backoff and no retry quota, suitable for tests
// (throttling injected by faults costs milliseconds, not seconds). It reads nothing
// from the environment or ~/.aws.
func (e *Env) AWSConfig(ctx context.Context) aws.Config {
	_ = ctx
	return aws.Config{
		Region:       e.Region,
		BaseEndpoint: aws.String(e.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(e.AccessKeyID, e.SecretAccessKey, ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = 50 * time.Millisecond
				o.Backoff = retry.NewExponentialJitterBackoff(50 * time.Millisecond)
				o.RateLimiter = ratelimit.None
			})
		},
		RetryMaxAttempts: 5,
	}
}

// Environ returns the AWS_* variables that point a subprocess (the doppio binary) at
// the Env's account, and DOPPIO_REGISTRY_ENDPOINT, which sends doppio's image checks
// to the sandbox's registry (registry.go).
func (e *Env) Environ() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + e.Endpoint,
		"AWS_ENDPOINT_URL_CODEDEPLOY=" + e.Endpoint,
		"AWS_ACCESS_KEY_ID=" + e.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + e.SecretAccessKey,
		"AWS_REGION=" + e.Region,
		"AWS_DEFAULT_REGION=" + e.Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		RegistryEndpointVar + "=" + e.srv.Registry().URL(),
	}
}

// Clock is the account's simulated clock (manual until SetSpeed).
func (e *Env) Clock() *simclock.Clock { return e.srv.Clock(e.Account) }

// Counts returns the account's API calls so far, keyed "service:Operation".
func (e *Env) Counts() map[string]int { return e.srv.Counts(e.Account) }

// ResetCounts zeroes the account's counts.
func (e *Env) ResetCounts() { e.srv.ResetCounts(e.Account) }

// SetFaults replaces the account's fault rules (an empty Faults clears them).
func (e *Env) SetFaults(f Faults) { e.srv.SetFaults(e.Account, f) }

// Server is the shared sandbox server.
func (e *Env) Server() *Server { return e.srv }
