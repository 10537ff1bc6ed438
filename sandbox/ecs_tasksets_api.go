package sandbox

import (
	"strconv"
	"time"

	"github.com/doppio-ecs/doppio/sandbox/codedeploy"
)

// taskSetService finds the service a task set request names and checks it takes task
// sets ("Amazon ECS only supports task sets for services that use the CODE_DEPLOY or
// EXTERNAL deployment controller", CreateTaskSet API reference). The caller holds a.mu.
func (e *ecsCall) taskSetService(req obj) *service {
	s := e.existingService(req)
	if s == nil {
		return nil
	}
	if !s.usesTaskSets() {
		e.fail("InvalidParameterException", "Amazon ECS only supports task set management on services configured to use external deployment controllers.")
		return nil
	}
	return s
}

// taskSetOf finds the service of a task set request and its task set named by
// req[field]; it answers the error itself (ts nil). The caller holds a.mu.
func (e *ecsCall) taskSetOf(req obj, field string) (s *service, ts *taskSet) {
	if s = e.taskSetService(req); s == nil {
		return nil, nil
	}
	if ts = s.findTaskSet(str(req, field)); ts == nil {
		e.fail("TaskSetNotFoundException", "The specified task set does not exist.")
		return nil, nil
	}
	return s, ts
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
	td, ok := e.taskDefinition(ref)
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

func (e *ecsCall) describeTaskSets(req obj, T time.Time) {
	s := e.taskSetService(req)
	if s == nil {
		return
	}
	refs := list(req, "taskSets")
	if len(refs) == 0 {
		sets := []wireTaskSet{}
		for _, ts := range s.visibleTaskSets(T) {
			sets = append(sets, s.taskSetJSON(ts, T))
		}
		e.ok(wireTaskSets{TaskSets: sets, Failures: []wireFailure{}})
		return
	}
	sets, failures := describeEach(refs, func(ref string) (wireTaskSet, bool) {
		ts := s.findTaskSet(ref)
		if ts == nil {
			return wireTaskSet{}, false
		}
		return s.taskSetJSON(ts, T), true
	})
	e.ok(wireTaskSets{TaskSets: sets, Failures: failures})
}

// updateTaskSet changes a task set's scale (UpdateTaskSet API reference).
func (e *ecsCall) updateTaskSet(req obj, T time.Time) {
	v, err := toFloat(sub(req, "scale")["value"])
	if err != nil || v < 0 || v > 100 {
		e.fail("InvalidParameterException", "scale.value must be between 0 and 100.")
		return
	}
	s, ts := e.taskSetOf(req, "taskSet")
	if ts == nil {
		return
	}
	ts.scale, ts.updatedAt = v, T
	s.planTaskSets(e.a, T)
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}

// deleteTaskSet implements DeleteTaskSet (API reference): the task set goes DRAINING
// and its tasks stop; without force a task set still scaled above zero is refused.
func (e *ecsCall) deleteTaskSet(req obj, T time.Time) {
	a := e.a
	s, ts := e.taskSetOf(req, "taskSet")
	if ts == nil {
		return
	}
	if !boolean(req, "force") && ts.computedDesired(s.desired) > 0 {
		e.fail("InvalidParameterException", "The specified task set has not been scaled down to zero. Use force to delete it.")
		return
	}
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
func (e *ecsCall) updateServicePrimaryTaskSet(req obj, T time.Time) {
	s, ts := e.taskSetOf(req, "primaryTaskSet")
	if ts == nil {
		return
	}
	for _, o := range s.taskSets {
		if o.deletedAt.IsZero() && o.status == "PRIMARY" && o != ts {
			o.status, o.updatedAt = "ACTIVE", T
		}
	}
	ts.status, ts.updatedAt = "PRIMARY", T
	e.ok(wireTaskSetAnswer{TaskSet: s.taskSetJSON(ts, T)})
}
