package ecsdef

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
	goldenfile "github.com/doppio-ecs/doppio/internal/golden"
)

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Assert(t, filepath.Join("testdata", "golden", name), got)
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeMarshalGolden(t *testing.T) {
	tests := []struct {
		file    string
		service bool
	}{
		{file: "td-fargate-web.json"},
		{file: "td-ec2-bridge.json"},
		{file: "td-volumes.json"},
		{file: "td-describe-wrapped.json"},
		{file: "sd-fargate-lb.json", service: true},
		{file: "sd-service-connect.json", service: true},
		{file: "sd-capacity-providers.json", service: true},
		{file: "sd-describe-wrapped.json", service: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			var v any
			var err error
			if tt.service {
				v, err = DecodeServiceDefinition(tt.file, data)
			} else {
				v, err = DecodeTaskDefinition(tt.file, data)
			}
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, out)

			// Marshal output is itself a valid definition that decodes to the same value.
			var again any
			if tt.service {
				again, err = DecodeServiceDefinition("golden", out)
			} else {
				again, err = DecodeTaskDefinition("golden", out)
			}
			if err != nil {
				t.Fatalf("decoding Marshal output: %v", err)
			}
			out2, err := Marshal(again)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(out), string(out2)); diff != "" {
				t.Errorf("Marshal is not a fixed point (-first +second):\n%s", diff)
			}
		})
	}
}

func TestUserKeyedMapsUntouched(t *testing.T) {
	td, err := DecodeTaskDefinition("td.json", readTestdata(t, "td-volumes.json"))
	if err != nil {
		t.Fatal(err)
	}
	dvc := td.Volumes[0].DockerVolumeConfiguration
	if diff := cmp.Diff(map[string]string{"lowerKey": "a", "com.example.Team": "b", "x_y-Z": "c"}, dvc.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=100m,uid=1000"}, dvc.DriverOpts); diff != "" {
		t.Errorf("driverOpts (-want +got):\n%s", diff)
	}
	web, err := DecodeTaskDefinition("web.json", readTestdata(t, "td-fargate-web.json"))
	if err != nil {
		t.Fatal(err)
	}
	labels := web.ContainerDefinitions[0].DockerLabels
	for _, k := range []string{"com.example/Some_Key", "traefik.http.routers.X.rule", "lowerKey", "UPPER"} {
		if _, ok := labels[k]; !ok {
			t.Errorf("dockerLabels lost key %q: %v", k, labels)
		}
	}
	if got := *web.Cpu; got != "256" {
		t.Errorf("numeric cpu = %q, want \"256\"", got)
	}
}

func TestDecodeCaseInsensitiveKeys(t *testing.T) {
	td, err := decodeTaskDefinition("td.json", []byte(`{"Family":"x","ContainerDefinitions":[{"Name":"a","Image":"i","DockerLabels":{"Key":"v"}}]}`), false)
	if err != nil {
		t.Fatal(err)
	}
	want := &ecs.RegisterTaskDefinitionInput{
		Family: ptr("x"),
		ContainerDefinitions: []types.ContainerDefinition{
			{Name: ptr("a"), Image: ptr("i"), DockerLabels: map[string]string{"Key": "v"}},
		},
	}
	if diff := cmp.Diff(mustMarshal(t, want), mustMarshal(t, td)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		service bool
		input   string
		want    string // err.Error()
		field   string
		hint    string
	}{
		{
			name:  "unknown field with did-you-mean",
			input: "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [\n    {\"name\": \"app\", \"imag\": \"nginx\"}\n  ]\n}",
			want:  `td.json:4:21: containerDefinitions[0].imag: unknown field "imag"`,
			field: "containerDefinitions[0].imag",
			hint:  `did you mean "image"?`,
		},
		{
			name:  "unknown nested field",
			input: `{"containerDefinitions":[{"portMappings":[{"containerPort":80},{"containerPrt":81}]}]}`,
			want:  `td.json:1:65: containerDefinitions[0].portMappings[1].containerPrt: unknown field "containerPrt"`,
			field: "containerDefinitions[0].portMappings[1].containerPrt",
			hint:  `did you mean "containerPort"?`,
		},
		{
			name:  "wrong type string for int",
			input: `{"containerDefinitions":[{"portMappings":[{"containerPort":"80"}]}]}`,
			want:  `td.json:1:60: containerDefinitions[0].portMappings[0].containerPort: expected a number, got string "80"`,
			field: "containerDefinitions[0].portMappings[0].containerPort",
		},
		{
			name:  "non-integral number",
			input: `{"containerDefinitions":[{"memory":1.5}]}`,
			want:  `td.json:1:36: containerDefinitions[0].memory: expected an integer, got number 1.5`,
			field: "containerDefinitions[0].memory",
		},
		{
			name:  "int32 out of range",
			input: `{"containerDefinitions":[{"memory":3000000000}]}`,
			want:  `td.json:1:36: containerDefinitions[0].memory: number 3000000000 is out of range for a 32-bit integer`,
			field: "containerDefinitions[0].memory",
		},
		{
			name:  "bad enum",
			input: `{"requiresCompatibilities":["fargate"]}`,
			want:  `td.json:1:29: requiresCompatibilities[0]: invalid value "fargate"; valid values are EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES`,
			field: "requiresCompatibilities[0]",
			hint:  `did you mean "FARGATE"?`,
		},
		{
			name:    "bad enum in service",
			service: true,
			input:   `{"launchType": "FARGAT"}`,
			want:    `sd.json:1:16: launchType: invalid value "FARGAT"; valid values are EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES`,
			field:   "launchType",
			hint:    `did you mean "FARGATE"?`,
		},
		{
			name:  "array where object expected",
			input: `{"containerDefinitions":[{"logConfiguration":[]}]}`,
			want:  `td.json:1:46: containerDefinitions[0].logConfiguration: expected an object, got array`,
			field: "containerDefinitions[0].logConfiguration",
		},
		{
			name:  "object where array expected",
			input: `{"containerDefinitions":{"name":"x"}}`,
			want:  `td.json:1:25: containerDefinitions: expected an array, got object`,
			field: "containerDefinitions",
		},
		{
			name:  "malformed JSON trailing comma",
			input: "{\n  \"family\": \"web\",\n}",
			want:  `td.json:3:1: invalid JSON: unexpected '}', expected a string key`,
		},
		{
			name:  "malformed JSON unterminated",
			input: `{"family": "web"`,
			want:  `td.json:1:17: invalid JSON: unexpected end of input, expected ',' or '}'`,
		},
		{
			name:  "malformed JSON comment",
			input: "{\n  // comment\n}",
			want:  `td.json:2:3: invalid JSON: unexpected '/', expected a string key`,
		},
		{
			name:  "empty document",
			input: "  ",
			want:  `td.json:1:3: empty document`,
		},
		{
			name:  "duplicate field",
			input: `{"family":"a","Family":"b"}`,
			want:  `td.json:1:15: Family: duplicate field "Family" (already given as "family")`,
			field: "Family",
		},
		{
			name:  "map value wrong type",
			input: `{"containerDefinitions":[{"dockerLabels":{"a":1}}]}`,
			want:  `td.json:1:47: containerDefinitions[0].dockerLabels["a"]: expected a string, got number 1`,
			field: `containerDefinitions[0].dockerLabels["a"]`,
		},
		{
			name:  "wrapper unknown key",
			input: `{"taskDefinition":{},"tag":[]}`,
			want:  `td.json:1:22: tag: unknown field "tag"`,
			field: "tag",
			hint:  `did you mean "tags"?`,
		},
		{
			name:    "two services",
			service: true,
			input:   `{"services":[{},{}]}`,
			want:    `sd.json:1:13: services: expected exactly one service, got 2`,
			field:   "services",
			hint:    "keep only the service this file defines",
		},
		{
			name:    "service unknown field",
			service: true,
			input:   `{"desiredCont": 1}`,
			want:    `sd.json:1:2: desiredCont: unknown field "desiredCont"`,
			field:   "desiredCont",
			hint:    `did you mean "desiredCount"?`,
		},
		{
			name:  "boolean expected",
			input: `{"containerDefinitions":[{"essential":"yes"}]}`,
			want:  `td.json:1:39: containerDefinitions[0].essential: expected a boolean, got string "yes"`,
			field: "containerDefinitions[0].essential",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.service {
				_, err = DecodeServiceDefinition("sd.json", []byte(tt.input))
			} else {
				_, err = DecodeTaskDefinition("td.json", []byte(tt.input))
			}
			if err == nil {
				t.Fatal("no error")
			}
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not *diag.Error: %v", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if de.Field != tt.field {
				t.Errorf("Field = %q, want %q", de.Field, tt.field)
			}
			if de.Hint != tt.hint {
				t.Errorf("Hint = %q, want %q", de.Hint, tt.hint)
			}
			if de.Code != diag.ExitUsage {
				t.Errorf("Code = %d, want %d", de.Code, diag.ExitUsage)
			}
		})
	}
}

func TestDecodeReadOnlyDropped(t *testing.T) {
	td, err := DecodeTaskDefinition("td.json", readTestdata(t, "td-describe-wrapped.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := mustMarshal(t, td)
	for _, ro := range ReadOnlyTaskDefinitionFields() {
		if strings.Contains(out, `"`+ro+`"`) {
			t.Errorf("read-only %q survived:\n%s", ro, out)
		}
	}
	if len(td.Tags) != 0 {
		t.Errorf("top-level tags of describe output registered (ecspresso ignores them): %+v", td.Tags)
	}
}

func TestDecodeServiceWrappedFromPrimary(t *testing.T) {
	sd, err := DecodeServiceDefinition("sd.json", readTestdata(t, "sd-describe-wrapped.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sd.ServiceConnectConfiguration == nil || *sd.ServiceConnectConfiguration.Namespace != "internal" {
		t.Errorf("serviceConnectConfiguration not taken from PRIMARY deployment: %+v", sd.ServiceConnectConfiguration)
	}
	if sd.Role != nil {
		t.Errorf("service-linked roleArn became role %q", *sd.Role)
	}
}

// TestDecodeServiceRoleDropped: ecspresso decodes a service definition into
// types.Service, which has no role, and never passes role to CreateService; the
// legacy role (and describe output's roleArn) are accepted and dropped so that the
// same file creates the same service with both tools.
func TestDecodeServiceRoleDropped(t *testing.T) {
	for _, body := range []string{
		`{"role":"arn:aws:iam::123456789012:role/ecsServiceRole","desiredCount":1}`,
		`{"roleArn":"arn:aws:iam::123456789012:role/ecsServiceRole","desiredCount":1}`,
		`{"services":[{"serviceName":"web","roleArn":"arn:aws:iam::123456789012:role/ecsServiceRole","desiredCount":1}]}`,
	} {
		sd, err := DecodeServiceDefinition("sd.json", []byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if sd.Role != nil {
			t.Errorf("%s: role = %q, want it dropped", body, *sd.Role)
		}
		if out := mustMarshal(t, sd); strings.Contains(out, "ole") {
			t.Errorf("%s: rendered with a role:\n%s", body, out)
		}
	}
}

func TestDecodeNullMeansAbsent(t *testing.T) {
	td, err := decodeTaskDefinition("td.json", []byte(`{"family":null,"cpu":null,"containerDefinitions":[{"name":"a","environment":null}]}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("{\n  \"containerDefinitions\": [\n    {\n      \"name\": \"a\"\n    }\n  ]\n}\n", mustMarshal(t, td)); diff != "" {
		t.Error(diff)
	}
}

func TestDecodeOverrides(t *testing.T) {
	var o types.TaskOverride
	err := Decode("overrides.json", []byte(`{"containerOverrides":[{"name":"app","command":["echo","hi"],"environment":[{"name":"A","value":"1"}]}],"cpu":512}`), &o)
	if err != nil {
		t.Fatal(err)
	}
	if *o.Cpu != "512" || o.ContainerOverrides[0].Command[1] != "hi" {
		t.Errorf("got %+v", o)
	}
	if err := Decode("x", []byte(`{}`), o); err == nil {
		t.Error("non-pointer accepted")
	}
}

func TestDecodeUnionAndDocument(t *testing.T) {
	in := `{
  "serviceConnectConfiguration": {"enabled": true, "accessLogConfiguration": {"format": "TEXT"},
    "containerConfigurations": [{"logLevel": "debug"}]},
  "deploymentConfiguration": {"lifecycleHooks": [{"hookTargetArn": "arn:aws:lambda:us-east-1:1:function:f", "lifecycleStages": ["PRE_SCALE_UP"], "hookDetails": {"b": [1, 2.5, "x"], "a": {"Nested": true}}}]}
}`
	sd, err := DecodeServiceDefinition("sd.json", []byte(in))
	if err != nil {
		// The field may not exist in this SDK version; report clearly.
		t.Fatal(err)
	}
	got := mustMarshal(t, sd)
	for _, want := range []string{`"logLevel": "debug"`, `"Nested": true`, `2.5`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
}

// TestWireNamesMatchSchemas proves the Go-field -> member-name rule against the
// SDK's own smithy schemas for every type reachable from the definition types.
func TestWireNamesMatchSchemas(t *testing.T) {
	for _, root := range schemaRoots() {
		checked := map[reflect.Type]bool{}
		walkSchema(t, root.typ, root.schema, root.name, checked)
		if len(checked) < 2 {
			t.Errorf("%s: walked only %d types", root.name, len(checked))
		}
	}
}

func TestMarshalOutputTypes(t *testing.T) {
	var out ecs.DescribeServicesOutput
	if err := Decode("describe.json", readTestdata(t, "sd-describe-wrapped.json"), &out); err != nil {
		t.Fatal(err)
	}
	got := mustMarshal(t, &out)
	for _, want := range []string{`"serviceArn": "arn:aws:ecs:`, `"createdAt": "2024-05-01T03:30:00Z"`, `"rolloutState": "COMPLETED"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "resultMetadata") {
		t.Error("ResultMetadata printed")
	}
	var again ecs.DescribeServicesOutput
	if err := Decode("again.json", []byte(got), &again); err != nil {
		t.Fatalf("Marshal output of describe does not decode: %v", err)
	}
	if diff := cmp.Diff(got, mustMarshal(t, &again)); diff != "" {
		t.Error(diff)
	}
	if b, err := Marshal(nil); err != nil || string(b) != "null\n" {
		t.Errorf("Marshal(nil) = %q, %v", b, err)
	}
}

// TestDecodeExtensionKeysIgnored: x- keys are extensions, ignored at any level of a
// definition (ecspresso ignores every unknown key); other unknown keys stay errors.
func TestDecodeExtensionKeysIgnored(t *testing.T) {
	td, err := DecodeTaskDefinition("td.json", []byte(`{"x-defaults":{"cpu":"256"},"family":"f","containerDefinitions":[{"x-note":"n","name":"a","image":"x","memory":128}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if out := mustMarshal(t, td); strings.Contains(out, "x-") {
		t.Errorf("extension keys kept:\n%s", out)
	}
	if _, err := DecodeTaskDefinition("td.json", []byte(`{"y-defaults":1,"family":"f","containerDefinitions":[{"name":"a","image":"x","memory":128}]}`)); err == nil || !strings.Contains(err.Error(), `unknown field "y-defaults"`) {
		t.Errorf("got %v, want an unknown-field error", err)
	}
}
