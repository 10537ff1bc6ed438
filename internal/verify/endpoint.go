package verify

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RegistryEndpoint returns a transport that sends every request for an image on a
// registry other than private ECR to one OCI registry at endpoint instead of the
// image's own host: https://HOST/v2/REPO/... is served as ENDPOINT/v2/HOST/REPO/...,
// so repositories of different registries stay apart. The sandbox exports its
// registry's endpoint as DOPPIO_REGISTRY_ENDPOINT for this (it has no network, and
// serves the images its examples use); a mirror that keeps repositories under their
// registry host works the same way. base carries the requests (nil:
// http.DefaultTransport).
func RegistryEndpoint(endpoint string, base http.RoundTripper) (http.RoundTripper, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("invalid registry endpoint %q: %w", endpoint, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid registry endpoint %q: want http://HOST[:PORT] or https://HOST[:PORT]", endpoint)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, fmt.Errorf("invalid registry endpoint %q: it takes no path or query", endpoint)
	}
	if base == nil {
		base = http.DefaultTransport
	}
	return &redirect{to: u, base: base}, nil
}

type redirect struct {
	to   *url.URL
	base http.RoundTripper
}

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	if host == r.to.Host { // a redirect the endpoint itself sent
		return r.base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = r.to.Scheme, r.to.Host, r.to.Host
	if rest, ok := strings.CutPrefix(req.URL.Path, "/v2/"); ok && rest != "" {
		out.URL.Path = "/v2/" + host + "/" + rest
		out.URL.RawPath = ""
	}
	return r.base.RoundTrip(out)
}
