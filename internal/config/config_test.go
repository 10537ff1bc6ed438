package config

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/google/go-cmp/cmp"
)

// jsonRenderer treats the file's text as already-rendered JSON, which keeps these
// tests independent of the template engine.
type jsonRenderer struct{}

func (jsonRenderer) RenderConfigFile(_ context.Context, path string) ([]byte, error) {
	return os.ReadFile(path)
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"10m", 10 * time.Minute, ""},
		{"600", 10 * time.Minute, ""},
		{"1.5", 1500 * time.Millisecond, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"ten minutes", 0, "use a unit"},
		{"-5s", 0, "must be >= 0"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "ecspresso.json", `{
  "region": "eu-west-1",
  "service": "web",
  "service_definition": "ecs-service-def.json",
  "task_definition": "defs/ecs-task-def.json",
  "timeout": 600,
  "plugins": [{"name": "tfstate", "config": {"path": "terraform.tfstate"}, "func_prefix": "net_"}],
  "ignore": {"tags": ["Owner"]}
}`)
	c, err := Load(context.Background(), p, jsonRenderer{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Cluster != "default" {
		t.Errorf("Cluster = %q, want default", c.Cluster)
	}
	if got := c.TimeoutOrDefault(); got != 10*time.Minute {
		t.Errorf("timeout = %v", got)
	}
	if got, want := c.TaskDefinitionPath(), filepath.Join(dir, "defs/ecs-task-def.json"); got != want {
		t.Errorf("TaskDefinitionPath = %q, want %q", got, want)
	}
	want := []Plugin{{Name: "tfstate", Config: map[string]any{"path": "terraform.tfstate"}, FuncPrefix: "net_"}}
	if d := cmp.Diff(want, c.Plugins); d != "" {
		t.Errorf("plugins (-want +got):\n%s", d)
	}
}

func TestLoadRegionFallback(t *testing.T) {
	p := write(t, t.TempDir(), "doppio.json", `{"cluster": "c"}`)
	env := map[string]string{"AWS_REGION": "ap-northeast-1"}
	c, err := Load(context.Background(), p, jsonRenderer{}, Options{Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "ap-northeast-1" {
		t.Errorf("Region = %q", c.Region)
	}
}

func TestLoadAcceptsRealValues(t *testing.T) {
	for _, body := range []string{
		`{"region": "us-gov-west-1", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/prod", "service": "web_api-2"}`,
		`{"region": "cn-north-1", "appspec": {"version": 0}}`,
		`{"region": "us-isob-east-1", "timeout": "1s"}`,
		`{"region": "eusc-de-east-1"}`,
		`{"region": "ap-southeast-7"}`,
	} {
		if _, err := Load(context.Background(), write(t, t.TempDir(), "doppio.json", body), jsonRenderer{}, Options{}); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestLoadRegionFromEnvIsChecked(t *testing.T) {
	p := write(t, t.TempDir(), "doppio.json", `{"cluster": "c"}`)
	_, err := Load(context.Background(), p, jsonRenderer{}, Options{Getenv: func(k string) (string, bool) { return "moon-1", k == "AWS_REGION" }})
	if err == nil || !strings.Contains(err.Error(), `AWS_REGION: "moon-1" is not an AWS region name`) || diag.ExitCode(err) != diag.ExitUsage {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckDefinitionFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "defs"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := write(t, dir, "doppio.json", "{\n  \"task_definition\": \"defs\",\n  \"service_definition\": \"missing.json\"\n}")
	c, err := Load(context.Background(), p, jsonRenderer{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"task_definition":    "doppio.json:2: task_definition: " + filepath.Join(dir, "defs") + " is a directory",
		"service_definition": "doppio.json:3: service_definition: file " + filepath.Join(dir, "missing.json") + " does not exist",
	} {
		err := c.CheckDefinitionFile(key)
		if err == nil || !strings.Contains(err.Error(), want) || diag.ExitCode(err) != diag.ExitUsage {
			t.Errorf("%s: err = %v, want %q", key, err, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, body, version string
		want                      string
		hint                      string
	}{
		{"unknown key", "doppio.json", "{\n  \"cluster\": \"c\",\n  \"servce\": \"web\"\n}", "", `doppio.json:3: servce: unknown config key "servce"`, `did you mean "service"?`},
		{"bad duration", "doppio.json", `{"timeout": "ten"}`, "", `timeout: invalid duration "ten"`, ""},
		{"wrong type", "doppio.json", `{"plugins": "tfstate"}`, "", "plugins: expected a list", ""},
		{"plugin without name", "doppio.json", `{"plugins": [{"config": {}}]}`, "", "plugins[0].name: plugin has no name", "set name"},
		{"unmet doppio version", "doppio.json", `{"required_version": ">= 9.0"}`, "1.2.0", `doppio 1.2.0 does not satisfy required_version ">= 9.0"`, "relax"},
		{"unmet ecspresso version", "ecspresso.json", `{"required_version": ">= 3.0"}`, "1.2.0", `ecspresso version doppio is compatible with 2.8.7 does not satisfy`, ""},
		{"bad constraint", "doppio.json", `{"required_version": "newest"}`, "", `invalid version constraint "newest"`, ""},
		{"bad extension", "doppio.toml", `x = 1`, "", `unsupported config file extension ".toml"`, ".yml"},
		{"timeout zero", "doppio.json", "{\n  \"timeout\": 0\n}", "", `doppio.json:2: timeout: 0 would end every command at once`, ""},
		{"timeout zero string", "doppio.json", `{"timeout": "0s"}`, "", `timeout: 0 would end every command`, ""},
		{"region not a region", "doppio.json", "{\n  \"region\": \"us-east\"\n}", "", `doppio.json:2: region: "us-east" is not an AWS region name`, ""},
		{"region with space", "doppio.json", `{"region": "us-east-1 "}`, "", `region: "us-east-1 " is not an AWS region name`, ""},
		{"region uppercase", "doppio.json", `{"region": "US-EAST-1"}`, "", `is not an AWS region name`, ""},
		{"cluster bad", "doppio.json", `{"cluster": "my cluster"}`, "", `cluster: cluster name "my cluster" contains a space`, ""},
		{"cluster control char", "doppio.json", `{"cluster": "a\u0001"}`, "", `control character`, ""},
		{"service bad", "doppio.json", `{"service": "web/api"}`, "", `service: service name "web/api" contains a character`, ""},
		{"service too long", "doppio.json", `{"service": "` + strings.Repeat("s", 256) + `"}`, "", `256 characters long`, ""},
		{"appspec string", "doppio.json", `{"appspec": "appspec.yml"}`, "", `appspec: expected an object`, ""},
		{"appspec list", "doppio.json", `{"appspec": [1]}`, "", `appspec: expected an object (a CodeDeploy AppSpec with version, Resources, Hooks), got a list`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, t.TempDir(), tt.file, tt.body)
			_, err := Load(context.Background(), p, jsonRenderer{}, Options{Version: tt.version})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant containing %q", err, tt.want)
			}
			if got := diag.ExitCode(err); got != diag.ExitUsage {
				t.Errorf("exit code = %d, want %d", got, diag.ExitUsage)
			}
			if tt.hint != "" && !strings.Contains(diag.Hint(err), tt.hint) {
				t.Errorf("hint = %q, want containing %q", diag.Hint(err), tt.hint)
			}
		})
	}
}

func TestRequiredVersionSatisfied(t *testing.T) {
	p := write(t, t.TempDir(), "ecspresso.json", `{"required_version": ">= 2.0.0, < 3"}`)
	if _, err := Load(context.Background(), p, jsonRenderer{}, Options{Version: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
	var warned string
	p = write(t, t.TempDir(), "doppio.json", `{"required_version": ">= 1"}`)
	if _, err := Load(context.Background(), p, jsonRenderer{}, Options{Version: "dev", Warn: func(m string) { warned = m }}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(warned, "development build") {
		t.Errorf("warning = %q", warned)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if _, err := Find(dir, ""); err == nil || !strings.Contains(err.Error(), "no config file found") {
		t.Fatalf("empty dir: err = %v", err)
	}
	write(t, dir, "ecspresso.yml", "")
	write(t, dir, "ecspresso.json", "")
	if got, _ := Find(dir, ""); filepath.Base(got) != "ecspresso.yml" {
		t.Errorf("found %q, want ecspresso.yml", got)
	}
	write(t, dir, "doppio.jsonnet", "")
	if got, _ := Find(dir, ""); filepath.Base(got) != "doppio.jsonnet" {
		t.Errorf("found %q, want doppio.jsonnet (doppio.* before ecspresso.*)", got)
	}
	if _, err := Find(dir, "missing.yml"); err == nil || !strings.Contains(err.Error(), "missing.yml: config file not found") {
		t.Errorf("explicit missing: err = %v", err)
	}
}

// TestEffective checks what render config prints: defaults filled in, every key
// ecspresso always prints present, paths shown against the given base, --timeout
// winning over the file.
func TestEffective(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		base    string
		timeout time.Duration
		want    Effective
	}{
		{"defaults", `{"task_definition": "td.json"}`, ".", 0,
			Effective{Cluster: "default", TaskDefinition: "td.json", Timeout: Duration{10 * time.Minute}}},
		{"config in a subdirectory", `{"service": "web", "service_definition": "sd.json", "task_definition": "/abs/td.json", "timeout": "90s"}`, "sub", 0,
			Effective{Cluster: "default", Service: "web", ServiceDefinition: "sub/sd.json", TaskDefinition: "/abs/td.json", Timeout: Duration{90 * time.Second}}},
		{"--timeout overrides", `{"cluster": "c", "timeout": "90s"}`, ".", 3 * time.Minute,
			Effective{Cluster: "c", Timeout: Duration{3 * time.Minute}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := write(t, t.TempDir(), "ecspresso.json", tt.body)
			c, err := Load(context.Background(), path, jsonRenderer{}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, c.Effective(tt.base, tt.timeout)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnknownKeys: keys ecspresso does not know are ignored as it ignores them
// (with one warning each, or silently for x- keys), a key differing only in case is
// read as the known key, and a near miss of a known key is an error.
func TestUnknownKeys(t *testing.T) {
	tests := []struct {
		name, body string
		wantWarns  []string
		wantErr    string
		wantHint   string
		check      func(t *testing.T, c *Config)
	}{
		{name: "x- keys are silent",
			body:      "{\n  \"x-platform\": {\"cpu\": 256},\n  \"service\": \"web\",\n  \"codedeploy\": {\"x-note\": 1, \"application_name\": \"app\"}\n}",
			wantWarns: nil,
			check: func(t *testing.T, c *Config) {
				if c.Service != "web" || c.CodeDeploy.ApplicationName != "app" {
					t.Errorf("decoded %+v", c)
				}
			}},
		{name: "other unknown keys warn with file and line",
			body: "{\n  \"service\": \"web\",\n  \"platform\": \"fargate\",\n  \"notes\": [\"a\"],\n  \"codedeploy\": {\"owner\": \"team-a\"}\n}",
			wantWarns: []string{
				`doppio.json:5: unknown config key "codedeploy.owner" ignored, as ecspresso does (start it with x- to silence this warning)`,
				`doppio.json:4: unknown config key "notes" ignored, as ecspresso does (start it with x- to silence this warning)`,
				`doppio.json:3: unknown config key "platform" ignored, as ecspresso does (start it with x- to silence this warning)`,
			},
			check: func(t *testing.T, c *Config) {
				if c.Service != "web" {
					t.Errorf("service %q", c.Service)
				}
			}},
		{name: "case differs: read as the known key",
			body:      "{\n  \"Service\": \"web\",\n  \"plugins\": [{\"Name\": \"tfstate\", \"config\": {\"path\": \"x\"}}]\n}",
			wantWarns: []string{`doppio.json:2: config key "Service" read as "service"; write "service"`, `doppio.json:3: config key "plugins[0].Name" read as "name"; write "name"`},
			check: func(t *testing.T, c *Config) {
				if c.Service != "web" || c.Plugins[0].Name != "tfstate" {
					t.Errorf("decoded %+v", c)
				}
			}},
		{name: "misspelt top-level key", body: "{\n  \"cluster\": \"c\",\n  \"servce\": \"web\"\n}",
			wantErr: `doppio.json:3: servce: unknown config key "servce"`, wantHint: `did you mean "service"?`},
		{name: "two edits away", body: `{"task_defintion": "td.json", "platform": 1}`,
			wantErr: `task_defintion: unknown config key "task_defintion"`, wantHint: `did you mean "task_definition"?`},
		{name: "misspelt nested key", body: "{\n  \"codedeploy\": {\n    \"aplication_name\": \"app\"\n  }\n}",
			wantErr: `doppio.json:3: codedeploy.aplication_name: unknown config key "aplication_name"`, wantHint: `did you mean "application_name"?`},
		{name: "misspelt plugin key", body: `{"plugins": [{"name": "tfstate", "func_prefx": "a_"}]}`,
			wantErr: `plugins[0].func_prefx: unknown config key "func_prefx"`, wantHint: `did you mean "func_prefix"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := write(t, dir, "doppio.json", tt.body)
			var warns []string
			c, err := Load(context.Background(), p, jsonRenderer{}, Options{
				Warn: func(m string) { warns = append(warns, m) },
				Rel:  func(p string) string { return filepath.Base(p) },
			})
			if tt.wantErr != "" {
				wantUsageError(t, err, tt.wantErr, tt.wantHint)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantWarns, warns); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			tt.check(t, c)
		})
	}
}
