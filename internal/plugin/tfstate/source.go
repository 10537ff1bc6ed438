package tfstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// S3Client is the part of the S3 API the tfstate plugin uses.
type S3Client interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Config is the tfstate plugin's config block: exactly one of Path and URL.
type Config struct {
	// Path is a local state file, relative to the config file's directory. A
	// .terraform/terraform.tfstate with an s3 or remote backend block is followed
	// to that backend.
	Path string
	// URL is s3://bucket/key, http(s)://… (Terraform's http backend: GET), file://…,
	// remote://host/organization/workspace (Terraform Cloud, token in TFE_TOKEN), or
	// a bare file path with no scheme, which (as in ecspresso, whose tfstate-lookup
	// reads it with the process's relative paths) is relative to the working
	// directory, not to the config file.
	URL string
}

// Deps are what the tfstate plugin needs from outside. S3 is called only when an
// s3 state is first read.
type Deps struct {
	// BaseDir is the config file's directory (path: is relative to it); WorkDir is
	// the working directory (a url: without a scheme is relative to it). An empty
	// WorkDir means BaseDir.
	BaseDir    string
	WorkDir    string
	S3         func(ctx context.Context) (S3Client, error)
	HTTPClient *http.Client
	Getenv     func(string) (string, bool)
}

// Open validates cfg and returns a State that reads it on first use; it makes no
// I/O itself.
func Open(cfg Config, deps Deps) (*State, error) {
	if deps.HTTPClient == nil {
		deps.HTTPClient = http.DefaultClient
	}
	if deps.Getenv == nil {
		deps.Getenv = func(string) (string, bool) { return "", false }
	}
	switch {
	case cfg.Path != "" && cfg.URL != "":
		return nil, diag.Invalid(errors.New("tfstate plugin: set either path or url, not both"), "")
	case cfg.Path != "":
		p := cfg.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(deps.BaseDir, p)
		}
		return NewState(cfg.Path, localOpener(p, deps)), nil
	case cfg.URL != "":
		op, err := urlOpener(cfg.URL, deps)
		if err != nil {
			return nil, err
		}
		return NewState(cfg.URL, op), nil
	}
	return nil, diag.Invalid(errors.New("tfstate plugin: config needs path or url"),
		"e.g. config: {path: terraform.tfstate} or {url: s3://bucket/key}")
}

func urlOpener(raw string, deps Deps) (Opener, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, diag.Invalid(fmt.Errorf("tfstate plugin: url: %w", err), "")
	}
	switch u.Scheme {
	case "s3":
		key := strings.TrimPrefix(u.Path, "/")
		if u.Host == "" || key == "" {
			return nil, diag.Invalid(fmt.Errorf("tfstate plugin: url %q: want s3://bucket/key", raw), "")
		}
		return s3Opener(u.Host, key, deps), nil
	case "http", "https":
		return httpOpener(raw, deps), nil
	case "file":
		p := u.Path
		if u.Host != "" && u.Host != "localhost" { // file://relative/path
			p = filepath.Join(u.Host, u.Path)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(deps.BaseDir, p)
		}
		return localOpener(p, deps), nil
	case "":
		return bareOpener(u.Path, deps), nil
	case "remote":
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		if u.Host == "" || len(parts) != 2 {
			return nil, diag.Invalid(fmt.Errorf("tfstate plugin: url %q: want remote://host/organization/workspace", raw), "")
		}
		return remoteOpener(u.Host, parts[0], parts[1], deps), nil
	}
	return nil, diag.Invalid(fmt.Errorf("tfstate plugin: url scheme %q is not supported", u.Scheme),
		"use s3://, http(s)://, file://, remote:// or a file path; gs:// and azurerm:// are not supported by doppio")
}

// bareOpener reads a url: with no scheme, a local path relative to the working
// directory as in ecspresso. When the file is missing there but present next to
// the config file, the error says so.
func bareOpener(p string, deps Deps) Opener {
	if p == "" {
		p = "."
	}
	wd := deps.WorkDir
	if wd == "" {
		wd = deps.BaseDir
	}
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(wd, p)
	}
	open := localOpener(full, deps)
	return func(ctx context.Context) (io.ReadCloser, error) {
		rc, err := open(ctx)
		if err == nil || !errors.Is(err, os.ErrNotExist) || filepath.IsAbs(p) {
			return rc, err
		}
		if _, serr := os.Stat(filepath.Join(deps.BaseDir, p)); serr == nil && deps.BaseDir != wd {
			return nil, diag.Invalid(err, fmt.Sprintf("a url: without a scheme is relative to the working directory, as in ecspresso; "+
				"to read %s next to the config file, write path: %s instead", p, p))
		}
		return nil, err
	}
}

// localOpener reads a file. A .terraform/terraform.tfstate (what terraform init
// writes) holds only a backend block; it is followed to the real state.
func localOpener(path string, deps Deps) Opener {
	return func(ctx context.Context) (io.ReadCloser, error) {
		if filepath.Base(filepath.Dir(path)) == ".terraform" {
			if op, err := backendOpener(path, deps); err != nil {
				return nil, err
			} else if op != nil {
				return op(ctx)
			}
		}
		return os.Open(path)
	}
}

// backendOpener returns the opener for the backend a .terraform/terraform.tfstate
// names, or nil when it names none.
func backendOpener(path string, deps Deps) (Opener, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var local struct {
		Backend *struct {
			Type   string         `json:"type"`
			Config map[string]any `json:"config"`
		} `json:"backend"`
	}
	if err := json.Unmarshal(b, &local); err != nil || local.Backend == nil {
		return nil, nil
	}
	str := func(k string) string { s, _ := local.Backend.Config[k].(string); return s }
	workspace := "default"
	if env, err := os.ReadFile(filepath.Join(filepath.Dir(path), "environment")); err == nil {
		workspace = strings.TrimSpace(string(env))
	}
	switch local.Backend.Type {
	case "s3":
		key := str("key")
		if workspace != "default" {
			prefix := str("workspace_key_prefix")
			if prefix == "" {
				prefix = "env:"
			}
			key = prefix + "/" + workspace + "/" + key
		}
		return s3Opener(str("bucket"), key, deps), nil
	case "remote":
		ws, _ := local.Backend.Config["workspaces"].(map[string]any)
		name, _ := ws["name"].(string)
		if name == "" {
			prefix, _ := ws["prefix"].(string)
			name = prefix + workspace
		}
		host := str("hostname")
		if host == "" {
			host = "app.terraform.io"
		}
		return remoteOpener(host, str("organization"), name, deps), nil
	}
	return nil, fmt.Errorf("%s uses the %s backend, which doppio cannot read; use url: with s3://, http(s):// or remote://", path, local.Backend.Type)
}

func s3Opener(bucket, key string, deps Deps) Opener {
	return func(ctx context.Context) (io.ReadCloser, error) {
		if deps.S3 == nil {
			return nil, errors.New("no AWS configuration for S3")
		}
		c, err := deps.S3(ctx)
		if err != nil {
			return nil, err
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
		}
		return out.Body, nil
	}
}

func httpOpener(u string, deps Deps) Opener {
	return func(ctx context.Context) (io.ReadCloser, error) {
		return httpGet(ctx, deps.HTTPClient, u, "")
	}
}

func httpGet(ctx context.Context, c *http.Client, u, token string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/vnd.api+json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: HTTP %s", redactURL(u), resp.Status)
	}
	return resp.Body, nil
}

// redactURL drops query strings (signed download URLs carry credentials).
func redactURL(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?…"
	}
	return u
}

// remoteOpener reads the current state of a Terraform Cloud / Enterprise workspace
// through its API: workspace id, current state version, then its download URL.
func remoteOpener(host, org, workspace string, deps Deps) Opener {
	return func(ctx context.Context) (io.ReadCloser, error) {
		token, _ := deps.Getenv("TFE_TOKEN")
		if token == "" {
			return nil, diag.Invalid(errors.New("reading a Terraform Cloud state needs TFE_TOKEN"), "export TFE_TOKEN with a token that can read the workspace's state")
		}
		scheme := "https"
		if strings.HasPrefix(host, "127.0.0.1:") || strings.HasPrefix(host, "localhost:") {
			scheme = "http" // local test servers
		}
		base := scheme + "://" + host + "/api/v2"
		var ws struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := getJSON(ctx, deps.HTTPClient, base+"/organizations/"+url.PathEscape(org)+"/workspaces/"+url.PathEscape(workspace), token, &ws); err != nil {
			return nil, err
		}
		var sv struct {
			Data struct {
				Attributes struct {
					DownloadURL string `json:"hosted-state-download-url"`
				} `json:"attributes"`
			} `json:"data"`
		}
		if err := getJSON(ctx, deps.HTTPClient, base+"/workspaces/"+url.PathEscape(ws.Data.ID)+"/current-state-version", token, &sv); err != nil {
			return nil, err
		}
		if sv.Data.Attributes.DownloadURL == "" {
			return nil, fmt.Errorf("workspace %s/%s has no state download URL", org, workspace)
		}
		return httpGet(ctx, deps.HTTPClient, sv.Data.Attributes.DownloadURL, token)
	}
}

func getJSON(ctx context.Context, c *http.Client, u, token string, v any) error {
	body, err := httpGet(ctx, c, u, token)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := json.NewDecoder(body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}
