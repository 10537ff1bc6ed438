package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"
)

// ECS Exec in the sandbox: ExecuteCommand answers with a session document and SSM
// StartSession (port forwarding) with the same, so a client can hand them to
// session-manager-plugin. No session ever connects.

// execSession is one ECS Exec or SSM session as the APIs describe it.
func (a *account) execSession(region string) (id, stream, token string) {
	id = "ecs-execute-command-" + a.hex(17)
	return id, fmt.Sprintf("wss://ssmmessages.%s.amazonaws.com/v1/data-channel/%s?role=publish_subscribe&cell-number=AAEAAQ", region, id), a.hex(64)
}

// execRecord is what an ECS Exec session runs, for the control API: a stand-in
// session-manager-plugin reads it to play the container's side of the session.
type execRecord struct {
	Command   string `json:"command"`
	Task      string `json:"task"`
	Container string `json:"container"`
}

func (a *account) sessionsCopy() map[string]execRecord {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.sessions)
}

// execEnabled reports whether ECS Exec is on for t: RunTask's enableExecuteCommand,
// or the service's for its tasks ("Using Amazon ECS Exec", Developer Guide: the
// setting is taken when the task starts; the sandbox reads the service's current one).
func (t *task) execEnabled() bool {
	if t.service != nil {
		return boolean(t.service.attrs, "enableExecuteCommand")
	}
	return t.enableExec
}

// executeCommand follows the ExecuteCommand API reference: interactive must be true,
// the task must be RUNNING with ECS Exec enabled, and container is required when the
// task has more than one container.
func (e *ecsCall) executeCommand(req obj, now time.Time) {
	if !boolean(req, "interactive") {
		e.fail("InvalidParameterException", "Interactive is the only mode supported currently.")
		return
	}
	if str(req, "command") == "" {
		e.fail("InvalidParameterException", "Command is required.")
		return
	}
	a := e.a
	t := e.requestedTask(req, now)
	if t == nil {
		return
	}
	if !t.execEnabled() {
		e.fail("InvalidParameterException", "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn't running. Wait and try again or run a new task with execute command enabled and try again.")
		return
	}
	if st := t.lastStatus(now); st != "RUNNING" {
		e.failf("InvalidParameterException", "The execute command failed because the task is %s, not RUNNING.", st)
		return
	}
	name := str(req, "container")
	if name == "" {
		if len(t.specs) > 1 {
			e.fail("InvalidParameterException", "Container name is required when the task has more than one container.")
			return
		}
		name = t.specs[0].name
	}
	found := false
	for _, c := range t.specs {
		found = found || c.name == name
	}
	if !found {
		e.failf("InvalidParameterException", "The container %s does not exist in the task.", name)
		return
	}
	id, stream, token := a.execSession(e.c.Region)
	a.sessions[id] = execRecord{Command: str(req, "command"), Task: t.id, Container: name}
	e.ok(wireExecAnswer{
		ClusterArn:    fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", t.region, a.id, t.cluster),
		ContainerArn:  fmt.Sprintf("arn:aws:ecs:%s:%s:container/%s/%s/%s", t.region, a.id, t.cluster, t.id, name),
		ContainerName: name,
		Interactive:   true,
		TaskArn:       t.arn,
		Session:       wireSession{SessionID: id, StreamURL: stream, TokenValue: token},
	})
}

// startSession answers SSM StartSession for an ECS target "ecs:<cluster>_<task
// id>_<container runtime id>" (the form the AWS CLI and session-manager-plugin use
// for ECS Exec) of a RUNNING task; other targets are left to moto.
func (s *Server) startSession(w http.ResponseWriter, a *account, c call, body []byte) bool {
	req, err := decodeObj(body)
	if err != nil {
		return false
	}
	target := str(req, "Target")
	rest, ok := strings.CutPrefix(target, "ecs:")
	if !ok {
		return false
	}
	parts := strings.Split(rest, "_")
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.clock.Now()
	var found *task
	if len(parts) == 3 {
		for _, t := range a.taskList {
			if t.cluster == parts[0] && t.id == parts[1] && t.region == c.Region {
				found = t
			}
		}
	}
	if found == nil || found.lastStatus(now) != "RUNNING" || !found.execEnabled() {
		writeJSONError(w, http.StatusBadRequest, "TargetNotConnected", target+" is not connected.")
		return true
	}
	id, stream, token := a.execSession(c.Region)
	b, _ := marshal(obj{"SessionId": id, "StreamUrl": stream, "TokenValue": token})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return true
}
