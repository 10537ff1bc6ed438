// Package config finds and loads doppio's configuration file, which is ecspresso's
// format unchanged: doppio.{yml,yaml,json,jsonnet}, then ecspresso.*.
package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	version "github.com/hashicorp/go-version"
)

// SearchOrder lists the file names tried, in order, when --config is not given.
var SearchOrder = []string{
	"doppio.yml", "doppio.yaml", "doppio.json", "doppio.jsonnet",
	"ecspresso.yml", "ecspresso.yaml", "ecspresso.json", "ecspresso.jsonnet",
}

// DefaultTimeout bounds a whole command when the config sets no timeout.
const DefaultTimeout = 10 * time.Minute

// EcspressoCompatVersion is the ecspresso release whose files and behaviour doppio
// follows; an ecspresso.* config's required_version is checked against it, because
// that constraint was written for ecspresso, not for doppio.
const EcspressoCompatVersion = "2.8.7"

// Config is a loaded configuration file.
type Config struct {
	// Path is the config file as found or given; Dir is its directory, against which
	// relative paths resolve.
	Path string `json:"-"`
	Dir  string `json:"-"`

	RequiredVersion   string      `json:"required_version,omitempty"`
	Region            string      `json:"region,omitempty"`
	Cluster           string      `json:"cluster,omitempty"`
	Service           string      `json:"service,omitempty"`
	ServiceDefinition string      `json:"service_definition,omitempty"`
	TaskDefinition    string      `json:"task_definition,omitempty"`
	Timeout           *Duration   `json:"timeout,omitempty"`
	Plugins           []Plugin    `json:"plugins,omitempty"`
	AppSpec           any         `json:"appspec,omitempty"`
	CodeDeploy        *CodeDeploy `json:"codedeploy,omitempty"`
	FilterCommand     string      `json:"filter_command,omitempty"`
	Ignore            *Ignore     `json:"ignore,omitempty"`
	// Doppio holds doppio-only settings; ecspresso ignores the key.
	Doppio *Doppio `json:"doppio,omitempty"`

	// definitions are the values of the registered definition keys the file
	// sets (RegisterDefinitionKey), as written.
	definitions map[string]string

	regionFromEnv bool // Region came from AWS_REGION/AWS_DEFAULT_REGION, checked there
}

// Plugin declares a template-function provider (tfstate, ssm, secretsmanager,
// cloudformation).
type Plugin struct {
	Name       string         `json:"name"`
	Config     map[string]any `json:"config,omitempty"`
	FuncPrefix string         `json:"func_prefix,omitempty"`
}

// CodeDeploy names the application and deployment group of a CODE_DEPLOY service so
// they need not be discovered.
type CodeDeploy struct {
	ApplicationName      string `json:"application_name,omitempty"`
	DeploymentGroupName  string `json:"deployment_group_name,omitempty"`
	DeploymentConfigName string `json:"deployment_config_name,omitempty"`
}

// Ignore lists what doppio leaves alone when comparing and updating.
type Ignore struct {
	Tags []string `json:"tags,omitempty"`
}

// Doppio is the config's doppio-only settings (the top-level key "doppio", which
// ecspresso does not read).
type Doppio struct {
	// AssumeRoleARN is the IAM role this project's AWS calls assume (its account),
	// unless --assume-role-arn or --config FILE@ROLE names one.
	AssumeRoleARN string `json:"assume_role_arn,omitempty"`
	// Notify lists webhook URLs told about deployments (as --notify).
	Notify []string `json:"notify,omitempty"`
}

// TimeoutOrDefault returns the configured timeout, or DefaultTimeout.
func (c *Config) TimeoutOrDefault() time.Duration {
	if c.Timeout == nil {
		return DefaultTimeout
	}
	return c.Timeout.Duration
}

// ServiceDefinitionPath returns service_definition resolved against the config's
// directory, or "" when unset.
func (c *Config) ServiceDefinitionPath() string { return c.resolve(c.ServiceDefinition) }

// TaskDefinitionPath returns task_definition resolved against the config's directory.
func (c *Config) TaskDefinitionPath() string { return c.resolve(c.TaskDefinition) }

// Definition is the value of a registered definition key (RegisterDefinitionKey)
// as the file writes it; "" when the file does not set it.
func (c *Config) Definition(key string) string { return c.definitions[key] }

// DefinitionPath returns the definition file the config names under key
// (task_definition, service_definition or a registered definition key such as
// express_definition) resolved against the config's directory; "" when it
// names none.
func (c *Config) DefinitionPath(key string) string {
	switch key {
	case "task_definition":
		return c.TaskDefinitionPath()
	case "service_definition":
		return c.ServiceDefinitionPath()
	}
	return c.resolve(c.Definition(key))
}

func (c *Config) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// IsEcspressoFile reports whether the config file is named ecspresso.*.
func (c *Config) IsEcspressoFile() bool {
	return strings.HasPrefix(filepath.Base(c.Path), "ecspresso.")
}

// Duration is a config duration: a Go duration string ("10m", "90s") or a bare number
// of seconds (ecspresso v2 read numbers as nanoseconds, which made every wait fail).
type Duration struct{ time.Duration }

// UnmarshalJSON accepts "10m" or 600.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		f, err := n.Float64()
		if err != nil || f < 0 {
			return fmt.Errorf("invalid duration %s: a bare number means seconds and must be >= 0", b)
		}
		d.Duration = time.Duration(f * float64(time.Second))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("invalid duration %s: want a string such as \"10m\" or a number of seconds", b)
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalJSON prints the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// ParseDuration parses a Go duration string, or a bare number as seconds.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var n json.Number = json.Number(s)
	if f, err := n.Float64(); err == nil && s != "" {
		if f < 0 {
			return 0, fmt.Errorf("invalid duration %q: must be >= 0", s)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: use a unit, e.g. \"90s\", \"10m\" or \"1h30m\" (a bare number means seconds)", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("invalid duration %q: must be >= 0", s)
	}
	return v, nil
}

// Find returns the config file to use: explicit if non-empty (it must exist),
// otherwise the first of SearchOrder present in dir.
func Find(dir, explicit string) (string, error) {
	if explicit != "" {
		p := explicit
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", &diag.Error{File: explicit, Err: errors.New("config file not found"),
					Hint: "check --config (or DOPPIO_CONFIG / ECSPRESSO_CONFIG), or run 'doppio init' to create one", Code: diag.ExitUsage}
			}
			return "", &diag.Error{File: explicit, Err: err, Code: diag.ExitUsage}
		}
		return p, nil
	}
	for _, name := range SearchOrder {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", &diag.Error{Err: fmt.Errorf("no config file found in %s (looked for %s)", dir, strings.Join(SearchOrder, ", ")),
		Hint: "pass --config FILE, or run 'doppio init --service NAME' to import a live service", Code: diag.ExitUsage}
}

// Renderer evaluates a config file (templates, Jsonnet) to JSON.
type Renderer interface {
	RenderConfigFile(ctx context.Context, path string) ([]byte, error)
}

// Options tune Load.
type Options struct {
	// Version is the running doppio's version, checked against required_version in
	// doppio.* files; a development build ("dev" or unparsable) skips the check.
	Version string
	// Getenv supplies AWS_REGION when the config has no region.
	Getenv func(string) (string, bool)
	// Warn receives non-fatal notices (e.g. a skipped version check, an ignored
	// unknown key).
	Warn func(msg string)
	// Rel shortens the config path in warnings (errors are shortened by the CLI);
	// nil prints it as given.
	Rel func(path string) string
}

var extensions = map[string]bool{".yml": true, ".yaml": true, ".json": true, ".jsonnet": true}

// Load renders and decodes the config file at path, applies defaults and validates it.
func Load(ctx context.Context, path string, r Renderer, opts Options) (*Config, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !extensions[ext] {
		return nil, &diag.Error{File: path, Err: fmt.Errorf("unsupported config file extension %q", ext),
			Hint: "use .yml, .yaml, .json or .jsonnet", Code: diag.ExitUsage}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &diag.Error{File: path, Err: err, Code: diag.ExitUsage}
	}
	if err := checkText(path, src); err != nil {
		return nil, err
	}
	data, err := r.RenderConfigFile(ctx, path)
	if err != nil {
		return nil, err
	}
	shown := path
	if opts.Rel != nil {
		shown = opts.Rel(path)
	}
	c, warns, err := decode(path, shown, src, data)
	if err != nil {
		return nil, err
	}
	if opts.Warn != nil {
		for _, w := range warns {
			opts.Warn(w)
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c.Path, c.Dir = path, filepath.Dir(abs)
	if c.Cluster == "" {
		c.Cluster = "default"
	}
	if c.Region == "" && opts.Getenv != nil {
		for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
			if v, ok := opts.Getenv(name); ok && v != "" {
				if err := checkRegionEnv(name, v); err != nil {
					return nil, err
				}
				c.Region, c.regionFromEnv = v, true
				break
			}
		}
	}
	if err := c.checkVersion(src, opts); err != nil {
		return nil, err
	}
	if err := c.validate(src); err != nil {
		return nil, err
	}
	return c, nil
}

// decode reads rendered JSON; keys it does not know are handled as ecspresso does
// (see keys.go), misspellings are errors, and the warnings for the rest are
// returned. Errors point at the line of the original file; shown is the file's
// name in warnings.
func decode(path, shown string, src, data []byte) (*Config, []string, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, &diag.Error{File: path, Err: fmt.Errorf("config must be an object of settings: %v", err), Code: diag.ExitUsage}
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		return nil, nil, &diag.Error{File: path, Err: err, Code: diag.ExitUsage}
	}
	var issues []keyIssue
	checkKeys(reflect.TypeFor[Config](), tree, "", &issues)
	err, warns := keyErrorAndWarnings(path, shown, src, issues)
	if err != nil {
		return nil, nil, err
	}
	fields := configFields()
	c := &Config{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := k
		if _, ok := fields[k]; !ok {
			name = ""
			for n := range fields {
				if strings.EqualFold(n, k) {
					name = n
				}
			}
			if name == "" {
				continue // ignored, as reported above
			}
		}
		if isDefinitionKey(name) {
			err = decodeDefinition(c, name, raw[k])
		} else {
			err = decodeField(c, name, raw[k])
		}
		if err != nil {
			return nil, nil, &diag.Error{File: path, Line: lineOfKey(src, k), Field: k, Err: err, Code: diag.ExitUsage}
		}
	}
	for i, p := range c.Plugins {
		if p.Name == "" {
			return nil, nil, &diag.Error{File: path, Line: lineOfKey(src, "plugins"), Field: fmt.Sprintf("plugins[%d].name", i),
				Err: errors.New("plugin has no name"), Hint: "set name: tfstate, ssm, secretsmanager or cloudformation", Code: diag.ExitUsage}
		}
	}
	return c, warns, nil
}

// decodeField decodes one top-level key into c, strictly.
func decodeField(c *Config, key string, v json.RawMessage) error {
	one := map[string]json.RawMessage{key: v}
	b, _ := json.Marshal(one)
	// Unknown keys were reported by checkKeys; encoding/json skips them here.
	return decodeError(json.NewDecoder(bytes.NewReader(b)).Decode(c))
}

// decodeDefinition decodes the value of a registered definition key into c: a
// path, as a field's.
func decodeDefinition(c *Config, key string, v json.RawMessage) error {
	var s string
	if err := decodeError(json.Unmarshal(v, &s)); err != nil {
		return err
	}
	if c.definitions == nil {
		c.definitions = map[string]string{}
	}
	c.definitions[key] = s
	return nil
}

// decodeError is a decoding error as the config's errors say it.
func decodeError(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("expected %s, got %s", friendlyType(te.Type.String()), te.Value)
	}
	msg := err.Error()
	if i := strings.Index(msg, "json: unknown field "); i >= 0 {
		name := strings.Trim(msg[i+len("json: unknown field "):], `"`)
		return fmt.Errorf("unknown key %q", name)
	}
	return errors.New(strings.TrimPrefix(msg, "json: "))
}

func friendlyType(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "config."), strings.HasPrefix(t, "struct"):
		return "an object"
	case t == "string":
		return "a string"
	}
	return t
}

// lineOfKey finds the 1-based line where key is set in the original source (YAML
// `key:` or JSON/Jsonnet `"key":` / `key:`), or 0.
func lineOfKey(src []byte, key string) int {
	re := regexp.MustCompile(`(?m)^\s*(?:-\s*)?["']?` + regexp.QuoteMeta(key) + `["']?\s*:`)
	loc := re.FindIndex(src)
	if loc == nil {
		// JSON and Jsonnet may set several keys on one line: { region: "x", ... }.
		loc = regexp.MustCompile(`[{,\s]["']?` + regexp.QuoteMeta(key) + `["']?\s*:`).FindIndex(src)
	}
	if loc == nil {
		return 0
	}
	return bytes.Count(src[:loc[0]], []byte("\n")) + 1
}

func (c *Config) checkVersion(src []byte, opts Options) error {
	if c.RequiredVersion == "" {
		return nil
	}
	constraint, err := version.NewConstraint(c.RequiredVersion)
	if err != nil {
		return &diag.Error{File: c.Path, Line: lineOfKey(src, "required_version"), Field: "required_version",
			Err: fmt.Errorf("invalid version constraint %q: %v", c.RequiredVersion, err), Hint: `write it like ">= 2.0.0, < 3"`, Code: diag.ExitUsage}
	}
	have, against := opts.Version, "doppio"
	if c.IsEcspressoFile() {
		have, against = EcspressoCompatVersion, "the ecspresso version doppio is compatible with"
	}
	v, err := version.NewVersion(have)
	if err != nil {
		if opts.Warn != nil {
			opts.Warn(fmt.Sprintf("required_version %q not checked: this is a development build (version %q)", c.RequiredVersion, have))
		}
		return nil
	}
	if !constraint.Check(v) {
		return &diag.Error{File: c.Path, Line: lineOfKey(src, "required_version"), Field: "required_version",
			Err:  fmt.Errorf("%s %s does not satisfy required_version %q", against, have, c.RequiredVersion),
			Hint: "use a doppio release that satisfies the constraint, or relax required_version", Code: diag.ExitUsage}
	}
	return nil
}

// Effective is the configuration as it takes effect, for `render config`: the keys
// ecspresso prints, in its order, with every default filled in (cluster, timeout) and
// the definition paths as ecspresso shows them (joined with the config file's
// directory). region, cluster, service and both definition paths are always present,
// empty or not, as in ecspresso, so a script reading them finds every key.
type Effective struct {
	RequiredVersion   string      `json:"required_version,omitempty"`
	Region            string      `json:"region"`
	Cluster           string      `json:"cluster"`
	Service           string      `json:"service"`
	ServiceDefinition string      `json:"service_definition"`
	TaskDefinition    string      `json:"task_definition"`
	Plugins           []Plugin    `json:"plugins,omitempty"`
	AppSpec           any         `json:"appspec,omitempty"`
	FilterCommand     string      `json:"filter_command,omitempty"`
	Timeout           Duration    `json:"timeout"`
	CodeDeploy        *CodeDeploy `json:"codedeploy,omitempty"`
	Ignore            *Ignore     `json:"ignore,omitempty"`
}

// Effective returns the configuration with its defaults. base is the directory
// relative definition paths are shown against (ecspresso joins them with the config
// file's directory as the user named it, e.g. "sub" for --config sub/ecspresso.yml);
// timeout, when positive, is the --timeout that overrides the config's.
func (c *Config) Effective(base string, timeout time.Duration) *Effective {
	show := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	if timeout <= 0 {
		timeout = c.TimeoutOrDefault()
	}
	return &Effective{
		RequiredVersion:   c.RequiredVersion,
		Region:            c.Region,
		Cluster:           c.Cluster,
		Service:           c.Service,
		ServiceDefinition: show(c.ServiceDefinition),
		TaskDefinition:    show(c.TaskDefinition),
		Plugins:           c.Plugins,
		AppSpec:           c.AppSpec,
		FilterCommand:     c.FilterCommand,
		Timeout:           Duration{timeout},
		CodeDeploy:        c.CodeDeploy,
		Ignore:            c.Ignore,
	}
}

// MarshalYAML prints the duration as a quoted Go duration string ("10m0s"), as
// ecspresso's render config does.
func (d Duration) MarshalYAML() ([]byte, error) { return d.MarshalJSON() }
