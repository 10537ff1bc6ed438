package sandbox

import (
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
	fields      obj // cpu, memory, healthCheckPath, primaryContainer, networkConfiguration, scalingTarget, executionRoleArn, taskRoleArn, cpuArchitecture
	taskDef     string
	revisionArn string
}

// expressConfigFields are the members of CreateExpressGatewayService and
// UpdateExpressGatewayService that make up a configuration.
var expressConfigFields = []string{
	"cpu", "cpuArchitecture", "memory", "healthCheckPath", "primaryContainer",
	"networkConfiguration", "scalingTarget", "executionRoleArn", "taskRoleArn",
}

// expressDefaults fills what ECS applies when the request leaves it out
// (CreateExpressGatewayService API reference: cpu 256, memory 512, health check
// path "/", container port 80, scaling 1–20 tasks on average CPU at 60%).
func expressDefaults(f obj) obj {
	out := obj{}
	for k, v := range f {
		out[k] = clone(v)
	}
	def := func(o obj, k string, v any) {
		if _, ok := o[k]; !ok {
			o[k] = v
		}
	}
	def(out, "cpu", "256")
	def(out, "memory", "512")
	def(out, "healthCheckPath", "/")
	pc := sub(out, "primaryContainer")
	if pc == nil {
		pc = obj{}
	}
	def(pc, "containerPort", 80)
	out["primaryContainer"] = pc
	st := sub(out, "scalingTarget")
	if st == nil {
		st = obj{}
	}
	def(st, "minTaskCount", 1)
	def(st, "maxTaskCount", 20)
	def(st, "autoScalingMetric", "AVERAGE_CPU")
	def(st, "autoScalingTargetValue", 60)
	out["scalingTarget"] = st
	return out
}

// mergeExpress applies an UpdateExpressGatewayService request to a configuration:
// members the request sets replace the old ones, members it leaves out are kept
// (UpdateExpressGatewayService API reference).
func mergeExpress(old obj, req obj) obj {
	out := obj{}
	for k, v := range old {
		out[k] = clone(v)
	}
	for _, k := range expressConfigFields {
		if v, ok := req[k]; ok && v != nil {
			out[k] = clone(v)
		}
	}
	return expressDefaults(out)
}

// needsTaskDefinition reports whether a new configuration changes the task the
// service runs (anything but scaling does).
func needsTaskDefinition(old, next obj) bool {
	for _, k := range expressConfigFields {
		if k == "scalingTarget" || k == "networkConfiguration" {
			continue
		}
		if canon(old[k]) != canon(next[k]) {
			return true
		}
	}
	return false
}

// expressTaskDefinition is the RegisterTaskDefinition input ECS derives from a
// configuration: one essential container named "Main" on Fargate in awsvpc mode.
func expressTaskDefinition(family string, f obj) obj {
	pc := sub(f, "primaryContainer")
	c := obj{
		"name": "Main", "image": str(pc, "image"), "essential": true,
		"portMappings": []any{obj{"containerPort": pc["containerPort"], "protocol": "tcp"}},
	}
	for _, k := range []string{"command", "environment", "secrets"} {
		if v, ok := pc[k]; ok {
			c[k] = clone(v)
		}
	}
	if rc := sub(pc, "repositoryCredentials"); rc != nil {
		c["repositoryCredentials"] = clone(rc)
	}
	if lc := sub(pc, "awsLogsConfiguration"); lc != nil {
		c["logConfiguration"] = obj{"logDriver": "awslogs", "options": obj{
			"awslogs-group": str(lc, "logGroup"), "awslogs-stream-prefix": str(lc, "logStreamPrefix"), "awslogs-region": "us-east-1"}}
	}
	td := obj{
		"family": family, "networkMode": "awsvpc", "requiresCompatibilities": []any{"FARGATE"},
		"cpu": str(f, "cpu"), "memory": str(f, "memory"), "containerDefinitions": []any{c},
	}
	for _, k := range []string{"executionRoleArn", "taskRoleArn"} {
		if v := str(f, k); v != "" {
			td[k] = v
		}
	}
	return td
}

// status is the service's ExpressGatewayServiceStatus.
func (x *expressService) status() obj {
	if x.deleted {
		return obj{"statusCode": "INACTIVE"}
	}
	return obj{"statusCode": "ACTIVE"}
}

// configJSON renders one ExpressGatewayServiceConfiguration.
func (x *expressService) configJSON(c expressConfig) obj {
	o := obj{}
	for k, v := range c.fields {
		o[k] = clone(v)
	}
	o["createdAt"] = epoch(c.at)
	o["taskDefinitionArn"] = c.taskDef
	if c.revisionArn != "" {
		o["serviceRevisionArn"] = c.revisionArn
	}
	o["ingressPaths"] = []any{obj{"accessType": "PUBLIC", "endpoint": x.endpoint}}
	return o
}

// JSON renders the ECSExpressGatewayService.
func (x *expressService) JSON() obj {
	o := obj{
		"serviceArn": x.arn, "serviceName": x.name, "cluster": x.cluster,
		"infrastructureRoleArn": x.infraRole, "status": x.status(),
		"createdAt": epoch(x.createdAt), "updatedAt": epoch(x.updatedAt),
	}
	if len(x.tags) > 0 {
		o["tags"] = clone(x.tags)
	}
	if !x.deleted && len(x.configs) > 0 {
		o["activeConfigurations"] = []any{x.configJSON(x.configs[0])}
	}
	return o
}

// expressEndpoint is the public ingress URL ECS gives the service
// (<name>-<id>.ecs.<region>.on.aws).
func expressEndpoint(name, id, region string) string {
	return fmt.Sprintf("%s-%s.ecs.%s.on.aws", name, id, region)
}
