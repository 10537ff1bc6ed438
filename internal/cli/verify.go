package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/verify"
)

// VerifyCmd checks that everything the task and service definitions depend on
// exists, without changing anything but one test log event per log group.
type VerifyCmd struct {
	GetSecrets bool     `help:"Read secret values (never printed) to check they are readable and JSON keys exist; --no-get-secrets checks existence only." negatable:"" default:"true"`
	PutLogs    bool     `help:"Write one test event to each awslogs log group." negatable:"" default:"true"`
	Cache      bool     `help:"Show a resource named again as (cached); --no-cache repeats its full result. Each resource is checked once either way." negatable:"" default:"true"`
	Skip       []string `help:"Checks not to run, shown as SKIPPED (repeatable or comma-separated): images, roles, secrets, logs, network, load-balancers, file-systems, environment-files, service-discovery, cluster." placeholder:"CHECK"`
}

// Validate checks --skip before anything is loaded.
func (c *VerifyCmd) Validate() error {
	if _, err := verify.ParseSkip(c.Skip); err != nil {
		return diag.Invalid(fmt.Errorf("--skip: %w", err), "allowed: "+strings.Join(verify.SkipNames(), ", "))
	}
	return nil
}

// Run verifies and prints the report; NG checks make it exit 1.
func (c *VerifyCmd) Run(ctx context.Context, a *app) error {
	var registry http.RoundTripper
	if ep, _ := a.getenv(registryEndpointVar); ep != "" {
		rt, err := verify.RegistryEndpoint(ep, nil)
		if err != nil {
			return diag.Invalid(fmt.Errorf("%s: %w", registryEndpointVar, err), "unset it, or set it to the endpoint of the OCI registry to check images on (the sandbox exports its own)")
		}
		registry = rt
	}
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	td, err := p.verifiedTaskDefinition(ctx) // workloads.go
	if err != nil {
		return err
	}
	in := verify.Input{TaskDefinition: td, Cluster: p.cfg.Cluster}
	if p.cfg.ServiceDefinitionPath() != "" {
		if in.Service, err = p.serviceDefinition(ctx); err != nil {
			return err
		}
	}
	deps, err := p.clients.Verify(ctx)
	if err != nil {
		return err
	}
	if registry != nil {
		deps.Registry = registry
	}
	skip, err := verify.ParseSkip(c.Skip)
	if err != nil {
		return diag.Invalid(fmt.Errorf("--skip: %w", err), "")
	}
	v := verify.New(deps, verify.Options{GetSecrets: c.GetSecrets, PutLogs: c.PutLogs, Skip: skip})
	rep, err := v.Run(ctx, in)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return diag.WithCode(fmt.Errorf("%w (--timeout)", err), diag.ExitTimeout)
		}
		return err
	}
	if err := view.Write(a.stdout, a.g.Output, view.Verify{Report: rep, Options: verify.TextOptions{Full: !c.Cache, Color: a.color}}); err != nil {
		return err
	}
	if rep.NG > 0 {
		return silentExit(diag.ExitError)
	}
	return nil
}

// registryEndpointVar sends verify's checks of images on registries other than
// private ECR to one OCI registry (verify.RegistryEndpoint); the sandbox sets it.
const registryEndpointVar = "DOPPIO_REGISTRY_ENDPOINT"
