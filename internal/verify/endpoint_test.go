package verify

import (
	"strings"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/sandbox"
)

// TestRegistryEndpoint checks images of several registries against the sandbox's
// registry through DOPPIO_REGISTRY_ENDPOINT's transport: the images the sandbox
// seeds are found (with their platforms), under their own registry host only; other
// tags and repositories are not.
func TestRegistryEndpoint(t *testing.T) {
	reg, err := sandbox.StartRegistry()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	rt, err := RegistryEndpoint(reg.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeAWS()
	check := func(image, arch string) Result {
		t.Helper()
		rp := ""
		if arch != "" {
			rp = `"runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "` + arch + `"},`
		}
		td := `{"family": "x", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", ` + rp + `
		  "containerDefinitions": [{"name": "app", "image": "` + image + `"}]}`
		d := f.deps()
		d.Now = func() time.Time { return time.Unix(1700000000, 0) }
		d.Registry = rt
		rep, err := New(d, Options{}).Run(t.Context(), input(t, td, ""))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rep.Checks {
			if c.Check == "Image" {
				return c
			}
		}
		t.Fatalf("no Image check in %+v", rep)
		return Result{}
	}
	for _, tt := range []struct {
		image, arch string
		status      Status
		reason      string
	}{
		{"public.ecr.aws/nginx/nginx:1.27", "X86_64", OK, ""},
		{"public.ecr.aws/nginx/nginx:1.27", "ARM64", OK, ""},
		{"nginx:1.27", "", OK, ""},
		{"docker.io/library/nginx:1.27", "X86_64", OK, ""},
		{"public.ecr.aws/nginx/nginx:9.99", "", NG, `tag "9.99" not found in repository "nginx/nginx" on registry public.ecr.aws`},
		{"public.ecr.aws/nginx/nginy:1.27", "", NG, `repository "nginx/nginy" not found on registry public.ecr.aws`},
		// the same repository name on another registry is another repository
		{"ghcr.io/nginx/nginx:1.27", "", NG, `repository "nginx/nginx" not found on registry ghcr.io`},
	} {
		got := check(tt.image, tt.arch)
		if got.Status != tt.status || !strings.HasPrefix(got.Reason, tt.reason) {
			t.Errorf("%s (%s): got %s %q, want %s %q", tt.image, tt.arch, got.Status, got.Reason, tt.status, tt.reason)
		}
	}

	for _, bad := range []string{"127.0.0.1:5000", "ftp://host", "http://host/path", "http://"} {
		if _, err := RegistryEndpoint(bad, nil); err == nil || !strings.Contains(err.Error(), "invalid registry endpoint") {
			t.Errorf("RegistryEndpoint(%q) = %v, want an invalid endpoint error", bad, err)
		}
	}
}
