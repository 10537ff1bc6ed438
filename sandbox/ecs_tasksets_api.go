package sandbox

import (
	"net/http"
	"strconv"

	"github.com/doppio-ecs/doppio/sandbox/codedeploy"
)

// taskSetService finds the service a task set request names and checks it takes task
// sets ("Amazon ECS only supports task sets for services that use the CODE_DEPLOY or
// EXTERNAL deployment controller", CreateTaskSet API reference). The caller holds a.mu.
func (e *ecsCall) taskSetService(req obj) *service {
	cluster := lastSegment(str(req, "cluster"), "default")
	s := e.a.services[serviceKey(e.c.Region, cluster, lastSegment(str(req, "service"), ""))]
	if s == nil {
		e.fail("ServiceNotFoundException", "Service not found.")
		return nil
	}
	if !s.usesTaskSets() {
		e.fail("InvalidParameterException", "Amazon ECS only supports task set management on services configured to use external deployment controllers.")
		return nil
	}
	return s
}

// createTaskSet implements CreateTaskSet (API reference): the task set starts ACTIVE
// with its scale (100% when none is given) of the service's desired count.
func (e *ecsCall) createTaskSet() {
	req, ok := e.request()
	if !ok {
		return
	}
	ref := str(req, "taskDefinition")
	if ref == "" || str(req, "service") == "" {
		e.fail("InvalidParameterException", "service and taskDefinition are required.")
		return
	}
	if str(req, "launchType") != "" && len(list(req, "capacityProviderStrategy")) > 0 {
		e.fail("InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported.")
		return
	}
	scale := 100.0
	if sc := sub(req, "scale"); sc != nil {
		v, err := toFloat(sc["value"])
		if err != nil || v < 0 || v > 100 {
			e.fail("InvalidParameterException", "scale.value must be between 0 and 100.")
			return
		}
		scale = v
	}
	td, status, body, err := e.taskDefinition(ref)
	if err != nil || status != http.StatusOK {
		e.relay(status, body, err)
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	cfg := taskSetCfg(req)
	launchType := str(req, "launchType")
	if launchType == "" && len(list(req, "capacityProviderStrategy")) == 0 {
		launchType = str(s.attrs, "launchType") // the service's, as ECS defaults it
	}
	T := a.clock.Now()
	ts := s.newTaskSet(a, T, td, cfg, launchType, str(req, "platformVersion"), scale)
	ts.externalID = str(req, "externalId")
	ts.tags = list(req, "tags")
	if e.fromCodeDeploy() {
		// "If a CodeDeploy deployment created the task set, the startedBy parameter
		// is CODE_DEPLOY" (TaskSet in the API reference).
		ts.startedBy = "CODE_DEPLOY"
	}
	s.planTaskSets(a, T)
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}

// fromCodeDeploy reports whether the sandbox's CodeDeploy sent the request.
func (e *ecsCall) fromCodeDeploy() bool { return e.header.Get(codedeploy.InternalHeader) != "" }

func (e *ecsCall) describeTaskSets() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	T := a.clock.Now()
	sets := []wireTaskSet{}
	failures := []wireFailure{}
	refs := list(req, "taskSets")
	if len(refs) == 0 {
		for _, ts := range s.visibleTaskSets(T) {
			sets = append(sets, s.taskSetJSON(ts, T))
		}
	}
	for _, v := range refs {
		ref, _ := v.(string)
		if ts := s.findTaskSet(ref); ts != nil {
			sets = append(sets, s.taskSetJSON(ts, T))
		} else {
			failures = append(failures, wireFailure{Arn: ref, Reason: "MISSING"})
		}
	}
	e.ok(struct {
		TaskSets []wireTaskSet `json:"taskSets"`
		Failures []wireFailure `json:"failures"`
	}{sets, failures})
}

// updateTaskSet changes a task set's scale (UpdateTaskSet API reference).
func (e *ecsCall) updateTaskSet() {
	req, ok := e.request()
	if !ok {
		return
	}
	sc := sub(req, "scale")
	v, err := toFloat(sc["value"])
	if err != nil || v < 0 || v > 100 {
		e.fail("InvalidParameterException", "scale.value must be between 0 and 100.")
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	ts := s.findTaskSet(str(req, "taskSet"))
	if ts == nil {
		e.fail("TaskSetNotFoundException", "The specified task set does not exist.")
		return
	}
	T := a.clock.Now()
	ts.scale, ts.updatedAt = v, T
	s.planTaskSets(a, T)
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}

// deleteTaskSet implements DeleteTaskSet (API reference): the task set goes DRAINING
// and its tasks stop; without force a task set still scaled above zero is refused.
func (e *ecsCall) deleteTaskSet() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	ts := s.findTaskSet(str(req, "taskSet"))
	if ts == nil {
		e.fail("TaskSetNotFoundException", "The specified task set does not exist.")
		return
	}
	if !boolean(req, "force") && ts.computedDesired(s.desired) > 0 {
		e.fail("InvalidParameterException", "The specified task set has not been scaled down to zero. Use force to delete it.")
		return
	}
	T := a.clock.Now()
	ts.deletedAt, ts.updatedAt = T, T
	var stopping []*task
	for _, t := range s.tasks {
		if t.dep == ts.dep && t.alive(T) {
			stopping = append(stopping, t)
		}
	}
	s.planTaskSets(a, T)
	if len(stopping) > 0 {
		s.events = append(s.events, event{id: a.uuid(), at: T, msg: "(service " + s.name + ", taskSet " + ts.dep.id + ") has stopped " +
			strconv.Itoa(len(stopping)) + " running tasks: " + taskList(stopping) + "."})
	}
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}

// updateServicePrimaryTaskSet makes one task set PRIMARY and the others ACTIVE
// (UpdateServicePrimaryTaskSet API reference).
func (e *ecsCall) updateServicePrimaryTaskSet() {
	req, ok := e.request()
	if !ok {
		return
	}
	a := e.a
	a.mu.Lock()
	defer a.mu.Unlock()
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	ts := s.findTaskSet(str(req, "primaryTaskSet"))
	if ts == nil {
		e.fail("TaskSetNotFoundException", "The specified task set does not exist.")
		return
	}
	T := a.clock.Now()
	for _, o := range s.taskSets {
		if o.deletedAt.IsZero() && o.status == "PRIMARY" && o != ts {
			o.status, o.updatedAt = "ACTIVE", T
		}
	}
	ts.status, ts.updatedAt = "PRIMARY", T
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}
