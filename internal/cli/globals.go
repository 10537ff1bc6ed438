package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/config"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ui"
	envparse "github.com/hashicorp/go-envparse"
)

// Globals are the flags every verb accepts, before or after the verb. Each can also
// come from DOPPIO_<NAME> or, as a fallback, ECSPRESSO_<NAME>.
type Globals struct {
	Config          string            `help:"Config file (default: doppio.{yml,yaml,json,jsonnet}, then ecspresso.*, in the current directory). Env: DOPPIO_CONFIG." placeholder:"FILE"`
	Envfile         []string          `help:"Env file(s) to load before anything else; repeatable. Variables already set in the environment win unless --envfile-override. Env: DOPPIO_ENVFILE." placeholder:"FILE"`
	EnvfileOverride bool              `help:"Let --envfile values override variables already set in the environment."`
	ExtStr          map[string]string `help:"Jsonnet external string variable K=V; repeatable, or K=V;K2=V2. Env: DOPPIO_EXT_STR." placeholder:"K=V" mapsep:";"`
	ExtCode         map[string]string `help:"Jsonnet external code variable K=CODE; repeatable. Env: DOPPIO_EXT_CODE." placeholder:"K=CODE" mapsep:";"`
	AssumeRoleARN   string            `name:"assume-role-arn" help:"Assume this IAM role for every AWS call, template plugins included. Env: DOPPIO_ASSUME_ROLE_ARN." placeholder:"ARN"`
	Timeout         string            `help:"Bound on the command and its waits, e.g. 10m (a bare number means seconds); overrides the config's timeout. Env: DOPPIO_TIMEOUT." placeholder:"DURATION"`
	Debug           bool              `help:"Show debug logs. Env: DOPPIO_DEBUG."`
	Color           bool              `help:"Colour output on terminals (NO_COLOR disables it). Env: DOPPIO_COLOR." negatable:"" default:"true"`
	LogFormat       string            `help:"Log format on stderr: text or json. Env: DOPPIO_LOG_FORMAT." enum:"text,json" default:"text"`
	Output          string            `help:"Result format on stdout: text or json (tasks: also table, tsv). Env: DOPPIO_OUTPUT." enum:"text,json,table,tsv" default:"text"`
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

	timeout  time.Duration // from --timeout; 0 when unset
	interval time.Duration // the running verb's --poll-interval

	proj *project // loaded on first use
}

func newApp(ctx context.Context, g *Globals, env Env) (*app, error) {
	a := &app{g: g, env: env, stdout: env.Stdout, stderr: env.Stderr}
	_, noColor := env.Vars["NO_COLOR"]
	a.color = ui.UseColor(g.Color, noColor, env.IsTerminal)
	a.log = ui.NewLogger(env.Stderr, ui.LogOptions{Format: g.LogFormat, Debug: g.Debug})
	vars, err := loadEnvfiles(env, g.Envfile, g.EnvfileOverride)
	if err != nil {
		return nil, err
	}
	a.vars = vars
	if g.Timeout != "" {
		d, err := config.ParseDuration(g.Timeout)
		if err != nil {
			return nil, diag.Invalid(fmt.Errorf("--timeout: %w", err), "")
		}
		a.timeout = d
	}
	return a, nil
}

func (a *app) close() {}

// getenv looks a variable up in the process environment merged with envfiles.
func (a *app) getenv(k string) (string, bool) {
	v, ok := a.vars[k]
	return v, ok
}

// version is the running binary's version.
func (a *app) version() string { return buildinfo.Get().Version }

// loadEnvfiles merges env files into a copy of the environment. Values already in the
// environment (non-empty ones) win unless override is set (ecspresso always let files win, which
// surprised CI users whose pipeline variables were silently replaced). The AWS SDK sees
// AWS_* variables from files through awsclient.Options.Env; nothing is exported to
// the process.
func loadEnvfiles(env Env, files []string, override bool) (map[string]string, error) {
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
			if cur, set := env.Vars[k]; set && cur != "" && !override {
				continue
			}
			vars[k] = v
		}
	}
	return vars, nil
}

// awsOptions returns the options for the shared AWS config.
func (a *app) awsOptions(region string) awsclient.Options {
	return awsclient.Options{Region: region, AssumeRoleARN: a.g.AssumeRoleARN, Env: a.vars}
}

// commandTimeout returns --timeout, else the config's timeout, else the default.
func (a *app) commandTimeout(cfg *config.Config) time.Duration {
	if a.timeout > 0 {
		return a.timeout
	}
	if cfg != nil {
		return cfg.TimeoutOrDefault()
	}
	return config.DefaultTimeout
}
