package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// KindExpress is an ECS Express Mode service: ECS manages its task definition,
// load balancer, target groups and scaling; doppio sends the express definition
// (CreateExpressGatewayService / UpdateExpressGatewayService) and follows the
// deployment ECS starts for it like any service deployment.
const KindExpress Kind = "EXPRESS"

// ExpressAPI is the Express Mode API; *ecs.Client satisfies it.
type ExpressAPI interface {
	CreateExpressGatewayService(context.Context, *ecs.CreateExpressGatewayServiceInput, ...func(*ecs.Options)) (*ecs.CreateExpressGatewayServiceOutput, error)
	UpdateExpressGatewayService(context.Context, *ecs.UpdateExpressGatewayServiceInput, ...func(*ecs.Options)) (*ecs.UpdateExpressGatewayServiceOutput, error)
	DescribeExpressGatewayService(context.Context, *ecs.DescribeExpressGatewayServiceInput, ...func(*ecs.Options)) (*ecs.DescribeExpressGatewayServiceOutput, error)
	DeleteExpressGatewayService(context.Context, *ecs.DeleteExpressGatewayServiceInput, ...func(*ecs.Options)) (*ecs.DeleteExpressGatewayServiceOutput, error)
}

var _ ExpressAPI = (*ecs.Client)(nil)

// expressRefused are the verbs ecspresso refuses for an Express Mode service, and
// why: ECS owns its task definitions, load balancer and scaling.
var expressRefused = map[string]string{
	"scale":      "ECS scales an Express Mode service itself; change scalingTarget in the express definition and deploy",
	"run":        "an Express Mode service has no task definition of its own to run; ECS registers it",
	"revisions":  "ECS registers and owns an Express Mode service's task definitions",
	"register":   "ECS registers an Express Mode service's task definitions; deploy the express definition instead",
	"deregister": "ECS registers and owns an Express Mode service's task definitions",
	"appspec":    "an Express Mode service is not deployed through CodeDeploy",
}

// IsExpress reports whether a live service is an Express Mode service: ECS, not
// the customer, manages its resources (Service.resourceManagementType).
func IsExpress(s *types.Service) bool {
	return s != nil && s.ResourceManagementType == types.ResourceManagementTypeEcs
}

// ExpressPlan is what a deploy sends for an Express Mode service.
type ExpressPlan struct {
	// Changes are the express definition members that differ from the live
	// configuration, with the resource ECS changes for each.
	Changes []ExpressChange `json:"changes,omitempty"`
	// Diff is the unified diff of the express definition (live → local).
	Diff string `json:"diff,omitempty"`

	create *ecs.CreateExpressGatewayServiceInput
	update *ecs.UpdateExpressGatewayServiceInput
}

// ExpressChange is one changed member and what ECS does for it.
type ExpressChange struct {
	Field  string `json:"field"`
	Effect string `json:"effect"`
}

// expressEffects says which resource ECS changes for each member (Express Mode
// "How it works" in the Developer Guide: the task definition, the target group's
// health check, the Application Auto Scaling policy, the tasks' network).
var expressEffects = map[string]string{
	"cpu": "new task definition revision", "memory": "new task definition revision", "cpuArchitecture": "new task definition revision",
	"executionRoleArn": "new task definition revision", "taskRoleArn": "new task definition revision", "taskDefinitionArn": "task definition",
	"healthCheckPath": "target group health check", "scalingTarget": "auto scaling target and policy",
	"networkConfiguration": "tasks' subnets and security groups (new deployment)", "infrastructureRoleArn": "cannot be updated (recreate the service)",
	"tags": "service tags",
}

type expressController struct {
	*ecsController
	api ExpressAPI
}

// ExpressServiceOf describes the Express Mode service behind a live service.
func ExpressServiceOf(ctx context.Context, api ExpressAPI, live *types.Service) (*types.ECSExpressGatewayService, error) {
	out, err := api.DescribeExpressGatewayService(ctx, &ecs.DescribeExpressGatewayServiceInput{ServiceArn: live.ServiceArn})
	if err != nil {
		return nil, fmt.Errorf("describe express gateway service %s: %w", aws.ToString(live.ServiceName), err)
	}
	return out.Service, nil
}

// Plan compares the express definition with the live configuration. Flags of
// ordinary services that make no sense here are refused by the CLI before.
func (c *expressController) Plan(ctx context.Context, o Options) (*Plan, error) {
	if o.Express == nil && o.SkipTaskDefinition && o.ForceNewDeployment && c.w.Exists() {
		// refresh: a forced new deployment of the ECS service behind it, as for any
		// service (its configuration is left as it is).
		return c.ecsController.Plan(ctx, o)
	}
	if o.Express == nil {
		return nil, diag.Invalid(fmt.Errorf("service %s is an Express Mode service but the config has no express_definition", c.w.Service),
			"add express_definition: ecs-express-def.json to the config ('doppio init --express' writes it)")
	}
	p := &Plan{Cluster: c.w.Cluster, Service: c.w.Service, TaskDefinition: TaskDefinitionPlan{Action: "managed", Reason: "ECS Express Mode registers it"},
		StartsDeployment: true, Express: &ExpressPlan{}}
	if !c.w.Exists() {
		p.Create = true
		p.Express.create = o.Express
		d, err := ecsdef.DiffExpressDefinitions("", nil, "local", o.Express)
		if err != nil {
			return nil, err
		}
		p.Express.Diff = d
		return p, nil
	}
	if !IsExpress(c.w.Live) {
		return nil, diag.Invalid(fmt.Errorf("service %s exists and is not an Express Mode service", c.w.Service),
			"remove express_definition from the config to manage it as an ordinary service, or use another service name")
	}
	x, err := ExpressServiceOf(ctx, c.api, c.w.Live)
	if err != nil {
		return nil, err
	}
	live := ecsdef.LiveExpressDefinition(x, c.w.Live.Tags)
	p.TaskDefinition.ARN = aws.ToString(c.w.Live.TaskDefinition)
	for _, f := range ecsdef.ExpressChanges(live, o.Express) {
		eff := expressEffects[f]
		if eff == "" {
			eff = "new task definition revision"
		}
		p.Express.Changes = append(p.Express.Changes, ExpressChange{Field: f, Effect: eff})
		p.Changes = append(p.Changes, Change{Field: "express." + f, Kind: "changed (" + eff + ")"})
	}
	if p.Express.Diff, err = ecsdef.DiffExpressDefinitions(aws.ToString(c.w.Live.ServiceArn), live, "local", o.Express); err != nil {
		return nil, err
	}
	for _, ch := range p.Express.Changes {
		if ch.Field == "infrastructureRoleArn" {
			return nil, diag.Invalid(fmt.Errorf("service %s: infrastructureRoleArn cannot be changed on an Express Mode service", c.w.Service),
				"put the live role back in the express definition, or delete and recreate the service")
		}
	}
	if len(p.Express.Changes) == 0 && !o.ForceNewDeployment {
		p.UpToDate, p.StartsDeployment = true, false
		return p, nil
	}
	if len(p.Express.Changes) == 0 {
		p.ForceNewDeployment, p.ForceReasons = true, []string{"--force-new-deployment"}
	}
	ex := o.Express
	in := &ecs.UpdateExpressGatewayServiceInput{
		ServiceArn: c.w.Live.ServiceArn, Cpu: ex.Cpu, Memory: ex.Memory, CpuArchitecture: ex.CpuArchitecture,
		HealthCheckPath: ex.HealthCheckPath, NetworkConfiguration: ex.NetworkConfiguration, ScalingTarget: ex.ScalingTarget,
		ExecutionRoleArn: ex.ExecutionRoleArn, TaskRoleArn: ex.TaskRoleArn, PrimaryContainer: ex.PrimaryContainer,
		TaskDefinitionArn: ex.TaskDefinitionArn,
	}
	if pc := in.PrimaryContainer; pc != nil {
		// Empty lists are sent so that removing every variable or secret removes them
		// (the update keeps a member that is left out).
		cp := *pc
		if cp.Environment == nil {
			cp.Environment = []types.KeyValuePair{}
		}
		if cp.Secrets == nil {
			cp.Secrets = []types.Secret{}
		}
		in.PrimaryContainer = &cp
	}
	p.Express.update = in
	return p, nil
}

// Apply creates or updates the express service and returns the deployment ECS
// started for it.
func (c *expressController) Apply(ctx context.Context, p *Plan) (*Started, error) {
	if p.Express == nil {
		return c.ecsController.Apply(ctx, p) // refresh
	}
	T := c.d.Now()
	s := &Started{Kind: KindExpress, Cluster: p.Cluster, Service: p.Service, StartedAt: T, Label: "express deployment", Explain: true, PausedHint: ecsPausedHint}
	switch {
	case p.Express.create != nil:
		out, err := c.api.CreateExpressGatewayService(ctx, p.Express.create)
		if err != nil {
			return nil, fmt.Errorf("create express gateway service %s: %w", p.Service, err)
		}
		s.Created = true
		s.Note, s.NoteAttrs = "express gateway service created", []any{"service", p.Service, "endpoints", endpoints(out.Service)}
	case p.Express.update != nil:
		if _, err := c.api.UpdateExpressGatewayService(ctx, p.Express.update); err != nil {
			return nil, fmt.Errorf("update express gateway service %s: %w", p.Service, err)
		}
		s.Note, s.NoteAttrs = "express gateway service updated", []any{"service", p.Service}
	default:
		return nil, nil
	}
	live, err := LiveService(ctx, c.d.ECS, p.Cluster, p.Service)
	if err != nil {
		return nil, err
	}
	if live != nil {
		s.Described = live
		s.TaskDefinitionARN = aws.ToString(live.TaskDefinition)
		for _, d := range live.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" {
				s.DeploymentID = aws.ToString(d.Id)
				s.TaskDefinitionARN = aws.ToString(d.TaskDefinition)
			}
		}
	}
	return s, nil
}

func endpoints(x *types.ECSExpressGatewayService) []string {
	var out []string
	if x == nil {
		return nil
	}
	for _, ac := range x.ActiveConfigurations {
		for _, ip := range ac.IngressPaths {
			out = append(out, aws.ToString(ip.Endpoint))
		}
	}
	return out
}

// PlanRollback works only while a deployment is in flight: it stops it with a
// rollback. ECS owns the task definitions of an express service, so there is no
// older revision to point it at (as in ecspresso).
func (c *expressController) PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error) {
	o.Stop, o.Deregister = true, false
	p, err := c.ecsController.PlanRollback(ctx, o)
	if err != nil {
		return nil, err
	}
	if p.StopDeployment == "" {
		return nil, diag.Invalid(fmt.Errorf("service %s is an Express Mode service with no deployment in progress", c.w.Service),
			"rollback of an Express Mode service stops a deployment in flight; to go back, deploy the previous express definition")
	}
	return p, nil
}

// Cleanup deregisters nothing: ECS owns the task definitions.
func (c *expressController) Cleanup(context.Context, *RollbackPlan, string) (string, error) {
	return "", nil
}

// Continue is refused: Express Mode deployments have no lifecycle hooks to answer.
func (c *expressController) Continue(context.Context, bool) (*Started, error) {
	return nil, diag.Invalid(fmt.Errorf("service %s is an Express Mode service; its deployments never pause", c.w.Service), "")
}
