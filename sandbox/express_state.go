package sandbox

import (
	"cmp"
	"fmt"
	"time"
)

// expressService is one ECS Express Mode service ("Amazon ECS Express Mode" in the
// Developer Guide): a service ECS manages together with its Application Load
// Balancer, target group, listener and scaling. The ECS service itself is simulated
// by services.go like any other (deployments, tasks, crashloop, pullfail); this
// record keeps what only Express Mode knows. It is pure state: express.go parses
// requests, calls moto and renders replies.
type expressService struct {
	arn, name, cluster, region string
	infraRole                  string
	createdAt, updatedAt       time.Time
	// configs are the service's configurations, newest first; ECS reports them as
	// activeConfigurations (DescribeExpressGatewayService).
	configs []expressConfig
	tags    []any
	// Managed resources in the sandbox's ELBv2 (moto).
	lbArn, tgArn, listenerArn string
	endpoint                  string
	deleted                   bool
	deletedAt                 time.Time
}

// expressConfig is one ExpressGatewayServiceConfiguration.
type expressConfig struct {
	at          time.Time
	fields      expressConfigMembers
	taskDef     string
	revisionArn string
}

// expressDefaults fills what ECS applies when the request leaves it out
// (CreateExpressGatewayService API reference: cpu 256, memory 512, health check
// path "/", container port 80, scaling 1–20 tasks on average CPU at 60%).
func expressDefaults(f expressConfigMembers) expressConfigMembers {
	f.CPU = cmp.Or(f.CPU, "256")
	f.Memory = cmp.Or(f.Memory, "512")
	f.HealthCheckPath = cmp.Or(f.HealthCheckPath, "/")
	pc := expressContainer{}
	if f.PrimaryContainer != nil {
		pc = *f.PrimaryContainer
	}
	pc.ContainerPort = or(pc.ContainerPort, ptr(80))
	f.PrimaryContainer = &pc
	st := expressScalingTarget{}
	if f.ScalingTarget != nil {
		st = *f.ScalingTarget
	}
	st.MinTaskCount = or(st.MinTaskCount, ptr(1))
	st.MaxTaskCount = or(st.MaxTaskCount, ptr(20))
	st.AutoScalingMetric = cmp.Or(st.AutoScalingMetric, "AVERAGE_CPU")
	st.AutoScalingTargetValue = or(st.AutoScalingTargetValue, ptr(60))
	f.ScalingTarget = &st
	return f
}

func ptr[T any](v T) *T { return &v }

// mergeExpress applies an UpdateExpressGatewayService request to a configuration:
// members the request sets replace the old ones, members it leaves out are kept
// (UpdateExpressGatewayService API reference).
func mergeExpress(old, req expressConfigMembers) expressConfigMembers {
	return expressDefaults(expressConfigMembers{
		CPU:                  cmp.Or(req.CPU, old.CPU),
		CPUArchitecture:      cmp.Or(req.CPUArchitecture, old.CPUArchitecture),
		Memory:               cmp.Or(req.Memory, old.Memory),
		HealthCheckPath:      cmp.Or(req.HealthCheckPath, old.HealthCheckPath),
		PrimaryContainer:     or(req.PrimaryContainer, old.PrimaryContainer),
		NetworkConfiguration: or(req.NetworkConfiguration, old.NetworkConfiguration),
		ScalingTarget:        or(req.ScalingTarget, old.ScalingTarget),
		ExecutionRoleArn:     cmp.Or(req.ExecutionRoleArn, old.ExecutionRoleArn),
		TaskRoleArn:          cmp.Or(req.TaskRoleArn, old.TaskRoleArn),
	})
}

// needsTaskDefinition reports whether a new configuration changes the task the
// service runs (anything but scaling and network does).
func needsTaskDefinition(old, next expressConfigMembers) bool {
	old.ScalingTarget, old.NetworkConfiguration = nil, nil
	next.ScalingTarget, next.NetworkConfiguration = nil, nil
	return canon(old) != canon(next)
}

// expressTaskDefinition is the RegisterTaskDefinition input ECS derives from a
// configuration: one essential container named "Main" on Fargate in awsvpc mode.
func expressTaskDefinition(family string, f expressConfigMembers) expressTDRequest {
	pc := f.PrimaryContainer
	c := expressContainerDef{
		Name: "Main", Image: pc.Image, Essential: true,
		PortMappings: []expressPortMapping{{ContainerPort: pc.ContainerPort, Protocol: "tcp"}},
		Command:      pc.Command, Environment: pc.Environment, Secrets: pc.Secrets, RepositoryCredentials: pc.RepositoryCredentials,
	}
	if lc := pc.AwsLogsConfiguration; lc != nil {
		c.LogConfiguration = &expressLogConfig{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group": lc.LogGroup, "awslogs-stream-prefix": lc.LogStreamPrefix, "awslogs-region": "us-east-1"}}
	}
	return expressTDRequest{
		Family: family, NetworkMode: "awsvpc", RequiresCompatibilities: []string{"FARGATE"},
		CPU: f.CPU, Memory: f.Memory, ContainerDefinitions: []expressContainerDef{c},
		ExecutionRoleArn: f.ExecutionRoleArn, TaskRoleArn: f.TaskRoleArn,
	}
}

// status is the service's ExpressGatewayServiceStatus.
func (x *expressService) status() wireExpressStatus {
	if x.deleted {
		return wireExpressStatus{"INACTIVE"}
	}
	return wireExpressStatus{"ACTIVE"}
}

// configJSON renders one ExpressGatewayServiceConfiguration.
func (x *expressService) configJSON(c expressConfig) wireExpressConfig {
	return wireExpressConfig{expressConfigMembers: c.fields, CreatedAt: epoch(c.at), TaskDefinitionArn: c.taskDef,
		ServiceRevisionArn: c.revisionArn, IngressPaths: []wireIngressPath{{AccessType: "PUBLIC", Endpoint: x.endpoint}}}
}

// JSON renders the ECSExpressGatewayService.
func (x *expressService) JSON() wireExpressService {
	o := wireExpressService{
		ServiceArn: x.arn, ServiceName: x.name, Cluster: x.cluster,
		InfrastructureRoleArn: x.infraRole, Status: x.status(),
		CreatedAt: epoch(x.createdAt), UpdatedAt: epoch(x.updatedAt), Tags: x.tags,
	}
	if !x.deleted && len(x.configs) > 0 {
		o.ActiveConfigurations = []wireExpressConfig{x.configJSON(x.configs[0])}
	}
	return o
}

// expressEndpoint is the public ingress URL ECS gives the service
// (<name>-<id>.ecs.<region>.on.aws).
func expressEndpoint(name, id, region string) string {
	return fmt.Sprintf("%s-%s.ecs.%s.on.aws", name, id, region)
}
