package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/goccy/go-yaml"
	"github.com/google/go-jsonnet/formatter"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// initWorkloadFlags are init's flags for Express Mode services and Managed Daemons.
type initWorkloadFlags struct {
	Express               *bool  `help:"Import an Express Mode service as an express definition (the default for one); --no-express imports it as service and task definitions." negatable:""`
	ExpressDefinitionPath string `help:"Express definition file, relative to the config." default:"ecs-express-def.json"`
	Daemon                string `help:"Import this Managed Daemon of --cluster: a config and its daemon definition." placeholder:"NAME"`
	DaemonDefinitionPath  string `help:"Daemon definition file, relative to the config." default:"ecs-daemon-def.json"`
}

// workloadConfig prints a config naming one definition file under key.
func (c *InitCmd) workloadConfig(path, region, service, key, defPath string) ([]byte, error) {
	doc := yaml.MapSlice{{Key: "region", Value: region}, {Key: "cluster", Value: c.Cluster}, {Key: "service", Value: service},
		{Key: key, Value: defPath}, {Key: "timeout", Value: "10m"}}
	if !c.Jsonnet && !strings.HasSuffix(path, ".json") {
		return yaml.Marshal(doc)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, kv := range doc {
		sep := ","
		if i == len(doc)-1 && !c.Jsonnet {
			sep = ""
		}
		fmt.Fprintf(&b, "  %q: %q%s\n", kv.Key, kv.Value, sep)
	}
	b.WriteString("}\n")
	if !c.Jsonnet {
		return []byte(b.String()), nil
	}
	s, err := formatter.Format(path, b.String(), formatter.DefaultOptions())
	return []byte(s), err
}

func (c *InitCmd) defPath(dir, p string) string {
	if c.Jsonnet {
		p = jsonnetName(p)
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// importExpress writes the config and express definition of a live Express Mode
// service (serviceName and cluster left out: the config names them). ok is false
// when svc is to be imported as an ordinary service.
func (c *InitCmd) importExpress(ctx context.Context, client ecsDescriber, region string, svc *types.Service, cfgPath string) ([]initFile, bool, error) {
	wantExpress := c.Express != nil && *c.Express
	if !deploy.IsExpress(svc) {
		if wantExpress {
			return nil, true, diag.Invalid(fmt.Errorf("service %q is not an Express Mode service", aws.ToString(svc.ServiceName)), "drop --express")
		}
		return nil, false, nil
	}
	if c.Express != nil && !*c.Express {
		return nil, false, nil
	}
	api, ok := client.(deploy.ExpressAPI)
	if !ok {
		return nil, true, fmt.Errorf("internal error: no Express Mode client")
	}
	x, err := deploy.ExpressServiceOf(ctx, api, svc)
	if err != nil {
		return nil, true, err
	}
	ex := ecsdef.LiveExpressDefinition(x, svc.Tags)
	if ex == nil {
		return nil, true, fmt.Errorf("express gateway service %s has no active configuration", aws.ToString(svc.ServiceName))
	}
	ex.ServiceName, ex.Cluster = nil, nil
	rel := c.ExpressDefinitionPath
	if c.Jsonnet {
		rel = jsonnetName(rel)
	}
	data, err := c.definition(rel, ex)
	if err != nil {
		return nil, true, err
	}
	cfg, err := c.workloadConfig(cfgPath, region, aws.ToString(svc.ServiceName), "express_definition", rel)
	if err != nil {
		return nil, true, err
	}
	return []initFile{{cfgPath, cfg}, {c.defPath(filepath.Dir(cfgPath), c.ExpressDefinitionPath), data}}, true, nil
}

// importDaemon writes the config and daemon definition of a live Managed Daemon.
func (c *InitCmd) importDaemon(ctx context.Context, client ECSAPI, region, cfgPath string) ([]initFile, error) {
	live, err := deploy.FindDaemon(ctx, client, c.Cluster, c.Daemon)
	if err != nil {
		return nil, err
	}
	if live == nil || live.Definition == nil {
		return nil, diag.WithHint(fmt.Errorf("daemon %q not found in cluster %q (region %s)", c.Daemon, c.Cluster, region), "check --cluster, --daemon and --region")
	}
	rel := c.DaemonDefinitionPath
	if c.Jsonnet {
		rel = jsonnetName(rel)
	}
	data, err := c.definition(rel, live.Definition)
	if err != nil {
		return nil, err
	}
	cfg, err := c.workloadConfig(cfgPath, region, c.Daemon, "daemon_definition", rel)
	if err != nil {
		return nil, err
	}
	return []initFile{{cfgPath, cfg}, {c.defPath(filepath.Dir(cfgPath), c.DaemonDefinitionPath), data}}, nil
}
