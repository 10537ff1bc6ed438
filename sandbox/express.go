package sandbox

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
)

// internal runs one of the proxy's own ECS handlers (or moto, when the proxy has
// none) for a request the sandbox makes itself, e.g. the CreateService behind
// CreateExpressGatewayService. It is not counted as a client call.
func (e *ecsCall) internal(op string, req obj) (obj, error) {
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

func (e *ecsCall) findExpress(arn string) *expressService {
	e.a.mu.Lock()
	defer e.a.mu.Unlock()
	return e.a.express[arn]
}

// createExpressGatewayService creates the managed load balancer, target group and
// listener in ELBv2, the service's task definition and the ECS service behind them,
// whose first deployment then progresses on the sandbox clock like any service's.
func (e *ecsCall) createExpressGatewayService() {
	req, ok := e.request()
	if !ok {
		return
	}
	name, cluster := str(req, "serviceName"), lastSegment(str(req, "cluster"), "default")
	if name == "" {
		name = "express-" + e.a.hex(8)
	}
	if str(req, "infrastructureRoleArn") == "" {
		e.fail("InvalidParameterException", "infrastructureRoleArn is required")
		return
	}
	if str(sub(req, "primaryContainer"), "image") == "" && str(req, "taskDefinitionArn") == "" {
		e.fail("InvalidParameterException", "primaryContainer.image is required")
		return
	}
	f := obj{}
	for _, k := range expressConfigFields {
		if v, ok := req[k]; ok && v != nil {
			f[k] = clone(v)
		}
	}
	f = expressDefaults(f)
	var subnets, sgs []string
	vpc := ""
	if nc := sub(f, "networkConfiguration"); nc != nil {
		for _, v := range list(nc, "subnets") {
			subnets = append(subnets, fmt.Sprint(v))
		}
		for _, v := range list(nc, "securityGroups") {
			sgs = append(sgs, fmt.Sprint(v))
		}
		if len(subnets) > 0 {
			vpc = e.vpcOf(subnets[0])
		}
	}
	if len(subnets) == 0 {
		var err error
		if subnets, vpc, err = e.defaultSubnets(); err != nil {
			e.fail("ServerException", "sandbox: "+err.Error())
			return
		}
	}
	id := e.a.hex(12)
	lbForm := url.Values{"Action": {"CreateLoadBalancer"}, "Name": {"ecs-express-" + id[:8]}}
	for i, s := range subnets {
		lbForm.Set(fmt.Sprintf("Subnets.member.%d", i+1), s)
	}
	for i, s := range sgs {
		lbForm.Set(fmt.Sprintf("SecurityGroups.member.%d", i+1), s)
	}
	lb, err := e.elb(lbForm, `<LoadBalancerArn>([^<]+)</LoadBalancerArn>`)
	if err != nil {
		e.fail("InvalidParameterException", "sandbox: managed load balancer: "+err.Error())
		return
	}
	port, _ := num(sub(f, "primaryContainer"), "containerPort")
	tg, err := e.elb(url.Values{"Action": {"CreateTargetGroup"}, "Name": {"ecs-express-tg-" + id[:8]}, "Protocol": {"HTTP"},
		"Port": {fmt.Sprint(port)}, "VpcId": {vpc}, "TargetType": {"ip"}, "HealthCheckPath": {str(f, "healthCheckPath")}},
		`<TargetGroupArn>([^<]+)</TargetGroupArn>`)
	if err != nil {
		e.fail("InvalidParameterException", "sandbox: managed target group: "+err.Error())
		return
	}
	// ECS listens on HTTPS 443 with a managed certificate; the sandbox has no ACM, so
	// its listener is HTTP 80 with the same forward action.
	listener, err := e.elb(url.Values{"Action": {"CreateListener"}, "LoadBalancerArn": {lb}, "Protocol": {"HTTP"}, "Port": {"80"},
		"DefaultActions.member.1.Type": {"forward"}, "DefaultActions.member.1.TargetGroupArn": {tg}}, `<ListenerArn>([^<]+)</ListenerArn>`)
	if err != nil {
		e.fail("InvalidParameterException", "sandbox: managed listener: "+err.Error())
		return
	}
	tdArn := str(req, "taskDefinitionArn")
	if tdArn == "" {
		reg, err := e.internal("RegisterTaskDefinition", expressTaskDefinition(cluster+"-"+name, f))
		if err != nil {
			e.fail("InvalidParameterException", err.Error())
			return
		}
		tdArn = str(sub(reg, "taskDefinition"), "taskDefinitionArn")
	}
	minTasks, _ := num(sub(f, "scalingTarget"), "minTaskCount")
	netw := obj{"subnets": toAny(subnets), "assignPublicIp": "ENABLED"}
	if len(sgs) > 0 {
		netw["securityGroups"] = toAny(sgs)
	}
	svcReq := obj{
		"cluster": cluster, "serviceName": name, "taskDefinition": tdArn, "desiredCount": minTasks, "launchType": "FARGATE",
		"networkConfiguration": obj{"awsvpcConfiguration": netw},
		"loadBalancers":        []any{obj{"targetGroupArn": tg, "containerName": "Main", "containerPort": port}},
		// Express Mode deploys with the circuit breaker and rollback on.
		"deploymentConfiguration": obj{"deploymentCircuitBreaker": obj{"enable": true, "rollback": true}},
	}
	if tags := list(req, "tags"); len(tags) > 0 {
		svcReq["tags"] = clone(tags)
	}
	created, err := e.internal("CreateService", svcReq)
	if err != nil {
		_, _ = e.elb(url.Values{"Action": {"DeleteLoadBalancer"}, "LoadBalancerArn": {lb}}, "")
		e.fail("InvalidParameterException", err.Error())
		return
	}
	svc := sub(created, "service")
	a := e.a
	a.mu.Lock()
	T := a.clock.Now()
	x := &expressService{
		arn: str(svc, "serviceArn"), name: name, cluster: str(svc, "clusterArn"), region: e.c.Region,
		infraRole: str(req, "infrastructureRoleArn"), createdAt: T, updatedAt: T, tags: list(req, "tags"),
		lbArn: lb, tgArn: tg, listenerArn: listener, endpoint: expressEndpoint(name, id, e.c.Region),
	}
	rev := ""
	if s := a.services[serviceKey(e.c.Region, cluster, name)]; s != nil {
		s.attrs["resourceManagementType"] = "ECS"
		if P := s.primary(T); P != nil {
			rev = s.revisionArn(P)
		}
	}
	x.configs = []expressConfig{{at: T, fields: f, taskDef: tdArn, revisionArn: rev}}
	if a.express == nil {
		a.express = map[string]*expressService{}
	}
	a.express[x.arn] = x
	out := x.JSON()
	a.mu.Unlock()
	e.ok(obj{"service": out})
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (e *ecsCall) describeExpressGatewayService() {
	req, ok := e.request()
	if !ok {
		return
	}
	x := e.findExpress(str(req, "serviceArn"))
	if x == nil {
		e.failf("ResourceNotFoundException", "express gateway service %s not found", str(req, "serviceArn"))
		return
	}
	e.a.mu.Lock()
	out := x.JSON()
	e.a.mu.Unlock()
	e.ok(obj{"service": out})
}

// updateExpressGatewayService merges the request into the active configuration,
// registers a new task definition when the task changes and updates the ECS
// service, which starts a deployment the clock then moves.
func (e *ecsCall) updateExpressGatewayService() {
	req, ok := e.request()
	if !ok {
		return
	}
	x := e.findExpress(str(req, "serviceArn"))
	if x == nil || x.deleted {
		e.failf("ResourceNotFoundException", "express gateway service %s not found", str(req, "serviceArn"))
		return
	}
	e.a.mu.Lock()
	old := x.configs[0]
	e.a.mu.Unlock()
	f := mergeExpress(old.fields, req)
	tdArn := old.taskDef
	if v := str(req, "taskDefinitionArn"); v != "" {
		tdArn = v
	} else if needsTaskDefinition(old.fields, f) {
		reg, err := e.internal("RegisterTaskDefinition", expressTaskDefinition(lastSegment(x.cluster, "default")+"-"+x.name, f))
		if err != nil {
			e.fail("InvalidParameterException", err.Error())
			return
		}
		tdArn = str(sub(reg, "taskDefinition"), "taskDefinitionArn")
	}
	minTasks, _ := num(sub(f, "scalingTarget"), "minTaskCount")
	upd := obj{"cluster": x.cluster, "service": x.name, "taskDefinition": tdArn, "desiredCount": minTasks}
	if canon(old.fields) == canon(f) && tdArn == old.taskDef {
		upd["forceNewDeployment"] = true // an update always deploys
	}
	if _, err := e.internal("UpdateService", upd); err != nil {
		e.fail("InvalidParameterException", err.Error())
		return
	}
	a := e.a
	a.mu.Lock()
	T := a.clock.Now()
	rev := ""
	if s := a.services[serviceKey(x.region, lastSegment(x.cluster, "default"), x.name)]; s != nil {
		if P := s.primary(T); P != nil {
			rev = s.revisionArn(P)
		}
	}
	x.configs = append([]expressConfig{{at: T, fields: f, taskDef: tdArn, revisionArn: rev}}, x.configs...)
	x.updatedAt = T
	out := obj{"serviceArn": x.arn, "serviceName": x.name, "cluster": x.cluster, "status": x.status(),
		"targetConfiguration": x.configJSON(x.configs[0]), "createdAt": epoch(x.createdAt), "updatedAt": epoch(T)}
	a.mu.Unlock()
	e.ok(obj{"service": out})
}

// deleteExpressGatewayService deletes the ECS service (its tasks drain) and the
// managed load balancer.
func (e *ecsCall) deleteExpressGatewayService() {
	req, ok := e.request()
	if !ok {
		return
	}
	x := e.findExpress(str(req, "serviceArn"))
	if x == nil || x.deleted {
		e.failf("ResourceNotFoundException", "express gateway service %s not found", str(req, "serviceArn"))
		return
	}
	if _, err := e.internal("DeleteService", obj{"cluster": x.cluster, "service": x.name, "force": true}); err != nil {
		e.fail("ServerException", err.Error())
		return
	}
	if _, err := e.elb(url.Values{"Action": {"DeleteLoadBalancer"}, "LoadBalancerArn": {x.lbArn}}, ""); err != nil {
		e.fail("ServerException", "sandbox: "+err.Error())
		return
	}
	_, _ = e.elb(url.Values{"Action": {"DeleteTargetGroup"}, "TargetGroupArn": {x.tgArn}}, "")
	e.a.mu.Lock()
	x.deleted, x.deletedAt = true, e.a.clock.Now()
	out := x.JSON()
	out["status"] = obj{"statusCode": "DRAINING"}
	e.a.mu.Unlock()
	e.ok(obj{"service": out})
}
