package sandbox

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestWireGoldenExpressDaemonEvents drives an Express Mode, a Managed Daemon and an
// EventBridge (rules, Scheduler, Resource Groups) session through the proxy and
// compares every answer, normalised as TestWireGolden does, with
// testdata/wire_express_daemon_events.golden. The typed answers of express*.go,
// daemon*.go and events*.go can be restructured as long as this file does not change.
func TestWireGoldenExpressDaemonEvents(t *testing.T) {
	t.Parallel()
	env := *Start(t)
	clock := env.Clock()
	clock.SetSpeed(0)
	// Start on the hour, so that cron expressions fire at the same moments of the
	// session on every run.
	clock.Advance(clock.Now().Truncate(time.Hour).Add(time.Hour).Sub(clock.Now()))
	start := clock.Now()
	var out strings.Builder
	record := func(label string, status int, resp string) obj {
		fmt.Fprintf(&out, "### %s (T+%s) -> %d\n%s\n", label, clock.Now().Sub(start), status, normalise(t, resp, start, false))
		o, _ := decodeObj([]byte(resp))
		return o
	}
	ecsOp := func(op, body string) obj {
		t.Helper()
		status, resp := raw(t, &env, "ecs", ecsTargetPrefix+op, "application/x-amz-json-1.1", body)
		return record(op+" "+body, status, resp)
	}
	eventsOp := func(op, body string) obj {
		t.Helper()
		status, resp := raw(t, &env, "events", eventsTargetPrefix+op, "application/x-amz-json-1.1", body)
		return record(op+" "+body, status, resp)
	}
	rest := func(service, method, path, body string) obj {
		t.Helper()
		status, resp := rawREST(t, &env, service, method, path, body)
		return record(service+" "+method+" "+path+" "+body, status, resp)
	}
	advance := func(d time.Duration) { clock.Advance(d) }

	ecsOp("CreateCluster", `{"clusterName":"c"}`)
	_, subnets := raw(t, &env, "ec2", "", "application/x-www-form-urlencoded", "Action=DescribeSubnets&Version=2016-11-15")
	subnet := regexp.MustCompile(`<subnetId>(subnet-[0-9a-f]+)</subnetId>`).FindStringSubmatch(subnets)
	if subnet == nil {
		t.Fatalf("no default subnet: %.300s", subnets)
	}

	// Express Mode: create (defaults filled), describe while it deploys, update the
	// image (a new task definition) and the scaling (none), delete; errors.
	ecsOp("CreateExpressGatewayService", `{"cluster":"c","serviceName":"x","primaryContainer":{"image":"nginx:1"}}`)
	x := ecsOp("CreateExpressGatewayService", `{"cluster":"c","serviceName":"x","infrastructureRoleArn":"arn:aws:iam::1:role/infra",`+
		`"primaryContainer":{"image":"nginx:1","containerPort":8080,"command":["serve"],"environment":[{"name":"A","value":"1"}],`+
		`"awsLogsConfiguration":{"logGroup":"/ecs/x","logStreamPrefix":"x"}},"executionRoleArn":"arn:aws:iam::1:role/exec",`+
		`"healthCheckPath":"/health","scalingTarget":{"minTaskCount":2},"tags":[{"key":"k","value":"v"}]}`)
	xArn := str(sub(x, "service"), "serviceArn")
	ecsOp("DescribeExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	advance(3 * time.Second)
	ecsOp("DescribeServices", `{"cluster":"c","services":["x"]}`)
	advance(10 * time.Second)
	ecsOp("DescribeExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	ecsOp("UpdateExpressGatewayService", `{"serviceArn":"`+xArn+`","primaryContainer":{"image":"nginx:2","containerPort":8080},"cpu":"512","memory":"1024"}`)
	advance(10 * time.Second)
	ecsOp("UpdateExpressGatewayService", `{"serviceArn":"`+xArn+`","scalingTarget":{"minTaskCount":1,"maxTaskCount":4}}`)
	ecsOp("UpdateExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	advance(10 * time.Second)
	ecsOp("DescribeExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	ecsOp("DescribeTaskDefinition", `{"taskDefinition":"c-x"}`)
	ecsOp("DeleteExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	ecsOp("DescribeExpressGatewayService", `{"serviceArn":"`+xArn+`"}`)
	ecsOp("UpdateExpressGatewayService", `{"serviceArn":"`+xArn+`","cpu":"1024"}`)
	ecsOp("DescribeExpressGatewayService", `{"serviceArn":"arn:aws:ecs:us-east-1:`+env.Account+`:service/c/nope"}`)
	ecsOp("CreateExpressGatewayService", `{"cluster":"c","serviceName":"y","infrastructureRoleArn":"arn:aws:iam::1:role/infra",`+
		`"primaryContainer":{"image":"nginx:1"},"networkConfiguration":{"subnets":["`+subnet[1]+`"]},"cpu":"1024","memory":"2048","cpuArchitecture":"ARM64"}`)

	// Managed Daemons: task definitions, create, roll, a crashing update that rolls
	// back, lists, deletes; errors.
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"agent"}`)
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"agent","containerDefinitions":[{"name":"a"}]}`)
	dtd := "arn:aws:ecs:us-east-1:" + env.Account + ":daemon-task-definition/"
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"agent","containerDefinitions":[{"name":"a","image":"agent:1","memory":64}],"tags":[{"key":"k","value":"v"}]}`)
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"agent","containerDefinitions":[{"name":"a","image":"agent:crashloop"},{"name":"s","image":"side:crashloop","essential":false}]}`)
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"agent","containerDefinitions":[{"name":"a","image":"agent:3"},{"name":"b","image":"side:1"}]}`)
	ecsOp("RegisterDaemonTaskDefinition", `{"family":"other","containerDefinitions":[{"name":"o","image":"o:1"}]}`)
	ecsOp("DescribeDaemonTaskDefinition", `{"daemonTaskDefinition":"agent"}`)
	ecsOp("DescribeDaemonTaskDefinition", `{"daemonTaskDefinition":"agent:1"}`)
	ecsOp("DescribeDaemonTaskDefinition", `{"daemonTaskDefinition":"agent:9"}`)
	ecsOp("ListDaemonTaskDefinitions", `{}`)
	ecsOp("ListDaemonTaskDefinitions", `{"familyPrefix":"ag","revision":"LAST_REGISTERED"}`)
	ecsOp("ListDaemonTaskDefinitions", `{"sort":"DESC"}`)
	ecsOp("CreateDaemon", `{"daemonName":"d"}`)
	cps := `"capacityProviderArns":["arn:aws:ecs:us-east-1:1:capacity-provider/a","arn:aws:ecs:us-east-1:1:capacity-provider/b"]`
	d := ecsOp("CreateDaemon", `{"daemonName":"d","clusterArn":"c",`+cps+`,"daemonTaskDefinitionArn":"`+dtd+`agent:1","critical":true,`+
		`"deploymentConfiguration":{"drainPercent":20},"enableExecuteCommand":true,"propagateTags":"DAEMON","tags":[{"key":"k","value":"v"}]}`)
	ecsOp("CreateDaemon", `{"daemonName":"d","clusterArn":"c",`+cps+`,"daemonTaskDefinitionArn":"`+dtd+`agent:1"}`)
	ecsOp("CreateDaemon", `{"daemonName":"e","clusterArn":"c",`+cps+`,"daemonTaskDefinitionArn":"`+dtd+`agent:9"}`)
	dArn := str(d, "daemonArn")
	deps := []string{str(d, "deploymentArn")}
	describe := func() {
		dd := ecsOp("DescribeDaemon", `{"daemonArn":"`+dArn+`"}`)
		b, _ := marshal(append(deps, "arn:aws:ecs:us-east-1:"+env.Account+":daemon-deployment/c/d/nope"))
		ecsOp("DescribeDaemonDeployments", `{"daemonDeploymentArns":`+string(b)+`}`)
		var revs []any
		for _, r := range list(sub(dd, "daemon"), "currentRevisions") {
			revs = append(revs, str(r.(obj), "arn"))
		}
		b, _ = marshal(append(revs, "arn:aws:ecs:us-east-1:"+env.Account+":daemon-revision/c/d/nope"))
		ecsOp("DescribeDaemonRevisions", `{"daemonRevisionArns":`+string(b)+`}`)
	}
	for _, s := range []time.Duration{0, 3 * time.Second, 30 * time.Second} {
		advance(s)
		describe()
	}
	u := ecsOp("UpdateDaemon", `{"daemonArn":"`+dArn+`","daemonTaskDefinitionArn":"`+dtd+`agent:2"}`)
	deps = append(deps, str(u, "deploymentArn"))
	for _, s := range []time.Duration{time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second} {
		advance(s)
		describe()
	}
	u = ecsOp("UpdateDaemon", `{"daemonArn":"`+dArn+`","daemonTaskDefinitionArn":"`+dtd+`agent:3","critical":false}`)
	deps = append(deps, str(u, "deploymentArn"))
	advance(3 * time.Second)
	u = ecsOp("UpdateDaemon", `{"daemonArn":"`+dArn+`",`+cps+`}`)
	deps = append(deps, str(u, "deploymentArn"))
	for _, s := range []time.Duration{2 * time.Second, 40 * time.Second} {
		advance(s)
		describe()
	}
	ecsOp("ListDaemons", `{}`)
	ecsOp("ListDaemons", `{"clusterArn":"other"}`)
	ecsOp("DeleteDaemonTaskDefinition", `{"daemonTaskDefinition":"other:1"}`)
	ecsOp("DeleteDaemonTaskDefinition", `{"daemonTaskDefinition":"other:1"}`)
	ecsOp("DeleteDaemonTaskDefinition", `{"daemonTaskDefinition":"other:7"}`)
	ecsOp("ListDaemonTaskDefinitions", `{"status":"ALL","family":"other"}`)
	ecsOp("ListDaemonTaskDefinitions", `{"status":"DELETE_IN_PROGRESS"}`)
	ecsOp("CreateDaemon", `{"daemonName":"f","clusterArn":"c",`+cps+`,"daemonTaskDefinitionArn":"`+dtd+`other:1"}`)
	u = ecsOp("UpdateDaemon", `{"daemonArn":"`+dArn+`","daemonTaskDefinitionArn":"`+dtd+`agent:1"}`)
	deps = append(deps, str(u, "deploymentArn"))
	advance(time.Second)
	ecsOp("DeleteDaemon", `{"daemonArn":"`+dArn+`"}`)
	ecsOp("DeleteDaemon", `{"daemonArn":"`+dArn+`"}`)
	ecsOp("UpdateDaemon", `{"daemonArn":"`+dArn+`"}`)
	describe()
	ecsOp("ListDaemons", `{"clusterArn":"c"}`)

	// EventBridge rules: a scheduled rule with an ECS target fires on the clock;
	// one whose RunTask fails goes to its dead-letter queue; Resource Groups finds
	// rules by tag.
	ecsOp("RegisterTaskDefinition", `{"family":"job","networkMode":"awsvpc","cpu":"256","memory":"512","requiresCompatibilities":["FARGATE"],`+
		`"containerDefinitions":[{"name":"app","image":"busybox:1","memory":128,"essential":true}]}`)
	net := `"NetworkConfiguration":{"awsvpcConfiguration":{"Subnets":["` + subnet[1] + `"],"AssignPublicIp":"ENABLED"}}`
	cluster := "arn:aws:ecs:us-east-1:" + env.Account + ":cluster/c"
	eventsOp("PutRule", `{"Name":"r","ScheduleExpression":"rate(1 minute)","State":"ENABLED","Tags":[{"Key":"app","Value":"a"}]}`)
	eventsOp("PutTargets", `{"Rule":"r","Targets":[{"Id":"t","Arn":"`+cluster+`","RoleArn":"arn:aws:iam::1:role/ev",`+
		`"Input":"{\"containerOverrides\":[{\"name\":\"app\",\"command\":[\"echo\",\"hi\"]}]}",`+
		`"EcsParameters":{"TaskDefinitionArn":"arn:aws:ecs:us-east-1:`+env.Account+`:task-definition/job:1","TaskCount":1,"LaunchType":"FARGATE",`+net+`}}]}`)
	status, q := raw(t, &env, "sqs", "AmazonSQS.CreateQueue", "application/x-amz-json-1.0", `{"QueueName":"dlq"}`)
	record("sqs CreateQueue", status, q)
	eventsOp("PutRule", `{"Name":"bad","ScheduleExpression":"cron(0/2 * * * ? *)","State":"ENABLED"}`)
	eventsOp("PutTargets", `{"Rule":"bad","Targets":[{"Id":"t","Arn":"`+cluster+`","DeadLetterConfig":{"Arn":"arn:aws:sqs:us-east-1:`+env.Account+`:dlq"},`+
		`"EcsParameters":{"TaskDefinitionArn":"arn:aws:ecs:us-east-1:`+env.Account+`:task-definition/nope:1","LaunchType":"FARGATE",`+net+`}}]}`)
	eventsOp("PutRule", `{"Name":"off","ScheduleExpression":"rate(1 minute)","State":"DISABLED"}`)
	eventsOp("PutRule", `{"Name":"pattern","EventPattern":"{\"source\":[\"x\"]}"}`)
	advance(150 * time.Second)
	tasks := ecsOp("ListTasks", `{"cluster":"c","startedBy":"events-rule/r","desiredStatus":"STOPPED"}`)
	b, _ := marshal(list(tasks, "taskArns"))
	ecsOp("DescribeTasks", `{"cluster":"c","tasks":`+string(b)+`}`)
	record("sqs ReceiveMessage (every message, by event time)", http.StatusOK, drainQueue(t, &env, str(decodeObjOrNil(q), "QueueUrl")))
	eventsOp("DisableRule", `{"Name":"r"}`)
	eventsOp("DescribeRule", `{"Name":"r"}`)
	advance(2 * time.Minute)
	ecsOp("ListTasks", `{"cluster":"c","startedBy":"events-rule/r","desiredStatus":"STOPPED"}`)
	eventsOp("EnableRule", `{"Name":"r"}`)
	eventsOp("PutRule", `{"Name":"r","ScheduleExpression":"rate(5 minutes)","State":"ENABLED"}`)
	advance(6 * time.Minute)
	ecsOp("ListTasks", `{"cluster":"c","startedBy":"events-rule/r","desiredStatus":"STOPPED"}`)
	eventsOp("RemoveTargets", `{"Rule":"r","Ids":["t"]}`)
	eventsOp("DeleteRule", `{"Name":"pattern"}`)
	rest("resource-groups", http.MethodPost, "/resources/search",
		`{"ResourceQuery":{"Type":"TAG_FILTERS_1_0","Query":"{\"ResourceTypeFilters\":[\"AWS::Events::Rule\"],\"TagFilters\":[{\"Key\":\"app\",\"Values\":[\"a\"]}]}"}}`)
	rest("resource-groups", http.MethodPost, "/resources/search",
		`{"ResourceQuery":{"Type":"TAG_FILTERS_1_0","Query":"{\"TagFilters\":[{\"Key\":\"app\",\"Values\":[\"b\"]}]}"}}`)
	rest("resource-groups", http.MethodPost, "/resources/search", `{"ResourceQuery":{"Type":"CLOUDFORMATION_STACK_1_0","Query":"{}"}}`)

	// EventBridge Scheduler: a schedule in a missing group, one in the default group
	// that fires, its dates on the account's clock, deletion.
	target := `"Target":{"Arn":"` + cluster + `","RoleArn":"arn:aws:iam::1:role/s","EcsParameters":{"TaskDefinitionArn":"arn:aws:ecs:us-east-1:` +
		env.Account + `:task-definition/job:1","LaunchType":"FARGATE",` + net + `}}`
	rest("scheduler", http.MethodPost, "/schedules/s1", `{"GroupName":"nope","ScheduleExpression":"rate(1 minute)","FlexibleTimeWindow":{"Mode":"OFF"},`+target+`}`)
	rest("scheduler", http.MethodPost, "/schedules/s1", `{"ScheduleExpression":"rate(2 minutes)","FlexibleTimeWindow":{"Mode":"OFF"},`+target+`}`)
	advance(time.Minute)
	rest("scheduler", http.MethodGet, "/schedules/s1", "")
	rest("scheduler", http.MethodPut, "/schedules/s1", `{"ScheduleExpression":"cron(*/3 * * * ? *)","ScheduleExpressionTimezone":"Asia/Tokyo","FlexibleTimeWindow":{"Mode":"OFF"},`+target+`}`)
	advance(7 * time.Minute)
	rest("scheduler", http.MethodGet, "/schedules/s1", "")
	ecsOp("ListTasks", `{"cluster":"c","startedBy":"chronos-schedule/s1","desiredStatus":"STOPPED"}`)
	rest("scheduler", http.MethodDelete, "/schedules/s1", "")
	advance(5 * time.Minute)
	ecsOp("ListTasks", `{"cluster":"c","startedBy":"chronos-schedule/s1","desiredStatus":"STOPPED"}`)

	checkGolden(t, "wire_express_daemon_events", "answers", maskIDs(out.String(), env.Account, moreRandomRe))
}

// moreRandomRe adds the ids of this session (load balancers, target groups, SQS
// receipts and message ids, host-clock dates of moto) to randomRe's.
var moreRandomRe = regexp.MustCompile(randomRe.String() + `|127\.0\.0\.1:[0-9]+|-[0-9a-f]{12}\.ecs\.|loadbalancer/app/[^"]*|targetgroup/[^"]*|listener/app/[^"]*|` +
	`[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9:]+)?`)

// rawREST sends one REST-JSON request (the Scheduler, Resource Groups) to the proxy.
func rawREST(t *testing.T, env *Env, service, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, env.Endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(env.Account)+
		"/20240101/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", service, method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func decodeObjOrNil(s string) obj {
	o, _ := decodeObj([]byte(s))
	return o
}

// drainQueue receives every message of a queue (SQS hands out some per call) and
// renders them ordered by their event's time, without what SQS makes up per
// message (ids, receipt handles, digests).
func drainQueue(t *testing.T, env *Env, queueURL string) string {
	t.Helper()
	var msgs []obj
	for range 10 {
		_, resp := raw(t, env, "sqs", "AmazonSQS.ReceiveMessage", "application/x-amz-json-1.0",
			`{"QueueUrl":"`+queueURL+`","MaxNumberOfMessages":10,"VisibilityTimeout":600,"MessageAttributeNames":["All"]}`)
		page := list(decodeObjOrNil(resp), "Messages")
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			mm := m.(obj)
			msgs = append(msgs, obj{"Body": mm["Body"], "MessageAttributes": mm["MessageAttributes"]})
		}
	}
	eventTime := func(m obj) string { return str(decodeObjOrNil(str(m, "Body")), "time") }
	slices.SortFunc(msgs, func(a, b obj) int { return strings.Compare(eventTime(a), eventTime(b)) })
	b, _ := marshal(obj{"Messages": msgs})
	return string(b)
}
