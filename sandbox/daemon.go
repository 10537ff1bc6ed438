package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// daemonHandler routes the Managed Daemon operations (daemon_state.go is the
// simulation); nil when op is not one.
func daemonHandler(op string) func(*ecsCall) {
	switch op {
	case "RegisterDaemonTaskDefinition":
		return (*ecsCall).registerDaemonTaskDefinition
	case "DescribeDaemonTaskDefinition":
		return (*ecsCall).describeDaemonTaskDefinition
	case "CreateDaemon":
		return (*ecsCall).createDaemon
	case "UpdateDaemon":
		return (*ecsCall).updateDaemon
	case "DescribeDaemon":
		return (*ecsCall).describeDaemon
	case "DescribeDaemonDeployments":
		return (*ecsCall).describeDaemonDeployments
	case "DescribeDaemonRevisions":
		return (*ecsCall).describeDaemonRevisions
	case "DeleteDaemon":
		return (*ecsCall).deleteDaemon
	case "ListDaemons":
		return (*ecsCall).listDaemons
	case "ListDaemonTaskDefinitions":
		return (*ecsCall).listDaemonTaskDefinitions
	case "DeleteDaemonTaskDefinition":
		return (*ecsCall).deleteDaemonTaskDefinition
	}
	return nil
}

// daemons returns the account's daemon state, locked; call the returned unlock.
func (e *ecsCall) daemons() (*daemonState, func()) {
	e.a.mu.Lock()
	if e.a.daemons == nil {
		e.a.daemons = newDaemonState()
	}
	return e.a.daemons, e.a.mu.Unlock
}

func (e *ecsCall) registerDaemonTaskDefinition() {
	req, ok := e.request()
	if !ok {
		return
	}
	family := str(req, "family")
	if family == "" || len(list(req, "containerDefinitions")) == 0 {
		e.fail("ClientException", "family and containerDefinitions are required")
		return
	}
	for _, c := range list(req, "containerDefinitions") {
		if cm, _ := c.(obj); str(cm, "image") == "" || str(cm, "name") == "" {
			e.fail("ClientException", "every container definition needs a name and an image")
			return
		}
	}
	s, unlock := e.daemons()
	defer unlock()
	s.latest[family]++
	arn := fmt.Sprintf("arn:aws:ecs:%s:%s:daemon-task-definition/%s:%d", e.c.Region, e.a.id, family, s.latest[family])
	td := obj{}
	for k, v := range req {
		if k != "tags" {
			td[k] = clone(v)
		}
	}
	for _, c := range list(td, "containerDefinitions") {
		if cm, _ := c.(obj); cm != nil {
			if _, ok := cm["essential"]; !ok {
				cm["essential"] = true
			}
		}
	}
	td["daemonTaskDefinitionArn"], td["revision"], td["status"] = arn, s.latest[family], "ACTIVE"
	td["registeredAt"] = epoch(e.a.clock.Now())
	s.tds[arn] = td
	e.ok(obj{"daemonTaskDefinitionArn": arn})
}

// daemonTDArn resolves family, family:REVISION or an ARN to the ARN of a daemon
// task definition (family alone: its latest revision).
func (e *ecsCall) daemonTDArn(s *daemonState, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	fam, rev, found := strings.Cut(ref, ":")
	if !found {
		rev = fmt.Sprint(s.latest[fam])
	}
	return fmt.Sprintf("arn:aws:ecs:%s:%s:daemon-task-definition/%s:%s", e.c.Region, e.a.id, fam, rev)
}

// listDaemonTaskDefinitions follows the ListDaemonTaskDefinitions API reference:
// family (exact) or familyPrefix, status ACTIVE by default (DELETE_IN_PROGRESS or
// ALL), sort ASC by family and revision (or DESC), revision LAST_REGISTERED for
// the newest of each family. Every match is returned in one page (no nextToken).
func (e *ecsCall) listDaemonTaskDefinitions() {
	req, ok := e.request()
	if !ok {
		return
	}
	family, prefix, status := str(req, "family"), str(req, "familyPrefix"), str(req, "status")
	if status == "" {
		status = "ACTIVE"
	}
	s, unlock := e.daemons()
	defer unlock()
	type entry struct {
		family string
		rev    int
		td     obj
	}
	var found []entry
	for _, td := range s.tds {
		f := str(td, "family")
		if (family != "" && f != family) || (prefix != "" && !strings.HasPrefix(f, prefix)) || (status != "ALL" && str(td, "status") != status) {
			continue
		}
		rev, _ := num(td, "revision")
		found = append(found, entry{f, int(rev), td})
	}
	slices.SortFunc(found, func(a, b entry) int {
		if c := strings.Compare(a.family, b.family); c != 0 {
			return c
		}
		return a.rev - b.rev
	})
	if str(req, "revision") == "LAST_REGISTERED" {
		var last []entry
		for i, x := range found {
			if i == len(found)-1 || found[i+1].family != x.family {
				last = append(last, x)
			}
		}
		found = last
	}
	if str(req, "sort") == "DESC" {
		slices.Reverse(found)
	}
	out := []any{}
	for _, x := range found {
		sum := obj{"arn": str(x.td, "daemonTaskDefinitionArn"), "status": str(x.td, "status"), "registeredAt": x.td["registeredAt"]}
		if v, ok := x.td["deleteRequestedAt"]; ok {
			sum["deleteRequestedAt"] = v
		}
		out = append(out, sum)
	}
	e.ok(obj{"daemonTaskDefinitions": out})
}

// deleteDaemonTaskDefinition follows the DeleteDaemonTaskDefinition API
// reference: only an ACTIVE daemon task definition can be deleted; it goes to
// DELETE_IN_PROGRESS, no new daemon can use it, and daemons running it go on.
func (e *ecsCall) deleteDaemonTaskDefinition() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	arn := e.daemonTDArn(s, str(req, "daemonTaskDefinition"))
	td, found := s.tds[arn]
	if !found {
		e.failf("ClientException", "Unable to describe daemon task definition %s.", str(req, "daemonTaskDefinition"))
		return
	}
	if str(td, "status") != "ACTIVE" {
		e.failf("ClientException", "The daemon task definition %s is %s; only an ACTIVE one can be deleted.", arn, str(td, "status"))
		return
	}
	td["status"], td["deleteRequestedAt"] = "DELETE_IN_PROGRESS", epoch(e.a.clock.Now())
	e.ok(obj{"daemonTaskDefinitionArn": arn})
}

func (e *ecsCall) describeDaemonTaskDefinition() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	ref := e.daemonTDArn(s, str(req, "daemonTaskDefinition"))
	td, found := s.tds[ref]
	if !found {
		e.failf("ClientException", "Unable to describe daemon task definition %s.", str(req, "daemonTaskDefinition"))
		return
	}
	e.ok(obj{"daemonTaskDefinition": clone(td)})
}

// daemonAttrs are the CreateDaemon/UpdateDaemon members a revision records.
var daemonAttrs = []string{"critical", "deploymentConfiguration", "enableECSManagedTags", "enableExecuteCommand", "propagateTags"}

// startDaemonDeployment starts rolling revision r onto dm at T; a deployment in
// flight is stopped (superseded).
func (e *ecsCall) startDaemonDeployment(s *daemonState, dm *daemon, r *daemonRevision, T time.Time) *daemonDeployment {
	prev, inflight := dm.current(T)
	if inflight != nil {
		inflight.stoppedAt, inflight.stopReason = T, "superseded by a newer daemon deployment"
	}
	id := s.nextID()
	x := &daemonDeployment{
		arn: fmt.Sprintf("arn:aws:ecs:%s:%s:daemon-deployment/%s/%s/%s", dm.region, e.a.id, dm.cluster, dm.name, id),
		d:   dm, source: prev, target: r, createdAt: T, instances: len(dm.cps) * daemonInstancesPerProvider,
		step: max(e.a.opts.DeploymentDuration/2, time.Second), deploymentConfig: sub(dm.attrs, "deploymentConfiguration"),
	}
	if r.crash {
		x.step = max(e.a.opts.DeploymentDuration, time.Second)
	}
	dm.deployments = append(dm.deployments, x)
	s.deployments[x.arn] = x
	return x
}

// newRevision records what the daemon runs: its task definition and attributes.
func (e *ecsCall) newRevision(s *daemonState, dm *daemon, tdArn string, T time.Time) (*daemonRevision, bool) {
	td, ok := s.tds[tdArn]
	if !ok || str(td, "status") != "ACTIVE" {
		// A deleted one (DELETE_IN_PROGRESS) takes no new daemon or deployment
		// (DeleteDaemonTaskDefinition API reference).
		return nil, false
	}
	specs, beh := containerSpecs(td, nil)
	r := &daemonRevision{
		arn:   fmt.Sprintf("arn:aws:ecs:%s:%s:daemon-revision/%s/%s/%s", dm.region, e.a.id, dm.cluster, dm.name, s.nextID()),
		tdArn: tdArn, createdAt: T, attrs: obj{}, crash: beh.crash || pullFailure(specs) != "",
	}
	for _, k := range daemonAttrs {
		if v, ok := dm.attrs[k]; ok {
			r.attrs[k] = clone(v)
		}
	}
	for _, c := range list(td, "containerDefinitions") {
		cm, _ := c.(obj)
		r.images = append(r.images, obj{"containerName": str(cm, "name"), "image": str(cm, "image")})
	}
	s.revisions[r.arn] = r
	return r, true
}

func (e *ecsCall) createDaemon() {
	req, ok := e.request()
	if !ok {
		return
	}
	name, cluster := str(req, "daemonName"), lastSegment(str(req, "clusterArn"), "default")
	if name == "" || len(list(req, "capacityProviderArns")) == 0 || str(req, "daemonTaskDefinitionArn") == "" {
		e.fail("InvalidParameterException", "daemonName, capacityProviderArns and daemonTaskDefinitionArn are required")
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	arn := fmt.Sprintf("arn:aws:ecs:%s:%s:daemon/%s/%s", e.c.Region, e.a.id, cluster, name)
	if dm := s.daemons[arn]; dm != nil && dm.deletedAt.IsZero() {
		e.failf("InvalidParameterException", "Creation of daemon was not idempotent: daemon %s already exists.", name)
		return
	}
	T := e.a.clock.Now()
	dm := &daemon{arn: arn, name: name, cluster: cluster, clusterArn: fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", e.c.Region, e.a.id, cluster),
		region: e.c.Region, createdAt: T, updatedAt: T, cps: list(req, "capacityProviderArns"), attrs: obj{}}
	for _, k := range append(daemonAttrs, "tags") {
		if v, ok := req[k]; ok {
			dm.attrs[k] = clone(v)
		}
	}
	r, ok := e.newRevision(s, dm, str(req, "daemonTaskDefinitionArn"), T)
	if !ok {
		e.failf("ClientException", "daemon task definition %s not found", str(req, "daemonTaskDefinitionArn"))
		return
	}
	s.daemons[arn] = dm
	x := e.startDaemonDeployment(s, dm, r, T)
	e.ok(obj{"daemonArn": arn, "deploymentArn": x.arn, "status": "ACTIVE", "createdAt": epoch(T)})
}

func (e *ecsCall) liveDaemon(s *daemonState, arn string) *daemon {
	dm := s.daemons[arn]
	if dm == nil || !dm.deletedAt.IsZero() {
		e.failf("ResourceNotFoundException", "daemon %s not found", arn)
		return nil
	}
	return dm
}

func (e *ecsCall) updateDaemon() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	dm := e.liveDaemon(s, str(req, "daemonArn"))
	if dm == nil {
		return
	}
	T := e.a.clock.Now()
	if cps := list(req, "capacityProviderArns"); len(cps) > 0 {
		dm.cps = cps
	}
	for _, k := range daemonAttrs {
		if v, ok := req[k]; ok {
			dm.attrs[k] = clone(v)
		}
	}
	tdArn := str(req, "daemonTaskDefinitionArn")
	if tdArn == "" {
		if cur, _ := dm.current(T); cur != nil {
			tdArn = cur.tdArn
		}
	}
	r, ok := e.newRevision(s, dm, tdArn, T)
	if !ok {
		e.failf("ClientException", "daemon task definition %s not found", tdArn)
		return
	}
	dm.updatedAt = T
	x := e.startDaemonDeployment(s, dm, r, T)
	e.ok(obj{"daemonArn": dm.arn, "deploymentArn": x.arn, "status": "ACTIVE", "createdAt": epoch(dm.createdAt), "updatedAt": epoch(T)})
}

func (e *ecsCall) describeDaemon() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	dm := s.daemons[str(req, "daemonArn")]
	if dm == nil {
		e.failf("ResourceNotFoundException", "daemon %s not found", str(req, "daemonArn"))
		return
	}
	e.ok(obj{"daemon": dm.JSON(e.a.clock.Now())})
}

func (e *ecsCall) describeDaemonDeployments() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	now := e.a.clock.Now()
	var out, failures []any
	for _, v := range list(req, "daemonDeploymentArns") {
		arn := fmt.Sprint(v)
		if x := s.deployments[arn]; x != nil {
			out = append(out, x.JSON(now))
		} else {
			failures = append(failures, obj{"arn": arn, "reason": "MISSING"})
		}
	}
	e.ok(obj{"daemonDeployments": anyOrEmpty(out), "failures": anyOrEmpty(failures)})
}

func (e *ecsCall) describeDaemonRevisions() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	var out, failures []any
	for _, v := range list(req, "daemonRevisionArns") {
		arn := fmt.Sprint(v)
		r := s.revisions[arn]
		var dm *daemon
		for _, d := range s.daemons {
			if strings.HasPrefix(arn, strings.Replace(d.arn, ":daemon/", ":daemon-revision/", 1)+"/") {
				dm = d
			}
		}
		if r == nil || dm == nil {
			failures = append(failures, obj{"arn": arn, "reason": "MISSING"})
			continue
		}
		out = append(out, r.JSON(dm))
	}
	e.ok(obj{"daemonRevisions": anyOrEmpty(out), "failures": anyOrEmpty(failures)})
}

// deleteDaemon stops the daemon's tasks; it is gone once they drained (the sandbox
// drops it at once but answers DELETE_IN_PROGRESS).
func (e *ecsCall) deleteDaemon() {
	req, ok := e.request()
	if !ok {
		return
	}
	s, unlock := e.daemons()
	defer unlock()
	dm := e.liveDaemon(s, str(req, "daemonArn"))
	if dm == nil {
		return
	}
	T := e.a.clock.Now()
	if _, inflight := dm.current(T); inflight != nil {
		inflight.stoppedAt, inflight.stopReason = T, "daemon deleted"
	}
	dm.deletedAt, dm.updatedAt = T, T
	e.ok(obj{"daemonArn": dm.arn, "status": "DELETE_IN_PROGRESS", "createdAt": epoch(dm.createdAt), "updatedAt": epoch(T)})
}

func (e *ecsCall) listDaemons() {
	req, ok := e.request()
	if !ok {
		return
	}
	cluster := lastSegment(str(req, "clusterArn"), "")
	s, unlock := e.daemons()
	defer unlock()
	var out []any
	for _, dm := range s.daemons {
		if !dm.deletedAt.IsZero() || (cluster != "" && dm.cluster != cluster) || dm.region != e.c.Region {
			continue
		}
		out = append(out, obj{"daemonArn": dm.arn, "status": "ACTIVE", "createdAt": epoch(dm.createdAt), "updatedAt": epoch(dm.updatedAt)})
	}
	e.ok(obj{"daemonSummariesList": anyOrEmpty(out)})
}

func anyOrEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}
