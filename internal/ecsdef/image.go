package ecsdef

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-containerregistry/pkg/name"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// ImageRef is a container image reference split as the user wrote it: the
// repository (registry host and path, without defaults added), and the tag and/or
// digest. String() gives back the original spelling.
type ImageRef struct {
	Repository string // "nginx", "public.ecr.aws/nginx/nginx", "host:5000/team/app"
	Tag        string // "1.27"; "" when absent
	Digest     string // "sha256:..."; "" when absent
}

// String joins the parts: repository[:tag][@digest].
func (r ImageRef) String() string {
	s := r.Repository
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// tagPattern is the Docker/OCI tag grammar ("a tag name must be valid ASCII and
// may contain lowercase and uppercase letters, digits, underscores, periods and
// hyphens. A tag name may not start with a period or a hyphen and may contain a
// maximum of 128 characters", docker image tag reference).
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// ValidTag checks an image tag against the Docker/OCI tag grammar.
func ValidTag(tag string) error {
	if tagPattern.MatchString(tag) {
		return nil
	}
	what := fmt.Sprintf("%q", tag)
	if tag == "" {
		what = "an empty tag"
	}
	return diag.Invalid(fmt.Errorf("%s is not a valid image tag", what),
		"a tag is 1-128 letters, digits, underscores, periods and hyphens, not starting with a period or hyphen")
}

// ParseImageRef parses and validates an image reference (the distribution
// reference grammar, via go-containerregistry), keeping the user's spelling: no
// registry, "library/" or ":latest" is added.
func ParseImageRef(s string) (ImageRef, error) {
	bad := func(why string) (ImageRef, error) {
		return ImageRef{}, diag.Invalid(fmt.Errorf("%q is not a valid image reference: %s", s, why),
			"write REPOSITORY[:TAG][@sha256:DIGEST], e.g. nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1")
	}
	if s == "" {
		return bad("it is empty")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return bad("it contains whitespace or a control character")
	}
	if _, err := name.ParseReference(s, name.WeakValidation); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "could not parse") {
			msg = msg[i+2:]
		}
		return bad(msg)
	}
	var r ImageRef
	rest := s
	if i := strings.Index(rest, "@"); i >= 0 {
		rest, r.Digest = rest[:i], rest[i+1:]
	}
	// A colon after the last slash starts the tag; one before it is a registry port.
	slash := strings.LastIndex(rest, "/")
	if i := strings.LastIndex(rest, ":"); i > slash {
		rest, r.Tag = rest[:i], rest[i+1:]
		if err := ValidTag(r.Tag); err != nil {
			return bad(fmt.Sprintf("tag %q: 1-128 letters, digits, underscores, periods and hyphens, not starting with a period or hyphen", r.Tag))
		}
	}
	r.Repository = rest
	return r, nil
}

// ImageOverride replaces the image of one container.
type ImageOverride struct {
	Container string
	Image     string
}

// ParseImageOverride parses "CONTAINER=IMAGE", validating both sides.
func ParseImageOverride(spec string) (ImageOverride, error) {
	c, img, ok := strings.Cut(spec, "=")
	if !ok || c == "" || img == "" {
		return ImageOverride{}, diag.Invalid(fmt.Errorf("%q: want CONTAINER=IMAGE", spec), "e.g. web=nginx:1.27")
	}
	if err := ValidName(c); err != nil {
		return ImageOverride{}, diag.Invalid(fmt.Errorf("%q: container name %v", spec, err), "")
	}
	if _, err := ParseImageRef(img); err != nil {
		return ImageOverride{}, err
	}
	return ImageOverride{Container: c, Image: img}, nil
}

// ApplyImages returns a copy of td with images overridden: with a tag, every
// container whose image is in the first container's repository (and not pinned by
// digest) gets that tag; then each override sets its container's image. The same
// container twice, a tag together with overrides, or a container that does not
// exist are errors: the result would be ambiguous.
func ApplyImages(td *ecs.RegisterTaskDefinitionInput, overrides []ImageOverride, tag string) (*ecs.RegisterTaskDefinitionInput, error) {
	if len(overrides) == 0 && tag == "" {
		return td, nil
	}
	if tag != "" && len(overrides) > 0 {
		return nil, diag.Invalid(fmt.Errorf("an image tag and per-container images were both given"), "use one: a tag for every container of the first container's repository, or CONTAINER=IMAGE overrides")
	}
	out := *td
	out.ContainerDefinitions = append(out.ContainerDefinitions[:0:0], td.ContainerDefinitions...)
	names := containerNames(&out)
	if tag != "" {
		if err := ValidTag(tag); err != nil {
			return nil, err
		}
		if len(out.ContainerDefinitions) == 0 {
			return &out, nil
		}
		first, err := ParseImageRef(aws.ToString(out.ContainerDefinitions[0].Image))
		if err != nil {
			return nil, err
		}
		for i, cd := range out.ContainerDefinitions {
			ref, err := ParseImageRef(aws.ToString(cd.Image))
			if err != nil || ref.Repository != first.Repository || ref.Digest != "" {
				continue
			}
			ref.Tag = tag
			out.ContainerDefinitions[i].Image = aws.String(ref.String())
		}
		return &out, nil
	}
	seen := map[string]bool{}
	for _, o := range overrides {
		if seen[o.Container] {
			return nil, diag.Invalid(fmt.Errorf("container %q is given an image twice", o.Container), "give each container one image")
		}
		seen[o.Container] = true
		found := false
		for i, cd := range out.ContainerDefinitions {
			if aws.ToString(cd.Name) == o.Container {
				out.ContainerDefinitions[i].Image, found = aws.String(o.Image), true
			}
		}
		if !found {
			return nil, diag.Invalid(fmt.Errorf("no container named %q", o.Container),
				strings.TrimSpace(diag.DidYouMean(o.Container, names)+" containers: "+strings.Join(names, ", ")))
		}
	}
	return &out, nil
}
