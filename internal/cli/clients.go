package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/servicediscovery"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/doppio-ecs/doppio/internal/awsclient"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/plugin"
	"github.com/doppio-ecs/doppio/internal/schedule"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/verify"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// Clients hands out the AWS clients of one project (one account role and region).
// Verbs get every client from it, never from an aws.Config: the real one builds SDK
// clients on the project's shared AWS config (awsClients); unit tests pass a fake
// through Env, so verb logic runs without the sandbox.
type Clients interface {
	ECS(ctx context.Context) (ECSAPI, error)
	AutoScaling(ctx context.Context) (deploy.AutoScaling, error)
	CodeDeploy(ctx context.Context) (deploy.CodeDeployAPI, error)
	// Logs is a CloudWatch Logs client for region (the project's when "").
	Logs(ctx context.Context, region string) (task.Logs, error)
	TargetHealth(ctx context.Context) (task.TargetHealth, error)
	// SSM is Session Manager for exec, with the region and endpoint the
	// session-manager-plugin is given.
	SSM(ctx context.Context) (SSMSession, error)
	// Verify is verify's clients (Region and the clients; no options).
	Verify(ctx context.Context) (verify.Deps, error)
	// Identity is STS, for the account a notification names.
	Identity(ctx context.Context) (schedule.Identity, error)
	// Schedule is the schedule verbs' clients of the factory's region: EventBridge,
	// EventBridge Scheduler, Resource Groups, ECS, IAM and STS (internal/schedule's
	// narrow interfaces), with Name the region.
	Schedule(ctx context.Context) (*schedule.Region, error)
	// Plugins are the clients of the template plugins (ssm, secretsmanager,
	// cloudformation, tfstate on S3); a nil one is built on the plugins' AWS config.
	Plugins() plugin.Clients
}

// ECSAPI is every ECS operation a verb makes, directly or through the domain
// packages; *ecs.Client satisfies it.
type ECSAPI interface {
	deploy.ControllerECS
	deploy.KindAPI
	watch.Client
	task.ECS
	DeleteService(context.Context, *ecs.DeleteServiceInput, ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error)
	ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error)
}

// SSMSession is what an ECS Exec session needs from Session Manager.
type SSMSession struct {
	Client   task.SSM
	Region   string
	Endpoint string
}

// The real SDK clients satisfy the interfaces the factory hands out.
var (
	_ ECSAPI               = (*ecs.Client)(nil)
	_ deploy.AutoScaling   = (*applicationautoscaling.Client)(nil)
	_ deploy.CodeDeployAPI = (*codedeploy.Client)(nil)
	_ task.Logs            = (*cloudwatchlogs.Client)(nil)
	_ task.TargetHealth    = (*elb.Client)(nil)
	_ task.SSM             = (*ssm.Client)(nil)
	_ Clients              = awsClients{}
)

// awsClients builds real SDK clients on a project's shared, lazily loaded AWS config.
type awsClients struct{ aws *awsclient.Lazy }

func (c awsClients) ECS(ctx context.Context) (ECSAPI, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return ecs.NewFromConfig(cfg), nil
}

func (c awsClients) AutoScaling(ctx context.Context) (deploy.AutoScaling, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return applicationautoscaling.NewFromConfig(cfg), nil
}

func (c awsClients) CodeDeploy(ctx context.Context) (deploy.CodeDeployAPI, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return codedeploy.NewFromConfig(cfg), nil
}

func (c awsClients) Logs(ctx context.Context, region string) (task.Logs, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return cloudwatchlogs.NewFromConfig(cfg, func(o *cloudwatchlogs.Options) {
		if region != "" {
			o.Region = region
		}
	}), nil
}

func (c awsClients) TargetHealth(ctx context.Context) (task.TargetHealth, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return elb.NewFromConfig(cfg), nil
}

func (c awsClients) SSM(ctx context.Context) (SSMSession, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return SSMSession{}, err
	}
	client := ssm.NewFromConfig(cfg)
	so := client.Options()
	ep, err := so.EndpointResolverV2.ResolveEndpoint(ctx, ssm.EndpointParameters{Region: aws.String(so.Region), Endpoint: so.BaseEndpoint})
	if err != nil {
		return SSMSession{}, fmt.Errorf("resolve the SSM endpoint: %w", err)
	}
	return SSMSession{Client: client, Region: cfg.Region, Endpoint: ep.URI.String()}, nil
}

// Verify builds verify's clients; services an ARN or image URI can place in another
// region get per-region clients.
func (c awsClients) Verify(ctx context.Context) (verify.Deps, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return verify.Deps{}, err
	}
	inRegion := func(region string) aws.Config {
		c := cfg.Copy()
		if region != "" {
			c.Region = region
		}
		return c
	}
	return verify.Deps{
		Region:           cfg.Region,
		STS:              sts.NewFromConfig(cfg),
		IAM:              iam.NewFromConfig(cfg),
		ECS:              ecs.NewFromConfig(cfg),
		EC2:              ec2.NewFromConfig(cfg),
		ELB:              elb.NewFromConfig(cfg),
		ServiceDiscovery: servicediscovery.NewFromConfig(cfg),
		EFS:              efs.NewFromConfig(cfg),
		S3:               s3.NewFromConfig(cfg),
		ECR:              func(r string) verify.ECR { return ecr.NewFromConfig(inRegion(r)) },
		SSM:              func(r string) verify.SSM { return ssm.NewFromConfig(inRegion(r)) },
		SecretsManager:   func(r string) verify.SecretsManager { return secretsmanager.NewFromConfig(inRegion(r)) },
		Logs:             func(r string) verify.Logs { return cloudwatchlogs.NewFromConfig(inRegion(r)) },
	}, nil
}

func (c awsClients) Identity(ctx context.Context) (schedule.Identity, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return sts.NewFromConfig(cfg), nil
}

func (c awsClients) Schedule(ctx context.Context) (*schedule.Region, error) {
	cfg, err := c.aws.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &schedule.Region{Name: cfg.Region, Config: cfg, Events: eventbridge.NewFromConfig(cfg), Search: resourcegroups.NewFromConfig(cfg),
		ECS: ecs.NewFromConfig(cfg), Roles: iam.NewFromConfig(cfg), Identity: sts.NewFromConfig(cfg), Scheduler: scheduler.NewFromConfig(cfg)}, nil
}

// Plugins leaves every plugin client to internal/plugin, which builds it on the
// project's shared config (Deps.AWS) on the first lookup.
func (c awsClients) Plugins() plugin.Clients { return plugin.Clients{} }

// clientsFor is the client factory of a project on l: the fake of Env.clients in
// unit tests, else real clients.
func (a *app) clientsFor(l *awsclient.Lazy) Clients {
	if a.env.clients != nil {
		return a.env.clients
	}
	return awsClients{aws: l}
}

// ecsClient returns the project's ECS client.
func (p *project) ecsClient(ctx context.Context) (ECSAPI, error) { return p.clients.ECS(ctx) }

// autoScalingClient returns the project's Application Auto Scaling client.
func (p *project) autoScalingClient(ctx context.Context) (deploy.AutoScaling, error) {
	return p.clients.AutoScaling(ctx)
}

// codeDeployClient returns the project's CodeDeploy client.
func (p *project) codeDeployClient(ctx context.Context) (deploy.CodeDeployAPI, error) {
	return p.clients.CodeDeploy(ctx)
}

// logsClient returns a CloudWatch Logs client for region (the project's when "").
func (p *project) logsClient(ctx context.Context, region string) (task.Logs, error) {
	return p.clients.Logs(ctx, region)
}
