package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Listener rule weights of traffic-shifting deployments, written into moto's ELBv2.
//
// During a BLUE_GREEN, LINEAR or CANARY deployment ECS moves traffic by changing the
// weights of the forward actions of the production and test listener rules named in
// loadBalancers[].advancedConfiguration (Developer Guide, "Application Load Balancer
// resources for blue/green, linear, and canary deployments"): the test rule forwards to
// the alternate (green) target group from TEST_TRAFFIC_SHIFT on, the production rule
// moves step by step, and on success the green target group keeps 100% and becomes the
// one the next deployment shifts away from; a rollback puts 100% back on blue.
//
// The weights are a function of the clock (ecs_bluegreen.go). They are written before any
// request of the account is served (like the log lines in logs_tasklines.go), so whoever reads
// the rules sees the weights of that instant, whether or not anyone polled ECS.

// bgRules is what a service's load balancer names for traffic shifting.
type bgRules struct {
	prodRule, testRule string
	tgA, tgB           string // targetGroupArn, alternateTargetGroupArn
}

func rulesOf(attrs obj) (bgRules, bool) {
	for _, v := range list(attrs, "loadBalancers") {
		lb, _ := v.(map[string]any)
		ac := sub(lb, "advancedConfiguration")
		r := bgRules{prodRule: str(ac, "productionListenerRule"), testRule: str(ac, "testListenerRule"),
			tgA: str(lb, "targetGroupArn"), tgB: str(ac, "alternateTargetGroupArn")}
		if r.prodRule != "" && r.tgA != "" && r.tgB != "" {
			return r, true
		}
	}
	return bgRules{}, false
}

// ruleWrite is one ModifyRule to send.
type ruleWrite struct {
	rule                 string
	blue, green          string
	greenWeight, version string
}

// syncTraffic brings the account's listener rules up to the clock.
func (s *Server) syncTraffic(ctx context.Context, a *account, region string) {
	a.mu.Lock()
	now := a.clock.Now()
	var writes []ruleWrite
	var apply []func()
	for _, svc := range a.services {
		if svc.region != region {
			continue
		}
		var d *deployment
		for _, x := range svc.deployments {
			if x.bg != nil && !x.createdAt.After(now) {
				d = x
			}
		}
		if d == nil {
			continue
		}
		r, ok := rulesOf(svc.attrs)
		if !ok {
			continue
		}
		if d.bgBlue == "" {
			// The target group serving production when the deployment started is blue.
			d.bgBlue = svc.prodTG
			if d.bgBlue == "" {
				d.bgBlue = r.tgA
			}
		}
		blue, green := d.bgBlue, r.tgB
		if blue == r.tgB {
			green = r.tgA
		}
		tl := d.timeline()
		prod, test := tl.trafficAt(now), 0.0
		if !tl.test.IsZero() && after(now, tl.test) && (tl.success || now.Before(tl.end)) {
			test = 100
		}
		if tl.success && after(now, tl.end) {
			svc.prodTG = green
		}
		for _, w := range []struct {
			rule string
			pct  float64
		}{{r.prodRule, prod}, {r.testRule, test}} {
			if w.rule == "" {
				continue
			}
			key := fmt.Sprintf("%s|%s|%g", blue, green, w.pct)
			if svc.ruleState[w.rule] == key {
				continue
			}
			writes = append(writes, ruleWrite{rule: w.rule, blue: blue, green: green, greenWeight: strconv.Itoa(int(w.pct + 0.5)), version: key})
			rule, k, svc := w.rule, key, svc
			apply = append(apply, func() {
				if svc.ruleState == nil {
					svc.ruleState = map[string]string{}
				}
				svc.ruleState[rule] = k
			})
		}
	}
	a.mu.Unlock()
	for i, w := range writes {
		// A rule moto does not know (a made-up ARN) is not retried on every request:
		// the attempt is recorded either way.
		_ = s.modifyRule(ctx, a.id, region, w)
		a.mu.Lock()
		apply[i]()
		a.mu.Unlock()
	}
}

// modifyRule sends ELBv2 ModifyRule (Query protocol) to moto: forward to blue and
// green with the given weights.
func (s *Server) modifyRule(ctx context.Context, account, region string, w ruleWrite) error {
	g, _ := strconv.Atoi(w.greenWeight)
	form := url.Values{
		"Action": {"ModifyRule"}, "Version": {"2015-12-01"}, "RuleArn": {w.rule},
		"Actions.member.1.Type": {"forward"},
		"Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn": {w.blue},
		"Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight":         {strconv.Itoa(100 - g)},
		"Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn": {w.green},
		"Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight":         {strconv.Itoa(g)},
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.moto.URL+"/", bytes.NewReader([]byte(form.Encode())))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("x-moto-account-id", account)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(account)+
		"/20240101/"+region+"/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("moto ModifyRule %s: %d %s", w.rule, resp.StatusCode, b)
	}
	return nil
}
