package sandbox

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rollout simulation. Every mutation (CreateService, UpdateService,
// StopServiceDeployment, StopTask, DeleteService) happens at one simulated instant T:
// it first truncates the service's planned future (everything scheduled after T) and
// then writes a new plan — tasks with their start/running/stop times, events, and the
// deployments' completion or failure times. Reads render that timeline at clock.Now(),
// so what a client sees is a pure function of the clock, however often it polls.

// behaviour is what the rules make of a task definition (and RunTask overrides).
type behaviour struct {
	crash   bool // `crashloop`: essential container exits 1 soon after starting
	slow    bool // `slow`: everything takes SlowFactor times longer
	forever bool // `forever` or "sleep infinity": a RunTask task never exits by itself
}

var exitRe = regexp.MustCompile(`\bexit\s+([0-9]{1,3})\b`)
var echoRe = regexp.MustCompile(`\becho\s+([^;&|]+)`)

// ruleWords collects the rule words of a container: its image tag and the value of
// SANDBOX_BEHAVIOUR in its environment (task definition and overrides).
func ruleWords(image string, env []any) []string {
	var words []string
	if i := strings.LastIndexByte(image, ':'); i >= 0 && !strings.Contains(image[i:], "/") {
		words = append(words, strings.ToLower(image[i+1:]))
	}
	for _, e := range env {
		kv, _ := e.(map[string]any)
		if str(kv, "name") == "SANDBOX_BEHAVIOUR" {
			for w := range strings.SplitSeq(strings.ToLower(str(kv, "value")), ",") {
				words = append(words, strings.TrimSpace(w))
			}
		}
	}
	return words
}

// containerSpec is one container of a task as the simulation runs it.
type containerSpec struct {
	name, image string
	essential   bool
	command     string
	exitCode    int
	beh         behaviour
	logGroup    string
	logStream   string // prefix/container (task id appended per task)
	logRegion   string
	createGroup bool
}

// containerSpecs applies overrides to a task definition's containers and the rules to
// each container.
func containerSpecs(td obj, overrides obj) ([]containerSpec, behaviour) {
	ovr := map[string]obj{}
	for _, o := range list(overrides, "containerOverrides") {
		m, _ := o.(map[string]any)
		ovr[str(m, "name")] = m
	}
	var specs []containerSpec
	var task behaviour
	for _, c := range list(td, "containerDefinitions") {
		cd, _ := c.(map[string]any)
		name := str(cd, "name")
		cs := containerSpec{name: name, image: str(cd, "image"), essential: true}
		if v, ok := cd["essential"].(bool); ok {
			cs.essential = v
		}
		cmd := list(cd, "command")
		env := slices.Clone(list(cd, "environment"))
		if o := ovr[name]; o != nil {
			if oc := list(o, "command"); oc != nil {
				cmd = oc
			}
			env = append(env, list(o, "environment")...)
		}
		parts := make([]string, 0, len(cmd))
		for _, p := range cmd {
			if s, ok := p.(string); ok {
				parts = append(parts, s)
			}
		}
		cs.command = strings.Join(parts, " ")
		for _, w := range ruleWords(cs.image, env) {
			switch {
			case strings.Contains(w, "crashloop"):
				cs.beh.crash = true
			case strings.Contains(w, "slow"):
				cs.beh.slow = true
			case strings.Contains(w, "forever"):
				cs.beh.forever = true
			}
		}
		if strings.Contains(cs.command, "sleep infinity") {
			cs.beh.forever = true
		}
		switch m := exitRe.FindStringSubmatch(cs.command); {
		case cs.beh.crash:
			cs.exitCode = 1
		case m != nil:
			cs.exitCode, _ = strconv.Atoi(m[1])
		}
		if lc := sub(cd, "logConfiguration"); str(lc, "logDriver") == "awslogs" {
			opts := sub(lc, "options")
			cs.logGroup = str(opts, "awslogs-group")
			cs.logRegion = str(opts, "awslogs-region")
			cs.createGroup = str(opts, "awslogs-create-group") == "true"
			if p := str(opts, "awslogs-stream-prefix"); p != "" {
				cs.logStream = p + "/" + name
			} else {
				cs.logStream = name
			}
		}
		if cs.essential {
			task.crash = task.crash || cs.beh.crash
			task.forever = task.forever || cs.beh.forever
		}
		task.slow = task.slow || cs.beh.slow
		specs = append(specs, cs)
	}
	return specs, task
}

// event is one service event.
type event struct {
	id  string
	at  time.Time
	msg string
}

// Stop causes, with the stopCode ECS reports for them (API reference, Task.stopCode).
const (
	stopNone      = ""
	stopExit      = "EssentialContainerExited"
	stopUser      = "UserInitiated"
	stopScheduler = "ServiceSchedulerInitiated"
	stopFailStart = "TaskFailedToStart"
)

// task is one simulated ECS task (RunTask or service task).
type task struct {
	arn, id           string
	region, cluster   string
	tdArn             string
	td                obj
	specs             []containerSpec
	overrides         obj
	group, startedBy  string
	launchType        string
	platformVersion   string
	cpu, memory       string
	tags              []any
	subnet, eni, ip   string
	enableExec        bool
	service           *service
	dep               *deployment
	createdAt         time.Time
	pendingAt         time.Time
	runningAt         time.Time
	exitAt            time.Time // natural exit of the essential container (zero: never)
	stopAt            time.Time // stop requested by user or scheduler (zero: none)
	stopCause         string
	stopReason        string
	stopSpan          time.Duration
	loggedStart       bool
	loggedStop        bool
	failStartReason   string
	containerRuntimes []string
	ebs               []ebsVolume // RunTask's managed EBS volumes (ebs.go)
}

// stop returns when the task starts stopping and why (zero if it does not stop).
func (t *task) stop() (time.Time, string) {
	switch {
	case t.failStartReason != "":
		return t.pendingAt, stopFailStart
	case !t.exitAt.IsZero() && (t.stopAt.IsZero() || !t.stopAt.Before(t.exitAt)):
		return t.exitAt, stopExit
	case !t.stopAt.IsZero():
		return t.stopAt, t.stopCause
	}
	return time.Time{}, stopNone
}

func (t *task) stoppedAt() time.Time {
	s, _ := t.stop()
	if s.IsZero() {
		return s
	}
	return s.Add(t.stopSpan)
}

func after(now, at time.Time) bool { return !at.IsZero() && !now.Before(at) }

// lastStatus follows the task lifecycle states of the Developer Guide ("Amazon ECS
// task lifecycle"): PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING →
// STOPPING → DEPROVISIONING → STOPPED; the sandbox shows the ones a poller can see.
func (t *task) lastStatus(now time.Time) string {
	s, _ := t.stop()
	switch {
	case now.Before(t.createdAt):
		return ""

	case after(now, t.stoppedAt()):
		return "STOPPED"
	case after(now, s):
		if now.Before(s.Add(t.stopSpan / 2)) {
			return "STOPPING"
		}
		return "DEPROVISIONING"
	case after(now, t.runningAt):
		return "RUNNING"
	case after(now, t.pendingAt):
		return "PENDING"
	}
	return "PROVISIONING"
}

// alive reports whether the task exists at now and has not started stopping.
func (t *task) alive(now time.Time) bool {
	s, _ := t.stop()
	return !now.Before(t.createdAt) && (s.IsZero() || now.Before(s))
}

// failed reports whether the task counts as failed for the circuit breaker: it
// stopped on its own (crash) rather than being stopped by the scheduler or a user.
func (t *task) failed(now time.Time) bool {
	_, cause := t.stop()
	return (cause == stopExit || cause == stopFailStart) && after(now, t.stoppedAt()) && t.service != nil
}

// deployment is one ECS deployment of a service (DescribeServices deployments[]).
type deployment struct {
	id, revision    string
	taskDef         string
	td              obj
	specs           []containerSpec
	beh             behaviour
	dur             time.Duration
	createdAt       time.Time
	completedAt     time.Time
	failedAt        time.Time
	inactiveAt      time.Time
	launchType      string
	platformVersion string
	cfg             obj // networkConfiguration, capacityProviderStrategy, serviceConnectConfiguration, volumeConfigurations, …
	rollbackTo      *deployment
	sd              *serviceDeployment
	breaker         bool
	rollback        bool
	threshold       int
	desired         int
	// Traffic-shifting strategies (bluegreen.go): configuration, decisions taken,
	// and when the deployment stopped being PRIMARY because it was rolled back.
	bg         *bgConfig
	decisions  []bgDecision
	revokedAt  time.Time
	failReason string
	bgBlue     string // target group serving production when it started (bluegreen_elb.go)
	// Rolling deployments with early success criteria (earlysuccess.go).
	early       *earlySuccess
	earlyReason string // set when the deployment completed early
}

// serviceDeployment is one ServiceDeployment (ListServiceDeployments and friends).
type serviceDeployment struct {
	id, arn        string
	target         *deployment
	sources        []*deployment
	createdAt      time.Time
	stoppedAt      time.Time
	stopReason     string
	rollbackAt     time.Time
	rollbackReason string
	rollbackDep    *deployment
	manual         bool
	rollbackDone   time.Time // blue/green: traffic is back on the blue revision
}

// service is the simulated side of one ECS service; moto keeps the rest.
type service struct {
	region, cluster, clusterArn string
	name, arn                   string
	controller                  string
	createdAt                   time.Time
	desired                     int
	attrs                       obj // service-level fields the proxy keeps and overlays
	deployments                 []*deployment
	sds                         []*serviceDeployment
	events                      []event
	tasks                       []*task
	prodTG                      string            // target group serving production (bluegreen_elb.go)
	ruleState                   map[string]string // listener rule weights last written to moto
	taskSets                    []*taskSet        // CODE_DEPLOY and EXTERNAL services (tasksets.go)
}

// breakerThreshold follows ServiceDeploymentCircuitBreaker.threshold in the API
// reference: 0.5 × desired task count, at least 3 and at most 200.
func breakerThreshold(desired int) int {
	th := (desired + 1) / 2
	return min(max(th, 3), 200)
}

func (a *account) scaled(d time.Duration, b behaviour) time.Duration {
	if b.slow {
		return time.Duration(float64(d) * a.opts.SlowFactor)
	}
	return d
}

// primary is the newest deployment created at or before now.
func (s *service) primary(now time.Time) *deployment {
	for i := len(s.deployments) - 1; i >= 0; i-- {
		if !now.Before(s.deployments[i].createdAt) && !after(now, s.deployments[i].revokedAt) {
			return s.deployments[i]
		}
	}
	return nil
}

// truncate drops everything planned after T, keeping the past intact.
func (s *service) truncate(a *account, T time.Time) {
	s.events = slices.DeleteFunc(s.events, func(e event) bool { return e.at.After(T) })
	s.tasks = slices.DeleteFunc(s.tasks, func(t *task) bool {
		if t.createdAt.After(T) {
			delete(a.tasks, t.arn)
			return true
		}
		return false
	})
	a.taskList = slices.DeleteFunc(a.taskList, func(t *task) bool { _, ok := a.tasks[t.arn]; return !ok })
	for _, t := range s.tasks {
		if t.stopAt.After(T) && t.stopCause == stopScheduler {
			t.stopAt, t.stopCause, t.stopReason = time.Time{}, stopNone, ""
		}
		if t.exitAt.After(T) && t.dep != nil && !t.dep.beh.crash {
			t.exitAt = time.Time{}
		}
	}
	s.deployments = slices.DeleteFunc(s.deployments, func(d *deployment) bool { return d.createdAt.After(T) })
	for _, d := range s.deployments {
		if d.revokedAt.After(T) {
			d.revokedAt, d.failReason = time.Time{}, ""
		}
		for _, tp := range []*time.Time{&d.completedAt, &d.failedAt, &d.inactiveAt} {
			if tp.After(T) {
				*tp = time.Time{}
			}
		}
	}
	s.sds = slices.DeleteFunc(s.sds, func(sd *serviceDeployment) bool { return sd.createdAt.After(T) })
	for _, sd := range s.sds {
		if sd.stoppedAt.After(T) {
			sd.stoppedAt, sd.stopReason = time.Time{}, ""
		}
		if sd.rollbackAt.After(T) {
			sd.rollbackAt, sd.rollbackReason, sd.rollbackDep, sd.rollbackDone = time.Time{}, "", nil, time.Time{}
		}
	}
}

func (s *service) addEvent(a *account, at time.Time, format string, args ...any) {
	s.events = append(s.events, event{id: a.uuid(), at: at, msg: fmt.Sprintf("(service %s) ", s.name) + fmt.Sprintf(format, args...)})
}

func taskList(ts []*task) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = "(task " + t.id + ")"
	}
	return strings.Join(parts, " ")
}

func frac(T time.Time, d time.Duration, f float64) time.Time {
	return T.Add(time.Duration(float64(d) * f))
}

// newServiceTask creates a task of deployment d launched at L that is RUNNING at R.
func (a *account) newServiceTask(s *service, d *deployment, L, R time.Time) *task {
	id := a.hex(32)
	t := &task{
		arn:             fmt.Sprintf("arn:aws:ecs:%s:%s:task/%s/%s", s.region, a.id, s.cluster, id),
		id:              id,
		region:          s.region,
		cluster:         s.cluster,
		tdArn:           d.taskDef,
		td:              d.td,
		specs:           d.specs,
		group:           "service:" + s.name,
		startedBy:       d.id,
		launchType:      d.launchType,
		platformVersion: d.platformVersion,
		service:         s,
		dep:             d,
		createdAt:       L,
		pendingAt:       L.Add(R.Sub(L) / 4),
		runningAt:       R,
		stopSpan:        d.dur / 20,
		failStartReason: pullFailure(d.specs),
	}
	t.cpu, t.memory = str(d.td, "cpu"), str(d.td, "memory")
	a.addNetwork(t, sub(d.cfg, "networkConfiguration"))
	a.tasks[t.arn] = t
	a.taskList = append(a.taskList, t)
	s.tasks = append(s.tasks, t)
	return t
}

// schedStop asks the scheduler to stop t at at (ECS's replacement of old tasks: the
// stoppedReason "Scaling activity initiated by (deployment …)").
func schedStop(t *task, at time.Time, d *deployment) {
	if s, _ := t.stop(); !s.IsZero() && !s.After(at) {
		return
	}
	t.stopAt, t.stopCause = at, stopScheduler
	t.stopReason = "Scaling activity initiated by (deployment " + d.id + ")"
}

// stopEvents groups tasks by stop time into "has stopped N running tasks" events.
func (s *service) stopEvents(a *account, ts []*task) {
	byTime := map[time.Time][]*task{}
	var times []time.Time
	for _, t := range ts {
		at, _ := t.stop()
		if _, ok := byTime[at]; !ok {
			times = append(times, at)
		}
		byTime[at] = append(byTime[at], t)
	}
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	for _, at := range times {
		group := byTime[at]
		s.addEvent(a, at, "has stopped %d running tasks: %s.", len(group), taskList(group))
	}
}

// rollingPace is the rolling update's timeline as fractions of the deployment's
// duration D from the instant T it is planned at: new tasks launch at launch·D and
// become RUNNING one after another between (firstUp+upSpan/n)·D and
// (firstUp+upSpan)·D; the service is steady at D.
var rollingPace = struct{ launch, firstUp, upSpan float64 }{launch: 0.1, firstUp: 0.2, upSpan: 0.6}

// plan writes the future of the service from T on, for its current PRIMARY.
//
// Rolling update (Developer Guide, "Deploy Amazon ECS services by replacing tasks"):
// with the default minimumHealthyPercent 100 / maximumPercent 200 the scheduler starts
// the new tasks first and stops an old task each time a new one is running; the
// deployment is COMPLETED when the service reaches a steady state, and the old
// deployments then disappear from DescribeServices.
func (s *service) plan(a *account, T time.Time) {
	P := s.primary(T)
	switch {
	case P == nil:
	case P.bgActive(T):
		s.planBlueGreen(a, T, P) // bluegreen_plan.go
	case P.beh.crash:
		s.planCrash(a, T, P)
	default:
		s.planRolling(a, T, P)
	}
}

// rollingPlan is one rolling update being planned at T.
type rollingPlan struct {
	s       *service
	a       *account
	P       *deployment
	T, L    time.Time // planned at, new tasks launch
	done    time.Time // steady state
	mine    []*task   // P's tasks alive at T, then those started
	others  []*task   // other deployments' tasks alive at T
	early   time.Time // early success (earlysuccess.go), if isEarly
	isEarly bool
	changed bool
	desired int
}

func (s *service) planRolling(a *account, T time.Time, P *deployment) {
	r := &rollingPlan{s: s, a: a, P: P, T: T, L: frac(T, P.dur, rollingPace.launch), done: T.Add(P.dur), desired: s.desired}
	r.changed = P.completedAt.IsZero()
	r.split()
	r.scale()
	r.earlySuccess()
	r.replaceOthers()
	if r.changed {
		r.complete()
	}
}

// split sorts the tasks alive at T into P's and the others'.
func (r *rollingPlan) split() {
	for _, t := range r.s.tasks {
		if !t.alive(r.T) {
			continue
		}
		if t.dep == r.P {
			r.mine = append(r.mine, t)
		} else {
			r.others = append(r.others, t)
		}
	}
}

// scale starts P's missing tasks or stops its surplus at L.
func (r *rollingPlan) scale() {
	s, a, P, L := r.s, r.a, r.P, r.L
	if need := r.desired - len(r.mine); need > 0 {
		var started []*task
		for i := range need {
			R := frac(r.T, P.dur, rollingPace.firstUp+rollingPace.upSpan*float64(i+1)/float64(need))
			started = append(started, a.newServiceTask(s, P, L, R))
		}
		s.addEvent(a, L, "has started %d tasks: %s.", len(started), taskList(started))
		r.mine = append(r.mine, started...)
		r.changed = true
	} else if need < 0 {
		extra := r.mine[len(r.mine)+need:]
		for _, t := range extra {
			schedStop(t, L, P)
		}
		s.stopEvents(a, extra)
		r.changed = true
	}
}

// earlySuccess finds when P's early success criteria are met, if it has any.
func (r *rollingPlan) earlySuccess() {
	if r.P.early == nil || !r.P.completedAt.IsZero() {
		return
	}
	var healthy []time.Time
	for _, t := range r.mine {
		if st, _ := t.stop(); st.IsZero() || st.After(t.runningAt) {
			healthy = append(healthy, later(t.runningAt, r.T))
		}
	}
	r.early, r.isEarly = r.P.early.at(healthy, r.desired, r.L, r.done)
}

// replaceOthers stops the other deployments' tasks as P's come up (min healthy
// 100%), oldest first, the surplus at once.
func (r *rollingPlan) replaceOthers() {
	var ups []time.Time
	for _, t := range r.mine {
		if st, _ := t.stop(); t.runningAt.After(r.T) && (st.IsZero() || st.After(t.runningAt)) {
			ups = append(ups, t.runningAt)
		}
	}
	slices.SortFunc(ups, func(x, y time.Time) int { return x.Compare(y) })
	slices.SortFunc(r.others, func(x, y *task) int { return x.createdAt.Compare(y.createdAt) })
	for j, t := range r.others {
		at := r.L
		if j < len(ups) && ups[j].After(r.L) {
			at = ups[j]
		}
		if r.isEarly && r.P.early.blocking && at.After(r.early) {
			at = r.early // BLOCKING: the source tasks go before the deployment completes
		}
		schedStop(t, at, r.P)
	}
	if len(r.others) > 0 {
		r.s.stopEvents(r.a, r.others)
		r.changed = true
	}
}

// complete marks P completed (at steady state, or earlier on early success), retires
// the other deployments and writes the steady-state event.
func (r *rollingPlan) complete() {
	s, P := r.s, r.P
	gone := r.done // when the other deployments leave the list
	if P.completedAt.IsZero() {
		completed := r.done
		P.earlyReason = ""
		if r.isEarly {
			completed = r.early
			if P.early.blocking {
				for _, t := range r.others {
					completed = later(t.stoppedAt(), completed)
				}
			}
			if completed.Before(r.done) {
				P.earlyReason = P.early.reason(P.id, r.desired)
				if P.early.blocking {
					gone = completed
				}
			} else {
				completed = r.done
			}
		}
		P.completedAt = completed
		s.addEvent(r.a, completed, "(deployment %s) deployment completed.", P.id)
	}
	for _, d := range s.deployments {
		if d != P && (d.inactiveAt.IsZero() || d.inactiveAt.After(gone)) {
			d.inactiveAt = gone
		}
	}
	s.addEvent(r.a, r.done, "has reached a steady state.")
}

// planCrash plans a deployment whose tasks keep exiting. ECS keeps replacing them; with
// the deployment circuit breaker on (Developer Guide, "How the Amazon ECS deployment
// circuit breaker detects failures") the deployment turns FAILED once failedTasks
// reaches the threshold and, with rollback, ECS starts a deployment of the last
// COMPLETED one. Old tasks keep running meanwhile, as new ones never become healthy.
func (s *service) planCrash(a *account, T time.Time, P *deployment) {
	D := P.dur
	W := D * 4 / 10
	failures := 0
	for _, t := range s.tasks {
		if t.dep == P && t.failed(T) {
			failures++
		}
	}
	N := max(s.desired, 1)
	if s.desired == 0 {
		return
	}
	var tripAt time.Time
	const maxWaves = 60
	for k := 0; k < maxWaves; k++ {
		Lk := frac(T, D, 0.1).Add(time.Duration(k) * W)
		var wave []*task
		for range N {
			t := a.newServiceTask(s, P, Lk, Lk.Add(W*3/10))
			t.exitAt = Lk.Add(W / 2)
			t.stopSpan = W / 10
			wave = append(wave, t)
		}
		s.addEvent(a, Lk, "has started %d tasks: %s.", len(wave), taskList(wave))
		failures += len(wave)
		if P.breaker && failures >= P.threshold {
			tripAt = wave[0].stoppedAt()
			break
		}
	}
	if tripAt.IsZero() {
		return
	}
	P.failedAt = tripAt
	s.addEvent(a, tripAt, "(deployment %s) deployment failed: tasks failed to start.", P.id)
	if !P.rollback {
		return
	}
	var prev *deployment
	for _, d := range s.deployments {
		if d != P && !d.completedAt.IsZero() && d.completedAt.Before(P.createdAt) {
			prev = d
		}
	}
	if prev == nil {
		return
	}
	R := a.cloneDeployment(prev, tripAt)
	R.rollbackTo = prev
	R.sd = P.sd
	if P.sd != nil {
		P.sd.rollbackAt = tripAt
		P.sd.rollbackReason = "Service deployment rolled back because the circuit breaker threshold was exceeded."
		P.sd.rollbackDep = R
	}
	s.deployments = append(s.deployments, R)
	s.addEvent(a, tripAt, "rolling back to deployment %s.", prev.id)
	s.plan(a, tripAt)
}

// cloneDeployment starts a new deployment at T with the configuration of d (used for
// rollbacks, which redeploy the last completed service revision).
func (a *account) cloneDeployment(d *deployment, T time.Time) *deployment {
	n := *d
	n.id = a.deploymentID()
	n.createdAt = T
	n.completedAt, n.failedAt, n.inactiveAt = time.Time{}, time.Time{}, time.Time{}
	n.rollbackTo, n.sd = nil, nil
	return &n
}

// rolloutState follows Deployment.rolloutState in the API reference: IN_PROGRESS,
// then COMPLETED at steady state, or FAILED when the circuit breaker trips.
func (d *deployment) rolloutState(now time.Time) (string, string) {
	switch {
	case after(now, d.failedAt) && d.failReason != "":
		return "FAILED", d.failReason
	case after(now, d.failedAt):
		return "FAILED", "ECS deployment circuit breaker: tasks failed to start."
	case after(now, d.completedAt) && d.earlyReason != "":
		return "COMPLETED", d.earlyReason
	case after(now, d.completedAt):
		return "COMPLETED", "ECS deployment " + d.id + " completed."
	case d.rollbackTo != nil:
		return "IN_PROGRESS", "ECS deployment circuit breaker: rolling back to deploymentId " + d.rollbackTo.id + "."
	}
	return "IN_PROGRESS", "ECS deployment " + d.id + " in progress."
}

// counts reports the deployment's running, pending and failed tasks at now.
func (s *service) counts(d *deployment, now time.Time) (running, pending, failed int) {
	for _, t := range s.tasks {
		if t.dep != d {
			continue
		}
		switch t.lastStatus(now) {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING":
			pending++
		}
		if t.failed(now) {
			failed++
		}
	}
	return
}

// visibleDeployments are the deployments DescribeServices lists at now: the PRIMARY
// and the ACTIVE ones still draining.
func (s *service) visibleDeployments(now time.Time) []*deployment {
	P := s.primary(now)
	var out []*deployment
	for i := len(s.deployments) - 1; i >= 0; i-- {
		d := s.deployments[i]
		if d.createdAt.After(now) || (d != P && after(now, d.inactiveAt)) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (s *service) deploymentJSON(d *deployment, now time.Time, primary bool) wireDeployment {
	running, pending, failed := s.counts(d, now)
	state, reason := d.rolloutState(now)
	status, desired := "ACTIVE", running+pending
	if primary {
		status, desired = "PRIMARY", s.desired
	}
	updated := d.createdAt
	for _, t := range []time.Time{d.completedAt, d.failedAt} {
		if after(now, t) && t.After(updated) {
			updated = t
		}
	}
	for _, t := range s.tasks {
		if t.dep != d {
			continue
		}
		for _, x := range []time.Time{t.createdAt, t.runningAt, t.stoppedAt()} {
			if after(now, x) && x.After(updated) {
				updated = x
			}
		}
	}
	o := wireDeployment{
		ID:                 d.id,
		Status:             status,
		TaskDefinition:     d.taskDef,
		DesiredCount:       desired,
		PendingCount:       pending,
		RunningCount:       running,
		FailedTasks:        failed,
		CreatedAt:          epoch(d.createdAt),
		UpdatedAt:          epoch(updated),
		RolloutState:       state,
		RolloutStateReason: reason,
		LaunchType:         d.launchType,
		PlatformVersion:    d.platformVersion,
		wireRevisionConfig: revisionConfig(d.cfg, false),
	}
	if d.platformVersion != "" {
		o.PlatformFamily = "Linux"
	}
	return o
}

// render overlays the simulated state on a service object from moto.
func (s *service) render(svc obj, now time.Time) {
	for k, v := range s.attrs {
		if v == nil {
			delete(svc, k)
			continue
		}
		svc[k] = clone(v)
	}
	if _, ok := s.attrs["capacityProviderStrategy"]; ok && len(list(s.attrs, "capacityProviderStrategy")) > 0 {
		// A service uses a launch type or a capacity provider strategy, not both
		// (CreateService API reference, launchType).
		delete(svc, "launchType")
	}
	delete(svc, "serviceConnectConfiguration")
	delete(svc, "volumeConfigurations")
	svc["desiredCount"] = s.desired
	svc["createdAt"] = epoch(s.createdAt)
	if s.usesTaskSets() {
		s.renderTaskSets(svc, now) // tasksets.go
		return
	}
	deps := s.visibleDeployments(now)
	P := s.primary(now)
	out := make([]wireDeployment, 0, len(deps))
	running, pending := 0, 0
	for _, d := range deps {
		out = append(out, s.deploymentJSON(d, now, d == P))
	}
	for _, t := range s.tasks {
		switch t.lastStatus(now) {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING":
			pending++
		}
	}
	svc["deployments"] = out
	svc["runningCount"] = running
	svc["pendingCount"] = pending
	if P != nil {
		svc["taskDefinition"] = P.taskDef
	}
	s.renderEvents(svc, now) // tasksets.go
	if sd := s.currentSD(now); sd != nil {
		svc["currentServiceDeployment"] = sd.arn
	}
	var revs []wireRevisionSummary
	for _, d := range deps {
		r, p, _ := s.counts(d, now)
		revs = append(revs, wireRevisionSummary{Arn: s.revisionArn(d), RequestedTaskCount: r + p, RunningTaskCount: r, PendingTaskCount: p})
	}
	if revs != nil {
		svc["currentServiceRevisions"] = revs
	}
}

func (s *service) revisionArn(d *deployment) string {
	return fmt.Sprintf("arn:aws:ecs:%s:%s:service-revision/%s/%s/%s", s.region, accountOfArn(s.arn), s.cluster, s.name, d.revision)
}

func (s *service) currentSD(now time.Time) *serviceDeployment {
	for i := len(s.sds) - 1; i >= 0; i-- {
		if !s.sds[i].createdAt.After(now) {
			return s.sds[i]
		}
	}
	return nil
}

func accountOfArn(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 5 {
		return DefaultAccount
	}
	return parts[4]
}
