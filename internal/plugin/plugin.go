// Package plugin turns the config's plugins: list into render.Functions: tfstate,
// cloudformation, and the ssm and secretsmanager plugins that, as in ecspresso, are
// always loaded. Plugins reach AWS only through Deps.AWS, on first use, so they
// run with the command's region, profile and assumed role, and commands that never
// look anything up make no call.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/plugin/cloudformation"
	"github.com/doppio-ecs/doppio/internal/plugin/secretsmanager"
	"github.com/doppio-ecs/doppio/internal/plugin/ssm"
	"github.com/doppio-ecs/doppio/internal/plugin/tfstate"
	"github.com/doppio-ecs/doppio/internal/render"
)

// Spec is one entry of the config's plugins: list.
type Spec struct {
	Name       string
	Config     map[string]any
	FuncPrefix string
}

// Deps are what plugins need from the command.
type Deps struct {
	// BaseDir is the config file's directory; relative tfstate paths start there.
	BaseDir string
	// WorkDir is the working directory, against which a tfstate url: without a
	// scheme resolves (as in ecspresso). Empty means BaseDir.
	WorkDir string
	// AWS returns the command's shared, lazily built AWS config (region, profile,
	// --assume-role-arn). Plugins call it only on their first lookup.
	AWS func(ctx context.Context) (aws.Config, error)
	// Getenv reads the environment (TFE_TOKEN, AWS_ENDPOINT_URL_S3).
	Getenv func(string) (string, bool)
	// HTTPClient fetches http(s) and Terraform Cloud states; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// Warn receives notices about plugin config keys that are ignored; nil drops
	// them.
	Warn func(msg string)
	// Clients, when set, hand out the plugins' AWS clients instead of building them
	// on AWS: the command's client factory (fakes in unit tests).
	Clients Clients
}

// Clients are the plugins' AWS clients; each is asked for on a plugin's first
// lookup, and a nil one is built on Deps.AWS.
type Clients struct {
	SSM            func(ctx context.Context) (ssm.Client, error)
	SecretsManager func(ctx context.Context) (secretsmanager.Client, error)
	CloudFormation func(ctx context.Context) (cloudformation.Client, error)
	S3             func(ctx context.Context) (tfstate.S3Client, error)
}

// configKeys returns the config keys each plugin accepts.
func configKeys() map[string][]string {
	return map[string][]string{
		// optional (ecspresso v2.8.5) turns an unreadable state into an empty one;
		// doppio reads states only on the first lookup, so a state no template
		// uses is never read, and one that is used must be readable either way.
		"tfstate":        {"path", "url", "optional"},
		"cloudformation": {},
		"ssm":            {},
		"secretsmanager": {},
	}
}

// Functions returns the lookup functions for specs plus the default ssm and
// secretsmanager plugins. A user-declared ssm or secretsmanager plugin adds a
// prefixed copy when func_prefix is set and is otherwise skipped (it would only
// duplicate the default). Unknown plugin names or config keys are *diag.Errors
// with a did-you-mean.
func Functions(ctx context.Context, specs []Spec, deps Deps) ([]render.Function, error) {
	_ = ctx // nothing is read here: every plugin loads on first use
	if deps.Getenv == nil {
		deps.Getenv = func(string) (string, bool) { return "", false }
	}
	awsCfg := onceConfig(deps.AWS)

	newSSM := func(ctx context.Context) (ssm.Client, error) {
		cfg, err := awsCfg(ctx)
		if err != nil {
			return nil, err
		}
		return awsssm.NewFromConfig(cfg), nil
	}
	newSM := func(ctx context.Context) (secretsmanager.Client, error) {
		cfg, err := awsCfg(ctx)
		if err != nil {
			return nil, err
		}
		return awssm.NewFromConfig(cfg), nil
	}
	newCFN := func(ctx context.Context) (cloudformation.Client, error) {
		cfg, err := awsCfg(ctx)
		if err != nil {
			return nil, err
		}
		return awscfn.NewFromConfig(cfg), nil
	}
	newS3 := func(ctx context.Context) (tfstate.S3Client, error) {
		cfg, err := awsCfg(ctx)
		if err != nil {
			return nil, err
		}
		_, s3Endpoint := deps.Getenv("AWS_ENDPOINT_URL_S3")
		_, endpoint := deps.Getenv("AWS_ENDPOINT_URL")
		pathStyle := cfg.BaseEndpoint != nil || s3Endpoint || endpoint
		return s3.NewFromConfig(cfg, func(o *s3.Options) {
			// Local endpoints (127.0.0.1, MinIO, moto) have no per-bucket DNS names.
			o.UsePathStyle = o.UsePathStyle || pathStyle
		}), nil
	}

	if c := deps.Clients.SSM; c != nil {
		newSSM = c
	}
	if c := deps.Clients.SecretsManager; c != nil {
		newSM = c
	}
	if c := deps.Clients.CloudFormation; c != nil {
		newCFN = c
	}
	if c := deps.Clients.S3; c != nil {
		newS3 = c
	}

	// The defaults come first, as in ecspresso.
	ssmLookup := ssm.New(newSSM)
	smLookup := secretsmanager.New(newSM)
	funcs := append(ssm.Functions(ssmLookup, ""), secretsmanager.Functions(smLookup, "")...)

	known := configKeys()
	names := make([]string, 0, len(known))
	for n := range known {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, spec := range specs {
		field := fmt.Sprintf("plugins[%d]", i)
		keys, ok := known[spec.Name]
		if !ok {
			d := &diag.Error{Field: field + ".name", Code: diag.ExitUsage,
				Err: fmt.Errorf("unknown plugin %q", spec.Name)}
			switch {
			case spec.Name == "external":
				d.Err = fmt.Errorf("the external plugin is not supported by doppio")
				d.Hint = "replace it with an --ext-str/--ext-code variable or an environment variable"
			default:
				d.Hint = diag.DidYouMean(spec.Name, names)
				if d.Hint == "" {
					d.Hint = "plugins are " + strings.Join(names, ", ")
				}
			}
			return nil, d
		}
		// As for config keys (see internal/config): ecspresso ignores plugin config
		// keys it does not know. doppio ignores x- keys silently, refuses a near
		// miss of a known key, and ignores the rest with a warning.
		ckeys := make([]string, 0, len(spec.Config))
		for k := range spec.Config {
			ckeys = append(ckeys, k)
		}
		sort.Strings(ckeys)
		for _, k := range ckeys {
			if slices.Contains(keys, k) || strings.HasPrefix(k, "x-") {
				continue
			}
			if near := nearKey(k, keys); near != "" {
				return nil, &diag.Error{Field: field + ".config." + k, Code: diag.ExitUsage,
					Err: fmt.Errorf("unknown %s plugin config key %q", spec.Name, k), Hint: fmt.Sprintf("did you mean %q?", near)}
			}
			if deps.Warn != nil {
				takes := fmt.Sprintf("the %s plugin takes no config", spec.Name)
				if len(keys) > 0 {
					takes = fmt.Sprintf("the %s plugin takes %s", spec.Name, strings.Join(keys, ", "))
				}
				deps.Warn(fmt.Sprintf("%s.config.%s: unknown %s plugin config key ignored, as ecspresso does (%s)", field, k, spec.Name, takes))
			}
		}
		switch spec.Name {
		case "tfstate":
			cfg, err := tfstateConfig(field, spec.Config)
			if err != nil {
				return nil, err
			}
			st, err := tfstate.Open(cfg, tfstate.Deps{BaseDir: deps.BaseDir, WorkDir: deps.WorkDir, S3: newS3, HTTPClient: deps.HTTPClient, Getenv: deps.Getenv})
			if err != nil {
				return nil, withField(err, field+".config")
			}
			funcs = append(funcs, tfstate.Functions(st, spec.FuncPrefix)...)
		case "cloudformation":
			funcs = append(funcs, cloudformation.Functions(cloudformation.New(newCFN), spec.FuncPrefix)...)
		case "ssm":
			if spec.FuncPrefix != "" {
				funcs = append(funcs, ssm.Functions(ssmLookup, spec.FuncPrefix)...)
			}
		case "secretsmanager":
			if spec.FuncPrefix != "" {
				funcs = append(funcs, secretsmanager.Functions(smLookup, spec.FuncPrefix)...)
			}
		}
	}
	return funcs, nil
}

// nearKey returns the known key within edit distance 2 of k (ignoring case), or "".
func nearKey(k string, known []string) string {
	best, bestDist := "", 3
	for _, c := range known {
		if d := diag.Distance(strings.ToLower(k), strings.ToLower(c), 2); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func tfstateConfig(field string, m map[string]any) (tfstate.Config, error) {
	var cfg tfstate.Config
	for k, v := range m {
		if k == "optional" {
			if _, ok := v.(bool); !ok {
				return cfg, &diag.Error{Field: field + ".config." + k, Code: diag.ExitUsage,
					Err: fmt.Errorf("must be true or false, got %T", v)}
			}
			continue
		}
		if k != "path" && k != "url" {
			continue // ignored above
		}
		s, ok := v.(string)
		if !ok {
			return cfg, &diag.Error{Field: field + ".config." + k, Code: diag.ExitUsage,
				Err: fmt.Errorf("must be a string, got %T", v)}
		}
		switch k {
		case "path":
			cfg.Path = s
		case "url":
			cfg.URL = s
		}
	}
	return cfg, nil
}

// withField locates err under a config field.
func withField(err error, field string) error {
	return &diag.Error{Field: field, Err: err, Code: diag.ExitCode(err), Hint: diag.Hint(err)}
}

// onceConfig memoises a successful AWS config so every plugin shares one.
func onceConfig(get func(ctx context.Context) (aws.Config, error)) func(ctx context.Context) (aws.Config, error) {
	var (
		mu   sync.Mutex
		cfg  aws.Config
		done bool
	)
	return func(ctx context.Context) (aws.Config, error) {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return cfg, nil
		}
		if get == nil {
			return aws.Config{}, fmt.Errorf("no AWS configuration available for plugin lookups")
		}
		c, err := get(ctx)
		if err != nil {
			return aws.Config{}, err
		}
		cfg, done = c, true
		return cfg, nil
	}
}
