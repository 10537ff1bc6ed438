package tfstate

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/doppio-ecs/doppio/internal/diag"
)

func TestHTTPAndRemoteSources(t *testing.T) {
	state, err := os.ReadFile("testdata/terraform.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/backend/state":
			w.Write(state)
		case "/api/v2/organizations/acme/workspaces/prod":
			if auth != "Bearer tok" {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"data":{"id":"ws-123"}}`))
		case "/api/v2/workspaces/ws-123/current-state-version":
			w.Write([]byte(`{"data":{"attributes":{"hosted-state-download-url":"` + srv.URL + `/download/sv-1?sig=secret"}}}`))
		case "/download/sv-1":
			w.Write(state)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	env := func(k string) (string, bool) { return map[string]string{"TFE_TOKEN": "tok"}[k], k == "TFE_TOKEN" }
	ctx := context.Background()
	for _, u := range []string{srv.URL + "/backend/state", "remote://" + host + "/acme/prod"} {
		st, err := Open(Config{URL: u}, Deps{HTTPClient: srv.Client(), Getenv: env})
		if err != nil {
			t.Fatal(err)
		}
		v, err := st.Lookup(ctx, "output.vpc_id")
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if v != "vpc-0abc" {
			t.Errorf("%s: got %v", u, v)
		}
	}
	st, _ := Open(Config{URL: srv.URL + "/missing"}, Deps{HTTPClient: srv.Client()})
	if _, err := st.Lookup(ctx, "output.vpc_id"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing state: %v", err)
	}
}

func TestLocalPaths(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	state, _ := os.ReadFile("testdata/terraform.tfstate")
	if err := os.WriteFile(filepath.Join(dir, "main.tfstate"), state, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{{Path: "main.tfstate"}, {URL: "file://" + filepath.Join(dir, "main.tfstate")}} {
		st, err := Open(cfg, Deps{BaseDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := st.Lookup(ctx, "data.aws_caller_identity.current.account_id"); err != nil || v != "123456789012" {
			t.Errorf("%+v: %v, %v", cfg, v, err)
		}
	}
}

// TestURLWithoutScheme: as in ecspresso (tfstate-lookup), a url: with no scheme is
// a file path, relative to the working directory rather than the config file.
func TestURLWithoutScheme(t *testing.T) {
	ctx := context.Background()
	work, conf := t.TempDir(), t.TempDir()
	state, _ := os.ReadFile("testdata/terraform.tfstate")
	for _, p := range []string{filepath.Join(work, "tf", "work.tfstate"), filepath.Join(conf, "tf", "conf.tfstate")} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, state, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	deps := Deps{BaseDir: conf, WorkDir: work}
	for _, u := range []string{"tf/work.tfstate", "./tf/work.tfstate", filepath.Join(work, "tf", "work.tfstate")} {
		st, err := Open(Config{URL: u}, deps)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if v, err := st.Lookup(ctx, "output.vpc_id"); err != nil || v != "vpc-0abc" {
			t.Errorf("%s: %v, %v", u, v, err)
		}
	}
	// Next to the config but not in the working directory: not found, with a hint.
	st, err := Open(Config{URL: "tf/conf.tfstate"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Lookup(ctx, "output.vpc_id")
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("got %v, want a missing-file error", err)
	}
	if h := diag.Hint(err); !strings.Contains(h, "write path: tf/conf.tfstate instead") {
		t.Errorf("hint %q", h)
	}
}

func TestTerraformDirBackend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".terraform")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	local := `{"version":3,"backend":{"type":"s3","config":{"bucket":"b","key":"app/terraform.tfstate","workspace_key_prefix":"ws"}}}`
	os.WriteFile(filepath.Join(dir, "terraform.tfstate"), []byte(local), 0o644)
	os.WriteFile(filepath.Join(dir, "environment"), []byte("staging\n"), 0o644)
	fake := &fakeS3{objects: map[string][]byte{}}
	fake.objects["b/ws/staging/app/terraform.tfstate"], _ = os.ReadFile("testdata/terraform.tfstate")
	st, err := Open(Config{Path: ".terraform/terraform.tfstate"}, Deps{BaseDir: filepath.Dir(dir),
		S3: func(context.Context) (S3Client, error) { return fake, nil }})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.Lookup(context.Background(), "output.subnet_ids")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"subnet-a", "subnet-b"}, v); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// FuzzScan checks that the scanner never panics and that how the input is split
// into reads never changes the result.
func FuzzScan(f *testing.F) {
	seed, _ := os.ReadFile("testdata/terraform.tfstate")
	f.Add(seed)
	f.Add([]byte(`{"resources":[{"instances":[{"a":"\\"}"}]}]}`))
	f.Add([]byte(`{"outputs":{"x":{"value":1}},"resources":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, err1 := scan(bytes.NewReader(in), nil, false)
		bytewise, err2 := scan(iotest.OneByteReader(bytes.NewReader(in)), nil, false)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("chunking changed the outcome: %v vs %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		if len(whole.resources) != len(bytewise.resources) || len(whole.outputs) != len(bytewise.outputs) {
			t.Fatalf("chunking changed the result")
		}
		for k, r := range whole.resources {
			if !bytes.Equal(r.Instances, bytewise.resources[k].Instances) {
				t.Fatalf("%s: %q vs %q", k, r.Instances, bytewise.resources[k].Instances)
			}
		}
	})
}
