package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// keptFields are service-level fields of CreateService/UpdateService that the proxy
// stores and overlays on moto's replies. moto 5.2.1 silently drops most of them on
// CreateService (capacityProviderStrategy, deploymentConfiguration,
// enableExecuteCommand, healthCheckGracePeriodSeconds, placement*, enableECSManagedTags,
// availabilityZoneRebalancing…); keeping all of them makes the overlay idempotent.
var keptFields = []string{
	"capacityProviderStrategy", "deploymentConfiguration", "enableExecuteCommand",
	"healthCheckGracePeriodSeconds", "placementConstraints", "placementStrategy",
	"enableECSManagedTags", "propagateTags", "availabilityZoneRebalancing",
	"networkConfiguration", "loadBalancers", "serviceRegistries", "platformVersion",
}

// deploymentFields are reported per deployment, not per service (Deployment in the
// ECS API reference carries serviceConnectConfiguration and volumeConfigurations;
// Service does not).
var deploymentFields = []string{
	"networkConfiguration", "capacityProviderStrategy", "serviceConnectConfiguration",
	"volumeConfigurations", "vpcLatticeConfigurations", "loadBalancers", "serviceRegistries",
}

// redeployFields start a new deployment when UpdateService changes them. The
// UpdateService API reference: changing the task definition, network configuration,
// load balancers, service registries or platform version makes ECS start new tasks
// with the new configuration; a non-null volumeConfigurations triggers a deployment;
// capacity provider strategy, Service Connect and VPC Lattice changes need new tasks
// too. forceNewDeployment always starts one.
var redeployFields = []string{
	"networkConfiguration", "loadBalancers", "serviceRegistries", "platformVersion",
	"capacityProviderStrategy", "serviceConnectConfiguration", "volumeConfigurations",
	"vpcLatticeConfigurations",
}

// defaultDeploymentConfiguration fills what ECS reports for a REPLICA service with the
// rolling update controller when the caller leaves it out (DeploymentConfiguration in
// the API reference: maximumPercent 200, minimumHealthyPercent 100, circuit breaker off).
func defaultDeploymentConfiguration(dc obj) obj {
	if dc == nil {
		dc = obj{}
	}
	if _, ok := dc["maximumPercent"]; !ok {
		dc["maximumPercent"] = 200
	}
	if _, ok := dc["minimumHealthyPercent"]; !ok {
		dc["minimumHealthyPercent"] = 100
	}
	if _, ok := dc["deploymentCircuitBreaker"]; !ok {
		dc["deploymentCircuitBreaker"] = obj{"enable": false, "rollback": false}
	}
	if _, ok := dc["strategy"]; !ok {
		dc["strategy"] = "ROLLING"
	}
	return dc
}

func (e *ecsCall) createService() {
	e.writeService(nil, func(req, td, svc obj, T time.Time) {
		a := e.a
		s := newService(e.c.Region, svc, req, T)
		a.services[serviceKey(s.region, s.cluster, s.name)] = s
		if td != nil {
			s.firstDeployment(a, T, td, req)
		}
		s.render(svc, a.clock.Now())
	})
}

// writeService runs CreateService or UpdateService: unless reject refuses the
// request (and answers it), moto creates or changes the service (forwardService);
// then apply brings the simulation up to date, under the account's lock at T, with
// the request, its task definition and moto's Service; the answer is moto's, as
// apply leaves it.
func (e *ecsCall) writeService(reject func(req obj) bool, apply func(req, td, svc obj, T time.Time)) {
	req, ok := e.request()
	if !ok {
		return
	}
	if reject != nil && reject(req) {
		return
	}
	td, reply, ok := e.forwardService(req)
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	apply(req, td, sub(reply, "service"), a.clock.Now())
	e.ok(reply)
}

// newService is the simulated side of a service moto just created (svc) from req:
// the fields the proxy keeps, with the defaults of the CreateService API reference.
func newService(region string, svc, req obj, T time.Time) *service {
	s := &service{
		region:     region,
		cluster:    lastSegment(str(svc, "clusterArn"), "default"),
		clusterArn: str(svc, "clusterArn"),
		name:       str(svc, "serviceName"),
		arn:        str(svc, "serviceArn"),
		controller: "ECS",
		createdAt:  T,
		attrs:      obj{},
	}
	if dc := sub(req, "deploymentController"); str(dc, "type") != "" {
		s.controller = str(dc, "type")
	}
	s.desired, _ = num(req, "desiredCount")
	for _, k := range keptFields {
		if v, ok := req[k]; ok {
			s.attrs[k] = clone(v)
		}
	}
	if s.controller == "ECS" && str(req, "schedulingStrategy") != "DAEMON" {
		s.attrs["deploymentConfiguration"] = defaultDeploymentConfiguration(sub(s.attrs, "deploymentConfiguration"))
	}
	for k, def := range map[string]any{"enableECSManagedTags": false, "enableExecuteCommand": false, "propagateTags": "NONE"} {
		if _, ok := s.attrs[k]; !ok {
			s.attrs[k] = def
		}
	}
	launchType := str(req, "launchType")
	if launchType == "" && len(list(req, "capacityProviderStrategy")) == 0 {
		launchType = "EC2" // CreateService API reference: EC2 is the default launch type
	}
	if launchType != "" {
		s.attrs["launchType"] = launchType
	}
	if launchType == "FARGATE" && str(req, "platformVersion") == "" {
		s.attrs["platformVersion"] = "LATEST"
	}
	return s
}

// firstDeployment starts a new service on td: the first deployment of an ECS
// service, or the first task set, PRIMARY at 100%, of a CODE_DEPLOY one (
// ecs_tasksets.go); EXTERNAL services get theirs from CreateTaskSet.
func (s *service) firstDeployment(a *account, T time.Time, td, req obj) {
	switch s.controller {
	case "ECS":
		var cfg revisionCfg
		cfg.overlay(req, deploymentFields)
		s.startDeployment(a, T, td, cfg, nil)
	case "CODE_DEPLOY":
		ts := s.newTaskSet(a, T, td, taskSetCfg(req), str(s.attrs, "launchType"), str(req, "platformVersion"), 100)
		ts.status = "PRIMARY"
		s.planTaskSets(a, T)
	}
}

// startDeployment creates a new PRIMARY deployment and its ServiceDeployment at T.
// An in-flight ServiceDeployment is superseded (it becomes STOPPED and its ECS
// deployment ACTIVE and draining), as "View service history using Amazon ECS service
// deployments" in the Developer Guide describes.
func (s *service) startDeployment(a *account, T time.Time, td obj, cfg revisionCfg, prev *deployment) *deployment {
	s.truncate(a, T)
	for _, sd := range s.sds {
		if st, _, _ := sd.status(T); st == "PENDING" || st == "IN_PROGRESS" || st == "ROLLBACK_REQUESTED" || st == "ROLLBACK_IN_PROGRESS" {
			sd.stoppedAt = T
			sd.stopReason = "Service deployment stopped because a newer service deployment started."
		}
	}
	d := a.newDeployment(T, td, cfg, str(s.attrs, "launchType"), str(s.attrs, "platformVersion"))
	d.desired = s.desired
	dc := sub(s.attrs, "deploymentConfiguration")
	cb := sub(dc, "deploymentCircuitBreaker")
	d.breaker, d.rollback = boolean(cb, "enable"), boolean(cb, "rollback")
	d.threshold = breakerThreshold(s.desired)
	if s.primary(T) != nil {
		// A traffic-shifting strategy needs a blue revision to shift from; the first
		// deployment of a service just starts its tasks.
		d.bg = bgConfigOf(dc) // ecs_bluegreen.go
	}
	d.early = earlySuccessOf(dc) // ecs_earlysuccess.go
	sd := &serviceDeployment{
		id:        a.sdID(),
		target:    d,
		createdAt: T,
		sources:   s.visibleDeployments(T),
	}
	sd.arn = fmt.Sprintf("arn:aws:ecs:%s:%s:service-deployment/%s/%s/%s", s.region, a.id, s.cluster, s.name, sd.id)
	d.sd = sd
	s.deployments = append(s.deployments, d)
	s.sds = append(s.sds, sd)
	s.plan(a, T)
	return d
}

// newDeployment is a deployment (of a service, or behind a task set) of td created at
// T with its configuration, launch type and platform version.
func (a *account) newDeployment(T time.Time, td obj, cfg revisionCfg, launchType, platformVersion string) *deployment {
	specs, beh := containerSpecs(td, nil)
	beh.crash = beh.crash || pullFailure(specs) != "" // tasks that never start fail like a crash loop (ecs_pullfail.go)
	d := &deployment{
		id:              a.deploymentID(),
		taskDef:         str(td, "taskDefinitionArn"),
		td:              td,
		specs:           specs,
		beh:             beh,
		dur:             a.scaled(a.opts.DeploymentDuration, beh),
		createdAt:       T,
		launchType:      launchType,
		platformVersion: platformVersion,
		cfg:             cfg,
	}
	d.revision = strings.TrimPrefix(d.id, "ecs-svc/")
	return d
}

func (e *ecsCall) updateService() {
	// A CODE_DEPLOY service refuses some changes (rejectCodeDeployUpdate, ecs_bluegreen_api.go).
	e.writeService(e.rejectCodeDeployUpdate, func(req, td, svc obj, T time.Time) {
		if s := e.a.services[e.repliedServiceKey(svc)]; s != nil {
			s.update(e.a, T, req, td)
			s.render(svc, T)
		}
	})
}

func (e *ecsCall) describeServices() {
	reply, ok := e.forwardWithTags("services") // moto's tags race: ecs_tagsrace.go
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	for _, v := range list(reply, "services") {
		svc, _ := v.(map[string]any)
		s := a.services[e.repliedServiceKey(svc)]
		if s != nil && str(svc, "status") == "ACTIVE" {
			s.render(svc, now)
		}
	}
	e.ok(reply)
}

// deleteService stops the service's tasks (DeleteService API reference: the service
// goes DRAINING, its tasks stop, then INACTIVE) and forgets the simulation.
func (e *ecsCall) deleteService() {
	reply, ok := e.forwardObj(e.body)
	if !ok {
		return
	}
	svc := sub(reply, "service")
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	key := e.repliedServiceKey(svc)
	if s := a.services[key]; s != nil {
		T := a.clock.Now()
		s.truncate(a, T)
		for _, t := range s.tasks {
			if t.alive(T) {
				t.stopAt, t.stopCause, t.stopReason = T, stopScheduler, "Service "+s.name+" deleted"
			}
		}
		delete(a.services, key)
	}
	e.ok(reply)
}

// listServices hides deleted services and pages (ListServices API reference:
// maxResults 1–100, default 10; INACTIVE services are not listed).
func (e *ecsCall) listServices() {
	req, ok := e.request()
	if !ok {
		return
	}
	fwd := obj{}
	for _, k := range []string{"cluster", "launchType", "schedulingStrategy"} {
		if v, ok := req[k]; ok {
			fwd[k] = v
		}
	}
	o, ok := e.forwardObj(mustMarshal(fwd))
	if !ok {
		return
	}
	cluster := lastSegment(str(req, "cluster"), "default")
	var arns []string
	e.a.mu.Lock()
	for _, v := range list(o, "serviceArns") {
		arn, _ := v.(string)
		if _, live := e.a.services[serviceKey(e.c.Region, cluster, lastSegment(arn, ""))]; live {
			arns = append(arns, arn)
		}
	}
	e.a.mu.Unlock()
	slices.Sort(arns)
	items, next, ok := e.page(req, arns, 10)
	if !ok {
		return
	}
	e.ok(wireServiceArns{ServiceArns: orEmpty(items), NextToken: next})
}

// motoSafe encodes a CreateService/UpdateService request for moto. moto 5.2.1 raises
// KeyError (HTTP 500) on an awsvpcConfiguration without securityGroups, which ECS
// accepts (AwsVpcConfiguration in the API reference: securityGroups is optional), so
// the copy sent to moto carries an empty list; the caller's value is what the proxy
// keeps and reports.
func motoSafe(req obj) []byte {
	c := clone(req).(map[string]any)
	// ECS accepts "networkConfiguration": {} (bridge and host services have none)
	// and reports it back; moto 5.2.1 answers it with a 500, so it is not forwarded.
	if nc, ok := c["networkConfiguration"].(map[string]any); ok && sub(nc, "awsvpcConfiguration") == nil {
		delete(c, "networkConfiguration")
	}
	if vpc := sub(sub(c, "networkConfiguration"), "awsvpcConfiguration"); vpc != nil {
		if _, ok := vpc["securityGroups"]; !ok {
			vpc["securityGroups"] = []any{}
		}
	}
	return mustMarshal(c)
}

// forwardService resolves the request's task definition (moto stores the reference
// exactly as passed; ECS reports the ARN), passes CreateService or UpdateService to
// moto and decodes its reply; it answers errors itself.
func (e *ecsCall) forwardService(req obj) (td, reply obj, ok bool) {
	if ref := str(req, "taskDefinition"); ref != "" {
		if td, ok = e.taskDefinition(ref); !ok {
			return nil, nil, false
		}
		req["taskDefinition"] = str(td, "taskDefinitionArn")
	}
	reply, ok = e.forwardObj(motoSafe(req))
	return td, reply, ok
}

// update applies an UpdateService at T: the kept fields change at once; a new task
// definition, forceNewDeployment or a changed deployment field starts a deployment;
// a new desired count alone replans the current one (or scales the task sets).
func (s *service) update(a *account, T time.Time, req, td obj) {
	P := s.primary(T)
	redeploy := s.redeploys(req, td, P)
	for _, k := range keptFields {
		if v, ok := req[k]; ok {
			s.attrs[k] = clone(v)
		}
	}
	if dc, ok := req["deploymentConfiguration"].(map[string]any); ok && s.controller == "ECS" {
		s.attrs["deploymentConfiguration"] = defaultDeploymentConfiguration(clone(dc).(map[string]any))
	}
	if len(list(req, "capacityProviderStrategy")) > 0 {
		delete(s.attrs, "launchType")
	}
	newDesired := s.desired
	if n, ok := num(req, "desiredCount"); ok {
		newDesired = n
	}
	if s.controller == "ECS" && P != nil {
		switch {
		case redeploy:
			s.desired = newDesired
			cfg := P.cfg.clone()
			cfg.overlay(req, deploymentFields)
			if td == nil {
				td = P.td
			}
			s.startDeployment(a, T, td, cfg, P)
		case newDesired != s.desired:
			s.desired = newDesired
			s.truncate(a, T)
			s.plan(a, T)
		}
	}
	if s.usesTaskSets() && newDesired != s.desired {
		s.desired = newDesired
		s.planTaskSets(a, T) // task sets scale with the service (ecs_tasksets.go)
	}
	s.desired = newDesired
}

// redeploys reports whether an UpdateService starts a new deployment from P: forced,
// another task definition, or a deployment field that differs from P's.
func (s *service) redeploys(req, td obj, P *deployment) bool {
	if boolean(req, "forceNewDeployment") || (td != nil && (P == nil || str(td, "taskDefinitionArn") != P.taskDef)) {
		return true
	}
	for _, k := range redeployFields {
		v, ok := req[k]
		if !ok || v == nil {
			continue
		}
		var cur any
		if P != nil {
			cur = P.cfg.get(k)
		}
		if k == "platformVersion" {
			cur = s.attrs[k]
		}
		if canon(v) != canon(cur) {
			return true
		}
	}
	return false
}
