package sandbox

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Task sets of services with the CODE_DEPLOY or EXTERNAL deployment controller.
//
// Such a service has no ECS deployments: "if the service uses the CODE_DEPLOY
// deployment controller, the deploymentController, taskSets and deployments
// parameters will be returned, however the deployments parameter will be an empty
// list" (CreateService API reference, Response Elements). Its tasks belong to task
// sets: CreateService with CODE_DEPLOY creates the first one, PRIMARY at 100% scale
// ("Blue/green deployment with CodeDeploy", Developer Guide: "When you create a
// service with the CODE_DEPLOY controller, an initial task set is created"); CodeDeploy
// (or, for EXTERNAL, the caller) adds more with CreateTaskSet, moves production with
// UpdateServicePrimaryTaskSet and removes the old one with DeleteTaskSet.
//
// The proxy owns task sets (moto 5.2.1 stores them but creates none for CODE_DEPLOY,
// reports every one STEADY_STATE at once, and its CreateTaskSet with a scale raises a
// TypeError — an HTML 500 page — on a container definition without memory). Each task
// set's tasks are simulated on the account's clock like a deployment's: they start,
// run, and the set is STABILIZING until all of its computed desired count run, then
// STEADY_STATE (TaskSet.stabilityStatus in the API reference).

// taskSet is one task set of a service.
type taskSet struct {
	dep        *deployment // its tasks' deployment: id is the task set id, startedBy of its tasks
	arn        string
	externalID string
	startedBy  string
	status     string // PRIMARY | ACTIVE (DRAINING once deleted)
	scale      float64
	tags       []any
	createdAt  time.Time
	updatedAt  time.Time
	stableAt   time.Time // STEADY_STATE from then on (zero: never, e.g. crash loop)
	deletedAt  time.Time
}

// computedDesired follows TaskSet.computedDesiredCount: "calculated by multiplying
// the service's desiredCount by the task set's scale percentage. The result is always
// rounded up."
func (ts *taskSet) computedDesired(desired int) int {
	return int(math.Ceil(float64(desired) * ts.scale / 100))
}

// usesTaskSets reports whether the service's tasks belong to task sets.
func (s *service) usesTaskSets() bool {
	return s.controller == "CODE_DEPLOY" || s.controller == "EXTERNAL"
}

// newTaskSet creates a task set of s at T from a task definition and its own
// configuration (launch type, network configuration, load balancers…).
func (s *service) newTaskSet(a *account, T time.Time, td obj, cfg revisionCfg, launchType, platformVersion string, scale float64) *taskSet {
	if launchType == "FARGATE" && platformVersion == "" {
		platformVersion = "LATEST"
	}
	d := a.newDeployment(T, td, cfg, launchType, platformVersion)
	ts := &taskSet{
		dep:       d,
		arn:       fmt.Sprintf("arn:aws:ecs:%s:%s:task-set/%s/%s/%s", s.region, a.id, s.cluster, s.name, d.id),
		status:    "ACTIVE",
		scale:     scale,
		createdAt: T,
		updatedAt: T,
	}
	s.taskSets = append(s.taskSets, ts)
	return ts
}

// findTaskSet matches a task set by ARN or id (DescribeTaskSets takes either).
func (s *service) findTaskSet(ref string) *taskSet {
	for _, ts := range s.taskSets {
		if ts.deletedAt.IsZero() && (ts.arn == ref || ts.dep.id == ref) {
			return ts
		}
	}
	return nil
}

// planTaskSets rewrites the future of every task set of s from T on.
func (s *service) planTaskSets(a *account, T time.Time) {
	s.truncate(a, T)
	changed, steady := false, T
	allStable := true
	for _, ts := range s.taskSets {
		if !ts.deletedAt.IsZero() {
			// Deleting a task set stops its tasks (DeleteTaskSet API reference); truncate
			// forgets scheduled stops after T, so they are scheduled again.
			for _, t := range s.tasks {
				if t.dep == ts.dep && t.alive(T) {
					schedStop(t, later(T, ts.deletedAt), ts.dep)
				}
			}
			continue
		}
		c := s.planTaskSet(a, T, ts)
		changed = changed || c
		if ts.stableAt.IsZero() {
			allStable = false
		} else {
			steady = later(steady, ts.stableAt)
		}
	}
	if changed && allStable {
		s.addEvent(a, steady, "has reached a steady state.")
	}
}

// planTaskSet starts or stops the task set's tasks to reach its computed desired
// count, and reports whether anything changed.
func (s *service) planTaskSet(a *account, T time.Time, ts *taskSet) bool {
	d := ts.dep
	n := ts.computedDesired(s.desired)
	prefix := fmt.Sprintf("(service %s, taskSet %s) ", s.name, d.id)
	var mine []*task
	for _, t := range s.tasks {
		if t.dep == d && t.alive(T) {
			mine = append(mine, t)
		}
	}
	D := d.dur
	L := frac(T, D, 0.1)
	if d.beh.crash {
		// The tasks keep exiting and ECS keeps replacing them; the task set never
		// stabilises. CodeDeploy gives up on its own timeline (sandbox/codedeploy).
		ts.stableAt = time.Time{}
		if n == 0 {
			return false
		}
		W := D * 4 / 10
		const waves = 60
		for k := range waves {
			Lk := L.Add(time.Duration(k) * W)
			var wave []*task
			for range n {
				t := a.newServiceTask(s, d, Lk, Lk.Add(W*3/10))
				t.exitAt = Lk.Add(W / 2)
				t.stopSpan = W / 10
				wave = append(wave, t)
			}
			s.events = append(s.events, event{id: a.uuid(), at: Lk, msg: prefix + fmt.Sprintf("has started %d tasks: %s.", len(wave), taskList(wave))})
		}
		return true
	}
	need := n - len(mine)
	var stopped time.Time
	switch {
	case need > 0:
		var started []*task
		for i := range need {
			R := frac(T, D, 0.2+0.6*float64(i+1)/float64(need))
			started = append(started, a.newServiceTask(s, d, L, R))
		}
		s.events = append(s.events, event{id: a.uuid(), at: L, msg: prefix + fmt.Sprintf("has started %d tasks: %s.", len(started), taskList(started))})
		mine = append(mine, started...)
	case need < 0:
		slices.SortFunc(mine, func(x, y *task) int { return x.createdAt.Compare(y.createdAt) })
		extra := mine[len(mine)+need:]
		mine = mine[:len(mine)+need]
		for _, t := range extra {
			schedStop(t, L, d)
			stopped = later(stopped, t.stoppedAt())
		}
		s.events = append(s.events, event{id: a.uuid(), at: L, msg: prefix + fmt.Sprintf("has stopped %d running tasks: %s.", len(extra), taskList(extra))})
	}
	// Steady once every task it keeps runs and every task it sheds has stopped.
	stable := later(ts.createdAt, stopped)
	for _, t := range mine {
		stable = later(stable, t.runningAt)
	}
	ts.stableAt = stable
	return need != 0
}

// taskSetJSON renders a TaskSet (API reference) at now.
func (s *service) taskSetJSON(ts *taskSet, now time.Time) wireTaskSet {
	d := ts.dep
	running, pending, _ := s.counts(d, now)
	status := ts.status
	if !ts.deletedAt.IsZero() {
		status = "DRAINING"
	}
	stability, stabilityAt := "STABILIZING", ts.updatedAt
	if !ts.stableAt.IsZero() && !now.Before(ts.stableAt) && ts.deletedAt.IsZero() {
		stability, stabilityAt = "STEADY_STATE", ts.stableAt
	}
	o := wireTaskSet{
		ID:                       d.id,
		TaskSetArn:               ts.arn,
		ServiceArn:               s.arn,
		ClusterArn:               s.clusterArn,
		Status:                   status,
		TaskDefinition:           d.taskDef,
		ComputedDesiredCount:     ts.computedDesired(s.desired),
		PendingCount:             pending,
		RunningCount:             running,
		CreatedAt:                epoch(ts.createdAt),
		UpdatedAt:                epoch(ts.updatedAt),
		Scale:                    wireScale{Value: ts.scale, Unit: "PERCENT"},
		StabilityStatus:          stability,
		StabilityStatusAt:        epoch(stabilityAt),
		LoadBalancers:            orEmptyList(d.cfg.loadBalancers()),
		ServiceRegistries:        orEmptyList(asList(d.cfg.ServiceRegistries)),
		ExternalID:               ts.externalID,
		StartedBy:                ts.startedBy,
		LaunchType:               d.launchType,
		PlatformVersion:          d.platformVersion,
		NetworkConfiguration:     cloneSet(d.cfg.NetworkConfiguration),
		CapacityProviderStrategy: cloneSet(d.cfg.CapacityProviderStrategy),
	}
	if d.platformVersion != "" {
		o.PlatformFamily = "Linux"
	}
	if len(ts.tags) > 0 {
		o.Tags = clone(ts.tags)
	}
	return o
}

func orEmptyList(v []any) []any {
	if v == nil {
		return []any{}
	}
	return clone(v).([]any)
}

// visibleTaskSets are the task sets DescribeServices lists at now: live ones, and
// deleted ones while their tasks drain.
func (s *service) visibleTaskSets(now time.Time) []*taskSet {
	var out []*taskSet
	for _, ts := range s.taskSets {
		if ts.createdAt.After(now) {
			continue
		}
		if !ts.deletedAt.IsZero() {
			r, p, _ := s.counts(ts.dep, now)
			if r+p == 0 && s.draining(ts, now) == 0 {
				continue
			}
		}
		out = append(out, ts)
	}
	return out
}

// draining counts the task set's tasks that are stopping but not yet stopped.
func (s *service) draining(ts *taskSet, now time.Time) int {
	n := 0
	for _, t := range s.tasks {
		if t.dep == ts.dep && !now.Before(t.createdAt) && t.lastStatus(now) != "STOPPED" {
			n++
		}
	}
	return n
}

// renderTaskSets overlays a task-set service's state: its task sets, no deployments,
// counts and task definition of the PRIMARY task set.
func (s *service) renderTaskSets(svc obj, now time.Time) {
	sets := s.visibleTaskSets(now)
	out := make([]wireTaskSet, 0, len(sets))
	// PRIMARY first, then the others newest first, as the console shows them.
	slices.SortStableFunc(sets, func(x, y *taskSet) int {
		if (x.status == "PRIMARY") != (y.status == "PRIMARY") {
			if x.status == "PRIMARY" {
				return -1
			}
			return 1
		}
		return y.createdAt.Compare(x.createdAt)
	})
	for _, ts := range sets {
		j := s.taskSetJSON(ts, now)
		out = append(out, j)
		if j.Status == "PRIMARY" {
			svc["taskDefinition"] = j.TaskDefinition
			if lbs := j.LoadBalancers; len(lbs) > 0 {
				// "Any parameters that are updated on the primary task set in a
				// service will transition to the service" (UpdateServicePrimaryTaskSet).
				svc["loadBalancers"] = lbs
			}
		}
	}
	svc["taskSets"] = out
	svc["deployments"] = []wireDeployment{}
	s.renderTaskCounts(svc, now)
	s.renderEvents(svc, now)
}

// renderTaskCounts writes the service's runningCount and pendingCount at now: its
// tasks RUNNING, and those PROVISIONING or PENDING.
func (s *service) renderTaskCounts(svc obj, now time.Time) {
	running, pending := 0, 0
	for _, t := range s.tasks {
		switch t.lastStatus(now) {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING":
			pending++
		}
	}
	svc["runningCount"] = running
	svc["pendingCount"] = pending
}

// renderEvents writes the service's events due at now: newest first, at most 100,
// as DescribeServices returns them.
func (s *service) renderEvents(svc obj, now time.Time) {
	var evs []event
	for _, e := range s.events {
		if !e.at.After(now) {
			evs = append(evs, e)
		}
	}
	slices.Reverse(evs)
	slices.SortStableFunc(evs, func(x, y event) int { return y.at.Compare(x.at) })
	if len(evs) > 100 {
		evs = evs[:100]
	}
	ej := make([]wireEvent, len(evs))
	for i, e := range evs {
		ej[i] = wireEvent{ID: e.id, CreatedAt: epoch(e.at), Message: e.msg}
	}
	svc["events"] = ej
}

// taskLoadBalancers are the load balancers a service task is registered with: those
// of its task set in a task-set service (each task set names its own target group,
// CreateTaskSet loadBalancers), else the service's.
func (s *service) taskLoadBalancers(t *task) []any {
	for _, ts := range s.taskSets {
		if ts.dep == t.dep {
			return ts.dep.cfg.loadBalancers()
		}
	}
	return list(s.attrs, "loadBalancers")
}

// taskSetCfg is the configuration of a task set from a CreateTaskSet (or a
// CODE_DEPLOY CreateService) request.
func taskSetCfg(req obj) revisionCfg {
	var cfg revisionCfg
	for _, k := range []string{"networkConfiguration", "loadBalancers", "serviceRegistries", "capacityProviderStrategy"} {
		if v, ok := req[k]; ok && v != nil {
			*cfg.field(k) = clone(v)
		}
	}
	return cfg
}

// asList returns v as a JSON list (nil if it is not one).
func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// cloneSet deep-copies v, nil staying nil.
func cloneSet(v any) any {
	if v == nil {
		return nil
	}
	return clone(v)
}
