package sandbox

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113."

// ecsCall is one ECS request the proxy handles itself.
type ecsCall struct {
	s    *Server
	a    *account
	c    call
	body []byte
	ctx  context.Context
	w    http.ResponseWriter
	// header is the request's (who sent it: the sandbox's CodeDeploy marks its own).
	header http.Header
}

// ecsHandlers are the proxy's own implementations of ECS operations; lockedOp ones
// work on the decoded request under the account's lock.
var ecsHandlers = map[string]func(*ecsCall){
	"CreateService":               (*ecsCall).createService,
	"UpdateService":               (*ecsCall).updateService,
	"DescribeServices":            (*ecsCall).describeServices,
	"DescribeClusters":            (*ecsCall).describeClusters, // ecs_tagsrace.go
	"DeleteService":               (*ecsCall).deleteService,
	"ListServices":                (*ecsCall).listServices,
	"ListServiceDeployments":      lockedOp((*ecsCall).listServiceDeployments),
	"DescribeServiceDeployments":  lockedOp((*ecsCall).describeServiceDeployments),
	"StopServiceDeployment":       lockedOp((*ecsCall).stopServiceDeployment),
	"ContinueServiceDeployment":   lockedOp((*ecsCall).continueServiceDeployment),
	"DescribeServiceRevisions":    lockedOp((*ecsCall).describeServiceRevisions),
	"RunTask":                     (*ecsCall).runTask,
	"DescribeTasks":               lockedOp((*ecsCall).describeTasks),
	"ListTasks":                   lockedOp((*ecsCall).listTasks),
	"StopTask":                    lockedOp((*ecsCall).stopTask),
	"ExecuteCommand":              lockedOp((*ecsCall).executeCommand),
	"ListTaskDefinitions":         (*ecsCall).listTaskDefinitions,
	"DescribeTaskDefinition":      (*ecsCall).describeTaskDefinition,
	"RegisterTaskDefinition":      (*ecsCall).registerTaskDefinition,
	"CreateTaskSet":               (*ecsCall).createTaskSet, // ecs_tasksets_api.go
	"DescribeTaskSets":            lockedOp((*ecsCall).describeTaskSets),
	"UpdateTaskSet":               lockedOp((*ecsCall).updateTaskSet),
	"DeleteTaskSet":               lockedOp((*ecsCall).deleteTaskSet),
	"UpdateServicePrimaryTaskSet": lockedOp((*ecsCall).updateServicePrimaryTaskSet),
}

// ecsHandler returns the proxy's own implementation of an ECS operation, or nil to
// pass the request to moto untouched.
func ecsHandler(op string) func(*ecsCall) {
	if h, ok := ecsHandlers[op]; ok {
		return h
	}
	return expressHandler(op) // express_api.go
}

func (e *ecsCall) forward(body []byte) (int, []byte, error) {
	return e.s.motoCall(e.ctx, e.a.id, e.c.Region, "ecs", e.c.Target, body)
}

// forwardObj passes body to moto as this operation and decodes its answer. When moto
// fails, or answers with something that is not a JSON object, that answer goes back
// to the caller as it is and ok is false.
func (e *ecsCall) forwardObj(body []byte) (reply obj, ok bool) {
	status, rb, err := e.forward(body)
	if err != nil || status != http.StatusOK {
		e.relay(status, rb, err)
		return nil, false
	}
	reply, err = decodeObj(rb)
	if err != nil {
		e.raw(status, rb)
		return nil, false
	}
	return reply, true
}

// lockedOp adapts a handler of the decoded request that runs under the account's
// lock at the account's current time T (the prologue most of the proxy's own ECS
// operations share).
func lockedOp(h func(e *ecsCall, req obj, T time.Time)) func(*ecsCall) {
	return func(e *ecsCall) {
		req, ok := e.request()
		if !ok {
			return
		}
		e.a.mu.Lock()
		defer e.a.mu.Unlock()
		h(e, req, e.a.clock.Now())
	}
}

func (e *ecsCall) raw(status int, body []byte) {
	e.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	e.w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	e.w.WriteHeader(status)
	_, _ = e.w.Write(body)
}

// ok answers 200 with o, a typed answer (ecs_wire.go) or a decoded object.
func (e *ecsCall) ok(o any) {
	b, err := marshal(o)
	if err != nil {
		e.fail("ServerException", "sandbox: encode reply: "+err.Error())
		return
	}
	e.raw(http.StatusOK, b)
}

// fail writes an ECS error. Client errors are 400 as in the ECS API reference
// ("Common Errors"); ServerException is 500.
func (e *ecsCall) fail(typ, msg string) {
	status := http.StatusBadRequest
	if typ == "ServerException" {
		status = http.StatusInternalServerError
	}
	writeJSONError(e.w, status, typ, msg)
}

func (e *ecsCall) failf(typ, format string, args ...any) { e.fail(typ, fmt.Sprintf(format, args...)) }

func (e *ecsCall) request() (obj, bool) {
	o, err := decodeObj(e.body)
	if err != nil {
		e.fail("SerializationException", "sandbox: "+err.Error())
		return nil, false
	}
	return o, true
}

// lastSegment turns a name or ARN into a name; "" becomes def.
func lastSegment(v, def string) string {
	if v == "" {
		return def
	}
	return v[strings.LastIndexByte(v, '/')+1:]
}

func serviceKey(region, cluster, name string) string { return region + "|" + cluster + "|" + name }

// requestedServiceKey is the key of the service a request names by "cluster" and
// "service" (names or ARNs).
func (e *ecsCall) requestedServiceKey(req obj) string {
	return serviceKey(e.c.Region, lastSegment(str(req, "cluster"), "default"), lastSegment(str(req, "service"), ""))
}

// repliedServiceKey is the key of a Service moto answered with.
func (e *ecsCall) repliedServiceKey(svc obj) string {
	return serviceKey(e.c.Region, lastSegment(str(svc, "clusterArn"), "default"), str(svc, "serviceName"))
}

// existingService is the service req names, or nil after answering
// ServiceNotFoundException. The caller holds a.mu.
func (e *ecsCall) existingService(req obj) *service {
	s := e.a.services[e.requestedServiceKey(req)]
	if s == nil {
		e.fail("ServiceNotFoundException", "Service not found.")
	}
	return s
}

// describeEach builds the answer of a Describe call from its references (names or
// ARNs): what find finds is an item, any other reference a MISSING failure, in the
// order asked.
func describeEach[T any](refs []any, find func(ref string) (T, bool)) ([]T, []wireFailure) {
	items, failures := []T{}, []wireFailure{}
	for _, v := range refs {
		ref, _ := v.(string)
		if it, ok := find(ref); ok {
			items = append(items, it)
		} else {
			failures = append(failures, wireFailure{Arn: ref, Reason: "MISSING"})
		}
	}
	return items, failures
}

// taskDefinition resolves a task definition reference (family, family:revision or
// ARN) to its description, using moto and a per-account cache. A bare family means
// the latest ACTIVE revision (DescribeTaskDefinition API reference); moto would pick
// the highest revision even when INACTIVE, so the proxy resolves it itself. When the
// reference does not resolve it relays moto's answer (or the error) and ok is false.
func (e *ecsCall) taskDefinition(ref string) (td obj, ok bool) {
	e.a.mu.Lock()
	if td, ok := e.a.tds[ref]; ok {
		e.a.mu.Unlock()
		return td, true
	}
	e.a.mu.Unlock()
	resolved, err := e.resolveFamily(ref)
	if err != nil {
		e.relay(0, nil, err)
		return nil, false
	}
	status, body, err := e.s.motoCall(e.ctx, e.a.id, e.c.Region, "ecs", ecsTargetPrefix+"DescribeTaskDefinition", obj{"taskDefinition": resolved})
	if err != nil || status != http.StatusOK {
		e.relay(status, body, err)
		return nil, false
	}
	o, err := decodeObj(body)
	if err != nil {
		e.relay(0, nil, err)
		return nil, false
	}
	td = sub(o, "taskDefinition")
	arn := str(td, "taskDefinitionArn")
	e.a.mu.Lock()
	e.a.tds[arn] = td
	e.a.mu.Unlock()
	return td, true
}

func (e *ecsCall) resolveFamily(ref string) (string, error) {
	if ref == "" || strings.Contains(ref, ":") {
		return ref, nil
	}
	status, body, err := e.s.motoCall(e.ctx, e.a.id, e.c.Region, "ecs", ecsTargetPrefix+"ListTaskDefinitions", obj{"familyPrefix": ref, "status": "ACTIVE"})
	if err != nil || status != 200 {
		return ref, err
	}
	o, err := decodeObj(body)
	if err != nil {
		return ref, err
	}
	best, bestRev := ref, -1
	for _, v := range list(o, "taskDefinitionArns") {
		s, _ := v.(string)
		if fam, rev, ok := familyRevision(s); ok && fam == ref && rev > bestRev {
			best, bestRev = s, rev
		}
	}
	return best, nil
}

// familyRevision splits ".../family:rev".
func familyRevision(arn string) (string, int, bool) {
	name := lastSegment(arn, "")
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return name, 0, false
	}
	rev, err := strconv.Atoi(name[i+1:])
	return name[:i], rev, err == nil
}

// registerTaskDefinition passes through and remembers registeredAt, which moto does
// not set (TaskDefinition.registeredAt in the API reference).
func (e *ecsCall) registerTaskDefinition() {
	o, ok := e.forwardObj(e.body)
	if !ok {
		return
	}
	td := sub(o, "taskDefinition")
	now := e.a.clock.Now()
	e.a.mu.Lock()
	e.a.regAt[str(td, "taskDefinitionArn")] = now
	e.a.mu.Unlock()
	td["registeredAt"] = epoch(now)
	e.ok(o)
}

func (e *ecsCall) describeTaskDefinition() {
	req, ok := e.request()
	if !ok {
		return
	}
	body := e.body
	if ref := str(req, "taskDefinition"); ref != "" && !strings.Contains(ref, ":") {
		resolved, err := e.resolveFamily(ref)
		if err != nil {
			e.relay(0, nil, err)
			return
		}
		req["taskDefinition"] = resolved
		body, _ = marshal(req)
	}
	o, ok := e.forwardObj(body)
	if !ok {
		return
	}
	td := sub(o, "taskDefinition")
	e.a.mu.Lock()
	at, known := e.a.regAt[str(td, "taskDefinitionArn")]
	e.a.mu.Unlock()
	if known {
		td["registeredAt"] = epoch(at)
	}
	e.ok(o)
}

func (e *ecsCall) relay(status int, body []byte, err error) {
	if err != nil {
		e.fail("ServerException", "sandbox: "+err.Error())
		return
	}
	e.raw(status, body)
}

// pageToken encodes an offset as an opaque nextToken.
func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sandbox:" + strconv.Itoa(offset)))
}

func parsePageToken(tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(b), "sandbox:") {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "sandbox:"))
	return n, err == nil && n >= 0
}

// page applies maxResults/nextToken to a sorted list.
func (e *ecsCall) page(req obj, items []string, def int) ([]string, string, bool) {
	maxResults := def
	if n, ok := num(req, "maxResults"); ok {
		if n < 1 || n > 100 {
			e.fail("InvalidParameterException", "maxResults must be between 1 and 100.")
			return nil, "", false
		}
		maxResults = n
	}
	off, ok := parsePageToken(str(req, "nextToken"))
	if !ok {
		e.fail("InvalidParameterException", "Invalid nextToken.")
		return nil, "", false
	}
	if off > len(items) {
		off = len(items)
	}
	end := min(off+maxResults, len(items))
	next := ""
	if end < len(items) {
		next = pageToken(end)
	}
	return items[off:end], next, true
}

// listTaskDefinitions implements sort, maxResults and nextToken, which moto ignores.
// ListTaskDefinitions API reference: ASC lists families lexicographically and
// revisions in ascending numerical order; DESC reverses both. maxResults is 1–100
// (default 100).
func (e *ecsCall) listTaskDefinitions() {
	req, ok := e.request()
	if !ok {
		return
	}
	fwd := obj{}
	if v := str(req, "familyPrefix"); v != "" {
		fwd["familyPrefix"] = v
	}
	if v := str(req, "status"); v != "" {
		fwd["status"] = v
	}
	o, ok := e.forwardObj(mustMarshal(fwd))
	if !ok {
		return
	}
	var arns []string
	for _, v := range list(o, "taskDefinitionArns") {
		if s, ok := v.(string); ok {
			arns = append(arns, s)
		}
	}
	desc := strings.EqualFold(str(req, "sort"), "DESC")
	slices.SortFunc(arns, func(x, y string) int {
		fx, rx, _ := familyRevision(x)
		fy, ry, _ := familyRevision(y)
		c := strings.Compare(fx, fy)
		if c == 0 {
			c = rx - ry
		}
		if desc {
			c = -c
		}
		return c
	})
	items, next, ok := e.page(req, arns, 100)
	if !ok {
		return
	}
	e.ok(wireTaskDefinitionArns{TaskDefinitionArns: orEmpty(items), NextToken: next})
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func mustMarshal(v any) []byte {
	b, _ := marshal(v)
	return b
}

// now is the account's simulated time for this request.
func (e *ecsCall) now() time.Time { return e.a.clock.Now() }
