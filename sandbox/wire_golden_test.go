package sandbox

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var updateWire = flag.Bool("update-wire", false, "rewrite testdata/wire.golden")

// TestWireGolden drives rolling, crashloop/rollback, RunTask, blue/green, canary,
// task set and ECS Exec scenarios through the proxy and compares every ECS answer,
// normalised (the account, random ids and addresses by first appearance, timestamps
// relative to the clock's start, keys sorted, numbers as written), with
// testdata/wire.golden. The sandbox's model and
// its answers can be restructured freely as long as this file does not change.
func TestWireGolden(t *testing.T) {
	t.Parallel()
	env := *Start(t)
	clock := env.Clock()
	clock.SetSpeed(0)
	start := clock.Now()
	var out strings.Builder
	motoTimes := false // set once the answers come from moto's deleted service
	call := func(op, body string) obj {
		t.Helper()
		service, target := "ecs", "AmazonEC2ContainerServiceV20141113."+op
		status, resp := raw(t, &env, service, target, "application/x-amz-json-1.1", body)
		fmt.Fprintf(&out, "### %s %s (T+%s) -> %d\n%s\n", op, body, clock.Now().Sub(start), status, normalise(t, resp, start, motoTimes))
		o, _ := decodeObj([]byte(resp))
		return o
	}
	advance := func(d time.Duration) { clock.Advance(d) }

	call("CreateCluster", `{"clusterName":"c"}`)
	td := func(family, image, cmd string) {
		c := `{"name":"app","image":"` + image + `","memory":128,"essential":true` + cmd + `}`
		call("RegisterTaskDefinition", `{"family":"`+family+`","networkMode":"awsvpc","cpu":"256","memory":"512","requiresCompatibilities":["FARGATE"],"containerDefinitions":[`+c+`]}`)
	}
	td("web", "nginx:1", "")
	td("web", "nginx:crashloop", "")
	td("job", "busybox:1", `,"command":["sh","-c","echo hi; exit 3"],"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/job","awslogs-region":"us-east-1","awslogs-stream-prefix":"job","awslogs-create-group":"true"}}`)
	_, subnets := raw(t, &env, "ec2", "", "application/x-www-form-urlencoded", "Action=DescribeSubnets&Version=2016-11-15")
	subnet := regexp.MustCompile(`<subnetId>(subnet-[0-9a-f]+)</subnetId>`).FindStringSubmatch(subnets)
	if subnet == nil {
		t.Fatalf("no default subnet: %.300s", subnets)
	}
	net := `"networkConfiguration":{"awsvpcConfiguration":{"subnets":["` + subnet[1] + `"],"assignPublicIp":"ENABLED"}}`

	// Rolling: create, then a crashloop update that trips the breaker and rolls back.
	call("CreateService", `{"cluster":"c","serviceName":"web","taskDefinition":"web:1","desiredCount":2,"launchType":"FARGATE",`+net+
		`,"deploymentConfiguration":{"deploymentCircuitBreaker":{"enable":true,"rollback":true},"maximumPercent":200,"minimumHealthyPercent":100}}`)
	for _, d := range []time.Duration{2 * time.Second, 3 * time.Second, 10 * time.Second} {
		advance(d)
		call("DescribeServices", `{"cluster":"c","services":["web"]}`)
	}
	call("UpdateService", `{"cluster":"c","service":"web","taskDefinition":"web:2"}`)
	for _, d := range []time.Duration{3 * time.Second, 10 * time.Second, 30 * time.Second} {
		advance(d)
		call("DescribeServices", `{"cluster":"c","services":["web"]}`)
	}
	sds := call("ListServiceDeployments", `{"cluster":"c","service":"web"}`)
	var arns []string
	for _, v := range list(sds, "serviceDeployments") {
		arns = append(arns, str(v.(map[string]any), "serviceDeploymentArn"))
	}
	b, _ := json.Marshal(arns)
	b, _ = json.Marshal(append(arns, "arn:aws:ecs:us-east-1:"+env.Account+":service-deployment/c/web/nope"))
	desc := call("DescribeServiceDeployments", `{"serviceDeploymentArns":`+string(b)+`}`)
	revs := []string{"arn:aws:ecs:us-east-1:" + env.Account + ":service-revision/c/web/1"}
	for _, v := range list(desc, "serviceDeployments") {
		revs = append(revs, str(sub(v.(map[string]any), "targetServiceRevision"), "arn"))
	}
	b, _ = json.Marshal(revs)
	call("DescribeServiceRevisions", `{"serviceRevisionArns":`+string(b)+`}`)
	tasks := call("ListTasks", `{"cluster":"c","serviceName":"web"}`)
	b, _ = json.Marshal(list(tasks, "taskArns"))
	call("DescribeTasks", `{"cluster":"c","tasks":`+string(b)+`,"include":["TAGS"]}`)
	call("ListTasks", `{"cluster":"c","desiredStatus":"STOPPED"}`)
	call("DescribeTasks", `{"cluster":"c","tasks":["arn:aws:ecs:us-east-1:`+env.Account+`:task/c/0123"]}`)

	// RunTask: exit code, logs, StopTask.
	run := call("RunTask", `{"cluster":"c","taskDefinition":"job","count":2,"launchType":"FARGATE",`+net+`,"tags":[{"key":"k","value":"v"}],"startedBy":"me"}`)
	var runArns []string
	for _, v := range list(run, "tasks") {
		runArns = append(runArns, str(v.(map[string]any), "taskArn"))
	}
	b, _ = json.Marshal(runArns)
	advance(2 * time.Second)
	call("DescribeTasks", `{"cluster":"c","tasks":`+string(b)+`}`)
	if len(runArns) > 1 {
		call("StopTask", `{"cluster":"c","task":"`+runArns[1]+`","reason":"enough"}`)
	}
	advance(30 * time.Second)
	call("DescribeTasks", `{"cluster":"c","tasks":`+string(b)+`,"include":["TAGS"]}`)

	// Blue/green with a PAUSE hook, continued; then a canary update stopped by request.
	call("CreateService", `{"cluster":"c","serviceName":"bg","taskDefinition":"web:1","desiredCount":2,"launchType":"FARGATE",`+net+
		`,"deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":1}}`)
	advance(20 * time.Second)
	call("UpdateService", `{"cluster":"c","service":"bg","taskDefinition":"web:1","forceNewDeployment":true,"deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":1,`+
		`"lifecycleHooks":[{"hookTargetArn":"arn:aws:lambda:us-east-1:1:function:ok","roleArn":"arn:aws:iam::1:role/r","lifecycleStages":["PRE_SCALE_UP"]},{"targetType":"PAUSE","lifecycleStages":["POST_TEST_TRAFFIC_SHIFT"]}]}}`)
	for range 4 {
		advance(2 * time.Second)
		call("DescribeServices", `{"cluster":"c","services":["bg"]}`)
	}
	sds = call("ListServiceDeployments", `{"cluster":"c","service":"bg"}`)
	arns = arns[:0]
	for _, v := range list(sds, "serviceDeployments") {
		arns = append(arns, str(v.(map[string]any), "serviceDeploymentArn"))
	}
	b, _ = json.Marshal(arns)
	desc = call("DescribeServiceDeployments", `{"serviceDeploymentArns":`+string(b)+`}`)
	hook := ""
	for _, v := range list(desc, "serviceDeployments") {
		for _, h := range list(v.(map[string]any), "lifecycleHookDetails") {
			if hm := h.(map[string]any); str(hm, "status") == "AWAITING_ACTION" {
				hook = str(hm, "hookId")
			}
		}
	}
	if hook != "" && len(arns) > 0 {
		call("ContinueServiceDeployment", `{"serviceDeploymentArn":"`+arns[0]+`","hookId":"`+hook+`"}`)
	}
	for range 3 {
		advance(10 * time.Second)
		call("DescribeServices", `{"cluster":"c","services":["bg"]}`)
	}
	call("DescribeServiceDeployments", `{"serviceDeploymentArns":`+string(b)+`}`)
	call("UpdateService", `{"cluster":"c","service":"bg","taskDefinition":"web:1","forceNewDeployment":true,"deploymentConfiguration":{"strategy":"CANARY","canaryConfiguration":{"canaryPercent":20,"canaryBakeTimeInMinutes":1}}}`)
	advance(5 * time.Second)
	sds = call("ListServiceDeployments", `{"cluster":"c","service":"bg","status":["IN_PROGRESS"]}`)
	for _, v := range list(sds, "serviceDeployments") {
		call("StopServiceDeployment", `{"serviceDeploymentArn":"`+str(v.(map[string]any), "serviceDeploymentArn")+`","stopType":"ROLLBACK"}`)
	}
	for range 3 {
		advance(10 * time.Second)
		call("DescribeServices", `{"cluster":"c","services":["bg"]}`)
	}
	// EXTERNAL: task sets, blue then green, and ECS Exec on one of their tasks.
	call("CreateService", `{"cluster":"c","serviceName":"ext","desiredCount":3,"deploymentController":{"type":"EXTERNAL"}}`)
	blue := call("CreateTaskSet", `{"cluster":"c","service":"ext","taskDefinition":"web:1","externalId":"blue","launchType":"FARGATE",`+net+`,"tags":[{"key":"k","value":"v"}]}`)
	blueArn := str(sub(blue, "taskSet"), "taskSetArn")
	call("UpdateServicePrimaryTaskSet", `{"cluster":"c","service":"ext","primaryTaskSet":"`+blueArn+`"}`)
	advance(6 * time.Second)
	call("DescribeServices", `{"cluster":"c","services":["ext"]}`)
	green := call("CreateTaskSet", `{"cluster":"c","service":"ext","taskDefinition":"web:1","scale":{"unit":"PERCENT","value":50}}`)
	greenID := str(sub(green, "taskSet"), "id")
	call("UpdateTaskSet", `{"cluster":"c","service":"ext","taskSet":"`+greenID+`","scale":{"unit":"PERCENT","value":100}}`)
	call("UpdateServicePrimaryTaskSet", `{"cluster":"c","service":"ext","primaryTaskSet":"`+str(sub(green, "taskSet"), "taskSetArn")+`"}`)
	call("DeleteTaskSet", `{"cluster":"c","service":"ext","taskSet":"`+blueArn+`","force":true}`)
	advance(2 * time.Second)
	call("DescribeTaskSets", `{"cluster":"c","service":"ext"}`)
	advance(10 * time.Second)
	call("DescribeServices", `{"cluster":"c","services":["ext"]}`)
	call("DescribeTaskSets", `{"cluster":"c","service":"ext","taskSets":["`+blueArn+`","`+greenID+`"]}`)
	execTask := call("RunTask", `{"cluster":"c","taskDefinition":"web:1","launchType":"FARGATE",`+net+`,"enableExecuteCommand":true,`+
		`"overrides":{"containerOverrides":[{"name":"app","command":["sleep","infinity"]}]}}`)
	advance(3 * time.Second)
	if ts := list(execTask, "tasks"); len(ts) > 0 {
		call("ExecuteCommand", `{"cluster":"c","task":"`+str(ts[0].(map[string]any), "taskArn")+`","container":"app","interactive":true,"command":"sh"}`)
	}

	call("ListServices", `{"cluster":"c"}`)
	motoTimes = true
	call("DeleteService", `{"cluster":"c","service":"web","force":true}`)
	advance(30 * time.Second)
	call("DescribeServices", `{"cluster":"c","services":["web","nope"]}`)

	checkGolden(t, "wire", "answers", maskIDs(out.String(), env.Account, randomRe))
}

// maskIDs replaces the account and every match of re in a recorded session by
// stable placeholders (<account>, <id1>, <id2>... in order of first appearance).
func maskIDs(session, account string, re *regexp.Regexp) string {
	seen := map[string]string{}
	got := strings.ReplaceAll(session, account, "<account>")
	return re.ReplaceAllStringFunc(got, func(id string) string {
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("<id%d>", len(seen)+1)
		}
		return seen[id]
	})
}

// checkGolden compares got with testdata/<name>.golden (rewriting it under
// -update-wire); what names the compared text in the failure message.
func checkGolden(t *testing.T, name, what, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name+".golden")
	if *updateWire {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the %s changed; diff %s %s", what, golden, writeGot(t, name, got))
	}
}

var (
	randomRe = regexp.MustCompile(`(?:streamUrl|tokenValue|sessionId)": "[^"]*|\b10\.0\.[0-9]+\.[0-9]+\b|service-revision/c/[a-z]+/[0-9]+|subnet-[0-9a-f]{17}|ecs-svc/[0-9]{16,19}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b|eni-[0-9a-f]{17}|service-deployment/c/[a-z]+/[A-Za-z0-9_-]{22}|hook-[^"]*`)
	epochRe  = regexp.MustCompile(`^[0-9]{10}(\.[0-9]{1,6})?$`)
)

// normalise makes one answer comparable across runs.
// moto answers DeleteService with its own real-time stamps: masked when motoTimes.
func normalise(t *testing.T, body string, start time.Time, motoTimes bool) string {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return body
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case json.Number:
			if epochRe.MatchString(x.String()) {
				f, _ := strconv.ParseFloat(x.String(), 64)
				rel := time.UnixMilli(int64(f*1000 + 0.5)).Sub(start)
				if motoTimes || rel < -time.Hour || rel > 24*time.Hour {
					return "<time>"
				}
				if rel < time.Second && rel > -time.Second { // moto's real-time stamps at the start
					rel = 0
				}
				return "T+" + rel.String() + " (number)"
			}
		}
		return v
	}
	v = walk(v)
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", " ")
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// writeGot keeps what a golden test got in a temporary file, for diffing.
func writeGot(t *testing.T, name, got string) string {
	f, err := os.CreateTemp("", name+".*.got")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(got); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}
