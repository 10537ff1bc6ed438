package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// daemonRoutes are the Managed Daemon operations (daemon_state.go is the
// simulation), each run with its typed request under the account's lock.
var daemonRoutes = map[string]func(*ecsCall){
	"RegisterDaemonTaskDefinition": withDaemons((*ecsCall).registerDaemonTaskDefinition),
	"DescribeDaemonTaskDefinition": withDaemons((*ecsCall).describeDaemonTaskDefinition),
	"ListDaemonTaskDefinitions":    withDaemons((*ecsCall).listDaemonTaskDefinitions),
	"DeleteDaemonTaskDefinition":   withDaemons((*ecsCall).deleteDaemonTaskDefinition),
	"CreateDaemon":                 withDaemons((*ecsCall).createDaemon),
	"UpdateDaemon":                 withDaemons((*ecsCall).updateDaemon),
	"DescribeDaemon":               withDaemons((*ecsCall).describeDaemon),
	"DescribeDaemonDeployments":    withDaemons((*ecsCall).describeDaemonDeployments),
	"DescribeDaemonRevisions":      withDaemons((*ecsCall).describeDaemonRevisions),
	"DeleteDaemon":                 withDaemons((*ecsCall).deleteDaemon),
	"ListDaemons":                  withDaemons((*ecsCall).listDaemons),
}

// daemonHandler routes a Managed Daemon operation; nil when op is not one.
func daemonHandler(op string) func(*ecsCall) { return daemonRoutes[op] }

// withDaemons decodes the request into In and runs h with the account's daemon
// state, locked.
func withDaemons[In any](h func(*ecsCall, *daemonState, In)) func(*ecsCall) {
	return func(e *ecsCall) {
		var in In
		if err := decodeInto(e.body, &in); err != nil {
			e.fail("SerializationException", "sandbox: "+err.Error())
			return
		}
		e.a.mu.Lock()
		defer e.a.mu.Unlock()
		if e.a.daemons == nil {
			e.a.daemons = newDaemonState()
		}
		h(e, e.a.daemons, in)
	}
}

func (e *ecsCall) registerDaemonTaskDefinition(s *daemonState, req daemonTDRequest) {
	if req.Family == "" || len(req.ContainerDefinitions) == 0 {
		e.fail("ClientException", "family and containerDefinitions are required")
		return
	}
	for _, c := range req.ContainerDefinitions {
		if str(c, "image") == "" || str(c, "name") == "" {
			e.fail("ClientException", "every container definition needs a name and an image")
			return
		}
	}
	s.latest[req.Family]++
	td := &wireDaemonTaskDefinition{daemonTDMembers: req.daemonTDMembers, Revision: s.latest[req.Family], Status: "ACTIVE",
		DaemonTaskDefinitionArn: e.daemonTDArn(s, fmt.Sprintf("%s:%d", req.Family, s.latest[req.Family])), RegisteredAt: epoch(e.a.clock.Now())}
	for _, c := range td.ContainerDefinitions {
		if _, ok := c["essential"]; !ok {
			c["essential"] = true
		}
	}
	s.tds[td.DaemonTaskDefinitionArn] = td
	e.ok(wireDaemonTDArn{td.DaemonTaskDefinitionArn})
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

// daemonTD finds the daemon task definition a request names, or answers that
// there is none.
func (e *ecsCall) daemonTD(s *daemonState, ref string) *wireDaemonTaskDefinition {
	td := s.tds[e.daemonTDArn(s, ref)]
	if td == nil {
		e.failf("ClientException", "Unable to describe daemon task definition %s.", ref)
	}
	return td
}

// listDaemonTaskDefinitions follows the ListDaemonTaskDefinitions API reference:
// family (exact) or familyPrefix, status ACTIVE by default (DELETE_IN_PROGRESS or
// ALL), sort ASC by family and revision (or DESC), revision LAST_REGISTERED for
// the newest of each family. Every match is returned in one page (no nextToken).
func (e *ecsCall) listDaemonTaskDefinitions(s *daemonState, req listDaemonTDsRequest) {
	found := matchingDaemonTDs(s, req)
	if req.Revision == "LAST_REGISTERED" {
		found = lastOfFamily(found)
	}
	if req.Sort == "DESC" {
		slices.Reverse(found)
	}
	out := wireDaemonTDList{DaemonTaskDefinitions: []wireDaemonTDSummary{}}
	for _, td := range found {
		out.DaemonTaskDefinitions = append(out.DaemonTaskDefinitions, wireDaemonTDSummary{
			Arn: td.DaemonTaskDefinitionArn, Status: td.Status, RegisteredAt: td.RegisteredAt, DeleteRequestedAt: td.DeleteRequestedAt})
	}
	e.ok(out)
}

// matchingDaemonTDs are the daemon task definitions a ListDaemonTaskDefinitions
// request selects, by family and revision.
func matchingDaemonTDs(s *daemonState, req listDaemonTDsRequest) []*wireDaemonTaskDefinition {
	status := req.Status
	if status == "" {
		status = "ACTIVE"
	}
	var found []*wireDaemonTaskDefinition
	for _, td := range s.tds {
		f := td.Family
		if (req.Family != "" && f != req.Family) || (req.FamilyPrefix != "" && !strings.HasPrefix(f, req.FamilyPrefix)) || (status != "ALL" && td.Status != status) {
			continue
		}
		found = append(found, td)
	}
	slices.SortFunc(found, func(a, b *wireDaemonTaskDefinition) int {
		if c := strings.Compare(a.Family, b.Family); c != 0 {
			return c
		}
		return a.Revision - b.Revision
	})
	return found
}

// lastOfFamily keeps the last of each family of a sorted list.
func lastOfFamily(found []*wireDaemonTaskDefinition) []*wireDaemonTaskDefinition {
	var last []*wireDaemonTaskDefinition
	for i, x := range found {
		if i == len(found)-1 || found[i+1].Family != x.Family {
			last = append(last, x)
		}
	}
	return last
}

// deleteDaemonTaskDefinition follows the DeleteDaemonTaskDefinition API
// reference: only an ACTIVE daemon task definition can be deleted; it goes to
// DELETE_IN_PROGRESS, no new daemon can use it, and daemons running it go on.
func (e *ecsCall) deleteDaemonTaskDefinition(s *daemonState, req daemonTDRef) {
	td := e.daemonTD(s, req.DaemonTaskDefinition)
	if td == nil {
		return
	}
	if td.Status != "ACTIVE" {
		e.failf("ClientException", "The daemon task definition %s is %s; only an ACTIVE one can be deleted.", td.DaemonTaskDefinitionArn, td.Status)
		return
	}
	td.Status, td.DeleteRequestedAt = "DELETE_IN_PROGRESS", epoch(e.a.clock.Now())
	e.ok(wireDaemonTDArn{td.DaemonTaskDefinitionArn})
}

func (e *ecsCall) describeDaemonTaskDefinition(s *daemonState, req daemonTDRef) {
	if td := e.daemonTD(s, req.DaemonTaskDefinition); td != nil {
		e.ok(wireDaemonTDAnswer{td})
	}
}

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
		step: max(e.a.opts.DeploymentDuration/2, time.Second), deploymentConfig: dm.settings.DeploymentConfiguration,
	}
	if r.crash {
		x.step = max(e.a.opts.DeploymentDuration, time.Second)
	}
	dm.deployments = append(dm.deployments, x)
	s.deployments[x.arn] = x
	return x
}

// newRevision records what the daemon runs: its task definition and settings.
func (e *ecsCall) newRevision(s *daemonState, dm *daemon, tdArn string, T time.Time) (*daemonRevision, bool) {
	td, ok := s.tds[tdArn]
	if !ok || td.Status != "ACTIVE" {
		// A deleted one (DELETE_IN_PROGRESS) takes no new daemon or deployment
		// (DeleteDaemonTaskDefinition API reference).
		return nil, false
	}
	containers := make([]any, len(td.ContainerDefinitions))
	for i, c := range td.ContainerDefinitions {
		containers[i] = c
	}
	specs, beh := containerSpecs(obj{"containerDefinitions": containers}, nil)
	r := &daemonRevision{
		arn:   fmt.Sprintf("arn:aws:ecs:%s:%s:daemon-revision/%s/%s/%s", dm.region, e.a.id, dm.cluster, dm.name, s.nextID()),
		tdArn: tdArn, createdAt: T, settings: dm.settings, crash: beh.crash || pullFailure(specs) != "",
	}
	for _, c := range td.ContainerDefinitions {
		r.images = append(r.images, wireDaemonImage{ContainerName: str(c, "name"), Image: str(c, "image")})
	}
	s.revisions[r.arn] = r
	return r, true
}

// deploy records a new revision of dm running tdArn and starts rolling it at T.
func (e *ecsCall) deploy(s *daemonState, dm *daemon, tdArn string, T time.Time) (*daemonDeployment, bool) {
	r, ok := e.newRevision(s, dm, tdArn, T)
	if !ok {
		e.failf("ClientException", "daemon task definition %s not found", tdArn)
		return nil, false
	}
	return e.startDaemonDeployment(s, dm, r, T), true
}

func (e *ecsCall) createDaemon(s *daemonState, req createDaemonRequest) {
	name, cluster := req.DaemonName, lastSegment(req.ClusterArn, "default")
	if name == "" || len(req.CapacityProviderArns) == 0 || req.DaemonTaskDefinitionArn == "" {
		e.fail("InvalidParameterException", "daemonName, capacityProviderArns and daemonTaskDefinitionArn are required")
		return
	}
	arn := fmt.Sprintf("arn:aws:ecs:%s:%s:daemon/%s/%s", e.c.Region, e.a.id, cluster, name)
	if dm := s.daemons[arn]; dm != nil && dm.deletedAt.IsZero() {
		e.failf("InvalidParameterException", "Creation of daemon was not idempotent: daemon %s already exists.", name)
		return
	}
	T := e.a.clock.Now()
	dm := &daemon{arn: arn, name: name, cluster: cluster, clusterArn: fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", e.c.Region, e.a.id, cluster),
		region: e.c.Region, createdAt: T, updatedAt: T, cps: req.CapacityProviderArns, settings: req.daemonSettings, tags: req.Tags}
	x, ok := e.deploy(s, dm, req.DaemonTaskDefinitionArn, T)
	if !ok {
		return
	}
	s.daemons[arn] = dm
	e.ok(wireDaemonChange{DaemonArn: arn, DeploymentArn: x.arn, Status: "ACTIVE", CreatedAt: epoch(T)})
}

func (e *ecsCall) liveDaemon(s *daemonState, arn string) *daemon {
	dm := s.daemons[arn]
	if dm == nil || !dm.deletedAt.IsZero() {
		e.failf("ResourceNotFoundException", "daemon %s not found", arn)
		return nil
	}
	return dm
}

func (e *ecsCall) updateDaemon(s *daemonState, req updateDaemonRequest) {
	dm := e.liveDaemon(s, req.DaemonArn)
	if dm == nil {
		return
	}
	T := e.a.clock.Now()
	if len(req.CapacityProviderArns) > 0 {
		dm.cps = req.CapacityProviderArns
	}
	dm.settings.merge(req.daemonSettings)
	tdArn := req.DaemonTaskDefinitionArn
	if tdArn == "" {
		if cur, _ := dm.current(T); cur != nil {
			tdArn = cur.tdArn
		}
	}
	x, ok := e.deploy(s, dm, tdArn, T)
	if !ok {
		return
	}
	dm.updatedAt = T
	e.ok(wireDaemonChange{DaemonArn: dm.arn, DeploymentArn: x.arn, Status: "ACTIVE", CreatedAt: epoch(dm.createdAt), UpdatedAt: epoch(T)})
}

func (e *ecsCall) describeDaemon(s *daemonState, req daemonRef) {
	dm := s.daemons[req.DaemonArn]
	if dm == nil {
		e.failf("ResourceNotFoundException", "daemon %s not found", req.DaemonArn)
		return
	}
	e.ok(wireDaemonAnswer{dm.JSON(e.a.clock.Now())})
}

func (e *ecsCall) describeDaemonDeployments(s *daemonState, req deploymentArnsRequest) {
	now := e.a.clock.Now()
	out := wireDaemonDeployments{DaemonDeployments: []wireDaemonDeployment{}, Failures: []wireFailure{}}
	for _, arn := range req.DaemonDeploymentArns {
		if x := s.deployments[arn]; x != nil {
			out.DaemonDeployments = append(out.DaemonDeployments, x.JSON(now))
		} else {
			out.Failures = append(out.Failures, wireFailure{Arn: arn, Reason: "MISSING"})
		}
	}
	e.ok(out)
}

func (e *ecsCall) describeDaemonRevisions(s *daemonState, req revisionArnsRequest) {
	out := wireDaemonRevisions{DaemonRevisions: []wireDaemonRevision{}, Failures: []wireFailure{}}
	for _, arn := range req.DaemonRevisionArns {
		r, dm := s.revisions[arn], s.daemonOfRevision(arn)
		if r == nil || dm == nil {
			out.Failures = append(out.Failures, wireFailure{Arn: arn, Reason: "MISSING"})
			continue
		}
		out.DaemonRevisions = append(out.DaemonRevisions, r.JSON(dm))
	}
	e.ok(out)
}

// daemonOfRevision is the daemon a revision ARN belongs to, or nil.
func (s *daemonState) daemonOfRevision(arn string) *daemon {
	var dm *daemon
	for _, d := range s.daemons {
		if strings.HasPrefix(arn, strings.Replace(d.arn, ":daemon/", ":daemon-revision/", 1)+"/") {
			dm = d
		}
	}
	return dm
}

// deleteDaemon stops the daemon's tasks; it is gone once they drained (the sandbox
// drops it at once but answers DELETE_IN_PROGRESS).
func (e *ecsCall) deleteDaemon(s *daemonState, req daemonRef) {
	dm := e.liveDaemon(s, req.DaemonArn)
	if dm == nil {
		return
	}
	T := e.a.clock.Now()
	if _, inflight := dm.current(T); inflight != nil {
		inflight.stoppedAt, inflight.stopReason = T, "daemon deleted"
	}
	dm.deletedAt, dm.updatedAt = T, T
	e.ok(wireDaemonChange{DaemonArn: dm.arn, Status: dm.status(), CreatedAt: epoch(dm.createdAt), UpdatedAt: epoch(T)})
}

func (e *ecsCall) listDaemons(s *daemonState, req listDaemonsRequest) {
	cluster := lastSegment(req.ClusterArn, "")
	out := wireDaemonList{DaemonSummariesList: []wireDaemonSummary{}}
	for _, dm := range s.daemons {
		if !dm.deletedAt.IsZero() || (cluster != "" && dm.cluster != cluster) || dm.region != e.c.Region {
			continue
		}
		out.DaemonSummariesList = append(out.DaemonSummariesList, wireDaemonSummary{DaemonArn: dm.arn, Status: "ACTIVE", CreatedAt: epoch(dm.createdAt), UpdatedAt: epoch(dm.updatedAt)})
	}
	e.ok(out)
}
