package e2e

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/sandbox"
)

// One run deploys the same templates to a development account (the command's own
// credentials) and a production account (a role assumed through STS, named by the
// config's doppio.assume_role_arn, then by --config FILE@ROLE): each service lands in
// its own account and the summary names the account.
func TestE2EFleetTwoAccounts(t *testing.T) {
	e := startE2E(t)
	e.sb.Clock().SetSpeed(40)
	prodEnv := sandbox.Start(t)
	prodEnv.Clock().SetSpeed(40)
	prod := &e2e{t: t, sb: prodEnv, ecs: ecs.NewFromConfig(prodEnv.AWSConfig(t.Context())), dir: e.dir, vars: e.vars}
	e.cluster("shop")
	prod.cluster("shop")
	role := "arn:aws:iam::" + prodEnv.Account + ":role/deployer"

	e.write("templates/sd.json", `{"launchType": "EC2", "desiredCount": 1}`)
	e.write("templates/td.json", `{"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx:{{ must_env `+"`TAG`"+` }}", "memory": 128, "essential": true}]}`)
	base := "region: us-east-1\ncluster: shop\nservice: web\nservice_definition: ../templates/sd.json\ntask_definition: ../templates/td.json\ntimeout: 3m\n"
	e.write("dev/ecspresso.yml", base)
	e.write("prod/ecspresso.yml", base+"doppio:\n  assume_role_arn: "+role+"\n")
	e.setenv("TAG", "1.27")

	_, errs := e.must(0, ".", "deploy", "--config", "dev/ecspresso.yml", "--config", "prod/ecspresso.yml", "--poll-interval", "200ms")
	for _, env := range []*e2e{e, prod} {
		if td := aws.ToString(env.describe("shop", "web").TaskDefinition); !strings.Contains(td, ":"+env.sb.Account+":task-definition/web:1") {
			t.Errorf("account %s runs %q, want its own web:1", env.sb.Account, td)
		}
	}
	if !strings.Contains(errs, "ACCOUNT") || !strings.Contains(errs, prodEnv.Account+"/shop/web") {
		t.Errorf("the summary does not name the production account:\n%s", errs)
	}

	// The same role given on the command line instead of in the file.
	e.write("prod/ecspresso.yml", base)
	e.setenv("TAG", "1.28")
	e.must(0, ".", "deploy", "--config", "dev/ecspresso.yml", "--config", "prod/ecspresso.yml@"+role, "--poll-interval", "200ms")
	for _, env := range []*e2e{e, prod} {
		if td := aws.ToString(env.describe("shop", "web").TaskDefinition); !strings.HasSuffix(td, "web:2") {
			t.Errorf("account %s runs %q after the second deploy, want web:2", env.sb.Account, td)
		}
	}
	code, _, errs := e.run(".", "", "deploy", "--config", "prod/ecspresso.yml@arn:aws:iam::12:role/x")
	if code != 2 || !strings.Contains(errs, "is not an IAM role ARN") {
		t.Errorf("a malformed role: exit %d\n%s", code, errs)
	}
}
