package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/winebarrel/cronplan"
)

// EventBridge in the sandbox: moto keeps the rules, targets and tags; the proxy
// keeps an index of the scheduled rules (refreshed after every write of a rule or
// its targets) and fires the enabled ones on the account's clock, as EventBridge
// does for "rules that run on a schedule" with an ECS task target: RunTask with the
// target's EcsParameters and its Input as the task overrides, startedBy
// "events-rule/<rule name>", and a failed invocation sent to the target's dead-letter
// queue when it has one ("Using dead-letter queues to process undelivered events",
// EventBridge User Guide). moto has no Resource Groups SearchResources, which
// ecschedule (and doppio) use to find a file's rules by their tracking tag; the
// proxy answers it from moto's rules and tags.

const eventsTargetPrefix = "AWSEvents."

// maxFiresPerCheck bounds the invocations one clock jump makes per rule (a year's
// jump of a one-minute rule would otherwise start half a million tasks).
const maxFiresPerCheck = 60

// eventsState is one account's index of scheduled rules.
type eventsState struct {
	mu        sync.Mutex
	rules     map[string]*schedRule // region|name
	schedules map[string]*schedRule // region|group|name: EventBridge Scheduler (scheduler.go)
}

type schedRule struct {
	region, name, arn string
	expr              string
	enabled           bool
	anchor            time.Time // when the schedule was set (rate expressions count from it)
	checked           time.Time // fires up to here have happened
	next              time.Time // the first fire after checked (zero: never)
	targets           []map[string]any
	// A Scheduler schedule's time zone, startedBy and dates (scheduler.go).
	tz, startedBy     string
	created, modified time.Time
}

func (a *account) eventsState() *eventsState {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.events == nil {
		a.events = &eventsState{rules: map[string]*schedRule{}, schedules: map[string]*schedRule{}}
	}
	return a.events
}

// serveEvents handles what the proxy adds to EventBridge and Resource Groups.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request, a *account, c call, body []byte) bool {
	switch {
	case c.Service == "resource-groups" && r.URL.Path == "/resources/search":
		s.searchResources(w, r.Context(), a, c, body)
		return true
	case c.Service == "events" && strings.HasPrefix(c.Target, eventsTargetPrefix):
		switch c.Operation {
		case "PutRule", "DeleteRule", "EnableRule", "DisableRule", "PutTargets", "RemoveTargets":
		default:
			return false
		}
		rec := httptest.NewRecorder()
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.proxy.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		if rec.Code == http.StatusOK {
			var req map[string]any
			_ = json.Unmarshal(body, &req)
			name := str(req, "Name")
			if name == "" {
				name = str(req, "Rule")
			}
			s.indexRule(r.Context(), a, c.Region, name)
		}
		return true
	}
	return false
}

// eventsCall sends one EventBridge request to moto.
func (s *Server) eventsCall(ctx context.Context, a *account, region, op string, payload any) (map[string]any, bool) {
	status, b, err := s.motoCall(ctx, a.id, region, "events", eventsTargetPrefix+op, payload)
	if err != nil || status != http.StatusOK {
		return nil, false
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return nil, false
	}
	return out, true
}

// indexRule refreshes the index entry of one rule from moto.
func (s *Server) indexRule(ctx context.Context, a *account, region, name string) {
	es := a.eventsState()
	rule, ok := s.eventsCall(ctx, a, region, "DescribeRule", map[string]any{"Name": name})
	var targets map[string]any
	if ok {
		targets, _ = s.eventsCall(ctx, a, region, "ListTargetsByRule", map[string]any{"Rule": name, "Limit": 100})
	}
	now := a.clock.Now()
	es.mu.Lock()
	defer es.mu.Unlock()
	key := region + "|" + name
	if !ok || str(rule, "ScheduleExpression") == "" {
		delete(es.rules, key)
		return
	}
	sr := es.rules[key]
	if sr == nil {
		sr = &schedRule{region: region, name: name, anchor: now, checked: now}
		es.rules[key] = sr
	}
	enabled := str(rule, "State") == "ENABLED"
	if expr := str(rule, "ScheduleExpression"); expr != sr.expr {
		// A new schedule starts now; nothing before it fires.
		sr.expr, sr.anchor, sr.checked = expr, now, now
	}
	if enabled && !sr.enabled {
		sr.checked = now
	}
	sr.enabled, sr.arn = enabled, str(rule, "Arn")
	sr.next = nextFire(sr.expr, sr.anchor, sr.checked)
	sr.targets = nil
	for _, t := range list(targets, "Targets") {
		if m, ok := t.(map[string]any); ok {
			sr.targets = append(sr.targets, m)
		}
	}
}

// fireRules starts the tasks of every enabled rule of the region that fell due
// since the last check. The tasks' times are those of the due moments.
func (s *Server) fireRules(ctx context.Context, a *account, region string) {
	es := a.eventsState()
	es.mu.Lock()
	defer es.mu.Unlock()
	now := a.clock.Now()
	for _, sr := range es.rules {
		// Most requests find nothing due: next spares parsing the expression.
		if sr.region != region || !sr.enabled || sr.next.IsZero() || now.Before(sr.next) {
			continue
		}
		due := fireTimes(sr.expr, sr.anchor, sr.checked, now)
		sr.checked = now
		sr.next = nextFire(sr.expr, sr.anchor, now)
		for _, at := range due {
			for _, t := range sr.targets {
				s.invoke(ctx, a, sr, t, at, now)
			}
		}
	}
}

var sandboxRateRe = regexp.MustCompile(`^rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)$`)

// fireTimes are the moments in (from, to] the expression names (cron in UTC; rate
// counted from anchor), at most maxFiresPerCheck.
func fireTimes(expr string, anchor, from, to time.Time) []time.Time {
	var out []time.Time
	if m := sandboxRateRe.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(m[2], "s")]
		every := time.Duration(n) * unit
		if every <= 0 {
			return nil
		}
		k := from.Sub(anchor)/every + 1
		for t := anchor.Add(k * every); !t.After(to) && len(out) < maxFiresPerCheck; t = t.Add(every) {
			out = append(out, t)
		}
		return out
	}
	if !strings.HasPrefix(expr, "cron(") || !strings.HasSuffix(expr, ")") {
		return nil
	}
	c, err := cronplan.Parse(strings.TrimSuffix(strings.TrimPrefix(expr, "cron("), ")"))
	if err != nil {
		return nil
	}
	start := from.UTC().Truncate(time.Minute).Add(time.Minute)
	if start.After(to) {
		return nil
	}
	for _, t := range c.Between(start.Add(-time.Nanosecond), to.UTC()) {
		if t.After(from) && !t.After(to) && len(out) < maxFiresPerCheck {
			out = append(out, t)
		}
	}
	return out
}

// nextFire is the first fire time after t, or zero when there is none.
func nextFire(expr string, anchor, t time.Time) time.Time {
	if m := sandboxRateRe.FindStringSubmatch(expr); m != nil {
		if due := fireTimes(expr, anchor, t, t.Add(1000*24*time.Hour)); len(due) > 0 {
			return due[0]
		}
		return time.Time{}
	}
	c, err := cronplan.Parse(strings.TrimSuffix(strings.TrimPrefix(expr, "cron("), ")"))
	if err != nil || !strings.HasPrefix(expr, "cron(") {
		return time.Time{}
	}
	return c.Next(t.UTC().Truncate(time.Minute).Add(time.Minute))
}

// invoke runs one target of a rule at moment at, with the proxy's RunTask.
func (s *Server) invoke(ctx context.Context, a *account, sr *schedRule, target map[string]any, at, now time.Time) {
	ep := sub(target, "EcsParameters")
	if ep == nil {
		return
	}
	req := map[string]any{
		"cluster":        str(target, "Arn"),
		"taskDefinition": str(ep, "TaskDefinitionArn"),
		"startedBy":      "events-rule/" + sr.name,
	}
	if sr.startedBy != "" {
		req["startedBy"] = sr.startedBy
	}
	if n, ok := num(ep, "TaskCount"); ok {
		req["count"] = n
	}
	for from, to := range map[string]string{"LaunchType": "launchType", "PlatformVersion": "platformVersion", "Group": "group", "PropagateTags": "propagateTags"} {
		if v := str(ep, from); v != "" {
			req[to] = v
		}
	}
	var cps []any
	for _, c := range list(ep, "CapacityProviderStrategy") {
		m, _ := c.(map[string]any)
		cps = append(cps, map[string]any{"capacityProvider": str(m, "capacityProvider"), "base": m["base"], "weight": m["weight"]})
	}
	if len(cps) > 0 {
		req["capacityProviderStrategy"] = cps
	}
	if vpc := sub(sub(ep, "NetworkConfiguration"), "awsvpcConfiguration"); vpc != nil {
		nc := map[string]any{"subnets": vpc["Subnets"]}
		if sg := vpc["SecurityGroups"]; sg != nil {
			nc["securityGroups"] = sg
		}
		if ip := str(vpc, "AssignPublicIp"); ip != "" {
			nc["assignPublicIp"] = ip
		}
		req["networkConfiguration"] = map[string]any{"awsvpcConfiguration": nc}
	}
	if in := str(target, "Input"); in != "" {
		var ov map[string]any
		if json.Unmarshal([]byte(in), &ov) == nil {
			if ov["containerOverrides"] == nil {
				delete(ov, "containerOverrides")
			}
			req["overrides"] = ov
		}
	}
	body, _ := json.Marshal(req)
	rec := httptest.NewRecorder()
	e := &ecsCall{s: s, a: a, body: body, ctx: ctx, w: rec,
		c: call{Service: "ecs", Operation: "RunTask", Target: ecsTargetPrefix + "RunTask", Region: sr.region, Account: a.id, Protocol: protoJSON}}
	e.runTask()
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	shift := at.Sub(now)
	a.mu.Lock()
	for _, t := range list(out, "tasks") {
		m, _ := t.(map[string]any)
		if tk := a.tasks[str(m, "taskArn")]; tk != nil {
			for _, p := range []*time.Time{&tk.createdAt, &tk.pendingAt, &tk.runningAt, &tk.exitAt, &tk.stopAt} {
				if !p.IsZero() {
					*p = p.Add(shift)
				}
			}
		}
	}
	a.mu.Unlock()
	code, msg := "", ""
	switch {
	case rec.Code != http.StatusOK:
		code, msg = str(out, "__type"), str(out, "message")
	case len(list(out, "failures")) > 0:
		f, _ := list(out, "failures")[0].(map[string]any)
		code, msg = "ECS_TASK_PLACEMENT_FAILED", str(f, "reason")
	default:
		return
	}
	if dlq := str(sub(target, "DeadLetterConfig"), "Arn"); dlq != "" {
		s.deadLetter(ctx, a, sr, target, dlq, code, msg, at)
	}
}

// deadLetter sends the undelivered event to the target's queue, with EventBridge's
// message attributes (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE).
func (s *Server) deadLetter(ctx context.Context, a *account, sr *schedRule, target map[string]any, dlq, code, msg string, at time.Time) {
	queue := dlq[strings.LastIndexByte(dlq, ':')+1:]
	status, b, err := s.motoCall(ctx, a.id, sr.region, "sqs", "AmazonSQS.GetQueueUrl", map[string]any{"QueueName": queue})
	if err != nil || status != http.StatusOK {
		return
	}
	var q map[string]any
	if json.Unmarshal(b, &q) != nil {
		return
	}
	event, _ := json.Marshal(map[string]any{
		"version": "0", "id": a.uuid(), "detail-type": "Scheduled Event", "source": "aws.events",
		"account": a.id, "time": at.UTC().Format(time.RFC3339), "region": sr.region,
		"resources": []string{sr.arn}, "detail": map[string]any{},
	})
	attr := func(v string) map[string]any { return map[string]any{"DataType": "String", "StringValue": v} }
	_, _, _ = s.motoCall(ctx, a.id, sr.region, "sqs", "AmazonSQS.SendMessage", map[string]any{
		"QueueUrl": str(q, "QueueUrl"), "MessageBody": string(event),
		"MessageAttributes": map[string]any{
			"RULE_ARN": attr(sr.arn), "TARGET_ARN": attr(str(target, "Arn")),
			"ERROR_CODE": attr(code), "ERROR_MESSAGE": attr(msg),
		},
	})
}

// searchResources answers Resource Groups SearchResources for TAG_FILTERS_1_0
// queries on AWS::Events::Rule (what ecschedule's prune asks), from moto's rules
// and their tags.
func (s *Server) searchResources(w http.ResponseWriter, ctx context.Context, a *account, c call, body []byte) {
	var req struct {
		ResourceQuery struct {
			Type  string
			Query string
		}
	}
	reply := func(status int, v any) {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
	var q struct {
		ResourceTypeFilters []string
		TagFilters          []struct {
			Key    string
			Values []string
		}
	}
	if json.Unmarshal(body, &req) != nil || req.ResourceQuery.Type != "TAG_FILTERS_1_0" || json.Unmarshal([]byte(req.ResourceQuery.Query), &q) != nil {
		w.Header().Set("X-Amzn-ErrorType", "BadRequestException")
		reply(http.StatusBadRequest, map[string]string{"Message": "sandbox: only TAG_FILTERS_1_0 queries are supported"})
		return
	}
	ids := []any{}
	wantRules := len(q.ResourceTypeFilters) == 0
	for _, t := range q.ResourceTypeFilters {
		if t == "AWS::Events::Rule" || t == "AWS::AllSupported" {
			wantRules = true
		}
	}
	if wantRules {
		var token any
		for {
			page, ok := s.eventsCall(ctx, a, c.Region, "ListRules", map[string]any{"NextToken": token, "Limit": 100})
			if !ok {
				break
			}
			for _, r := range list(page, "Rules") {
				m, _ := r.(map[string]any)
				arn := str(m, "Arn")
				tags, _ := s.eventsCall(ctx, a, c.Region, "ListTagsForResource", map[string]any{"ResourceARN": arn})
				have := map[string]string{}
				for _, t := range list(tags, "Tags") {
					tm, _ := t.(map[string]any)
					have[str(tm, "Key")] = str(tm, "Value")
				}
				match := true
				for _, f := range q.TagFilters {
					v, ok := have[f.Key]
					if !ok || (len(f.Values) > 0 && !containsString(f.Values, v)) {
						match = false
					}
				}
				if match {
					ids = append(ids, map[string]any{"ResourceArn": arn, "ResourceType": "AWS::Events::Rule"})
				}
			}
			if str(page, "NextToken") == "" {
				break
			}
			token = str(page, "NextToken")
		}
	}
	reply(http.StatusOK, map[string]any{"ResourceIdentifiers": ids, "QueryErrors": []any{}})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// String describes a scheduled rule (debugging).
func (sr *schedRule) String() string {
	return fmt.Sprintf("%s %s enabled=%v targets=%d", sr.name, sr.expr, sr.enabled, len(sr.targets))
}
