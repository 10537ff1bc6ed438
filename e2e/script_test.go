package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/doppio-ecs/doppio/internal/cli"
	"github.com/doppio-ecs/doppio/internal/scripttest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/sandbox"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"doppio":                scripttest.Doppio(func(ctx context.Context, args []string) int { return cli.Main(ctx, args, cli.OSEnv()) }),
		"doppio-sandbox-plugin": sandboxPlugin,
	}))
}

// TestScripts runs the CLI scripts that reach AWS, in testdata/script: each is a
// txtar archive of files plus the commands a user would type, with their expected
// output. Each runs 'sandbox' first: it points the script's environment at its own
// account of the test binary's sandbox (a clean, unreachable AWS otherwise).
func TestScripts(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(t)
	testscript.Run(t, scripttest.Params("testdata/script", map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"sandbox": func(ts *testscript.TestScript, neg bool, args []string) { cmdSandbox(ts, sb, args) },
	}))
}

// cmdSandbox gives the script its own sandbox account and creates what Terraform
// would own: `sandbox [cluster NAME]...`. The account's clock runs 40 times faster
// than real time, so rollouts take a fraction of a second.
func cmdSandbox(ts *testscript.TestScript, sb *sandbox.Env, args []string) {
	srv := sb.Server()
	acct := srv.NewAccount()
	env := map[string]string{
		"AWS_ENDPOINT_URL": sb.Endpoint, "AWS_ENDPOINT_URL_CODEDEPLOY": sb.Endpoint,
		"AWS_ACCESS_KEY_ID": sandbox.AccessKeyForAccount(acct), "AWS_SECRET_ACCESS_KEY": sandbox.SecretAccessKey,
		"AWS_REGION": sandbox.DefaultRegion, "AWS_DEFAULT_REGION": sandbox.DefaultRegion,
		sandbox.RegistryEndpointVar: srv.Registry().URL(),
	}
	for k, v := range env {
		ts.Setenv(k, v)
	}
	srv.Clock(acct).SetSpeed(40)
	client := ecs.NewFromConfig(aws.Config{Region: sandbox.DefaultRegion, BaseEndpoint: aws.String(sb.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], sandbox.SecretAccessKey, "")})
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "cluster":
			if _, err := client.CreateCluster(context.Background(), &ecs.CreateClusterInput{ClusterName: aws.String(args[i+1])}); err != nil {
				ts.Fatalf("sandbox: create cluster %s: %v", args[i+1], err)
			}
		default:
			ts.Fatalf("sandbox: unknown resource %q", args[i])
		}
	}
}
