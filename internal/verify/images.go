package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ecrHost matches a private ECR registry host and captures its account and region
// (commercial, FIPS and China partitions).
var ecrHost = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$`)

const imageHint = "push the image, or fix the image in the task definition (deploy --image NAME=IMAGE or --tag TAG)"

// imageCheck checks that image exists and, when the tasks' platform is known and the
// image is a multi-platform index, that the index offers it. ECR images are read
// with the ECR API in the image's own account and region; other registries through
// the OCI distribution API (anonymous token flow, or the repositoryCredentials
// secret when credentials is set).
func (v *Verifier) imageCheck(path []string, image, credentials string, want platform) check {
	return check{path: path, kind: "Image", resource: image, key: "image:" + image + "|" + want.String() + "|" + credentials,
		run: func(ctx context.Context) outcome {
			ref, err := name.ParseReference(image)
			if err != nil {
				return ng(fmt.Sprintf("invalid image reference: %v", err), "use REPOSITORY[:TAG] or REPOSITORY@sha256:DIGEST")
			}
			if m := ecrHost.FindStringSubmatch(ref.Context().RegistryStr()); m != nil {
				return v.ecrImage(ctx, ref, m[1], m[2], want)
			}
			return v.registryImage(ctx, ref, credentials, want)
		}}
}

// tagOrDigest describes the reference's tag or digest for messages.
func tagOrDigest(ref name.Reference) string {
	if d, ok := ref.(name.Digest); ok {
		return "digest " + d.DigestStr()
	}
	return fmt.Sprintf("tag %q", ref.Identifier())
}

func (v *Verifier) ecrImage(ctx context.Context, ref name.Reference, account, region string, want platform) outcome {
	repo := ref.Context().RepositoryStr()
	id := ecrtypes.ImageIdentifier{}
	if d, ok := ref.(name.Digest); ok {
		id.ImageDigest = aws.String(d.DigestStr())
	} else {
		id.ImageTag = aws.String(ref.Identifier())
	}
	client := v.deps.ECR(region)
	out, err := client.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RegistryId: aws.String(account), RepositoryName: aws.String(repo), ImageIds: []ecrtypes.ImageIdentifier{id},
	})
	var inf *ecrtypes.ImageNotFoundException
	var rnf *ecrtypes.RepositoryNotFoundException
	switch {
	case errors.As(err, &inf):
		return ng(fmt.Sprintf("%s not found in ECR repository %q", tagOrDigest(ref), repo), imageHint)
	case errors.As(err, &rnf):
		return ng(fmt.Sprintf("ECR repository %q not found in account %s, region %s", repo, account, region),
			"create the repository and push the image, or fix the image URI")
	case err != nil:
		return failed(fmt.Errorf("describe ECR image: %w", err), "doppio needs ecr:DescribeImages on the repository")
	case len(out.ImageDetails) == 0:
		return ng(fmt.Sprintf("%s not found in ECR repository %q", tagOrDigest(ref), repo), imageHint)
	}
	mt := types.MediaType(aws.ToString(out.ImageDetails[0].ImageManifestMediaType))
	if want == (platform{}) || (mt != "" && !mt.IsIndex()) {
		return ok()
	}
	got, err := client.BatchGetImage(ctx, &ecr.BatchGetImageInput{
		RegistryId: aws.String(account), RepositoryName: aws.String(repo), ImageIds: []ecrtypes.ImageIdentifier{id},
		AcceptedMediaTypes: []string{string(types.OCIImageIndex), string(types.DockerManifestList), string(types.OCIManifestSchema1), string(types.DockerManifestSchema2)},
	})
	if err != nil {
		return failed(fmt.Errorf("get ECR image manifest: %w", err), "doppio needs ecr:BatchGetImage to check the platforms of a multi-arch image")
	}
	if len(got.Images) == 0 {
		return ng(fmt.Sprintf("%s not found in ECR repository %q", tagOrDigest(ref), repo), imageHint)
	}
	raw := aws.ToString(got.Images[0].ImageManifest)
	var head struct {
		MediaType types.MediaType `json:"mediaType"`
	}
	if json.Unmarshal([]byte(raw), &head) != nil || !head.MediaType.IsIndex() {
		return ok()
	}
	idx, err := v1.ParseIndexManifest(strings.NewReader(raw))
	if err != nil {
		return failed(fmt.Errorf("read image index: %w", err), "")
	}
	return indexOffers(idx, want)
}

// indexOffers checks that a multi-platform index has a manifest for want. Entries
// without a platform count as a match (nothing says they don't run).
func indexOffers(idx *v1.IndexManifest, want platform) outcome {
	var offered []string
	for _, m := range idx.Manifests {
		p := m.Platform
		if p == nil {
			return ok()
		}
		if p.OS == "unknown" { // attestation manifests
			continue
		}
		if (want.os == "" || p.OS == want.os) && (want.arch == "" || p.Architecture == want.arch) {
			return ok()
		}
		offered = append(offered, p.OS+"/"+p.Architecture)
	}
	slices.Sort(offered)
	offered = slices.Compact(offered)
	return ng(fmt.Sprintf("image index has no %s image (it has %s)", want, strings.Join(offered, ", ")),
		"build and push the image for "+want.String()+" (docker buildx build --platform "+want.String()+"), or set runtimePlatform to a platform the image offers")
}

// registryImage checks an image on a registry other than private ECR with the OCI
// distribution API through go-containerregistry.
func (v *Verifier) registryImage(ctx context.Context, ref name.Reference, credentials string, want platform) outcome {
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithTransport(v.deps.Registry),
		remote.WithRetryBackoff(remote.Backoff{Duration: 200 * time.Millisecond, Factor: 2, Steps: 2}),
	}
	if credentials != "" {
		if !v.opts.GetSecrets {
			return skip("the registry's credentials are in a secret and --no-get-secrets forbids reading it")
		}
		auth, err := v.registryAuth(ctx, credentials)
		if err != nil {
			return failed(err, "repositoryCredentials.credentialsParameter must name a Secrets Manager secret holding {\"username\": ..., \"password\": ...}")
		}
		opts = append(opts, remote.WithAuth(auth))
	}
	registry := ref.Context().RegistryStr()
	desc, err := remote.Head(ref, opts...)
	if err != nil {
		var terr *transport.Error
		if !errors.As(err, &terr) {
			return failed(fmt.Errorf("registry %s: %w", registry, err), "check the registry host name and that it is reachable from here")
		}
		switch terr.StatusCode {
		case http.StatusNotFound:
			return v.registryNotFound(ref, opts)
		case http.StatusUnauthorized, http.StatusForbidden:
			if credentials == "" {
				return ng(fmt.Sprintf("registry %s refused access to %q (HTTP %d): the repository does not exist or is private", registry, ref.Context().RepositoryStr(), terr.StatusCode),
					"fix the image name; for a private repository set repositoryCredentials.credentialsParameter to a Secrets Manager secret with username and password")
			}
			return ng(fmt.Sprintf("registry %s refused the repositoryCredentials for %q (HTTP %d)", registry, ref.Context().RepositoryStr(), terr.StatusCode),
				"check the username and password in the credentials secret and their access to the repository")
		case http.StatusTooManyRequests:
			return skip(fmt.Sprintf("registry %s is rate limiting (HTTP 429)", registry))
		}
		return failed(fmt.Errorf("registry %s: %w", registry, err), "")
	}
	if want == (platform{}) {
		return ok()
	}
	switch {
	case desc.MediaType.IsIndex():
		idx, err := remote.Index(ref, opts...)
		if err != nil {
			return failed(fmt.Errorf("registry %s: read index: %w", registry, err), "")
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return failed(fmt.Errorf("registry %s: read index: %w", registry, err), "")
		}
		return indexOffers(im, want)
	case desc.MediaType.IsSchema1():
		return okNote("schema 1 manifest: platform not checked")
	case desc.MediaType.IsImage():
		img, err := remote.Image(ref, opts...)
		if err != nil {
			return failed(fmt.Errorf("registry %s: read image: %w", registry, err), "")
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return failed(fmt.Errorf("registry %s: read image config: %w", registry, err), "")
		}
		if (want.os != "" && cf.OS != want.os) || (want.arch != "" && cf.Architecture != want.arch) {
			return ng(fmt.Sprintf("image is %s/%s, the tasks run on %s", cf.OS, cf.Architecture, want),
				"build and push the image for "+want.String()+", or set runtimePlatform to "+cf.OS+"/"+cf.Architecture)
		}
	}
	return ok()
}

// registryNotFound tells a missing repository from a missing tag: a HEAD reply has
// no body, and registries differ in the code a manifest GET returns for an unknown
// repository (distribution says MANIFEST_UNKNOWN), so the repository's tag list is
// asked for: NAME_UNKNOWN there means the repository does not exist.
func (v *Verifier) registryNotFound(ref name.Reference, opts []remote.Option) outcome {
	repo, registry := ref.Context().RepositoryStr(), ref.Context().RegistryStr()
	_, err := remote.List(ref.Context(), opts...)
	var terr *transport.Error
	if errors.As(err, &terr) {
		for _, d := range terr.Errors {
			if d.Code == transport.NameUnknownErrorCode {
				return ng(fmt.Sprintf("repository %q not found on registry %s", repo, registry), "fix the image name, or push the image")
			}
		}
	}
	return ng(fmt.Sprintf("%s not found in repository %q on registry %s", tagOrDigest(ref), repo, registry), imageHint)
}

// registryAuth reads the repositoryCredentials secret (once) as basic credentials.
func (v *Verifier) registryAuth(ctx context.Context, ref string) (authn.Authenticator, error) {
	return once(&v.memo, "registry-auth:"+ref, func() (authn.Authenticator, error) {
		s, err := v.secretValue(ctx, parseSecretRef(ref, v.deps.Region))
		if err != nil {
			return nil, fmt.Errorf("read repositoryCredentials secret: %w", err)
		}
		var c struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if json.Unmarshal([]byte(s), &c) != nil || c.Username == "" {
			return nil, errors.New("the repositoryCredentials secret is not JSON with username and password")
		}
		return &authn.Basic{Username: c.Username, Password: c.Password}, nil
	})
}
