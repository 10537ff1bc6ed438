package plugin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awscfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	awsssm "github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/render"
	"github.com/doppio-ecs/doppio/sandbox/moto"
)

// One moto_server per test binary; each test uses its own resource names.
var (
	sharedMoto *moto.Server
	motoErr    error
)

func TestMain(m *testing.M) {
	sharedMoto, motoErr = moto.Start(context.Background(), moto.Options{})
	code := m.Run()
	if sharedMoto != nil {
		_ = sharedMoto.Stop()
	}
	os.Exit(code)
}

// motoConfig returns an AWS config pointing at the shared moto, failing (never
// skipping) when moto is unavailable.
func motoConfig(t *testing.T) aws.Config {
	t.Helper()
	if motoErr != nil {
		t.Fatal(motoErr)
	}
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(sharedMoto.URL),
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// seed creates, under a unique prefix, everything the templates look up.
func seed(t *testing.T, cfg aws.Config, p string) {
	ctx := context.Background()
	ssmc := awsssm.NewFromConfig(cfg)
	for _, in := range []awsssm.PutParameterInput{
		{Name: aws.String("/" + p + "/url"), Value: aws.String("https://example.com"), Type: ssmtypes.ParameterTypeString},
		{Name: aws.String("/" + p + "/password"), Value: aws.String(`s3cr"t<pw>`), Type: ssmtypes.ParameterTypeSecureString},
		{Name: aws.String("/" + p + "/subnets"), Value: aws.String("subnet-1,subnet-2,subnet-3"), Type: ssmtypes.ParameterTypeStringList},
	} {
		must[*awsssm.PutParameterOutput](t)(ssmc.PutParameter(ctx, &in))
	}
	must[*awssm.CreateSecretOutput](t)(awssm.NewFromConfig(cfg).CreateSecret(ctx, &awssm.CreateSecretInput{
		Name: aws.String(p + "/db"), SecretString: aws.String("x"),
	}))
	body := fmt.Sprintf(`{"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{"TopicName":"%s-topic"}}},
"Outputs":{"VpcId":{"Value":"vpc-%s"},"Shared":{"Value":"exported-%s","Export":{"Name":"%s-shared"}}}}`, p, p, p, p)
	must[*awscfn.CreateStackOutput](t)(awscfn.NewFromConfig(cfg).CreateStack(ctx, &awscfn.CreateStackInput{
		StackName: aws.String(p + "-stack"), TemplateBody: aws.String(body),
	}))
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	must[*s3.CreateBucketOutput](t)(s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(p + "-tfstate")}))
	state := must[*os.File](t)(os.Open("tfstate/testdata/terraform.tfstate"))
	defer state.Close()
	must[*s3.PutObjectOutput](t)(s3c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(p + "-tfstate"), Key: aws.String("env/terraform.tfstate"), Body: state,
	}))
}

func newRenderer(t *testing.T, cfg aws.Config, p string, calls *int) *render.Renderer {
	t.Helper()
	ctx := context.Background()
	specs := []Spec{
		{Name: "tfstate", Config: map[string]any{"url": "s3://" + p + "-tfstate/env/terraform.tfstate"}},
		{Name: "tfstate", Config: map[string]any{"path": "second.tfstate"}, FuncPrefix: "second_"},
		{Name: "cloudformation"},
		{Name: "ssm"}, // duplicates the default: skipped
		{Name: "ssm", FuncPrefix: "other_"},
	}
	funcs, err := Functions(ctx, specs, Deps{
		BaseDir: "testdata",
		AWS: func(context.Context) (aws.Config, error) {
			*calls++
			return cfg, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.New(ctx, render.Options{Functions: funcs})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPluginsAgainstMoto(t *testing.T) {
	cfg := motoConfig(t)
	const p = "tplall"
	seed(t, cfg, p)
	ctx := context.Background()
	awsCalls := 0
	r := newRenderer(t, cfg, p, &awsCalls)
	if awsCalls != 0 {
		t.Fatalf("building the plugins loaded the AWS config %d times; want lazily", awsCalls)
	}

	t.Run("template", func(t *testing.T) {
		path := write(t, "td.json", `{
  "url": "{{ ssm "/tplall/url" }}",
  "password": "{{ ssm "/tplall/password" | json_escape }}",
  "subnet": "{{ ssm "/tplall/subnets" 1 }}",
  "again": "{{ other_ssm "/tplall/url" }}",
  "secret": "{{ secretsmanager_arn "tplall/db" }}",
  "vpc": "{{ cfn_output "tplall-stack" "VpcId" }}",
  "export": "{{ cfn_export "tplall-shared" }}",
  "tf": "{{ tfstate "module.vpc.aws_subnet.private[0].id" }}",
  "tfEach": "{{ tfstatef "aws_security_group.app['%s'].id" "web" }}",
  "second": "{{ second_tfstate "aws_ecs_cluster.main.name" }}",
  "secondOut": "{{ second_tfstate "output.vpc_id" }}"
}`)
		b, err := r.RenderFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Split(string(b), "\n")
		if !strings.HasPrefix(got[5], `  "secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:tplall/db-`) {
			t.Errorf("secret ARN line %q", got[5])
		}
		got[5] = `  "secret": "(arn)",`
		want := `{
  "url": "https://example.com",
  "password": "s3cr\"t\u003cpw\u003e",
  "subnet": "subnet-2",
  "again": "https://example.com",
  "secret": "(arn)",
  "vpc": "vpc-tplall",
  "export": "exported-tplall",
  "tf": "subnet-a",
  "tfEach": "sg-web",
  "second": "second-cluster",
  "secondOut": "vpc-second"
}`
		if diff := cmp.Diff(want, strings.Join(got, "\n")); diff != "" {
			t.Errorf("render (-want +got):\n%s", diff)
		}
		redacted := string(r.Redact(b))
		if strings.Contains(redacted, "s3cr") || !strings.Contains(redacted, `"password": "(secret ssm:/tplall/password)"`) {
			t.Errorf("Redact left the SecureString visible:\n%s", redacted)
		}
		if awsCalls != 1 {
			t.Errorf("AWS config built %d times, want 1 shared", awsCalls)
		}
	})

	t.Run("jsonnet", func(t *testing.T) {
		path := write(t, "td.jsonnet", `local ssm = std.native('ssm');
local ssm_list = std.native('ssm_list');
local tfstate = std.native('tfstate');
{
  url: ssm('/tplall/url'),
  subnet: ssm_list('/tplall/subnets', 2),
  password: ssm('/tplall/password'),
  vpc: std.native('cfn_output')('tplall-stack', 'VpcId'),
  export: std.native('cfn_export')('tplall-shared'),
  arnPrefix: std.startsWith(std.native('secretsmanager_arn')('tplall/db'), 'arn:aws:secretsmanager:'),
  subnets: [s.id for s in tfstate('module.vpc.aws_subnet.private')],
  sg: tfstate('aws_security_group.app')['api'].id,
  second: std.native('second_tfstate')('aws_ecs_cluster.main.arn'),
}`)
		b, err := r.RenderFile(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		want := `{
   "arnPrefix": true,
   "export": "exported-tplall",
   "password": "s3cr\"t<pw>",
   "second": "arn:aws:ecs:us-east-1:123456789012:cluster/second-cluster",
   "sg": "sg-api",
   "subnet": "subnet-3",
   "subnets": [
      "subnet-a",
      "subnet-b"
   ],
   "url": "https://example.com",
   "vpc": "vpc-tplall"
}
`
		if diff := cmp.Diff(want, string(b)); diff != "" {
			t.Errorf("render (-want +got):\n%s", diff)
		}
		if got := string(r.Redact(b)); strings.Contains(got, "s3cr") {
			t.Errorf("Redact left the SecureString visible:\n%s", got)
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tt := range []struct{ expr, want, hint string }{
			{`ssm "/tplall/nope"`, `SSM parameter /tplall/nope not found`, "check the name (parameter names are case-sensitive and usually start with /) and the region"},
			{`ssm "/tplall/subnets" 3`, `SSM parameter /tplall/subnets: index 3 out of range (the list has 3 elements)`, ""},
			{`ssm "/tplall/subnets"`, `SSM parameter /tplall/subnets is a StringList: give an index`, `in a template: ssm "/tplall/subnets" 0; in Jsonnet: ssm_list("/tplall/subnets", 0)`},
			{`cfn_output "tplall-stack" "VpcID"`, `CloudFormation stack tplall-stack has no output VpcID`, `did you mean "VpcId"?`},
			{`cfn_export "tplall-share"`, `CloudFormation export tplall-share not found`, `did you mean "tplall-shared"?`},
			{`secretsmanager_arn "tplall/nope"`, `secret tplall/nope not found in Secrets Manager`, "check the secret name and the region"},
			{`tfstate "module.vpc.aws_subnet.privat[0].id"`, `tfstate: "module.vpc.aws_subnet.privat" (looking up "module.vpc.aws_subnet.privat[0].id") not found in s3://tplall-tfstate/env/terraform.tfstate`, `did you mean "module.vpc.aws_subnet.private"?`},
		} {
			path := write(t, "e.json", fmt.Sprintf(`{"x": "{{ %s }}"}`, tt.expr))
			_, err := r.RenderFile(ctx, path)
			want := fmt.Sprintf("%s:1:%d: {{ %s }}: %s", path, 11, tt.expr, tt.want)
			if err == nil || err.Error() != want {
				t.Errorf("error\n got %v\nwant %s", err, want)
			}
			if h := diag.Hint(err); h != tt.hint {
				t.Errorf("%s: hint %q, want %q", tt.expr, h, tt.hint)
			}
		}
	})
}

func TestFunctionsConfigErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		specs []Spec
		want  string
		hint  string
	}{
		{"unknown plugin", []Spec{{Name: "tfstat"}}, `plugins[0].name: unknown plugin "tfstat"`, `did you mean "tfstate"?`},
		{"external", []Spec{{Name: "external"}}, `plugins[0].name: the external plugin is not supported by doppio`, "replace it with an --ext-str/--ext-code variable or an environment variable"},
		{"unknown key", []Spec{{Name: "tfstate", Config: map[string]any{"pth": "x"}}}, `plugins[0].config.pth: unknown tfstate plugin config key "pth"`, `did you mean "path"?`},
		{"optional not a bool", []Spec{{Name: "tfstate", Config: map[string]any{"path": "x", "optional": "yes"}}}, `plugins[0].config.optional: must be true or false, got string`, ""},
		{"no location", []Spec{{Name: "ssm"}, {Name: "tfstate"}}, `plugins[1].config: tfstate plugin: config needs path or url`, "e.g. config: {path: terraform.tfstate} or {url: s3://bucket/key}"},
		{"bad scheme", []Spec{{Name: "tfstate", Config: map[string]any{"url": "gs://b/k"}}}, `plugins[0].config: tfstate plugin: url scheme "gs" is not supported`, "use s3://, http(s)://, file://, remote:// or a file path; gs:// and azurerm:// are not supported by doppio"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Functions(ctx, tt.specs, Deps{})
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
			if diff := cmp.Diff(tt.hint, diag.Hint(err)); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
			if diag.ExitCode(err) != diag.ExitUsage {
				t.Errorf("exit code %d", diag.ExitCode(err))
			}
		})
	}

	t.Run("two states without func_prefix", func(t *testing.T) {
		specs := []Spec{{Name: "tfstate", Config: map[string]any{"path": "a"}}, {Name: "tfstate", Config: map[string]any{"path": "b"}}}
		funcs, err := Functions(ctx, specs, Deps{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = render.New(ctx, render.Options{Functions: funcs})
		want := "template function tfstate already exists; set func_prefix on the tfstate plugin"
		if err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

// TestFunctionsIgnoredConfigKeys: plugin config keys ecspresso does not know are
// ignored as it ignores them: x- keys silently, others with one warning each;
// optional (ecspresso v2.8.5) is accepted.
func TestFunctionsIgnoredConfigKeys(t *testing.T) {
	var warns []string
	_, err := Functions(context.Background(), []Spec{
		{Name: "tfstate", Config: map[string]any{"path": "x.tfstate", "optional": true, "x-note": "n", "workspace": "prod"}},
		{Name: "cloudformation", Config: map[string]any{"stack": "s"}},
	}, Deps{Warn: func(m string) { warns = append(warns, m) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"plugins[0].config.workspace: unknown tfstate plugin config key ignored, as ecspresso does (the tfstate plugin takes path, url, optional)",
		"plugins[1].config.stack: unknown cloudformation plugin config key ignored, as ecspresso does (the cloudformation plugin takes no config)",
	}
	if diff := cmp.Diff(want, warns); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
