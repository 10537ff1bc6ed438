package sandbox

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
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
	targets           []eventsTarget
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
		relay(w, rec, rec.Body.Bytes(), false)
		if rec.Code == http.StatusOK {
			var req ruleName
			_ = json.Unmarshal(body, &req)
			s.indexRule(r.Context(), a, c.Region, cmp.Or(req.Name, req.Rule))
		}
		return true
	}
	return false
}

// eventsCall sends one EventBridge request to moto and decodes its answer into out.
func (s *Server) eventsCall(ctx context.Context, a *account, region, op string, payload, out any) bool {
	return s.motoJSON(ctx, a, region, "events", eventsTargetPrefix+op, payload, out)
}

// motoJSON sends one JSON-protocol request to moto and decodes a successful
// answer into out.
func (s *Server) motoJSON(ctx context.Context, a *account, region, service, target string, payload, out any) bool {
	status, b, err := s.motoCall(ctx, a.id, region, service, target, payload)
	return err == nil && status == http.StatusOK && json.Unmarshal(b, out) == nil
}

// indexRule refreshes the index entry of one rule from moto.
func (s *Server) indexRule(ctx context.Context, a *account, region, name string) {
	es := a.eventsState()
	var rule describeRuleAnswer
	var targets listTargetsAnswer
	ok := s.eventsCall(ctx, a, region, "DescribeRule", describeRuleRequest{name}, &rule)
	if ok {
		s.eventsCall(ctx, a, region, "ListTargetsByRule", listTargetsRequest{Rule: name, Limit: 100}, &targets)
	}
	now := a.clock.Now()
	es.mu.Lock()
	defer es.mu.Unlock()
	key := region + "|" + name
	if !ok || rule.ScheduleExpression == "" {
		delete(es.rules, key)
		return
	}
	sr := es.rules[key]
	if sr == nil {
		sr = &schedRule{region: region, name: name, anchor: now, checked: now}
		es.rules[key] = sr
	}
	enabled := rule.State == "ENABLED"
	if rule.ScheduleExpression != sr.expr {
		// A new schedule starts now; nothing before it fires.
		sr.expr, sr.anchor, sr.checked = rule.ScheduleExpression, now, now
	}
	if enabled && !sr.enabled {
		sr.checked = now
	}
	sr.enabled, sr.arn = enabled, rule.Arn
	sr.next = nextFire(sr.expr, sr.anchor, sr.checked)
	sr.targets = targets.Targets
}

// fireDue starts the tasks of every enabled scheduled rule and EventBridge
// Scheduler schedule (scheduler.go) of the region that fell due since the last
// check. The tasks' times are those of the due moments.
func (s *Server) fireDue(ctx context.Context, a *account, region string) {
	es := a.eventsState()
	es.mu.Lock()
	defer es.mu.Unlock()
	s.fire(ctx, a, region, es.rules,
		func(sr *schedRule, from, to time.Time) []time.Time { return fireTimes(sr.expr, sr.anchor, from, to) },
		func(sr *schedRule, t time.Time) time.Time { return nextFire(sr.expr, sr.anchor, t) })
	s.fire(ctx, a, region, es.schedules, scheduleTimes, nextSchedule)
}

// fire starts the tasks of the enabled rules of the region that fell due since the
// last check: times are a rule's fire times in (from, to], next its first fire
// after t.
func (s *Server) fire(ctx context.Context, a *account, region string, rules map[string]*schedRule,
	times func(sr *schedRule, from, to time.Time) []time.Time, next func(sr *schedRule, t time.Time) time.Time) {
	now := a.clock.Now()
	for _, sr := range rules {
		// Most requests find nothing due: next spares parsing the expression.
		if sr.region != region || !sr.enabled || sr.next.IsZero() || now.Before(sr.next) {
			continue
		}
		due := times(sr, sr.checked, now)
		sr.checked = now
		sr.next = next(sr, now)
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

// runTaskRequest is the RunTask request of a target: its EcsParameters, its Input
// as the task overrides, startedBy the rule's (or the schedule's).
func (sr *schedRule) runTaskRequest(target eventsTarget) (eventsRunTask, bool) {
	ep := target.EcsParameters
	if ep == nil {
		return eventsRunTask{}, false
	}
	req := eventsRunTask{
		Cluster: target.Arn, TaskDefinition: ep.TaskDefinitionArn, StartedBy: cmp.Or(sr.startedBy, "events-rule/"+sr.name),
		Count: ep.TaskCount, LaunchType: ep.LaunchType, PlatformVersion: ep.PlatformVersion, Group: ep.Group, PropagateTags: ep.PropagateTags,
		CapacityProviderStrategy: ep.CapacityProviderStrategy,
	}
	if nc := ep.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		vpc := nc.AwsvpcConfiguration
		req.NetworkConfiguration = &wireNetworkConfig{wireAwsvpc{Subnets: vpc.Subnets, SecurityGroups: vpc.SecurityGroups, AssignPublicIP: vpc.AssignPublicIP}}
	}
	if target.Input != "" {
		var ov map[string]any
		if json.Unmarshal([]byte(target.Input), &ov) == nil {
			if ov["containerOverrides"] == nil {
				delete(ov, "containerOverrides")
			}
			req.Overrides = ov
		}
	}
	return req, true
}

// invoke runs one target of a rule at moment at, with the proxy's RunTask.
func (s *Server) invoke(ctx context.Context, a *account, sr *schedRule, target eventsTarget, at, now time.Time) {
	req, ok := sr.runTaskRequest(target)
	if !ok {
		return
	}
	body, _ := json.Marshal(req)
	rec := httptest.NewRecorder()
	e := &ecsCall{s: s, a: a, body: body, ctx: ctx, w: rec,
		c: call{Service: "ecs", Operation: "RunTask", Target: ecsTargetPrefix + "RunTask", Region: sr.region, Account: a.id, Protocol: protoJSON}}
	e.runTask()
	var out runTaskAnswer
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	a.backdate(out, at.Sub(now))
	code, msg := "", ""
	switch {
	case rec.Code != http.StatusOK:
		code, msg = out.Type, out.Message
	case len(out.Failures) > 0:
		code, msg = "ECS_TASK_PLACEMENT_FAILED", out.Failures[0].Reason
	default:
		return
	}
	if target.DeadLetterConfig != nil && target.DeadLetterConfig.Arn != "" {
		s.deadLetter(ctx, a, sr, target, target.DeadLetterConfig.Arn, code, msg, at)
	}
}

// backdate moves the times of the tasks an invocation started by shift: they
// started at the due moment, not at the request that noticed it.
func (a *account) backdate(out runTaskAnswer, shift time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range out.Tasks {
		if tk := a.tasks[t.TaskArn]; tk != nil {
			for _, p := range []*time.Time{&tk.createdAt, &tk.pendingAt, &tk.runningAt, &tk.exitAt, &tk.stopAt} {
				if !p.IsZero() {
					*p = p.Add(shift)
				}
			}
		}
	}
}

// deadLetter sends the undelivered event to the target's queue, with EventBridge's
// message attributes (RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE).
func (s *Server) deadLetter(ctx context.Context, a *account, sr *schedRule, target eventsTarget, dlq, code, msg string, at time.Time) {
	var q getQueueURLAnswer
	if !s.motoJSON(ctx, a, sr.region, "sqs", "AmazonSQS.GetQueueUrl", getQueueURLRequest{dlq[strings.LastIndexByte(dlq, ':')+1:]}, &q) {
		return
	}
	event, _ := json.Marshal(scheduledEvent{
		Version: "0", ID: a.uuid(), DetailType: "Scheduled Event", Source: "aws.events",
		Account: a.id, Time: at.UTC().Format(time.RFC3339), Region: sr.region, Resources: []string{sr.arn},
	})
	attr := func(v string) sqsStringAttr { return sqsStringAttr{DataType: "String", StringValue: v} }
	_, _, _ = s.motoCall(ctx, a.id, sr.region, "sqs", "AmazonSQS.SendMessage", sendMessageRequest{
		QueueURL: q.QueueURL, MessageBody: string(event),
		MessageAttributes: map[string]sqsStringAttr{
			"RULE_ARN": attr(sr.arn), "TARGET_ARN": attr(target.Arn),
			"ERROR_CODE": attr(code), "ERROR_MESSAGE": attr(msg),
		},
	})
}

// searchResources answers Resource Groups SearchResources for TAG_FILTERS_1_0
// queries on AWS::Events::Rule (what ecschedule's prune asks), from moto's rules
// and their tags.
func (s *Server) searchResources(w http.ResponseWriter, ctx context.Context, a *account, c call, body []byte) {
	reply := func(status int, v any) {
		b, _ := json.Marshal(v)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
	var req searchResourcesRequest
	var q tagFiltersQuery
	if json.Unmarshal(body, &req) != nil || req.ResourceQuery.Type != "TAG_FILTERS_1_0" || json.Unmarshal([]byte(req.ResourceQuery.Query), &q) != nil {
		w.Header().Set("X-Amzn-ErrorType", "BadRequestException")
		reply(http.StatusBadRequest, wireRGError{"sandbox: only TAG_FILTERS_1_0 queries are supported"})
		return
	}
	out := wireSearchResources{ResourceIdentifiers: []wireResourceIdentifier{}, QueryErrors: []any{}}
	if !q.wantsRules() {
		reply(http.StatusOK, out)
		return
	}
	var token *string
	for {
		var page listRulesAnswer
		if !s.eventsCall(ctx, a, c.Region, "ListRules", listRulesRequest{NextToken: token, Limit: 100}, &page) {
			break
		}
		for _, r := range page.Rules {
			var tags listTagsAnswer
			s.eventsCall(ctx, a, c.Region, "ListTagsForResource", listTagsRequest{r.Arn}, &tags)
			have := map[string]string{}
			for _, t := range tags.Tags {
				have[t.Key] = t.Value
			}
			if q.matches(have) {
				out.ResourceIdentifiers = append(out.ResourceIdentifiers, wireResourceIdentifier{ResourceArn: r.Arn, ResourceType: "AWS::Events::Rule"})
			}
		}
		if page.NextToken == "" {
			break
		}
		token = &page.NextToken
	}
	reply(http.StatusOK, out)
}

// wantsRules reports whether the query's resource types take in rules.
func (q tagFiltersQuery) wantsRules() bool {
	want := len(q.ResourceTypeFilters) == 0
	for _, t := range q.ResourceTypeFilters {
		want = want || t == "AWS::Events::Rule" || t == "AWS::AllSupported"
	}
	return want
}

// matches reports whether tags pass every tag filter of the query.
func (q tagFiltersQuery) matches(tags map[string]string) bool {
	for _, f := range q.TagFilters {
		v, ok := tags[f.Key]
		if !ok || (len(f.Values) > 0 && !slices.Contains(f.Values, v)) {
			return false
		}
	}
	return true
}

// String describes a scheduled rule (debugging).
func (sr *schedRule) String() string {
	return fmt.Sprintf("%s %s enabled=%v targets=%d", sr.name, sr.expr, sr.enabled, len(sr.targets))
}
