package sandbox

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serveExtra answers the non-ECS operations the sandbox simulates on top of moto:
// SSM StartSession for ECS Exec targets and ELBv2 DescribeTargetHealth. It reports
// whether it answered.
func (s *Server) serveExtra(w http.ResponseWriter, r *http.Request, a *account, c call, body []byte) bool {
	switch {
	case c.Service == "sts" && c.Operation == "AssumeRole":
		return s.assumeRole(w, body) // sts.go
	case c.Service == "ssm" && c.Operation == "StartSession":
		return s.startSession(w, a, c, body)
	case c.Service == "elasticloadbalancing" && c.Operation == "DescribeTargetHealth":
		s.describeTargetHealth(r.Context(), w, a, c, body)
		return true
	}
	return false
}

// deregistrationDelay is the target group default deregistration_delay.timeout_seconds
// (300 s, "Target groups for your Application Load Balancers", ELB User Guide).
const deregistrationDelay = 300 * time.Second

// targetState is what the load balancer reports for a service task registered in a
// target group ("Target health status", ELB User Guide): ECS registers a task when it
// is RUNNING (initial while the first checks run), a task that fails its checks is
// unhealthy (Target.FailedHealthChecks), and a stopping task drains for the
// deregistration delay (Target.DeregistrationInProgress), then disappears.
func targetState(t *task, now time.Time) (state, reason, desc string, ok bool) {
	stopAt, _ := t.stop()
	switch {
	case !after(now, t.runningAt) || (!stopAt.IsZero() && stopAt.Before(t.runningAt)):
		return "", "", "", false
	case after(now, stopAt):
		if now.Sub(stopAt) > deregistrationDelay {
			return "", "", "", false
		}
		return "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress", true
	case t.dep != nil && t.dep.beh.crash:
		return "unhealthy", "Target.FailedHealthChecks", "Health checks failed", true
	case now.Sub(t.runningAt) < t.stopSpan:
		return "initial", "Elb.RegistrationInProgress", "Target registration is in progress", true
	}
	return "healthy", "", "", true
}

type thTarget struct {
	ID   string `xml:"Id"`
	Port int    `xml:"Port"`
}

type thHealth struct {
	State       string `xml:"State"`
	Reason      string `xml:"Reason,omitempty"`
	Description string `xml:"Description,omitempty"`
}

type thMember struct {
	Target          thTarget `xml:"Target"`
	HealthCheckPort string   `xml:"HealthCheckPort"`
	TargetHealth    thHealth `xml:"TargetHealth"`
}

type thResponse struct {
	XMLName xml.Name   `xml:"DescribeTargetHealthResponse"`
	Xmlns   string     `xml:"xmlns,attr"`
	Members []thMember `xml:"DescribeTargetHealthResult>TargetHealthDescriptions>member"`
	Request string     `xml:"ResponseMetadata>RequestId"`
}

// describeTargetHealth checks the target group in moto (the store of ELBv2) and
// reports the simulated service tasks registered in it.
func (s *Server) describeTargetHealth(ctx context.Context, w http.ResponseWriter, a *account, c call, body []byte) {
	form, err := url.ParseQuery(string(bytes.TrimSpace(body)))
	if err != nil {
		writeXML(w, http.StatusBadRequest, queryError("Sender", "ValidationError", "malformed request"))
		return
	}
	tg := form.Get("TargetGroupArn")
	status, reply, err := s.motoQuery(ctx, a.id, c.Region, "elasticloadbalancing", url.Values{
		"Action": {"DescribeTargetGroups"}, "Version": {"2015-12-01"}, "TargetGroupArns.member.1": {tg},
	})
	if err != nil {
		writeXML(w, http.StatusInternalServerError, queryError("Receiver", "InternalFailure", "sandbox: "+err.Error()))
		return
	}
	if status != http.StatusOK { // TargetGroupNotFound and friends, as moto words them
		writeXML(w, status, string(reply))
		return
	}
	a.mu.Lock()
	now := a.clock.Now()
	var members []thMember
	for _, svc := range a.services {
		for _, t := range svc.tasks {
			for _, lb := range svc.taskLoadBalancers(t) {
				m, _ := lb.(map[string]any)
				if str(m, "targetGroupArn") != tg {
					continue
				}
				port, _ := num(m, "containerPort")
				state, reason, desc, ok := targetState(t, now)
				if !ok {
					continue
				}
				id := t.ip
				if id == "" {
					id = t.id
				}
				members = append(members, thMember{Target: thTarget{ID: id, Port: port}, HealthCheckPort: fmt.Sprint(port),
					TargetHealth: thHealth{State: state, Reason: reason, Description: desc}})
			}
		}
	}
	a.mu.Unlock()
	out, err := xml.Marshal(thResponse{Xmlns: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", Members: members, Request: "00000000-0000-4000-8000-000000000000"})
	if err != nil {
		writeXML(w, http.StatusInternalServerError, queryError("Receiver", "InternalFailure", err.Error()))
		return
	}
	writeXML(w, http.StatusOK, xml.Header+string(out))
}

// motoQuery sends one AWS query-protocol request to moto as account.
func (s *Server) motoQuery(ctx context.Context, account, region, service string, form url.Values) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.moto.URL+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("x-moto-account-id", account)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(account)+
		"/20240101/"+region+"/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("moto %s: %w", form.Get("Action"), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}
