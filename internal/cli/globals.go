package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/config"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/secret"
	"github.com/doppio-ecs/doppio/internal/ui"
	envparse "github.com/hashicorp/go-envparse"
)

// Globals are the flags every verb accepts, before or after the verb. Each can also
// come from DOPPIO_<NAME> or, as a fallback, ECSPRESSO_<NAME>.
type Globals struct {
	Config          []string          `help:"Config file (default: doppio.{yml,yaml,json,jsonnet}, then ecspresso.*, in the current directory). Repeatable, and a quoted glob ('services/*/ecspresso.yml') names many: deploy, plan, diff, status, wait, render, verify, register, rollback, refresh and scale then run for every service in one process. FILE@ROLE_ARN deploys that config (or every config a glob matches) with the role's account. Env: DOPPIO_CONFIG." placeholder:"FILE" sep:"none"`
	Parallel        int               `help:"With several configs: how many services are planned and applied at once (their waits are shared polls and do not count; with --fail-fast they do). Env: DOPPIO_PARALLEL." default:"10"`
	FailFast        bool              `help:"With several configs: start no further service once one has failed. Env: DOPPIO_FAIL_FAST."`
	Envfile         []string          `help:"Env file(s) to load before anything else; repeatable or comma-separated. Their values override the environment, later files override earlier ones (as in ecspresso). Env: DOPPIO_ENVFILE." placeholder:"FILE"`
	EnvfileOverride bool              `help:"Accepted for compatibility with earlier doppio releases: envfiles always override." hidden:""`
	ExtStr          map[string]string `help:"Jsonnet external string variable K=V; repeatable, or K=V;K2=V2. Env: DOPPIO_EXT_STR." placeholder:"K=V" mapsep:";"`
	ExtCode         map[string]string `help:"Jsonnet external code variable K=CODE; repeatable. Env: DOPPIO_EXT_CODE." placeholder:"K=CODE" mapsep:";"`
	AssumeRoleARN   string            `name:"assume-role-arn" help:"Assume this IAM role for every AWS call, template plugins included. Env: DOPPIO_ASSUME_ROLE_ARN." placeholder:"ARN"`
	Timeout         string            `help:"Bound on the command and its waits, e.g. 10m (a bare number means seconds); overrides the config's timeout. Env: DOPPIO_TIMEOUT." placeholder:"DURATION"`
	Debug           bool              `help:"Show debug logs. Env: DOPPIO_DEBUG."`
	Color           bool              `help:"Colour output on terminals (NO_COLOR disables it). Env: DOPPIO_COLOR." negatable:"" default:"true"`
	LogFormat       string            `help:"Log format on stderr: text or json. Env: DOPPIO_LOG_FORMAT." enum:"text,json" default:"text"`
	Output          string            `help:"Result format on stdout: text or json (doppio's result documents); revisions and tasks also take ecspresso's table, tsv and json shapes. Env: DOPPIO_OUTPUT." enum:"text,json,table,tsv" default:"text"`
	RedactEnv       []string          `help:"Also redact the values of these container environment variables (local and live) in every output; repeatable or comma-separated. Env: DOPPIO_REDACT_ENV." placeholder:"NAME"`
	FilterCommand   string            `help:"Interactive selector (e.g. peco, fzf) used where a task or revision is picked; overrides the config's filter_command. Env: DOPPIO_FILTER_COMMAND." placeholder:"COMMAND"`
	Notify          []string          `help:"Post deployment events (started, succeeded, rolled back, failed, paused, timed out) to this webhook: a Slack incoming webhook gets a Slack message, any other URL a JSON document; repeatable, added to the config's doppio.notify. A webhook never changes the outcome (5 s limit, a warning). Env: DOPPIO_NOTIFY." placeholder:"URL"`
	MaxRPS          float64           `name:"max-rps" help:"Client-side cap on AWS API requests per second per service (ECS, STS, ...), shared by every call of the process; 0: ECS's documented read rate (20/s, bursts of 50)." placeholder:"N"`
}

// app is what verbs receive: the environment, the logger, and lazily loaded project
// state (config, renderer, AWS config), so that verbs needing none of it (version)
// touch no file and no network.
type app struct {
	g      *Globals
	env    Env
	vars   map[string]string // process environment merged with envfiles
	log    *slog.Logger
	stdout io.Writer
	stderr io.Writer
	color  bool

	timeout time.Duration // the command's bound: --timeout, else the config's, else the default

	proj *project // loaded on first use
	// configPath is the one config of this app ("": find the default).
	configPath string

	// Fleet runs (several configs): what the services share, the barrier before
	// changes, what this service reports for the summary, and whether follow may
	// open its own ::group:: (not inside the fleet's).
	shared   *fleet.Shared
	gate     *fleet.Gate
	member   *fleet.Report
	noGroups bool
	// roleARN is the role of this app's config (--config FILE@ROLE), else "".
	roleARN string
	// verb is the command's verb; changed is set once the verb passed beforeChange
	// (notify.go).
	verb    string
	changed bool
	started chan struct{} // closed once the "started" notification is sent
	// accounts caches the account of each credentials for notifications (notify.go).
	accounts *fleet.Accounts
	// errBase is stderr before --log-format json's line conversion.
	errBase io.Writer

	// secrets are the values no output may show; stdout, stderr and the logger all
	// write through its redactor.
	secrets *secret.Set
}

func newApp(ctx context.Context, g *Globals, env Env) (*app, error) {
	secrets := secret.NewSet()
	a := &app{g: g, env: env, secrets: secrets, stdout: secrets.Writer(env.Stdout), stderr: secrets.Writer(env.Stderr)}
	a.errBase = a.stderr
	_, noColor := env.Vars["NO_COLOR"]
	a.color = ui.UseColor(g.Color, noColor, env.IsTerminal)
	// stderr is one console: log records, progress, events, plans and prompts in one
	// format on one clock (ui.Console); every line is JSON under --log-format json.
	a.stderr = ui.NewConsole(a.stderr, ui.ConsoleOptions{JSON: g.LogFormat == "json", Live: !a.ci(), UTC: a.ci(),
		Color: a.color, Width: termWidth(env.Vars)})
	a.log = ui.NewLogger(a.stderr, ui.LogOptions{Format: g.LogFormat, Debug: g.Debug})
	vars, err := loadEnvfiles(env, g.Envfile)
	if err != nil {
		return nil, err
	}
	a.vars = vars
	if g.AssumeRoleARN != "" {
		if err := awsclient.CheckRoleARN(g.AssumeRoleARN); err != nil {
			return nil, diag.Invalid(fmt.Errorf("--assume-role-arn: %w", err), "pass the role's ARN (or set DOPPIO_ASSUME_ROLE_ARN), or drop the flag to use your own credentials")
		}
	}
	if g.Timeout != "" {
		d, err := config.ParseDuration(g.Timeout)
		if err != nil {
			return nil, diag.Invalid(fmt.Errorf("--timeout: %w", err), "")
		}
		a.timeout = d
	}
	return a, nil
}

// getenv looks a variable up in the process environment merged with envfiles.
func (a *app) getenv(k string) (string, bool) {
	v, ok := a.vars[k]
	return v, ok
}

// version is the running binary's version.
func (a *app) version() string { return buildinfo.Get().Version }

// loadEnvfiles merges env files into a copy of the environment. As in ecspresso, a
// file's values override the process environment and later files override earlier
// ones. Nothing is exported to the process: the AWS SDK and templates read the
// command's own map.
func loadEnvfiles(env Env, files []string) (map[string]string, error) {
	vars := make(map[string]string, len(env.Vars))
	for k, v := range env.Vars {
		vars[k] = v
	}
	for _, f := range files {
		p := f
		if !filepath.IsAbs(p) {
			p = filepath.Join(env.Dir, p)
		}
		fh, err := os.Open(p)
		if err != nil {
			return nil, &diag.Error{File: f, Err: fmt.Errorf("read envfile: %w", err), Hint: "check --envfile", Code: diag.ExitUsage}
		}
		parsed, err := envparse.Parse(fh)
		fh.Close()
		if err != nil {
			return nil, &diag.Error{File: f, Err: fmt.Errorf("parse envfile: %w", err), Hint: "lines look like KEY=value, optionally prefixed by export", Code: diag.ExitUsage}
		}
		for k, v := range parsed {
			vars[k] = v
		}
	}
	return vars, nil
}

// outputFormats are the values of the global --output.
var outputFormats = []string{"text", "json", "table", "tsv"}

// checkOutput refuses ecspresso's per-verb table and tsv formats on verbs other than
// the ones that list things (revisions, tasks), before any call.
func (a *app) checkOutput(verb string) error {
	if verb == "revisions" || verb == "tasks" {
		return nil
	}
	if a.g.Output == "table" || a.g.Output == "tsv" {
		return diag.Invalid(fmt.Errorf("--output %s: %s prints text or json", a.g.Output, verb), "table and tsv are for revisions and tasks")
	}
	return nil
}

// filterCommand returns --filter-command, else the config's filter_command.
func (a *app) filterCommand(cfg *config.Config) string {
	if a.g.FilterCommand != "" {
		return a.g.FilterCommand
	}
	if cfg != nil {
		return cfg.FilterCommand
	}
	return ""
}

// awsOptions returns the options for the shared AWS config.
func (a *app) awsOptions(region string) awsclient.Options {
	return awsclient.Options{Region: region, AssumeRoleARN: a.g.AssumeRoleARN, Env: a.vars,
		MaxRPS: a.g.MaxRPS}
}

// protectLive adds to the command's secrets the live task definition's values that
// sit where the local file uses a secret (an environment variable whose local value
// came from a SecureString or Secrets Manager: its previous value is just as
// secret), and the values of the --redact-env variables on both sides.
func (a *app) protectLive(local, live *ecs.RegisterTaskDefinitionInput) {
	if local == nil {
		return
	}
	sensitive := map[string]map[string]string{} // container → env name → label
	for _, c := range local.ContainerDefinitions {
		for _, kv := range c.Environment {
			name, value := aws.ToString(kv.Name), aws.ToString(kv.Value)
			label, isSecret := a.secrets.Label(value)
			if slices.Contains(a.g.RedactEnv, name) {
				a.secrets.Add(value, "env "+name)
				label, isSecret = "env "+name, true
			}
			if isSecret {
				if sensitive[aws.ToString(c.Name)] == nil {
					sensitive[aws.ToString(c.Name)] = map[string]string{}
				}
				sensitive[aws.ToString(c.Name)][name] = label
			}
		}
	}
	if live == nil {
		return
	}
	for _, c := range live.ContainerDefinitions {
		for _, kv := range c.Environment {
			name := aws.ToString(kv.Name)
			if label, ok := sensitive[aws.ToString(c.Name)][name]; ok || slices.Contains(a.g.RedactEnv, name) {
				if !ok {
					label = "env " + name
				}
				a.secrets.Add(aws.ToString(kv.Value), "live "+label)
			}
		}
	}
}

// termWidth is the terminal's width from COLUMNS (0: unknown, the views' default).
func termWidth(vars map[string]string) int {
	n, err := strconv.Atoi(vars["COLUMNS"])
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
