package sandbox

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// internal runs one of the proxy's own ECS handlers (or moto, when the proxy has
// none) for a request the sandbox makes itself, e.g. the CreateService behind
// CreateExpressGatewayService. It is not counted as a client call.
func (e *ecsCall) internal(op string, req any) (obj, error) {
	body, err := marshal(req)
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	c := e.c
	c.Operation, c.Target = op, ecsTargetPrefix+op
	in := &ecsCall{s: e.s, a: e.a, c: c, body: body, ctx: e.ctx, w: rec}
	if h := ecsHandler(op); h != nil {
		h(in)
	} else {
		status, b, err := in.forward(body)
		if err != nil {
			return nil, err
		}
		rec.WriteHeader(status)
		_, _ = rec.Write(b)
	}
	out, err := decodeObj(rec.Body.Bytes())
	if rec.Code != 200 {
		return nil, fmt.Errorf("%s: %s", op, strings.TrimSpace(rec.Body.String()))
	}
	return out, err
}

// elb makes one ELBv2 query call to moto and returns the first match of re.
func (e *ecsCall) elb(form url.Values, re string) (string, error) {
	form.Set("Version", "2015-12-01")
	status, b, err := e.s.motoQuery(e.ctx, e.a.id, e.c.Region, "elasticloadbalancing", form)
	if err != nil {
		return "", err
	}
	if status != 200 {
		return "", fmt.Errorf("elbv2 %s: %s", form.Get("Action"), b)
	}
	if re == "" {
		return "", nil
	}
	m := regexp.MustCompile(re).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("elbv2 %s: no %s in reply", form.Get("Action"), re)
	}
	return string(m[1]), nil
}

// defaultSubnets returns the subnets and VPC of the account's default VPC, which
// Express Mode uses when the request names no network (CreateExpressGatewayService
// API reference, networkConfiguration).
func (e *ecsCall) defaultSubnets() ([]string, string, error) {
	status, b, err := e.s.motoQuery(e.ctx, e.a.id, e.c.Region, "ec2", url.Values{"Action": {"DescribeSubnets"}, "Version": {"2016-11-15"}})
	if err != nil || status != 200 {
		return nil, "", fmt.Errorf("ec2 DescribeSubnets: %v %s", err, b)
	}
	var subnets []string
	for _, m := range regexp.MustCompile(`<subnetId>(subnet-[0-9a-f]+)</subnetId>`).FindAllSubmatch(b, -1) {
		subnets = append(subnets, string(m[1]))
	}
	vpc := ""
	if m := regexp.MustCompile(`<vpcId>(vpc-[0-9a-f]+)</vpcId>`).FindSubmatch(b); m != nil {
		vpc = string(m[1])
	}
	if len(subnets) > 2 {
		subnets = subnets[:2]
	}
	return subnets, vpc, nil
}

// vpcOf returns the VPC of a subnet.
func (e *ecsCall) vpcOf(subnet string) string {
	status, b, err := e.s.motoQuery(e.ctx, e.a.id, e.c.Region, "ec2", url.Values{"Action": {"DescribeSubnets"}, "Version": {"2016-11-15"}, "SubnetId.1": {subnet}})
	if err != nil || status != 200 {
		return ""
	}
	if m := regexp.MustCompile(`<vpcId>(vpc-[0-9a-f]+)</vpcId>`).FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

// liveExpress finds the Express Mode service a request names, or answers that
// there is none (a deleted one only when deleted is true).
func (e *ecsCall) liveExpress(arn string, deleted bool) *expressService {
	e.a.mu.Lock()
	x := e.a.express[arn]
	e.a.mu.Unlock()
	if x == nil || (x.deleted && !deleted) {
		e.failf("ResourceNotFoundException", "express gateway service %s not found", arn)
		return nil
	}
	return x
}

// decode decodes the request into a typed value, or answers that it cannot.
func (e *ecsCall) decode(v any) bool {
	if err := decodeInto(e.body, v); err != nil {
		e.fail("SerializationException", "sandbox: "+err.Error())
		return false
	}
	return true
}

// expressNetwork is the subnets, security groups and VPC of a configuration: the
// default VPC's when it names no subnets.
func (e *ecsCall) expressNetwork(f expressConfigMembers) (subnets, sgs []string, vpc string, err error) {
	if nc := f.NetworkConfiguration; nc != nil {
		subnets, sgs = nc.Subnets, nc.SecurityGroups
		if len(subnets) > 0 {
			vpc = e.vpcOf(subnets[0])
		}
	}
	if len(subnets) == 0 {
		subnets, vpc, err = e.defaultSubnets()
	}
	return subnets, sgs, vpc, err
}

// expressLoadBalancerArns are the load balancer, target group and listener ECS manages
// for an Express Mode service.
type expressLoadBalancerArns struct{ lb, tg, listener string }

// createManagedLoadBalancer creates them in ELBv2 (moto). ECS listens on HTTPS 443
// with a managed certificate; the sandbox has no ACM, so its listener is HTTP 80
// with the same forward action.
func (e *ecsCall) createManagedLoadBalancer(id string, subnets, sgs []string, vpc string, port int, healthCheckPath string) (expressLoadBalancerArns, error) {
	var out expressLoadBalancerArns
	lbForm := url.Values{"Action": {"CreateLoadBalancer"}, "Name": {"ecs-express-" + id[:8]}}
	for i, s := range subnets {
		lbForm.Set(fmt.Sprintf("Subnets.member.%d", i+1), s)
	}
	for i, s := range sgs {
		lbForm.Set(fmt.Sprintf("SecurityGroups.member.%d", i+1), s)
	}
	var err error
	if out.lb, err = e.elb(lbForm, `<LoadBalancerArn>([^<]+)</LoadBalancerArn>`); err != nil {
		return out, fmt.Errorf("managed load balancer: %w", err)
	}
	if out.tg, err = e.elb(url.Values{"Action": {"CreateTargetGroup"}, "Name": {"ecs-express-tg-" + id[:8]}, "Protocol": {"HTTP"},
		"Port": {fmt.Sprint(port)}, "VpcId": {vpc}, "TargetType": {"ip"}, "HealthCheckPath": {healthCheckPath}},
		`<TargetGroupArn>([^<]+)</TargetGroupArn>`); err != nil {
		return out, fmt.Errorf("managed target group: %w", err)
	}
	if out.listener, err = e.elb(url.Values{"Action": {"CreateListener"}, "LoadBalancerArn": {out.lb}, "Protocol": {"HTTP"}, "Port": {"80"},
		"DefaultActions.member.1.Type": {"forward"}, "DefaultActions.member.1.TargetGroupArn": {out.tg}}, `<ListenerArn>([^<]+)</ListenerArn>`); err != nil {
		return out, fmt.Errorf("managed listener: %w", err)
	}
	return out, nil
}

// registerExpressTaskDefinition registers the task definition of configuration f
// and returns its ARN.
func (e *ecsCall) registerExpressTaskDefinition(family string, f expressConfigMembers) (string, error) {
	reg, err := e.internal("RegisterTaskDefinition", expressTaskDefinition(family, f))
	return str(sub(reg, "taskDefinition"), "taskDefinitionArn"), err
}

// expressDeployment is how Express Mode deploys: with the circuit breaker and
// rollback on.
var expressDeployment = expressDeploymentConf{expressCircuitBreaker{Enable: true, Rollback: true}}

// missing names what CreateExpressGatewayService requires and the request lacks.
func (req createExpressRequest) missing() string {
	switch {
	case req.InfrastructureRoleArn == "":
		return "infrastructureRoleArn is required"
	case (req.PrimaryContainer == nil || req.PrimaryContainer.Image == "") && req.TaskDefinitionArn == "":
		return "primaryContainer.image is required"
	}
	return ""
}

// createExpressGatewayService creates the managed load balancer, target group and
// listener in ELBv2, the service's task definition and the ECS service behind them,
// whose first deployment then progresses on the sandbox clock like any service's.
func (e *ecsCall) createExpressGatewayService() {
	var req createExpressRequest
	if !e.decode(&req) {
		return
	}
	name, cluster := req.ServiceName, lastSegment(req.Cluster, "default")
	if name == "" {
		name = "express-" + e.a.hex(8)
	}
	if msg := req.missing(); msg != "" {
		e.fail("InvalidParameterException", msg)
		return
	}
	f := expressDefaults(req.expressConfigMembers)
	subnets, sgs, vpc, err := e.expressNetwork(f)
	if err != nil {
		e.fail("ServerException", "sandbox: "+err.Error())
		return
	}
	id := e.a.hex(12)
	port := *f.PrimaryContainer.ContainerPort
	lb, err := e.createManagedLoadBalancer(id, subnets, sgs, vpc, port, f.HealthCheckPath)
	if err != nil {
		e.fail("InvalidParameterException", "sandbox: "+err.Error())
		return
	}
	tdArn := req.TaskDefinitionArn
	if tdArn == "" {
		if tdArn, err = e.registerExpressTaskDefinition(cluster+"-"+name, f); err != nil {
			e.fail("InvalidParameterException", err.Error())
			return
		}
	}
	created, err := e.internal("CreateService", expressCreateService{
		Cluster: cluster, ServiceName: name, TaskDefinition: tdArn, DesiredCount: *f.ScalingTarget.MinTaskCount, LaunchType: "FARGATE",
		NetworkConfiguration:    wireNetworkConfig{wireAwsvpc{Subnets: subnets, SecurityGroups: sgs, AssignPublicIP: "ENABLED"}},
		LoadBalancers:           []expressLoadBalancer{{TargetGroupArn: lb.tg, ContainerName: "Main", ContainerPort: port}},
		DeploymentConfiguration: expressDeployment, Tags: req.Tags,
	})
	if err != nil {
		_, _ = e.elb(url.Values{"Action": {"DeleteLoadBalancer"}, "LoadBalancerArn": {lb.lb}}, "")
		e.fail("InvalidParameterException", err.Error())
		return
	}
	svc := sub(created, "service")
	x := &expressService{
		arn: str(svc, "serviceArn"), name: name, cluster: str(svc, "clusterArn"), region: e.c.Region,
		infraRole: req.InfrastructureRoleArn, tags: req.Tags,
		lbArn: lb.lb, tgArn: lb.tg, listenerArn: lb.listener, endpoint: expressEndpoint(name, id, e.c.Region),
	}
	e.ok(wireExpressAnswer{e.a.addExpress(x, f, tdArn)})
}

// addExpress records a new Express Mode service, whose ECS service ECS now
// manages, with its first configuration, and renders it.
func (a *account) addExpress(x *expressService, f expressConfigMembers, tdArn string) wireExpressService {
	a.mu.Lock()
	defer a.mu.Unlock()
	T := a.clock.Now()
	x.createdAt, x.updatedAt = T, T
	if s := a.services[serviceKey(x.region, lastSegment(x.cluster, "default"), x.name)]; s != nil {
		s.attrs["resourceManagementType"] = "ECS"
	}
	x.configs = []expressConfig{{at: T, fields: f, taskDef: tdArn, revisionArn: x.primaryRevision(a, T)}}
	if a.express == nil {
		a.express = map[string]*expressService{}
	}
	a.express[x.arn] = x
	return x.JSON()
}

// primaryRevision is the service revision of the ECS service's primary
// deployment at T ("" when there is none). The account is locked.
func (x *expressService) primaryRevision(a *account, T time.Time) string {
	if s := a.services[serviceKey(x.region, lastSegment(x.cluster, "default"), x.name)]; s != nil {
		if P := s.primary(T); P != nil {
			return s.revisionArn(P)
		}
	}
	return ""
}

func (e *ecsCall) describeExpressGatewayService() {
	var req expressRef
	if !e.decode(&req) {
		return
	}
	if x := e.liveExpress(req.ServiceArn, true); x != nil {
		e.a.mu.Lock()
		defer e.a.mu.Unlock()
		e.ok(wireExpressAnswer{x.JSON()})
	}
}

// updateExpressGatewayService merges the request into the active configuration,
// registers a new task definition when the task changes and updates the ECS
// service, which starts a deployment the clock then moves.
func (e *ecsCall) updateExpressGatewayService() {
	var req updateExpressRequest
	if !e.decode(&req) {
		return
	}
	x := e.liveExpress(req.ServiceArn, false)
	if x == nil {
		return
	}
	e.a.mu.Lock()
	old := x.configs[0]
	e.a.mu.Unlock()
	f := mergeExpress(old.fields, req.expressConfigMembers)
	tdArn := old.taskDef
	if req.TaskDefinitionArn != "" {
		tdArn = req.TaskDefinitionArn
	} else if needsTaskDefinition(old.fields, f) {
		var err error
		if tdArn, err = e.registerExpressTaskDefinition(lastSegment(x.cluster, "default")+"-"+x.name, f); err != nil {
			e.fail("InvalidParameterException", err.Error())
			return
		}
	}
	upd := expressUpdateService{Cluster: x.cluster, Service: x.name, TaskDefinition: tdArn, DesiredCount: *f.ScalingTarget.MinTaskCount,
		ForceNewDeployment: canon(old.fields) == canon(f) && tdArn == old.taskDef} // an update always deploys
	if _, err := e.internal("UpdateService", upd); err != nil {
		e.fail("InvalidParameterException", err.Error())
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	T := a.clock.Now()
	x.configs = append([]expressConfig{{at: T, fields: f, taskDef: tdArn, revisionArn: x.primaryRevision(a, T)}}, x.configs...)
	x.updatedAt = T
	e.ok(wireExpressUpdated{wireUpdatedExpressService{ServiceArn: x.arn, ServiceName: x.name, Cluster: x.cluster, Status: x.status(),
		TargetConfiguration: x.configJSON(x.configs[0]), CreatedAt: epoch(x.createdAt), UpdatedAt: epoch(T)}})
}

// deleteExpressGatewayService deletes the ECS service (its tasks drain) and the
// managed load balancer.
func (e *ecsCall) deleteExpressGatewayService() {
	var req expressRef
	if !e.decode(&req) {
		return
	}
	x := e.liveExpress(req.ServiceArn, false)
	if x == nil {
		return
	}
	if _, err := e.internal("DeleteService", expressDeleteService{Cluster: x.cluster, Service: x.name, Force: true}); err != nil {
		e.fail("ServerException", err.Error())
		return
	}
	if _, err := e.elb(url.Values{"Action": {"DeleteLoadBalancer"}, "LoadBalancerArn": {x.lbArn}}, ""); err != nil {
		e.fail("ServerException", "sandbox: "+err.Error())
		return
	}
	_, _ = e.elb(url.Values{"Action": {"DeleteTargetGroup"}, "TargetGroupArn": {x.tgArn}}, "")
	e.a.mu.Lock()
	defer e.a.mu.Unlock()
	x.deleted, x.deletedAt = true, e.a.clock.Now()
	out := x.JSON()
	out.Status = wireExpressStatus{"DRAINING"}
	e.ok(wireExpressAnswer{out})
}
