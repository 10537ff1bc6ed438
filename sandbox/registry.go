package sandbox

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// RegistryEndpointVar is the variable that sends doppio's checks of images on
// registries other than private ECR (verify) to the sandbox's OCI registry instead of
// the image's own registry host.
const RegistryEndpointVar = "DOPPIO_REGISTRY_ENDPOINT"

// SeededImages are the images the sandbox's registry serves, as the examples, docs and
// tests name them: each is a small multi-platform index (linux/amd64 and linux/arm64)
// of random layers. The sandbox has no network, so these stand in for the public
// images; any other image is "not found", as on a real registry.
var SeededImages = []string{
	"public.ecr.aws/nginx/nginx:1.27",
	"public.ecr.aws/nginx/nginx:1.28",
	"public.ecr.aws/nginx/nginx:latest",
	"public.ecr.aws/docker/library/httpd:2.4",
	"nginx:1",
	"nginx:1.22",
	"nginx:1.23",
	"nginx:1.27",
	"nginx:1.28",
	"nginx:latest",
	"envoyproxy/envoy:v1.30",
}

// Registry is the sandbox's OCI registry: go-containerregistry's in-memory
// distribution registry on a loopback port. A repository is stored under its
// registry host (public.ecr.aws/nginx/nginx, index.docker.io/library/nginx), so the
// same repository name on two registries stays two repositories. Clients reach it
// through RegistryTransport semantics: a request for https://HOST/v2/REPO/... is
// served as /v2/HOST/REPO/... (doppio's verify does that when
// DOPPIO_REGISTRY_ENDPOINT is set).
type Registry struct {
	listener net.Listener
	http     *http.Server
}

// StartRegistry starts the registry and pushes SeededImages into it.
func StartRegistry() (*Registry, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("registry: listen: %w", err)
	}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	r := &Registry{listener: l, http: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = r.http.Serve(l) }()
	for _, img := range SeededImages {
		if err := r.seed(img); err != nil {
			_ = r.Close()
			return nil, err
		}
	}
	return r, nil
}

// URL is the registry's endpoint, e.g. http://127.0.0.1:40124.
func (r *Registry) URL() string { return "http://" + r.listener.Addr().String() }

// Close stops the registry.
func (r *Registry) Close() error { return r.http.Close() }

// StoredName is where the registry keeps image (a reference as a task definition
// names it): its registry host and repository as one repository name, with the tag
// or digest, e.g. "index.docker.io/library/nginx:1.27" for "nginx:1.27".
func StoredName(image string) (string, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return "", err
	}
	sep := ":"
	if _, ok := ref.(name.Digest); ok {
		sep = "@"
	}
	return ref.Context().RegistryStr() + "/" + ref.Context().RepositoryStr() + sep + ref.Identifier(), nil
}

// Push stores img in the registry under image's name (for tests that need an image
// of their own, e.g. a single-platform one).
func (r *Registry) Push(image string, img v1.Image) error {
	ref, err := r.local(image)
	if err != nil {
		return err
	}
	if err := remote.Write(ref, img); err != nil {
		return fmt.Errorf("registry: push %s: %w", image, err)
	}
	return nil
}

func (r *Registry) local(image string) (name.Reference, error) {
	stored, err := StoredName(image)
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", image, err)
	}
	ref, err := name.ParseReference(strings.TrimPrefix(r.URL(), "http://")+"/"+stored, name.Insecure)
	if err != nil {
		return nil, fmt.Errorf("registry: %s: %w", image, err)
	}
	return ref, nil
}

// seed pushes a two-platform index for image.
func (r *Registry) seed(image string) error {
	ref, err := r.local(image)
	if err != nil {
		return err
	}
	var idx v1.ImageIndex = empty.Index
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := random.Image(64, 1)
		if err != nil {
			return fmt.Errorf("registry: seed %s: %w", image, err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return fmt.Errorf("registry: seed %s: %w", image, err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", arch
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			return fmt.Errorf("registry: seed %s: %w", image, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	if err := remote.WriteIndex(ref, idx); err != nil {
		return fmt.Errorf("registry: seed %s: %w", image, err)
	}
	return nil
}

// Registry is the server's OCI registry (nil for a server built without one).
func (s *Server) Registry() *Registry { return s.registry }
