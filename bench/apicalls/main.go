// Command apicalls measures doppio's API economy on the sandbox: the AWS calls, by
// operation, of one rolling deploy whose rollout takes 60 s of simulated time, first
// in a small account and then in a large one (many services, many task definition
// revisions, many tasks), so the two columns show whether the count stays flat.
//
//	go run ./bench/apicalls
package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/bench/internal/sbbench"
	"github.com/doppio-ecs/doppio/internal/cli"
	"github.com/doppio-ecs/doppio/sandbox"
)

const speed = 50 // simulated seconds per real second; 100 ms polls = 5 s simulated

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "apicalls:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	srv, err := sandbox.NewServer(ctx, sandbox.Options{DeploymentDuration: 60 * time.Second, ClockSpeed: speed})
	if err != nil {
		return err
	}
	defer srv.Close()
	small, err := measure(ctx, srv, 0)
	if err != nil {
		return fmt.Errorf("small account: %w", err)
	}
	large, err := measure(ctx, srv, 40)
	if err != nil {
		return fmt.Errorf("large account: %w", err)
	}
	ops := map[string]bool{}
	for op := range small {
		ops[op] = true
	}
	for op := range large {
		ops[op] = true
	}
	names := make([]string, 0, len(ops))
	for op := range ops {
		names = append(names, op)
	}
	sort.Strings(names)
	fmt.Println("API calls of one rolling deploy (60 s simulated rollout, 5 s polls), by operation")
	fmt.Printf("%-36s %8s %8s\n", "operation", "small", "large")
	st, lt := 0, 0
	for _, op := range names {
		fmt.Printf("%-36s %8d %8d\n", op, small[op], large[op])
		st += small[op]
		lt += large[op]
	}
	fmt.Printf("%-36s %8d %8d\n", "total", st, lt)
	fmt.Println("large = 40 other services and 120 extra task definition revisions in the account")
	return nil
}

// measure deploys a new image to a service created in a fresh account that also
// holds `others` services, and returns the calls of that one deploy.
func measure(ctx context.Context, srv *sandbox.Server, others int) (map[string]int, error) {
	a, err := sbbench.NewAccount(ctx, srv)
	if err != nil {
		return nil, err
	}
	acct, awsEnv, client := a.ID, a.Vars, a.ECS
	for i := 0; i < others; i++ {
		fam := fmt.Sprintf("other-%02d", i)
		var arn string
		for r := 0; r < 3; r++ {
			out, err := client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(fam),
				ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String(fmt.Sprintf("app:%d", r)), Memory: aws.Int32(128)}}})
			if err != nil {
				return nil, err
			}
			arn = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		}
		if _, err := client.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("bench"), ServiceName: aws.String(fam),
			TaskDefinition: aws.String(arn), DesiredCount: aws.Int32(2)}); err != nil {
			return nil, err
		}
	}
	dir, remove, err := sbbench.Project("doppio-apicalls", map[string]string{
		"ecspresso.yml": "region: us-east-1\ncluster: bench\nservice: web\nservice_definition: sd.json\ntask_definition: td.json\n",
		"sd.json":       `{"launchType": "EC2", "desiredCount": 3, "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}}}`,
		"td.json":       `{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:{{ must_env ` + "`TAG`" + ` }}", "memory": 256, "essential": true}]}`,
	})
	if err != nil {
		return nil, err
	}
	defer remove()
	deploy := func(tag string) error {
		var out, errb bytes.Buffer
		vars := map[string]string{"TAG": tag}
		maps.Copy(vars, awsEnv)
		code := cli.Main(ctx, []string{"deploy", "--poll-interval", "100ms"}, cli.Env{Stdout: &out, Stderr: &errb, Vars: vars, Dir: dir})
		if code != 0 {
			return fmt.Errorf("deploy %s exited %d:\n%s", tag, code, errb.String())
		}
		return nil
	}
	if err := deploy("1.27"); err != nil {
		return nil, err
	}
	srv.ResetCounts(acct)
	if err := deploy("1.28"); err != nil {
		return nil, err
	}
	counts := srv.Counts(acct)
	for op := range counts {
		if strings.HasPrefix(op, "moto:") {
			delete(counts, op)
		}
	}
	return counts, nil
}
