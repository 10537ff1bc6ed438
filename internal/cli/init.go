package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/goccy/go-yaml"
	"github.com/google/go-jsonnet/formatter"
)

// InitCmd imports live services: for each one a config file and both definition
// files, written so that 'doppio diff' right after shows nothing.
type InitCmd struct {
	Region                string `help:"AWS region (default: AWS_REGION)."`
	Cluster               string `help:"Cluster of the service; without --service, every service of the cluster is imported, one folder each."`
	Service               string `help:"Service to import."`
	All                   bool   `help:"Import every service of --cluster, one folder each."`
	TaskDefinition        string `help:"Import only this task definition (family:revision, family or ARN): a task-only project for run, register and scheduled jobs." placeholder:"FAMILY:REV"`
	Sort                  bool   `help:"Sort the task definition's lists (environment, secrets, port mappings, ...) as ecspresso's init --sort does." negatable:""`
	TaskDefinitionPath    string `help:"Task definition file, relative to the config." default:"ecs-task-def.json"`
	ServiceDefinitionPath string `help:"Service definition file, relative to the config." default:"ecs-service-def.json"`
	Jsonnet               bool   `help:"Write Jsonnet files (.jsonnet) instead of JSON and YAML."`
	ForceOverwrite        bool   `help:"Overwrite existing files."`
	deploy.ImportFlags           // the kinds' flags (--express, --daemon): workloads.go

	codeDeploy initCodeDeploy // codedeploy.go: writes the codedeploy section of CODE_DEPLOY services
}

// initFile is one file init will write.
type initFile struct {
	path string
	data []byte
}

// Validate checks the flags before anything is called.
func (c *InitCmd) Validate() error {
	if c.Service != "" && c.All {
		return diag.Invalid(errors.New("--service and --all exclude each other"), "")
	}
	if c.TaskDefinition != "" && (c.Service != "" || c.All) {
		return diag.Invalid(errors.New("--task-definition imports a task-only project; it excludes --service and --all"), "")
	}
	if c.Service == "" && c.Cluster == "" && c.TaskDefinition == "" && !c.NamesWorkload() {
		return diag.Invalid(errors.New("init needs --service, --task-definition, or --cluster to import every service of a cluster"), "e.g. doppio init --cluster prod --service web")
	}
	return nil
}

// Run plans every file, refuses existing ones unless --force-overwrite, then writes.
func (c *InitCmd) Run(ctx context.Context, a *app) error {
	if c.Cluster == "" {
		c.Cluster = "default"
	}
	region := c.Region
	if region == "" {
		region, _ = a.getenv("AWS_REGION")
	}
	if region == "" {
		return diag.Invalid(errors.New("no region"), "pass --region or set AWS_REGION")
	}
	cfgPath := a.configPath
	if cfgPath == "" {
		cfgPath = "doppio.yml"
	}
	tdPath, sdPath := c.TaskDefinitionPath, c.ServiceDefinitionPath
	if c.Jsonnet {
		cfgPath, tdPath, sdPath = jsonnetName(cfgPath), jsonnetName(tdPath), jsonnetName(sdPath)
	}
	clients := a.clientsFor(awsclient.NewLazy(a.awsOptions(region)))
	client, err := clients.ECS(ctx)
	if err != nil {
		return err
	}
	if c.TaskDefinition != "" {
		cp := cfgPath
		if !filepath.IsAbs(cp) {
			cp = filepath.Join(a.env.Dir, cp)
		}
		files, err := c.importTaskDefinition(ctx, client, region, cp, tdPath)
		if err != nil {
			return err
		}
		return c.write(a, files)
	}
	if c.NamesWorkload() { // workloads.go
		cp := cfgPath
		if !filepath.IsAbs(cp) {
			cp = filepath.Join(a.env.Dir, cp)
		}
		files, _, err := c.importKind(ctx, client, region, deploy.ImportRequest{}, cp)
		if err != nil {
			return err
		}
		return c.write(a, files)
	}
	cd, err := clients.CodeDeploy(ctx)
	if err != nil {
		return err
	}
	c.codeDeploy = initCodeDeploy{client: cd, log: a.log}
	services := []string{c.Service}
	if c.Service == "" {
		if services, err = listServiceNames(ctx, client, c.Cluster); err != nil {
			return err
		}
		if len(services) == 0 {
			return diag.Invalid(fmt.Errorf("cluster %q has no service", c.Cluster), "check --cluster and --region")
		}
	}
	var files []initFile
	for _, name := range services {
		base := a.env.Dir
		if c.Service == "" {
			base = filepath.Join(a.env.Dir, name)
		}
		cp := cfgPath
		if c.Service == "" {
			cp = filepath.Base(cfgPath)
		}
		if !filepath.IsAbs(cp) {
			cp = filepath.Join(base, cp)
		}
		fs, err := c.importService(ctx, client, region, name, cp, tdPath, sdPath)
		if err != nil {
			return err
		}
		files = append(files, fs...)
	}
	return c.write(a, files)
}

// write refuses existing files unless --force-overwrite, then writes them all.
func (c *InitCmd) write(a *app, files []initFile) error {
	if !c.ForceOverwrite {
		for _, f := range files {
			if _, err := os.Stat(f.path); err == nil {
				return &diag.Error{File: a.rel(f.path), Err: errors.New("file exists; init does not overwrite it"), Hint: "pass --force-overwrite to replace it", Code: diag.ExitUsage}
			}
		}
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", a.rel(f.path), err)
		}
		a.log.Info("wrote " + a.rel(f.path))
	}
	return nil
}

// importService describes one service and its task definition and returns the three
// files for it. Definition paths are relative to the config's directory.
func (c *InitCmd) importService(ctx context.Context, client ECSAPI, region, name, cfgPath, tdPath, sdPath string) ([]initFile, error) {
	svc, err := liveService(ctx, client, c.Cluster, name)
	if err != nil {
		return nil, err
	}
	if svc == nil {
		return nil, diag.WithHint(fmt.Errorf("service %q not found in cluster %q (region %s)", name, c.Cluster, region), "check --cluster, --service and --region")
	}
	if files, ok, err := c.importKind(ctx, client, region, deploy.ImportRequest{Service: svc}, cfgPath); ok { // workloads.go
		return files, err
	}
	td, _, err := liveTaskDefinition(ctx, client, svc, "")
	if err != nil {
		return nil, err
	}
	if c.Sort {
		td = ecsdef.SortTaskDefinition(td)
	}
	sd := ecsdef.ServiceDefinitionFromLive(svc)
	dir := filepath.Dir(cfgPath)
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	sdData, err := c.definition(sdPath, sd)
	if err != nil {
		return nil, err
	}
	tdData, err := c.definition(tdPath, td)
	if err != nil {
		return nil, err
	}
	cfgData, err := c.config(cfgPath, region, name, sdPath, tdPath)
	if err != nil {
		return nil, err
	}
	cfgData = c.codeDeploy.section(ctx, cfgData, cfgPath, c.Cluster, svc)
	return []initFile{{cfgPath, cfgData}, {abs(sdPath), sdData}, {abs(tdPath), tdData}}, nil
}

// importTaskDefinition describes one task definition and returns a config without
// a service and the task definition file.
func (c *InitCmd) importTaskDefinition(ctx context.Context, client ecsDescriber, region, cfgPath, tdPath string) ([]initFile, error) {
	out, err := client.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(c.TaskDefinition), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	})
	if err != nil {
		var ce *types.ClientException
		if errors.As(err, &ce) {
			return nil, diag.Invalid(fmt.Errorf("task definition %q not found (region %s)", c.TaskDefinition, region), "check --task-definition and --region")
		}
		return nil, fmt.Errorf("describe task definition %q: %w", c.TaskDefinition, err)
	}
	td := ecsdef.TaskDefinitionFromLive(out.TaskDefinition, out.Tags)
	if c.Sort {
		td = ecsdef.SortTaskDefinition(td)
	}
	tdData, err := c.definition(tdPath, td)
	if err != nil {
		return nil, err
	}
	cfgData, err := c.config(cfgPath, region, "", "", tdPath)
	if err != nil {
		return nil, err
	}
	abs := tdPath
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(filepath.Dir(cfgPath), tdPath)
	}
	return []initFile{{cfgPath, cfgData}, {abs, tdData}}, nil
}

// definition prints a definition as canonical JSON, formatted as Jsonnet if asked.
func (c *InitCmd) definition(path string, v any) ([]byte, error) {
	b, err := ecsdef.Marshal(v)
	if err != nil {
		return nil, err
	}
	if !c.Jsonnet {
		return b, nil
	}
	s, err := formatter.Format(path, string(b), formatter.DefaultOptions())
	if err != nil {
		return nil, fmt.Errorf("format %s as Jsonnet: %w", path, err)
	}
	return []byte(s), nil
}

// config prints the config file: YAML, or a Jsonnet object with --jsonnet.
func (c *InitCmd) config(path, region, service, sdPath, tdPath string) ([]byte, error) {
	doc := yaml.MapSlice{{Key: "region", Value: region}, {Key: "cluster", Value: c.Cluster}}
	if service != "" {
		doc = append(doc, yaml.MapItem{Key: "service", Value: service}, yaml.MapItem{Key: "service_definition", Value: sdPath})
	}
	doc = append(doc, yaml.MapItem{Key: "task_definition", Value: tdPath}, yaml.MapItem{Key: "timeout", Value: "10m"})
	if !c.Jsonnet && !strings.HasSuffix(path, ".json") {
		return yaml.Marshal(doc)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, kv := range doc {
		fmt.Fprintf(&b, "  %q: %q,\n", kv.Key, kv.Value)
	}
	b.WriteString("}\n")
	if !c.Jsonnet {
		return []byte(strings.Replace(b.String(), ",\n}", "\n}", 1)), nil
	}
	s, err := formatter.Format(path, b.String(), formatter.DefaultOptions())
	return []byte(s), err
}

// jsonnetName renames a .json, .yml or .yaml path to .jsonnet.
func jsonnetName(p string) string {
	for _, ext := range []string{".json", ".yml", ".yaml"} {
		if strings.HasSuffix(p, ext) {
			return strings.TrimSuffix(p, ext) + ".jsonnet"
		}
	}
	return p
}

// serviceLister is what init needs to import a whole cluster.
type serviceLister interface {
	ecs.ListServicesAPIClient
}

// listServiceNames returns the names of every service in cluster.
func listServiceNames(ctx context.Context, client serviceLister, cluster string) ([]string, error) {
	var names []string
	pages := ecs.NewListServicesPaginator(client, &ecs.ListServicesInput{Cluster: aws.String(cluster), MaxResults: aws.Int32(100)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			var nf *types.ClusterNotFoundException
			if errors.As(err, &nf) {
				return nil, diag.Invalid(fmt.Errorf("cluster %q not found", cluster), "check --cluster and --region")
			}
			return nil, fmt.Errorf("list services of cluster %q: %w", cluster, err)
		}
		for _, arn := range out.ServiceArns {
			names = append(names, arn[strings.LastIndex(arn, "/")+1:])
		}
	}
	return names, nil
}
