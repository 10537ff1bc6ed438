package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/internal/golden"
	"github.com/doppio-ecs/doppio/sandbox"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"doppio": func() {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			code := Main(ctx, os.Args[1:], OSEnv())
			stop()
			os.Exit(code)
		},
		"doppio-sandbox-plugin": func() { os.Exit(sandboxPlugin()) },
	})
}

// TestScripts runs the CLI scripts in testdata/script: each is a txtar archive of
// files plus the commands a user would type, with their expected output. Scripts
// that reach AWS run 'sandbox' first: it points the script's environment at its own
// account of the test binary's sandbox (a clean, unreachable AWS otherwise).
func TestScripts(t *testing.T) {
	t.Parallel()
	sb := sandbox.Start(t)
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: golden.Update(),
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":   cmdExits,
			"sandbox": func(ts *testscript.TestScript, neg bool, args []string) { cmdSandbox(ts, sb, args) },
		},
		Setup: func(e *testscript.Env) error {
			// A clean AWS environment: scripts that reach AWS set what they need.
			e.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			e.Setenv("AWS_CONFIG_FILE", e.WorkDir+"/.aws-config-none")
			e.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.WorkDir+"/.aws-credentials-none")
			return nil
		},
	})
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

// cmdExits runs a command and asserts its exit code: `exits 3 doppio diff --exit-code`.
// Its stdout and stderr stay available to the following stdout/stderr assertions.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		got = ee.ExitCode()
	default:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d\nstderr:\n%s", args[1], got, want, ts.ReadFile("stderr"))
	}
}
