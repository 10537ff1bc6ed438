// Package awsclient builds the one aws.Config a command uses, for its own calls and
// for template plugins alike: region from config or environment, profile, the
// optional assumed role, and a retryer tuned for deploys that share an account's
// API rate with many others.
package awsclient

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/doppio-ecs/doppio/internal/diag"
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
	// MaxRPS, when above 0, caps every API family (ECS, STS, SSM, ...) at that many
	// requests per second; 0 uses DefaultLimit (ECS's documented read rates).
	// Ignored when Budget is set.
	MaxRPS float64
	// Budget is the client-side rate budget shared by every client built from the
	// config; nil makes a new one from MaxRPS. Pass the same Budget to several
	// configs of one account and region to share it across them.
	Budget *Budget
	// Env is the command's environment (the process environment merged with
	// envfiles). The standard AWS_* variables in it (region, static credentials,
	// profile, shared config files, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>)
	// take precedence over the process environment, so a command never needs to
	// export anything to the process for the SDK to see it.
	Env map[string]string
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
		// The SDK's own log lines (e.g. "WARN falling back to IMDSv1") would break
		// stderr's one format; what matters reaches doppio as errors.
		awsconfig.WithLogger(logging.Nop{}),
		awsconfig.WithRetryer(func() aws.Retryer {
			// The standard retryer's client-side retry quota gives up after a burst of
			// throttles, which is exactly when many services deploy at once; without the
			// quota each call keeps its own bounded attempts and backoff. What is
			// retried and what counts as throttling stay the SDK's own lists
			// (retry.DefaultRetryables, retry.DefaultThrottles).
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = attempts
				so.MaxBackoff = backoff
				so.RateLimiter = ratelimit.None
			})
		}),
	}
	region := o.Region
	if region == "" {
		region = firstEnv(o.Env, "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(region))
	}
	loadOpts = append(loadOpts, envLoadOptions(o.Env)...)
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if o.Env != nil {
		// Service-specific endpoints (AWS_ENDPOINT_URL_ECS, ...) are resolved by each
		// client from the config sources; ours comes first so the command's
		// environment wins over the process's.
		cfg.ConfigSources = append([]any{envEndpoints(o.Env)}, cfg.ConfigSources...)
	}
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("no AWS region: set region in the config file, AWS_REGION, or a profile region")
	}
	budget := o.Budget
	if budget == nil {
		budget = NewBudget(o.MaxRPS)
	}
	cfg.APIOptions = append(cfg.APIOptions, budget.Middleware())
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
//
// It resolves the credentials too, once, so that a machine without any fails with
// one clear error (NoCredentialsError: where doppio looked, how to set them) before
// the first call, not with the SDK's raw instance-metadata error inside it.
func (l *Lazy) Get(ctx context.Context) (aws.Config, error) {
	l.once.Do(func() {
		l.cfg, l.err = Load(ctx, l.opts)
		// With --assume-role-arn, the role's credentials come from STS on the first
		// call, and STS's own error names what is missing.
		if l.err == nil && l.cfg.Credentials != nil && l.opts.AssumeRoleARN == "" {
			if _, err := l.cfg.Credentials.Retrieve(ctx); err != nil && ctx.Err() == nil {
				l.err = credentialsError(err, l.opts.Env)
			}
		}
	})
	return l.cfg, l.err
}

// NoCredentialsError says that no AWS credentials were found, where doppio looked
// (the SDK's default chain) and how to set them.
type NoCredentialsError struct {
	Profile         string // the shared-config profile looked up
	ConfigFile      string
	CredentialsFile string
	Err             error // the SDK's error, for errors.Is/As and --debug
}

func (e *NoCredentialsError) Error() string {
	return fmt.Sprintf("no AWS credentials found; doppio looked in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE), "+
		"profile %q of the shared files (%s, %s; static keys, SSO, credential_process, role_arn), "+
		"the ECS container credentials endpoint and the EC2 instance metadata service", e.Profile, e.CredentialsFile, e.ConfigFile)
}

func (e *NoCredentialsError) Unwrap() error { return e.Err }

// hint says how to set credentials.
func (e *NoCredentialsError) hint() string {
	return "set AWS_PROFILE to a profile of ~/.aws/config ('aws configure', or 'aws sso login --profile NAME'), " +
		"or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; to try doppio without AWS, start the sandbox " +
		"('make sandbox') and eval the exports it prints"
}

// credentialsError maps the SDK's failure to find credentials to a
// NoCredentialsError; other failures (an expired SSO token, a role that cannot be
// assumed) keep their own message.
func credentialsError(err error, env map[string]string) error {
	msg := err.Error()
	if !strings.Contains(msg, "IMDS") && !strings.Contains(msg, "ec2imds") && !strings.Contains(msg, "no valid credential") {
		return fmt.Errorf("get AWS credentials: %w", err)
	}
	e := &NoCredentialsError{Profile: firstEnv(env, "AWS_PROFILE", "AWS_DEFAULT_PROFILE"), Err: err,
		ConfigFile: firstEnv(env, "AWS_CONFIG_FILE"), CredentialsFile: firstEnv(env, "AWS_SHARED_CREDENTIALS_FILE")}
	if e.Profile == "" {
		e.Profile = "default"
	}
	if e.ConfigFile == "" {
		e.ConfigFile = "~/.aws/config"
	}
	if e.CredentialsFile == "" {
		e.CredentialsFile = "~/.aws/credentials"
	}
	return diag.WithHint(e, e.hint())
}

// firstEnv returns the first non-empty value of keys in env.
func firstEnv(env map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := env[k]; v != "" {
			return v
		}
	}
	return ""
}

// envLoadOptions maps the standard AWS_* variables of env onto load options.
func envLoadOptions(env map[string]string) []func(*awsconfig.LoadOptions) error {
	if env == nil {
		return nil
	}
	var opts []func(*awsconfig.LoadOptions) error
	if id, secret := env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]; id != "" && secret != "" {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, env["AWS_SESSION_TOKEN"])))
	} else if p := env["AWS_PROFILE"]; p != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(p))
	}
	if f := env["AWS_CONFIG_FILE"]; f != "" {
		opts = append(opts, awsconfig.WithSharedConfigFiles([]string{f}))
	}
	if f := env["AWS_SHARED_CREDENTIALS_FILE"]; f != "" {
		opts = append(opts, awsconfig.WithSharedCredentialsFiles([]string{f}))
	}
	if u := env["AWS_ENDPOINT_URL"]; u != "" {
		opts = append(opts, awsconfig.WithBaseEndpoint(u))
	}
	if strings.EqualFold(env["AWS_EC2_METADATA_DISABLED"], "true") {
		opts = append(opts, awsconfig.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	return opts
}

// envEndpoints resolves AWS_ENDPOINT_URL_<SERVICE> from the command's environment.
// The SDK's clients look for a config source with this method.
type envEndpoints map[string]string

// GetServiceBaseEndpoint returns the endpoint for the service with SDK id sdkID
// (e.g. "CodeDeploy" reads AWS_ENDPOINT_URL_CODEDEPLOY; "Application Auto Scaling"
// reads AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING).
func (e envEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	key := "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(sdkID, " ", "_"))
	if v := e[key]; v != "" {
		return v, true, nil
	}
	if v := e["AWS_ENDPOINT_URL"]; v != "" {
		return v, true, nil
	}
	return "", false, nil
}
