package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
)

// raw sends one request to the sandbox as env's account and returns status, body.
func raw(t *testing.T, env *Env, service, target, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, env.Endpoint+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(env.Account)+
		"/20240101/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", service, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// jsonError checks an AWS JSON error reply: InternalFailure naming op.
func jsonError(t *testing.T, what string, status int, body, op string) {
	t.Helper()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Errorf("%s: status %d, body is not JSON (%v): %.200s", what, status, err, body)
		return
	}
	if status != http.StatusInternalServerError || e.Type != "InternalFailure" || !strings.HasPrefix(e.Message, op+": ") {
		t.Errorf("%s: status %d, %+v; want 500 InternalFailure with a message starting %q", what, status, e, op+": ")
	}
}

// Every route of the sandbox answers an internal error (here: a panic injected where
// the request is dispatched) with the protocol's InternalFailure naming the operation:
// every ECS operation the proxy implements, CodeDeploy, the ELBv2 and SSM extras,
// and the operations passed to moto (JSON and query).
func TestInternalErrorsAreAWSErrors(t *testing.T) {
	t.Parallel()
	env := Start(t)
	env.SetFaults(Faults{Rules: []FaultRule{{Operation: "*", Panic: 1}}})
	ecsOps := []string{"CreateService", "UpdateService", "DescribeServices", "DeleteService", "ListServices",
		"ListServiceDeployments", "DescribeServiceDeployments", "StopServiceDeployment", "ContinueServiceDeployment",
		"DescribeServiceRevisions", "RunTask", "DescribeTasks", "ListTasks", "StopTask", "ExecuteCommand",
		"ListTaskDefinitions", "DescribeTaskDefinition", "RegisterTaskDefinition", "CreateTaskSet", "DescribeTaskSets",
		"UpdateTaskSet", "DeleteTaskSet", "UpdateServicePrimaryTaskSet",
		"ListClusters", "DescribeClusters"} // the last two go to moto
	for _, op := range ecsOps {
		if ecsHandler(op) == nil && op != "ListClusters" && op != "DescribeClusters" {
			t.Errorf("%s is not a proxy handler any more: update the list", op)
		}
		status, body := raw(t, env, "ecs", ecsTargetPrefix+op, "application/x-amz-json-1.1", "{}")
		jsonError(t, "ecs:"+op, status, body, op)
	}
	for _, op := range []string{"ListApplications", "CreateDeployment", "GetDeployment"} {
		status, body := raw(t, env, "codedeploy", "CodeDeploy_20141006."+op, "application/x-amz-json-1.1", "{}")
		jsonError(t, "codedeploy:"+op, status, body, op)
	}
	status, body := raw(t, env, "ssm", "AmazonSSM.StartSession", "application/x-amz-json-1.1", `{"Target":"x"}`)
	jsonError(t, "ssm:StartSession", status, body, "StartSession")
	status, body = raw(t, env, "logs", "Logs_20140328.DescribeLogGroups", "application/x-amz-json-1.1", "{}")
	jsonError(t, "logs:DescribeLogGroups", status, body, "DescribeLogGroups")
	for _, op := range []string{"DescribeTargetHealth", "DescribeTargetGroups", "ModifyListener"} {
		status, body := raw(t, env, "elasticloadbalancing", "", "application/x-www-form-urlencoded", "Action="+op+"&Version=2015-12-01")
		var e struct {
			XMLName xml.Name `xml:"ErrorResponse"`
			Code    string   `xml:"Error>Code"`
			Message string   `xml:"Error>Message"`
		}
		if err := xml.Unmarshal([]byte(body), &e); err != nil || status != 500 || e.Code != "InternalFailure" || !strings.HasPrefix(e.Message, op+": ") {
			t.Errorf("elasticloadbalancing:%s: status %d, %+v (%v): %.200s", op, status, e, err, body)
		}
	}
}

// moto's own failures (an exception in one of its handlers) come back from moto as a
// Werkzeug HTML page; the sandbox turns them into the protocol's error.
func TestMotoHTMLErrorBecomesAWSError(t *testing.T) {
	cause, bad := notAWSError(500, "text/html; charset=utf-8", []byte(`<!doctype html>
<html lang=en><title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request.</p>`))
	if !bad || !strings.Contains(cause, "HTTP 500: 500 Internal Server Error Internal Server Error The server encountered") {
		t.Errorf("notAWSError = %q, %v", cause, bad)
	}
	if _, bad := notAWSError(400, "application/x-amz-json-1.1", []byte(`{"__type":"ClientException"}`)); bad {
		t.Error("a JSON error was taken for a non-AWS reply")
	}
	if _, bad := notAWSError(400, "text/xml", []byte(`<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>`)); bad {
		t.Error("a query error was taken for a non-AWS reply")
	}
	t.Parallel()
	env := Start(t)
	// moto 5.2.1 raises a KeyError on PutAttributes without attributes and answers
	// with its HTML page (checked against moto directly); ECS itself would answer a
	// validation error, but what matters here is the shape of an internal failure.
	status, body := raw(t, env, "ecs", ecsTargetPrefix+"PutAttributes", "application/x-amz-json-1.1", "{}")
	jsonError(t, "ecs:PutAttributes through moto", status, body, "PutAttributes")
	if !strings.Contains(body, "moto_server) failed with HTTP 500") {
		t.Errorf("the message does not say what failed: %s", body)
	}
}
