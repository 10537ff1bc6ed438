package sandbox

import (
	"time"
)

// The simulated ECS state: tasks, deployments, service deployments and services,
// and the lifecycle a task goes through on the clock.

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
	ebs               []ebsVolume // RunTask's managed EBS volumes (ecs_ebs.go)
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
	cfg             revisionCfg
	rollbackTo      *deployment
	sd              *serviceDeployment
	breaker         bool
	rollback        bool
	threshold       int
	desired         int
	// Traffic-shifting strategies (ecs_bluegreen.go): configuration, decisions taken,
	// and when the deployment stopped being PRIMARY because it was rolled back.
	bg         *bgConfig
	decisions  []bgDecision
	revokedAt  time.Time
	failReason string
	bgBlue     string // target group serving production when it started (elbv2_listener_weights.go)
	// Rolling deployments with early success criteria (ecs_earlysuccess.go).
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
	prodTG                      string            // target group serving production (elbv2_listener_weights.go)
	ruleState                   map[string]string // listener rule weights last written to moto
	taskSets                    []*taskSet        // CODE_DEPLOY and EXTERNAL services (ecs_tasksets.go)
}
