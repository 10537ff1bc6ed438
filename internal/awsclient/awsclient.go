// Package awsclient builds the one aws.Config a command uses, for its own calls and
// for template plugins alike: region from config or environment, profile, the
// optional assumed role, and a retryer tuned for deploys that share an account's
// API rate with many others.
package awsclient

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Options select how the config is built.
type Options struct {
	// Region overrides the SDK's own resolution (AWS_REGION, profile) when non-empty.
	Region string
	// AssumeRoleARN, when set, makes every client (plugins included) use credentials
	// from sts:AssumeRole on that role.
	AssumeRoleARN string
	// SessionName names the assumed-role session (default "doppio").
	SessionName string
	// MaxAttempts is the number of tries per API call (default 10). Throttling
	// errors are retried with capped exponential backoff and jitter.
	MaxAttempts int
	// MaxBackoff caps the delay between tries (default 20s).
	MaxBackoff time.Duration
}

// Load builds the aws.Config. It makes no network call: credentials are resolved on
// the first API request.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	attempts := o.MaxAttempts
	if attempts <= 0 {
		attempts = 10
	}
	backoff := o.MaxBackoff
	if backoff <= 0 {
		backoff = 20 * time.Second
	}
	loadOpts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(func() aws.Retryer {
			// The standard retryer's client-side retry quota gives up after a burst of
			// throttles, which is exactly when many services deploy at once; without the
			// quota each call keeps its own bounded attempts and backoff.
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = backoff
				so.RateLimiter = ratelimit.None
			})
		}),
	}
	if o.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(o.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("no AWS region: set region in the config file, AWS_REGION, or a profile region")
	}
	if o.AssumeRoleARN != "" {
		name := o.SessionName
		if name == "" {
			name = "doppio"
		}
		provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), o.AssumeRoleARN, func(ao *stscreds.AssumeRoleOptions) {
			ao.RoleSessionName = name
		})
		cfg.Credentials = aws.NewCredentialsCache(provider)
	}
	return cfg, nil
}

// Lazy builds the config on first use and shares it, so commands and plugins that
// never call AWS never resolve credentials.
type Lazy struct {
	opts Options
	once sync.Once
	cfg  aws.Config
	err  error
}

// NewLazy returns a Lazy for o.
func NewLazy(o Options) *Lazy { return &Lazy{opts: o} }

// Get returns the shared config, building it on the first call.
func (l *Lazy) Get(ctx context.Context) (aws.Config, error) {
	l.once.Do(func() { l.cfg, l.err = Load(ctx, l.opts) })
	return l.cfg, l.err
}
