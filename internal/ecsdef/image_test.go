package ecsdef

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
)

func TestParseImageRef(t *testing.T) {
	const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		in      string
		want    ImageRef
		wantErr string
	}{
		{in: "nginx", want: ImageRef{Repository: "nginx"}},
		{in: "nginx:1.27", want: ImageRef{Repository: "nginx", Tag: "1.27"}},
		{in: "library/nginx:latest", want: ImageRef{Repository: "library/nginx", Tag: "latest"}},
		{in: "public.ecr.aws/nginx/nginx:1.27-alpine", want: ImageRef{Repository: "public.ecr.aws/nginx/nginx", Tag: "1.27-alpine"}},
		{in: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1_2", want: ImageRef{Repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app", Tag: "v1_2"}},
		{in: "localhost:5000/team/app", want: ImageRef{Repository: "localhost:5000/team/app"}},
		{in: "localhost:5000/team/app:v2", want: ImageRef{Repository: "localhost:5000/team/app", Tag: "v2"}},
		{in: "nginx@" + digest, want: ImageRef{Repository: "nginx", Digest: digest}},
		{in: "nginx:1.27@" + digest, want: ImageRef{Repository: "nginx", Tag: "1.27", Digest: digest}},
		{in: "", wantErr: "it is empty"},
		{in: "nginx latest", wantErr: "whitespace"},
		{in: "nginx:\x01", wantErr: "control character"},
		{in: "nginx:", wantErr: "not a valid image reference"},
		{in: "nginx:-bad", wantErr: "not a valid image reference"},
		{in: "nginx:" + strings.Repeat("t", 129), wantErr: "not a valid image reference"},
		{in: "Nginx:1", wantErr: "not a valid image reference"},
		{in: "nginx@sha256:short", wantErr: "not a valid image reference"},
		{in: "nginx::1", wantErr: "not a valid image reference"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseImageRef(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if diag.ExitCode(err) != diag.ExitUsage || diag.Hint(err) == "" {
					t.Errorf("exit %d, hint %q", diag.ExitCode(err), diag.Hint(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Error(diff)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestValidTag(t *testing.T) {
	for tag, ok := range map[string]bool{
		"v1": true, "1.27": true, "_x": true, "a-b.c_d": true, strings.Repeat("a", 128): true,
		"": false, "bad tag": false, ".v1": false, "-v1": false, "a/b": false, "a:b": false, strings.Repeat("a", 129): false, "ü": false,
	} {
		if err := ValidTag(tag); (err == nil) != ok {
			t.Errorf("ValidTag(%q) = %v, want ok=%v", tag, err, ok)
		}
	}
}

func TestParseImageOverride(t *testing.T) {
	tests := []struct {
		spec    string
		want    ImageOverride
		wantErr string
	}{
		{spec: "web=nginx:1.27", want: ImageOverride{"web", "nginx:1.27"}},
		{spec: "web=host:5000/a=b", wantErr: "not a valid image reference"},
		{spec: "web", wantErr: "want CONTAINER=IMAGE"},
		{spec: "=nginx", wantErr: "want CONTAINER=IMAGE"},
		{spec: "web=", wantErr: "want CONTAINER=IMAGE"},
		{spec: "my web=nginx", wantErr: "container name"},
		{spec: "web=nginx latest", wantErr: "whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseImageOverride(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || diag.ExitCode(err) != diag.ExitUsage {
					t.Fatalf("err = %v, want %q (exit 2)", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestApplyImages(t *testing.T) {
	td := &ecs.RegisterTaskDefinitionInput{Family: aws.String("w"), ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("app"), Image: aws.String("host:5000/team/app:v1")},
		{Name: aws.String("worker"), Image: aws.String("host:5000/team/app:v1")},
		{Name: aws.String("pinned"), Image: aws.String("host:5000/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")},
		{Name: aws.String("envoy"), Image: aws.String("envoyproxy/envoy:v1.30")},
	}}
	images := func(td *ecs.RegisterTaskDefinitionInput) []string {
		var out []string
		for _, c := range td.ContainerDefinitions {
			out = append(out, aws.ToString(c.Image))
		}
		return out
	}
	got, err := ApplyImages(td, nil, "v2")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"host:5000/team/app:v2", "host:5000/team/app:v2", aws.ToString(td.ContainerDefinitions[2].Image), "envoyproxy/envoy:v1.30"}, images(got)); diff != "" {
		t.Errorf("--tag: %s", diff)
	}
	if aws.ToString(td.ContainerDefinitions[0].Image) != "host:5000/team/app:v1" {
		t.Error("input modified")
	}
	got, err = ApplyImages(td, []ImageOverride{{"envoy", "envoyproxy/envoy:v1.31"}}, "")
	if err != nil || images(got)[3] != "envoyproxy/envoy:v1.31" || images(got)[0] != "host:5000/team/app:v1" {
		t.Errorf("override: %v %v", images(got), err)
	}
	for name, c := range map[string]struct {
		o    []ImageOverride
		tag  string
		want string
	}{
		"twice":     {[]ImageOverride{{"app", "a:1"}, {"app", "a:2"}}, "", `container "app" is given an image twice`},
		"with tag":  {[]ImageOverride{{"app", "a:1"}}, "v2", "both given"},
		"missing":   {[]ImageOverride{{"ap", "a:1"}}, "", `no container named "ap"`},
		"bad tag":   {nil, "bad tag", `"bad tag" is not a valid image tag`},
		"empty tag": {nil, "\x00", "not a valid image tag"},
	} {
		if _, err := ApplyImages(td, c.o, c.tag); err == nil || !strings.Contains(err.Error(), c.want) || diag.ExitCode(err) != diag.ExitUsage {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}
