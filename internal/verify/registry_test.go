package verify

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// startRegistry runs Debian's docker-registry (the CNCF distribution registry) on a
// free loopback port with storage in a temporary directory, and stops it when the
// test ends. extra is appended to its config (e.g. an auth section). The binary is
// required: without it the test fails, it never skips.
func startRegistry(t *testing.T, extra string) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Fatalf("docker-registry is not installed: the registry tests need a real OCI registry; install it with `apt-get install -y docker-registry` (.ci/run does): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf("version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n  secret: test\n%s",
		filepath.Join(dir, "data"), addr, extra)
	path := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", path)
	cmd.SysProcAttr = registryProcAttr()
	logs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// The registry logs "listening on ADDR" once it accepts connections; wait for
	// that line (or its exit) rather than polling.
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		var tail []string
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on "+addr) {
				ready <- nil
				_, _ = io.Copy(io.Discard, logs)
				return
			}
			tail = append(tail, sc.Text())
		}
		ready <- fmt.Errorf("docker-registry exited before listening:\n%s", strings.Join(tail, "\n"))
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatal(err)
		}
	case <-t.Context().Done():
		t.Fatal("docker-registry did not start")
	}
	return addr
}

// push writes images to the registry: a single linux/amd64 image, an index of
// linux/amd64 and linux/arm64, and an index with linux/arm64 only. It returns the
// single image's digest.
func push(t *testing.T, repo string, opts ...remote.Option) string {
	t.Helper()
	img := func(arch string) v1.Image {
		i, err := random.Image(256, 1)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := i.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf.OS, cf.Architecture = "linux", arch
		i, err = mutate.ConfigFile(i, cf)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	index := func(archs ...string) v1.ImageIndex {
		var adds []mutate.IndexAddendum
		for _, a := range archs {
			adds = append(adds, mutate.IndexAddendum{Add: img(a), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: a}}})
		}
		return mutate.AppendManifests(empty.Index, adds...)
	}
	single := img("amd64")
	if err := remote.Write(mustRef(t, repo+":single"), single, opts...); err != nil {
		t.Fatal(err)
	}
	for tag, ix := range map[string]v1.ImageIndex{"multi": index("amd64", "arm64"), "armonly": index("arm64")} {
		if err := remote.WriteIndex(mustRef(t, repo+":"+tag), ix, opts...); err != nil {
			t.Fatal(err)
		}
	}
	d, err := single.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// imageResult verifies a task definition with one container running image and
// returns the Image check.
func imageResult(t *testing.T, f *fakeAWS, image, platform, credentials string, o Options) Result {
	t.Helper()
	rp := ""
	if platform != "" {
		rp = `"runtimePlatform": {"operatingSystemFamily": "LINUX", "cpuArchitecture": "` + platform + `"},`
	}
	rc := ""
	if credentials != "" {
		rc = `"repositoryCredentials": {"credentialsParameter": "` + credentials + `"},`
	}
	td := `{"family": "x", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", ` + rp + `
	  "containerDefinitions": [{"name": "app", ` + rc + ` "image": "` + image + `"}]}`
	rep := run(t, f, input(t, td, ""), o)
	for _, c := range rep.Checks {
		if c.Check == "Image" {
			return c
		}
	}
	t.Fatalf("no Image check in %+v", rep)
	return Result{}
}

type imageCase struct {
	name, image, platform string
	status                Status
	reason                string
}

func checkImages(t *testing.T, f *fakeAWS, credentials string, tests []imageCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := imageResult(t, f, tt.image, tt.platform, credentials, Options{GetSecrets: true})
			if got.Status != tt.status || !strings.HasPrefix(got.Reason, tt.reason) {
				t.Fatalf("got %s %q, want %s %q", got.Status, got.Reason, tt.status, tt.reason)
			}
			if got.Status == NG && got.Hint == "" {
				t.Errorf("NG without a hint: %+v", got)
			}
		})
	}
}

// TestRegistryImages checks images on a real OCI registry without authentication:
// present, missing tag, missing repository, and platforms of single images and
// multi-arch indexes (Fargate runs linux/amd64 unless runtimePlatform says otherwise).
func TestRegistryImages(t *testing.T) {
	reg := startRegistry(t, "")
	digest := push(t, reg+"/team/app")
	checkImages(t, world(), "", []imageCase{
		{name: "single image on Fargate default platform", image: reg + "/team/app:single", status: OK},
		{name: "by digest", image: reg + "/team/app@" + digest, status: OK},
		{name: "index offers arm64", image: reg + "/team/app:multi", platform: "ARM64", status: OK},
		{name: "index offers amd64", image: reg + "/team/app:multi", status: OK},
		{name: "missing tag", image: reg + "/team/app:nope", status: NG,
			reason: `tag "nope" not found in repository "team/app" on registry ` + reg},
		{name: "missing repository", image: reg + "/team/none:v1", status: NG,
			reason: `repository "team/none" not found on registry ` + reg},
		{name: "index lacks the architecture", image: reg + "/team/app:armonly", status: NG,
			reason: "image index has no linux/amd64 image (it has linux/arm64)"},
		{name: "single image of another architecture", image: reg + "/team/app:single", platform: "ARM64", status: NG,
			reason: "image is linux/amd64, the tasks run on linux/arm64"},
	})
}

// tokenServer is a registry token service (the Docker Hub flow): anonymous callers
// get pull access to public/* repositories, alice/wonderland gets everything. Tokens
// are ES256 JWTs carrying the signing certificate (x5c), which the registry trusts
// through rootcertbundle.
type tokenServer struct {
	key  *ecdsa.PrivateKey
	cert []byte // DER
}

func newTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "token-signer"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tokenServer{key: key, cert: der}
}

func (s *tokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, authed := r.BasicAuth()
	if authed && (user != "alice" || pass != "wonderland") {
		http.Error(w, `{"details":"incorrect username or password"}`, http.StatusUnauthorized)
		return
	}
	type access struct {
		Type    string   `json:"type"`
		Name    string   `json:"name"`
		Actions []string `json:"actions"`
	}
	var grants []access
	for _, scope := range r.URL.Query()["scope"] {
		parts := strings.Split(scope, ":")
		if len(parts) != 3 {
			continue
		}
		actions := strings.Split(parts[2], ",")
		if !authed {
			actions = nil
			if strings.HasPrefix(parts[1], "public/") {
				actions = []string{"pull"}
			}
		}
		grants = append(grants, access{Type: parts[0], Name: parts[1], Actions: actions})
	}
	now := time.Now().Unix()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]any{"typ": "JWT", "alg": "ES256", "x5c": []string{base64.StdEncoding.EncodeToString(s.cert)}}) + "." +
		enc(map[string]any{"iss": "test-issuer", "sub": user, "aud": "test-registry", "exp": now + 300, "nbf": now - 10, "iat": now,
			"jti": fmt.Sprint(time.Now().UnixNano()), "access": grants})
	sum := sha256.Sum256([]byte(signing))
	rr, ss, err := ecdsa.Sign(rand.Reader, s.key, sum[:])
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sig := make([]byte, 64)
	rr.FillBytes(sig[:32])
	ss.FillBytes(sig[32:])
	token := signing + "." + base64.RawURLEncoding.EncodeToString(sig)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"token": token, "access_token": token})
}

// TestRegistryTokenAuth checks images behind a token service as Docker Hub and
// ghcr.io run them: public repositories through the anonymous token flow, private
// ones with repositoryCredentials read from Secrets Manager.
func TestRegistryTokenAuth(t *testing.T) {
	ts := newTokenServer(t)
	srv := httptest.NewServer(ts)
	t.Cleanup(srv.Close)
	bundle := filepath.Join(t.TempDir(), "root.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.cert}), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := startRegistry(t, fmt.Sprintf("auth:\n  token:\n    realm: %s/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: %s\n", srv.URL, bundle))
	alice := remote.WithAuth(&authn.Basic{Username: "alice", Password: "wonderland"})
	push(t, reg+"/public/app", alice)
	push(t, reg+"/private/app", alice)

	f := world()
	const creds = "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf"
	const wrong = "arn:aws:secretsmanager:us-east-1:123456789012:secret:wrong-AbCdEf"
	f.secrets[creds] = `{"username":"alice","password":"wonderland"}`
	f.secrets[wrong] = `{"username":"alice","password":"guess"}`

	checkImages(t, f, "", []imageCase{
		{name: "public image, anonymous token", image: reg + "/public/app:multi", status: OK},
		{name: "public image, missing tag", image: reg + "/public/app:nope", status: NG, reason: `tag "nope" not found in repository "public/app"`},
		{name: "private image without credentials", image: reg + "/private/app:single", status: NG,
			reason: fmt.Sprintf(`registry %s refused access to "private/app" (HTTP 401)`, reg)},
	})
	checkImages(t, f, creds, []imageCase{
		{name: "private image with repositoryCredentials", image: reg + "/private/app:multi", status: OK},
		{name: "private index lacks the architecture", image: reg + "/private/app:armonly", status: NG, reason: "image index has no linux/amd64 image"},
	})
	checkImages(t, f, wrong, []imageCase{
		{name: "wrong password", image: reg + "/private/app:single", status: NG, reason: `registry ` + reg + ` refused the repositoryCredentials`},
	})
	if got := imageResult(t, f, reg+"/private/app:single", "", creds, Options{}); got.Status != Skipped {
		t.Errorf("--no-get-secrets with repositoryCredentials: %+v", got)
	}
}
