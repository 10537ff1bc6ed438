package sandbox

import (
	"fmt"
	"strings"
	"time"
)

// addNetwork gives an awsvpc task an ENI attachment, as Fargate and awsvpc tasks
// report it (Task.attachments, type ElasticNetworkInterface, in the API reference).
func (a *account) addNetwork(t *task, nc obj) {
	vpc := sub(nc, "awsvpcConfiguration")
	if vpc == nil {
		return
	}
	if subnets := list(vpc, "subnets"); len(subnets) > 0 {
		t.subnet, _ = subnets[0].(string)
	}
	t.eni = "eni-" + a.hex(17)
	t.ip = fmt.Sprintf("10.0.%d.%d", a.rng.IntN(250)+1, a.rng.IntN(250)+2)
}

// runRequest is a validated RunTask request.
type runRequest struct {
	req                 obj
	clusterArn, cluster string
	td, overrides, nc   obj
	specs               []containerSpec
	beh                 behaviour
	ebs                 []ebsVolume
	missingLogGroup     string
	launchType          string
	count               int
}

// runTask runs tasks in the proxy (moto's RunTask needs container-level memory, an
// explicit securityGroups key and registered instances, and replies with numbers the
// Go SDK cannot decode). Validation mirrors the RunTask API reference: count 1–10,
// the cluster and task definition must exist, awsvpc needs a network configuration.
func (e *ecsCall) runTask() {
	r, ok := e.runRequest()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	T := a.clock.Now()
	token := str(r.req, "clientToken")
	if prior, ok := a.runTokens[token]; ok && token != "" {
		// RunTask's clientToken makes the request idempotent (RunTask API reference):
		// the same token answers with the tasks the first request started.
		out := make([]wireTask, 0, len(prior))
		for _, arn := range prior {
			if t := a.tasks[arn]; t != nil {
				out = append(out, t.json(T, false))
			}
		}
		e.ok(wireTasks{Tasks: out, Failures: []wireFailure{}})
		return
	}
	out := make([]wireTask, 0, r.count)
	failures := []wireFailure{}
	limit := placeLimit(r.td, r.overrides)
	for i := range r.count {
		if limit >= 0 && i >= limit {
			failures = append(failures, placementFailure(r.launchType, r.clusterArn))
			continue
		}
		t := a.startTask(e.c.Region, r, T)
		out = append(out, t.json(T, false))
		if token != "" {
			if a.runTokens == nil {
				a.runTokens = map[string][]string{}
			}
			a.runTokens[token] = append(a.runTokens[token], t.arn)
		}
	}
	e.ok(wireTasks{Tasks: out, Failures: failures})
}

// runRequest reads and validates a RunTask request; it answers the error itself.
func (e *ecsCall) runRequest() (*runRequest, bool) {
	req, ok := e.request()
	if !ok {
		return nil, false
	}
	r := &runRequest{req: req, count: 1}
	if n, ok := num(req, "count"); ok {
		r.count = n
	}
	if r.count < 1 || r.count > 10 {
		e.fail("InvalidParameterException", "count must be between 1 and 10.")
		return nil, false
	}
	if r.clusterArn, ok = e.clusterArn(str(req, "cluster")); !ok {
		return nil, false
	}
	r.cluster = lastSegment(r.clusterArn, "default")
	td, ok := e.taskDefinition(str(req, "taskDefinition"))
	if !ok {
		return nil, false
	}
	r.td, r.nc = td, sub(req, "networkConfiguration")
	if str(td, "networkMode") == "awsvpc" && sub(r.nc, "awsvpcConfiguration") == nil {
		e.fail("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		return nil, false
	}
	if r.ebs, ok = e.ebsVolumes(req); !ok {
		return nil, false
	}
	r.overrides = sub(req, "overrides")
	r.specs, r.beh = containerSpecs(td, r.overrides)
	r.missingLogGroup = e.missingLogGroups(r.specs)
	r.launchType = str(req, "launchType")
	if r.launchType == "" && len(list(req, "capacityProviderStrategy")) == 0 {
		r.launchType = "EC2"
	}
	if len(list(req, "capacityProviderStrategy")) > 0 {
		r.launchType = "FARGATE"
	}
	return r, true
}

// startTask creates one task of r at T and scripts its lifecycle.
func (a *account) startTask(region string, r *runRequest, T time.Time) *task {
	start := a.scaled(2*time.Second, r.beh)
	run := a.scaled(a.opts.TaskRunDuration, r.beh)
	id := a.hex(32)
	t := &task{
		arn:        fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", region, a.id, r.cluster, id),
		id:         id,
		region:     region,
		cluster:    r.cluster,
		tdArn:      str(r.td, "taskDefinitionArn"),
		td:         r.td,
		specs:      r.specs,
		overrides:  r.overrides,
		group:      str(r.req, "group"),
		startedBy:  str(r.req, "startedBy"),
		launchType: r.launchType,
		tags:       list(r.req, "tags"),
		enableExec: boolean(r.req, "enableExecuteCommand"),
		createdAt:  T,
		pendingAt:  T.Add(start / 4),
		runningAt:  T.Add(start),
		stopSpan:   start / 2,
		cpu:        str(r.td, "cpu"),
		memory:     str(r.td, "memory"),
	}
	if t.group == "" {
		t.group = "family:" + str(r.td, "family")
	}
	if r.launchType == "FARGATE" {
		t.platformVersion = str(r.req, "platformVersion")
		if t.platformVersion == "" || t.platformVersion == "LATEST" {
			t.platformVersion = "1.4.0"
		}
	}
	if c := str(r.overrides, "cpu"); c != "" {
		t.cpu = c
	}
	if m := str(r.overrides, "memory"); m != "" {
		t.memory = m
	}
	a.addNetwork(t, r.nc)
	for _, v := range r.ebs {
		v.attachment, v.volumeID = a.uuid(), "vol-"+a.hex(17)
		t.ebs = append(t.ebs, v)
	}
	switch {
	case r.missingLogGroup != "":
		// The awslogs driver cannot create its stream, so the task never starts
		// ("Amazon ECS stopped tasks errors" in the Developer Guide).
		t.failStartReason = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
			"failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
	case pullFailure(r.specs) != "":
		t.failStartReason = pullFailure(r.specs)
	case r.beh.crash:
		t.exitAt = t.runningAt.Add(start / 4)
	case !r.beh.forever:
		t.exitAt = t.runningAt.Add(run)
	}
	a.tasks[t.arn] = t
	a.taskList = append(a.taskList, t)
	return t
}

// clusterArn checks that the cluster exists (ClusterNotFoundException otherwise).
func (e *ecsCall) clusterArn(ref string) (string, bool) {
	status, body, err := e.s.motoCall(e.ctx, e.a.id, e.c.Region, "ecs", ecsTargetPrefix+"DescribeClusters", obj{"clusters": []string{lastSegment(ref, "default")}, "include": []string{"TAGS"}}) // ecs_tagsrace.go
	if err != nil || status != 200 {
		e.relay(status, body, err)
		return "", false
	}
	o, err := decodeObj(body)
	if err != nil {
		e.fail("ServerException", "sandbox: "+err.Error())
		return "", false
	}
	for _, c := range list(o, "clusters") {
		if m, _ := c.(map[string]any); str(m, "status") == "ACTIVE" {
			return str(m, "clusterArn"), true
		}
	}
	e.fail("ClusterNotFoundException", "Cluster not found.")
	return "", false
}

// missingLogGroups returns the first awslogs group that does not exist and may not
// be created (awslogs-create-group unset), or "".
func (e *ecsCall) missingLogGroups(specs []containerSpec) string {
	for _, c := range specs {
		if c.logGroup == "" || c.createGroup {
			continue
		}
		region := c.logRegion
		if region == "" {
			region = e.c.Region
		}
		status, body, err := e.s.motoCall(e.ctx, e.a.id, region, "logs", "Logs_20140328.DescribeLogGroups", obj{"logGroupNamePrefix": c.logGroup})
		if err != nil || status != 200 {
			continue
		}
		o, _ := decodeObj(body)
		found := false
		for _, g := range list(o, "logGroups") {
			if m, _ := g.(map[string]any); str(m, "logGroupName") == c.logGroup {
				found = true
			}
		}
		if !found {
			return c.logGroup
		}
	}
	return ""
}

// json renders a task at now (Task in the ECS API reference). cpu and memory are
// strings, as the API model types them.
func (t *task) json(now time.Time, withTags bool) wireTask {
	last := t.lastStatus(now)
	stopAt, cause := t.stop()
	desired := "RUNNING"
	if after(now, stopAt) {
		desired = "STOPPED"
	}
	o := wireTask{
		TaskArn:               t.arn,
		ClusterArn:            fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", t.region, accountOfArn(t.arn), t.cluster),
		TaskDefinitionArn:     t.tdArn,
		LastStatus:            last,
		DesiredStatus:         desired,
		CreatedAt:             epoch(t.createdAt),
		Group:                 t.group,
		LaunchType:            t.launchType,
		Version:               1,
		AvailabilityZone:      t.region + "a",
		Connectivity:          "CONNECTED",
		ConnectivityAt:        epoch(t.createdAt),
		HealthStatus:          "UNKNOWN",
		EnableExecuteCommand:  t.execEnabled(), // a service task: the service's setting (ecs_exec.go)
		Overrides:             obj{"containerOverrides": []any{}, "inferenceAcceleratorOverrides": []any{}},
		Attributes:            []any{},
		InferenceAccelerators: []any{},
		StartedBy:             t.startedBy,
		CPU:                   t.cpu,
		Memory:                t.memory,
		PlatformVersion:       t.platformVersion,
	}
	if t.overrides != nil {
		o.Overrides = clone(t.overrides)
	}
	if t.platformVersion != "" {
		o.PlatformFamily = "Linux"
	}
	if withTags {
		tags := orEmptyAny(t.tags)
		o.Tags = &tags
	}
	started := t.failStartReason == "" && after(now, t.runningAt) && (stopAt.IsZero() || !stopAt.Before(t.runningAt))
	t.lifecycleJSON(&o, now, started)
	o.Attachments = t.attachmentsJSON(last)
	o.Containers = make([]wireContainer, 0, len(t.specs))
	for i, c := range t.specs {
		o.Containers = append(o.Containers, t.containerJSON(i, c, last, cause, started))
	}
	return o
}

// lifecycleJSON sets the task's pull, start and stop times and its stop reason at now.
func (t *task) lifecycleJSON(o *wireTask, now time.Time, started bool) {
	stopAt, cause := t.stop()
	if after(now, t.pendingAt) && t.failStartReason == "" {
		o.PullStartedAt = epoch(t.pendingAt)
		if after(now, t.runningAt) || started {
			o.PullStoppedAt = epoch(t.runningAt.Add(-time.Millisecond))
		}
	}
	if started {
		o.StartedAt = epoch(t.runningAt)
	}
	if after(now, stopAt) {
		o.StoppingAt, o.ExecutionStoppedAt, o.StopCode = epoch(stopAt), epoch(stopAt), cause
		reason := t.stopReason
		switch cause {
		case stopExit:
			reason = "Essential container in task exited"
		case stopFailStart:
			reason = t.failStartReason
		}
		o.StoppedReason = &reason
	}
	if after(now, t.stoppedAt()) {
		o.StoppedAt = epoch(t.stoppedAt())
	}
}

// attachmentsJSON renders the task's ENI and EBS attachments; their status follows
// the task's lastStatus.
func (t *task) attachmentsJSON(last string) []wireAttachment {
	status := "ATTACHED"
	switch last {
	case "PROVISIONING":
		status = "PRECREATED"
	case "STOPPED":
		status = "DELETED"
	}
	var out []wireAttachment
	if t.eni != "" {
		out = append(out, wireAttachment{
			ID:     t.attachmentID(),
			Type:   "ElasticNetworkInterface",
			Status: status,
			Details: []wireNameValue{
				{Name: "subnetId", Value: t.subnet},
				{Name: "networkInterfaceId", Value: t.eni},
				{Name: "macAddress", Value: "0a:00:00:00:00:01"},
				{Name: "privateIPv4Address", Value: t.ip},
			},
		})
	}
	for _, v := range t.ebs {
		out = append(out, v.attachmentJSON(status))
	}
	return out
}

// attachmentID is the id of the task's ENI attachment: its id as a UUID.
func (t *task) attachmentID() string {
	return t.id[:8] + "-" + t.id[8:12] + "-" + t.id[12:16] + "-" + t.id[16:20] + "-" + t.id[20:32]
}

// containerJSON renders container i of the task (Container in the API reference).
func (t *task) containerJSON(i int, c containerSpec, last, cause string, started bool) wireContainer {
	co := wireContainer{
		ContainerArn:      fmt.Sprintf("arn:aws:ecs:%s:%s:container/%s/%s/%s", t.region, accountOfArn(t.arn), t.cluster, t.id, c.name),
		TaskArn:           t.arn,
		Name:              c.name,
		Image:             c.image,
		LastStatus:        "PENDING",
		HealthStatus:      "UNKNOWN",
		RuntimeID:         fmt.Sprintf("%s-%d", t.id, i),
		NetworkBindings:   []any{},
		NetworkInterfaces: []wireNetworkInterface{},
	}
	if t.eni != "" {
		co.NetworkInterfaces = []wireNetworkInterface{{AttachmentID: t.attachmentID(), PrivateIpv4Address: t.ip}}
	}
	for _, cd := range list(t.td, "containerDefinitions") {
		m, _ := cd.(map[string]any)
		if str(m, "name") != c.name {
			continue
		}
		if n, ok := num(m, "cpu"); ok {
			co.CPU = fmt.Sprint(n)
		}
		if n, ok := num(m, "memory"); ok {
			co.Memory = fmt.Sprint(n)
		}
		if n, ok := num(m, "memoryReservation"); ok {
			co.MemoryReservation = fmt.Sprint(n)
		}
	}
	switch {
	case last == "STOPPED" || last == "DEPROVISIONING" || last == "STOPPING":
		co.LastStatus = "STOPPED"
		if started {
			code := t.exitCode(c)
			co.ExitCode = &code
		}
		if cause == stopFailStart {
			co.Reason = "CannotStartContainerError: task failed to start"
			if strings.HasPrefix(t.failStartReason, "CannotPullContainerError") {
				co.Reason = t.failStartReason
			}
		}
	case last == "RUNNING":
		co.LastStatus = "RUNNING"
	}
	return co
}

// exitCode is the container's exit code: its scripted code when it ran to its end,
// 143 (SIGTERM) when a user or the scheduler stopped it first.
func (t *task) exitCode(c containerSpec) int {
	if _, cause := t.stop(); cause == stopExit {
		return c.exitCode
	}
	return 143
}

func orEmptyAny(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

func (e *ecsCall) findTask(ref, cluster string) *task {
	if t, ok := e.a.tasks[ref]; ok {
		return t
	}
	id := lastSegment(ref, "")
	for _, t := range e.a.taskList {
		if t.id == id && t.cluster == cluster && t.region == e.c.Region {
			return t
		}
	}
	return nil
}

// visibleTask is the task ref names in cluster as of now (a task started later does
// not exist yet), or nil. The caller holds a.mu.
func (e *ecsCall) visibleTask(ref, cluster string, now time.Time) *task {
	if t := e.findTask(ref, cluster); t != nil && !t.createdAt.After(now) {
		return t
	}
	return nil
}

// requestedTask is the task req names by "cluster" and "task" as of now, or nil after
// answering that it was not found. The caller holds a.mu.
func (e *ecsCall) requestedTask(req obj, now time.Time) *task {
	t := e.visibleTask(str(req, "task"), lastSegment(str(req, "cluster"), "default"), now)
	if t == nil {
		e.fail("InvalidParameterException", "The referenced task was not found.")
	}
	return t
}

func (e *ecsCall) describeTasks(req obj, now time.Time) {
	cluster := lastSegment(str(req, "cluster"), "default")
	withTags := false
	for _, v := range list(req, "include") {
		withTags = withTags || v == "TAGS"
	}
	out, failures := describeEach(list(req, "tasks"), func(ref string) (wireTask, bool) {
		if t := e.visibleTask(ref, cluster, now); t != nil {
			return t.json(now, withTags), true
		}
		return wireTask{}, false
	})
	e.ok(wireTasks{Tasks: out, Failures: failures})
}

// listTasks filters as the ListTasks API reference describes: cluster, serviceName,
// family, startedBy, launchType and desiredStatus (default RUNNING); 100 per page.
func (e *ecsCall) listTasks(req obj, now time.Time) {
	cluster := lastSegment(str(req, "cluster"), "default")
	desired := str(req, "desiredStatus")
	if desired == "" {
		desired = "RUNNING"
	}
	var arns []string
	for _, t := range e.a.taskList {
		if t.cluster != cluster || t.region != e.c.Region || t.createdAt.After(now) {
			continue
		}
		if sn := lastSegment(str(req, "serviceName"), ""); sn != "" && (t.service == nil || t.service.name != sn) {
			continue
		}
		if f := str(req, "family"); f != "" && str(t.td, "family") != f {
			continue
		}
		if sb := str(req, "startedBy"); sb != "" && t.startedBy != sb {
			continue
		}
		if lt := str(req, "launchType"); lt != "" && t.launchType != lt {
			continue
		}
		stopAt, _ := t.stop()
		isStopped := after(now, stopAt)
		if (desired == "RUNNING") == isStopped {
			continue
		}
		arns = append(arns, t.arn)
	}
	items, next, ok := e.page(req, arns, 100)
	if !ok {
		return
	}
	e.ok(wireTaskArns{TaskArns: orEmpty(items), NextToken: next})
}

// stopTask stops a task (StopTask API reference: stoppedReason is the given reason;
// the stop code is UserInitiated). A service replaces a stopped task of its PRIMARY
// deployment.
func (e *ecsCall) stopTask(req obj, T time.Time) {
	a := e.a
	t := e.requestedTask(req, T)
	if t == nil {
		return
	}
	if s, _ := t.stop(); s.IsZero() || s.After(T) {
		if t.service != nil {
			t.service.truncate(a, T)
		}
		t.stopAt, t.stopCause = T, stopUser
		t.stopReason = str(req, "reason")
		if t.stopReason == "" {
			t.stopReason = "Task stopped by user"
		}
		if t.exitAt.After(T) {
			t.exitAt = time.Time{}
		}
		if s := t.service; s != nil && a.services[serviceKey(s.region, s.cluster, s.name)] == s {
			s.plan(a, T)
		}
	}
	e.ok(struct {
		Task wireTask `json:"task"`
	}{t.json(T, false)})
}
