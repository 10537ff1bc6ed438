package e2e

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/doppio-ecs/doppio/internal/verify"
)

// Secret values the fixtures store; none may appear in any output of verify.
const (
	verifySecretPassword = "pa55-VERIFY-secret-value"
	verifySecretAPIKey   = "api-KEY-verify-secure-string"
)

// verifyFixture is what a verify project refers to in the sandbox account.
type verifyFixture struct {
	account, image, dbSecretARN, tgIP, tgInstance string
	subnets                                       []string
	sg                                            string
}

// verifyWorld creates, with plain SDK calls, the roles, image, parameters, secret,
// log group, environment file, target groups and cluster a project refers to.
func verifyWorld(t *testing.T, e *e2e) verifyFixture {
	t.Helper()
	ctx := t.Context()
	cfg := e.sb.AWSConfig(ctx)
	f := verifyFixture{account: e.sb.Account}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	ic := iam.NewFromConfig(cfg)
	for _, r := range []string{"exec", "task"} {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}
	ec := ecr.NewFromConfig(cfg)
	if _, err := ec.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	manifest := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}`
	if _, err := ec.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("web"), ImageTag: aws.String("v1"), ImageManifest: aws.String(manifest)}); err != nil {
		t.Fatal(err)
	}
	f.image = f.account + ".dkr.ecr.us-east-1.amazonaws.com/web"
	sc := ssm.NewFromConfig(cfg)
	for i := range 7 {
		in := &ssm.PutParameterInput{Name: aws.String(fmt.Sprintf("/web/p%d", i)), Type: ssmtypes.ParameterTypeString, Value: aws.String("v")}
		if i == 0 {
			in.Type, in.Value = ssmtypes.ParameterTypeSecureString, aws.String(verifySecretAPIKey)
		}
		if _, err := sc.PutParameter(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	sec, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String("web/db"), SecretString: aws.String(`{"username":"app","password":"` + verifySecretPassword + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	f.dbSecretARN = aws.ToString(sec.ARN)
	if _, err := cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := "env-" + f.account
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("web.env"), Body: strings.NewReader("A=1\n")}); err != nil {
		t.Fatal(err)
	}
	vpcs, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(vpcs.Vpcs) == 0 {
		t.Fatalf("describe VPCs: %v", err)
	}
	lb := elb.NewFromConfig(cfg)
	for _, tt := range []struct {
		name string
		typ  elbtypes.TargetTypeEnum
		arn  *string
	}{{"web-ip", elbtypes.TargetTypeEnumIp, &f.tgIP}, {"web-instance", elbtypes.TargetTypeEnumInstance, &f.tgInstance}} {
		out, err := lb.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(tt.name), Protocol: elbtypes.ProtocolEnumHttp,
			Port: aws.Int32(80), VpcId: vpcs.Vpcs[0].VpcId, TargetType: tt.typ})
		if err != nil {
			t.Fatal(err)
		}
		*tt.arn = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	f.subnets, f.sg = e.network()
	e.cluster("verify")
	return f
}

// verifyProject writes a project of 3 containers, 10 secrets (7 SSM parameters in
// one batch, 3 references to one Secrets Manager secret) and a load balancer.
// Two containers share the image and the log group.
func verifyProject(e *e2e, dir string, f verifyFixture, bad bool) {
	execRole, tag, missingParam, key, logGroup, tg := "exec", "v1", "/web/p6", "password", "/ecs/web", f.tgIP
	if bad {
		execRole, tag, missingParam, key, logGroup, tg = "no-such-role", "v2", "/web/missing", "passwd", "/ecs/missing", f.tgInstance
	}
	role := func(n string) string { return "arn:aws:iam::" + f.account + ":role/" + n }
	log := func(g, prefix string) string {
		return `{"logDriver": "awslogs", "options": {"awslogs-group": "` + g + `", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "` + prefix + `"}}`
	}
	e.write(dir+"/ecspresso.yml", "region: us-east-1\ncluster: verify\nservice: web\nservice_definition: sd.json\ntask_definition: td.json\n")
	e.write(dir+"/td.json", `{
  "family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
  "executionRoleArn": "`+role(execRole)+`", "taskRoleArn": "`+role("task")+`",
  "containerDefinitions": [
    {"name": "web", "image": "`+f.image+`:v1", "essential": true,
     "portMappings": [{"containerPort": 80}],
     "secrets": [
       {"name": "API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:`+f.account+`:parameter/web/p0"},
       {"name": "P1", "valueFrom": "/web/p1"}, {"name": "P2", "valueFrom": "/web/p2"}, {"name": "P3", "valueFrom": "/web/p3"},
       {"name": "DB_PASSWORD", "valueFrom": "`+f.dbSecretARN+`:`+key+`::"}],
     "environmentFiles": [{"type": "s3", "value": "arn:aws:s3:::env-`+f.account+`/web.env"}],
     "logConfiguration": `+log("/ecs/web", "web")+`},
    {"name": "worker", "image": "`+f.image+`:`+tag+`", "essential": true,
     "secrets": [{"name": "P4", "valueFrom": "/web/p4"}, {"name": "P5", "valueFrom": "/web/p5"},
       {"name": "DB_USER", "valueFrom": "`+f.dbSecretARN+`:username::"}],
     "logConfiguration": `+log(logGroup, "worker")+`},
    {"name": "sidecar", "image": "`+f.image+`:v1", "essential": false,
     "secrets": [{"name": "P6", "valueFrom": "`+missingParam+`"}, {"name": "DB", "valueFrom": "`+f.dbSecretARN+`"}],
     "logConfiguration": `+log("/ecs/web", "sidecar")+`}
  ]}`)
	e.write(dir+"/sd.json", `{
  "launchType": "FARGATE", "desiredCount": 1,
  "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["`+f.subnets[0]+`", "`+f.subnets[1]+`"], "securityGroups": ["`+f.sg+`"], "assignPublicIp": "ENABLED"}},
  "loadBalancers": [{"targetGroupArn": "`+tg+`", "containerName": "web", "containerPort": 80}]
}`)
}

// TestVerifyE2E verifies a project whose every dependency exists (exit 0), then one
// with six problems (exit 1), each reported once by name with a hint; no secret
// value appears in any output. It logs the checks, the wall time and the AWS calls
// by operation of the good run (the figures in the README).
func TestVerifyE2E(t *testing.T) {
	e := startE2E(t)
	f := verifyWorld(t, e)
	verifyProject(e, "good", f, false)
	verifyProject(e, "bad", f, true)

	e.sb.ResetCounts()
	start := time.Now()
	out, errs := e.must(0, "good", "verify")
	elapsed := time.Since(start)
	counts := e.sb.Counts()
	assertNoSecrets(t, out, errs)
	if !strings.HasSuffix(out, "\n0 NG, 0 skipped\n") && !strings.Contains(out, " OK, 0 NG, 0 skipped\n") {
		t.Errorf("good project summary:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	t.Logf("good project: %s in %v\n%s", lines[len(lines)-1], elapsed.Round(time.Millisecond), out)
	var ops []string
	total := 0
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		ops = append(ops, fmt.Sprintf("%s=%d", k, counts[k]))
		total += counts[k]
	}
	t.Logf("AWS calls (%d): %s", total, strings.Join(ops, " "))
	// Each resource once, secrets batched: 7 parameters in one GetParameters, one
	// GetSecretValue for three references to the same secret, one DescribeImages for
	// the image two containers share, one test event per log group.
	for op, want := range map[string]int{
		"ssm:GetParameters": 1, "secretsmanager:GetSecretValue": 1, "ecr:DescribeImages": 1,
		"iam:GetRole": 2, "sts:GetCallerIdentity": 1, "logs:PutLogEvents": 1, "logs:CreateLogStream": 1,
		"elasticloadbalancing:DescribeTargetGroups": 1, "ecs:DescribeClusters": 1,
		"ec2:DescribeSubnets": 1, "ec2:DescribeSecurityGroups": 1, "s3:HEAD": 1,
	} {
		if counts[op] != want {
			t.Errorf("%s: %d calls, want %d", op, counts[op], want)
		}
	}

	jout, jerrs := e.must(0, "good", "verify", "--output", "json", "--no-put-logs")
	assertNoSecrets(t, jout, jerrs)
	var rep verify.Report
	if err := json.Unmarshal([]byte(jout), &rep); err != nil {
		t.Fatalf("--output json: %v\n%s", err, jout)
	}
	if rep.NG != 0 || rep.OK == 0 || len(rep.Checks) == 0 {
		t.Errorf("good project JSON: %+v", rep)
	}

	out, errs = e.must(1, "bad", "verify")
	assertNoSecrets(t, out, errs)
	t.Logf("bad project:\n%s", out)
	for _, want := range []string{
		`role "no-such-role" not found`,
		`tag "v2" not found in ECR repository "web"`,
		`SSM parameter "/web/missing" not found`,
		`has no JSON key "passwd"`,
		`log group "/ecs/missing" not found`,
		`target group "web-instance" has target type "instance"`,
	} {
		if n := strings.Count(out, want); n != 1 {
			t.Errorf("%q appears %d times, want once:\n%s", want, n, out)
		}
	}
	if n := strings.Count(out, "--> [NG] "); n != 6 {
		t.Errorf("%d NG checks, want 6:\n%s", n, out)
	}
	if n := strings.Count(out, "    hint: "); n != 6 {
		t.Errorf("%d hints, want 6:\n%s", n, out)
	}
	if !strings.Contains(out, ", 6 NG, 0 skipped\n") {
		t.Errorf("bad project summary:\n%s", out)
	}
	jout, jerrs = e.must(1, "bad", "verify", "--output", "json")
	assertNoSecrets(t, jout, jerrs)
	rep = verify.Report{}
	if err := json.Unmarshal([]byte(jout), &rep); err != nil {
		t.Fatal(err)
	}
	var ng []string
	for _, c := range rep.Checks {
		if c.Status == verify.NG {
			if c.Hint == "" || c.Reason == "" {
				t.Errorf("NG check without reason or hint: %+v", c)
			}
			ng = append(ng, c.Check)
		}
	}
	slices.Sort(ng)
	if want := []string{"ExecutionRole", "Image", "LogConfiguration", "Secret DB_PASSWORD", "Secret P6", "TargetGroup"}; !slices.Equal(ng, want) {
		t.Errorf("NG checks %v, want %v", ng, want)
	}

	// --skip: the skipped checks are SKIPPED (never OK) and make no call; the rest
	// still run. An unknown check name is a usage error.
	out, _ = e.must(1, "bad", "verify", "--skip", "images", "--skip", "logs,roles")
	if !strings.Contains(out, ", 3 NG, 6 skipped\n") || strings.Count(out, "[SKIP] not checked") < 6 || !strings.Contains(out, "not checked (--skip images)") {
		t.Errorf("verify --skip images,logs,roles:\n%s", out)
	}
	if _, errs := e.must(2, "bad", "verify", "--skip", "imagez"); !strings.Contains(errs, `--skip: unknown check "imagez"`) || !strings.Contains(errs, "images") {
		t.Errorf("verify --skip imagez:\n%s", errs)
	}

	// verify changes nothing but the test events: no call that creates, puts,
	// deletes or updates anything else, and the test event is in its log group.
	for op, n := range e.sb.Counts() {
		_, name, _ := strings.Cut(op, ":")
		if op == "logs:CreateLogStream" || op == "logs:PutLogEvents" {
			continue
		}
		for _, verb := range []string{"Create", "Put", "Delete", "Update", "Register", "Deregister", "Tag", "Untag", "Run", "Start", "Stop", "POST", "PUT", "DELETE"} {
			if strings.HasPrefix(name, verb) {
				t.Errorf("verify called %s %d times", op, n)
			}
		}
	}
	streams, err := cloudwatchlogs.NewFromConfig(e.sb.AWSConfig(t.Context())).DescribeLogStreams(t.Context(), &cloudwatchlogs.DescribeLogStreamsInput{
		LogGroupName: aws.String("/ecs/web"), LogStreamNamePrefix: aws.String("web/doppio-verify/")})
	// Three runs wrote to /ecs/web (the good one and both bad ones; not --no-put-logs).
	if err != nil || len(streams.LogStreams) != 3 {
		t.Errorf("test event streams in /ecs/web: %v, %d streams, want 3 (one per run with --put-logs)", err, len(streams.LogStreams))
	}
}

func assertNoSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	for _, o := range outputs {
		for _, s := range []string{verifySecretPassword, verifySecretAPIKey} {
			if strings.Contains(o, s) {
				t.Fatalf("output shows a secret value %q:\n%s", s, o)
			}
		}
	}
}
