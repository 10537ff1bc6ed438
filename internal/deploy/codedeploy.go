package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/goccy/go-yaml"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// CodeDeploy is the part of the CodeDeploy API a CODE_DEPLOY service's deploy uses;
// *codedeploy.Client satisfies it.
type CodeDeploy interface {
	codedeploy.ListApplicationsAPIClient
	codedeploy.ListDeploymentGroupsAPIClient
	BatchGetApplications(context.Context, *codedeploy.BatchGetApplicationsInput, ...func(*codedeploy.Options)) (*codedeploy.BatchGetApplicationsOutput, error)
	BatchGetDeploymentGroups(context.Context, *codedeploy.BatchGetDeploymentGroupsInput, ...func(*codedeploy.Options)) (*codedeploy.BatchGetDeploymentGroupsOutput, error)
	GetDeploymentGroup(context.Context, *codedeploy.GetDeploymentGroupInput, ...func(*codedeploy.Options)) (*codedeploy.GetDeploymentGroupOutput, error)
	CreateDeployment(context.Context, *codedeploy.CreateDeploymentInput, ...func(*codedeploy.Options)) (*codedeploy.CreateDeploymentOutput, error)
}

// CodeDeployGroup names the application, deployment group and deployment
// configuration a CODE_DEPLOY service deploys through.
type CodeDeployGroup struct {
	Application      string `json:"applicationName"`
	DeploymentGroup  string `json:"deploymentGroupName"`
	DeploymentConfig string `json:"deploymentConfigName,omitempty"`
}

// FindDeploymentGroup returns the group from the config when it names one (want),
// else discovers it as ecspresso does: every ECS-platform application, then the
// deployment group whose ecsServices contain cluster and service.
func FindDeploymentGroup(ctx context.Context, c CodeDeploy, cluster, service string, want CodeDeployGroup) (CodeDeployGroup, error) {
	if want.Application != "" && want.DeploymentGroup != "" {
		out, err := c.GetDeploymentGroup(ctx, &codedeploy.GetDeploymentGroupInput{
			ApplicationName: aws.String(want.Application), DeploymentGroupName: aws.String(want.DeploymentGroup)})
		if err != nil {
			return want, fmt.Errorf("get CodeDeploy deployment group %s/%s: %w", want.Application, want.DeploymentGroup, err)
		}
		if want.DeploymentConfig == "" && out.DeploymentGroupInfo != nil {
			want.DeploymentConfig = aws.ToString(out.DeploymentGroupInfo.DeploymentConfigName)
		}
		return want, nil
	}
	var apps []string
	pages := codedeploy.NewListApplicationsPaginator(c, &codedeploy.ListApplicationsInput{})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return want, fmt.Errorf("list CodeDeploy applications: %w", err)
		}
		apps = append(apps, out.Applications...)
	}
	for chunk := range slices.Chunk(apps, 100) {
		out, err := c.BatchGetApplications(ctx, &codedeploy.BatchGetApplicationsInput{ApplicationNames: chunk})
		if err != nil {
			return want, fmt.Errorf("get CodeDeploy applications: %w", err)
		}
		for _, app := range out.ApplicationsInfo {
			if app.ComputePlatform != cdtypes.ComputePlatformEcs || (want.Application != "" && aws.ToString(app.ApplicationName) != want.Application) {
				continue
			}
			g, ok, err := findGroupIn(ctx, c, aws.ToString(app.ApplicationName), cluster, service)
			if err != nil {
				return want, err
			}
			if ok {
				if want.DeploymentConfig != "" {
					g.DeploymentConfig = want.DeploymentConfig
				}
				return g, nil
			}
		}
	}
	return want, diag.WithHint(fmt.Errorf("no CodeDeploy deployment group deploys service %q of cluster %q", service, cluster),
		"set codedeploy.application_name and codedeploy.deployment_group_name in the config")
}

func findGroupIn(ctx context.Context, c CodeDeploy, app, cluster, service string) (CodeDeployGroup, bool, error) {
	var names []string
	pages := codedeploy.NewListDeploymentGroupsPaginator(c, &codedeploy.ListDeploymentGroupsInput{ApplicationName: aws.String(app)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return CodeDeployGroup{}, false, fmt.Errorf("list deployment groups of %s: %w", app, err)
		}
		names = append(names, out.DeploymentGroups...)
	}
	for chunk := range slices.Chunk(names, 100) {
		out, err := c.BatchGetDeploymentGroups(ctx, &codedeploy.BatchGetDeploymentGroupsInput{ApplicationName: aws.String(app), DeploymentGroupNames: chunk})
		if err != nil {
			return CodeDeployGroup{}, false, fmt.Errorf("get deployment groups of %s: %w", app, err)
		}
		for _, g := range out.DeploymentGroupsInfo {
			for _, s := range g.EcsServices {
				if aws.ToString(s.ServiceName) == service && lastSegment(aws.ToString(s.ClusterName)) == lastSegment(cluster) {
					return CodeDeployGroup{Application: app, DeploymentGroup: aws.ToString(g.DeploymentGroupName),
						DeploymentConfig: aws.ToString(g.DeploymentConfigName)}, true, nil
				}
			}
		}
	}
	return CodeDeployGroup{}, false, nil
}

// lastSegment turns a cluster ARN into its name (ecspresso compared the config string
// as written, so an ARN never matched; doppio compares names).
func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// AppSpec is an Amazon ECS AppSpec file ("AppSpec File structure for Amazon ECS
// deployments", CodeDeploy User Guide).
type AppSpec struct {
	Version   appSpecVersion               `yaml:"version" json:"version"`
	Resources []map[string]AppSpecResource `yaml:"Resources" json:"Resources"`
	Hooks     []map[string]string          `yaml:"Hooks,omitempty" json:"Hooks,omitempty"`
}

// appSpecVersion is written unquoted (version: 0.0), as the AppSpec reference shows it.
type appSpecVersion string

// MarshalYAML writes the version as a plain scalar.
func (v appSpecVersion) MarshalYAML() ([]byte, error) { return []byte(v), nil }

// AppSpecResource is the TargetService resource.
type AppSpecResource struct {
	Type       string            `yaml:"Type" json:"Type"`
	Properties AppSpecProperties `yaml:"Properties" json:"Properties"`
}

// AppSpecProperties are the target service's properties.
type AppSpecProperties struct {
	TaskDefinition           string                 `yaml:"TaskDefinition" json:"TaskDefinition"`
	LoadBalancerInfo         *AppSpecLoadBalancer   `yaml:"LoadBalancerInfo,omitempty" json:"LoadBalancerInfo,omitempty"`
	PlatformVersion          string                 `yaml:"PlatformVersion,omitempty" json:"PlatformVersion,omitempty"`
	NetworkConfiguration     *AppSpecNetwork        `yaml:"NetworkConfiguration,omitempty" json:"NetworkConfiguration,omitempty"`
	CapacityProviderStrategy []AppSpecCapacityEntry `yaml:"CapacityProviderStrategy,omitempty" json:"CapacityProviderStrategy,omitempty"`
}

// AppSpecLoadBalancer names the container and port the load balancer routes to.
type AppSpecLoadBalancer struct {
	ContainerName string `yaml:"ContainerName" json:"ContainerName"`
	ContainerPort int32  `yaml:"ContainerPort" json:"ContainerPort"`
}

// AppSpecNetwork is the awsvpc network configuration.
type AppSpecNetwork struct {
	AwsvpcConfiguration AppSpecAwsvpc `yaml:"AwsvpcConfiguration" json:"AwsvpcConfiguration"`
}

// AppSpecAwsvpc is AwsvpcConfiguration in AppSpec spelling.
type AppSpecAwsvpc struct {
	Subnets        []string `yaml:"Subnets" json:"Subnets"`
	SecurityGroups []string `yaml:"SecurityGroups,omitempty" json:"SecurityGroups,omitempty"`
	AssignPublicIp string   `yaml:"AssignPublicIp,omitempty" json:"AssignPublicIp,omitempty"`
}

// AppSpecCapacityEntry is one capacity provider strategy item.
type AppSpecCapacityEntry struct {
	CapacityProvider string `yaml:"CapacityProvider" json:"CapacityProvider"`
	Base             int32  `yaml:"Base" json:"Base"`
	Weight           int32  `yaml:"Weight" json:"Weight"`
}

// appSpecHookEvents are the events an ECS AppSpec may hook ("AppSpec 'hooks' section
// for an Amazon ECS deployment").
var appSpecHookEvents = []string{"BeforeInstall", "AfterInstall", "AfterAllowTestTraffic", "BeforeAllowTraffic", "AfterAllowTraffic"}

// BuildAppSpec builds the AppSpec of a deployment of taskDef with the settings of the
// service definition sd (its first load balancer, platform version, awsvpc network
// configuration and capacity provider strategy) and the config's appspec hooks
// (ecspresso's shape: {"Hooks": [{"BeforeInstall": "fn"}, ...]}).
func BuildAppSpec(taskDef string, sd *ecs.CreateServiceInput, hooks any) (*AppSpec, error) {
	props := AppSpecProperties{TaskDefinition: taskDef}
	if sd != nil {
		if len(sd.LoadBalancers) == 0 {
			return nil, diag.Invalid(errors.New("service definition: a CodeDeploy service needs loadBalancers (the AppSpec routes traffic to its first container and port)"), "")
		}
		lb := sd.LoadBalancers[0]
		props.LoadBalancerInfo = &AppSpecLoadBalancer{ContainerName: aws.ToString(lb.ContainerName), ContainerPort: aws.ToInt32(lb.ContainerPort)}
		props.PlatformVersion = aws.ToString(sd.PlatformVersion)
		if nc := sd.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
			v := nc.AwsvpcConfiguration
			props.NetworkConfiguration = &AppSpecNetwork{AwsvpcConfiguration: AppSpecAwsvpc{
				Subnets: v.Subnets, SecurityGroups: v.SecurityGroups, AssignPublicIp: string(v.AssignPublicIp)}}
		}
		for _, cp := range sd.CapacityProviderStrategy {
			props.CapacityProviderStrategy = append(props.CapacityProviderStrategy, AppSpecCapacityEntry{
				CapacityProvider: aws.ToString(cp.CapacityProvider), Base: cp.Base, Weight: cp.Weight})
		}
	}
	spec := &AppSpec{Version: "0.0", Resources: []map[string]AppSpecResource{{"TargetService": {Type: "AWS::ECS::Service", Properties: props}}}}
	h, err := appSpecHooks(hooks)
	if err != nil {
		return nil, err
	}
	spec.Hooks = h
	return spec, nil
}

// appSpecHooks reads the config's appspec section.
func appSpecHooks(v any) ([]map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, diag.Invalid(fmt.Errorf("config appspec: want an object with Hooks, got %T", v), "")
	}
	var out []map[string]string
	for k, hv := range m {
		if k != "Hooks" && k != "hooks" {
			return nil, diag.Invalid(fmt.Errorf("config appspec.%s: unknown key", k), "appspec takes Hooks: [{BeforeInstall: function}, ...]")
		}
		list, ok := hv.([]any)
		if !ok {
			return nil, diag.Invalid(fmt.Errorf("config appspec.Hooks: want a list, got %T", hv), "")
		}
		for i, item := range list {
			im, ok := item.(map[string]any)
			if !ok {
				return nil, diag.Invalid(fmt.Errorf("config appspec.Hooks[%d]: want {Event: function}", i), "")
			}
			for ev, fn := range im {
				s, ok := fn.(string)
				if !ok || !slices.Contains(appSpecHookEvents, ev) {
					return nil, diag.Invalid(fmt.Errorf("config appspec.Hooks[%d].%s: want one of %s with a function name", i, ev, strings.Join(appSpecHookEvents, ", ")), "")
				}
				out = append(out, map[string]string{ev: s})
			}
		}
	}
	return out, nil
}

// YAML renders the AppSpec.
func (a *AppSpec) YAML() ([]byte, error) {
	return yaml.MarshalWithOptions(a, yaml.IndentSequence(true))
}

// CreateCodeDeployment starts a CodeDeploy deployment of spec and returns its id.
func CreateCodeDeployment(ctx context.Context, c CodeDeploy, g CodeDeployGroup, spec *AppSpec, rollbackEvents []cdtypes.AutoRollbackEvent, description string) (string, error) {
	content, err := spec.YAML()
	if err != nil {
		return "", err
	}
	in := &codedeploy.CreateDeploymentInput{
		ApplicationName:     aws.String(g.Application),
		DeploymentGroupName: aws.String(g.DeploymentGroup),
		Description:         aws.String(description),
		Revision: &cdtypes.RevisionLocation{
			RevisionType:   cdtypes.RevisionLocationTypeAppSpecContent,
			AppSpecContent: &cdtypes.AppSpecContent{Content: aws.String(string(content))},
		},
	}
	if g.DeploymentConfig != "" {
		in.DeploymentConfigName = aws.String(g.DeploymentConfig)
	}
	if len(rollbackEvents) > 0 {
		in.AutoRollbackConfiguration = &cdtypes.AutoRollbackConfiguration{Enabled: true, Events: rollbackEvents}
	}
	out, err := c.CreateDeployment(ctx, in)
	if err != nil {
		return "", fmt.Errorf("create CodeDeploy deployment in %s/%s: %w", g.Application, g.DeploymentGroup, err)
	}
	return aws.ToString(out.DeploymentId), nil
}

// codeDeployFixed are the service attributes a CODE_DEPLOY service cannot change with
// UpdateService ("UpdateService" API reference: for the CODE_DEPLOY controller only
// desiredCount, deploymentConfiguration, placement, health check grace period,
// propagateTags, ECS managed tags and ECS Exec can be updated; the task set carries
// the rest, through the AppSpec).
var codeDeployFixed = map[string]string{
	"NetworkConfiguration":        "set through the AppSpec",
	"PlatformVersion":             "set through the AppSpec",
	"LoadBalancers":               "fixed by the deployment group",
	"ServiceRegistries":           "fixed at creation",
	"CapacityProviderStrategy":    "set through the AppSpec",
	"ServiceConnectConfiguration": "not supported with CODE_DEPLOY",
	"VolumeConfigurations":        "not supported with CODE_DEPLOY",
	"VpcLatticeConfigurations":    "not supported with CODE_DEPLOY",
}

// CodeDeployUpdate returns the UpdateService a CODE_DEPLOY service can take from the
// plan (nil when nothing is left) and the changed attributes that cannot be sent,
// each with why. The task definition goes through CodeDeploy, never UpdateService.
func (p *Plan) CodeDeployUpdate() (*ecs.UpdateServiceInput, []string) {
	var dropped []string
	for _, c := range p.Changes {
		field := strings.ToUpper(c.Field[:1]) + c.Field[1:]
		if why, ok := codeDeployFixed[field]; ok {
			dropped = append(dropped, c.Field+": "+why)
		}
	}
	if p.update == nil {
		return nil, dropped
	}
	in := *p.update
	in.TaskDefinition, in.ForceNewDeployment = nil, false
	in.NetworkConfiguration, in.PlatformVersion, in.LoadBalancers, in.ServiceRegistries = nil, nil, nil, nil
	in.CapacityProviderStrategy, in.ServiceConnectConfiguration, in.VolumeConfigurations, in.VpcLatticeConfigurations = nil, nil, nil, nil
	in.DeploymentController = nil
	keep := false
	for _, c := range p.Changes {
		field := strings.ToUpper(c.Field[:1]) + c.Field[1:]
		if _, fixed := codeDeployFixed[field]; !fixed {
			keep = true
		}
	}
	if !keep && p.DesiredCount == nil {
		return nil, dropped
	}
	return &in, dropped
}

// IsCodeDeploy reports whether the live service uses the CODE_DEPLOY controller.
func IsCodeDeploy(svc *types.Service) bool {
	return svc != nil && svc.DeploymentController != nil && svc.DeploymentController.Type == types.DeploymentControllerTypeCodeDeploy
}
