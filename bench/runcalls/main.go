// Command runcalls measures `doppio run` on the sandbox: the AWS calls, by operation,
// of one run whose task takes 60 s of simulated time (CloudWatch Logs polling
// included), and how long after the task stopped doppio exited.
//
//	go run ./bench/runcalls
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/doppio-ecs/doppio/bench/internal/sbbench"
	"github.com/doppio-ecs/doppio/internal/cli"
	"github.com/doppio-ecs/doppio/sandbox"
)

// speed is simulated seconds per real second; polls are 5 s simulated.
var speed = flag.Int("speed", 50, "simulated seconds per real second (higher: faster, but each API call's latency counts for more simulated time)")

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "runcalls:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx := context.Background()
	srv, err := sandbox.NewServer(ctx, sandbox.Options{TaskRunDuration: 60 * time.Second, ClockSpeed: float64(*speed)})
	if err != nil {
		return err
	}
	defer srv.Close()
	a, err := sbbench.NewAccount(ctx, srv)
	if err != nil {
		return err
	}
	acct, vars, client := a.ID, a.Vars, a.ECS
	dir, remove, err := sbbench.Project("doppio-runcalls", map[string]string{
		"ecspresso.yml": "region: us-east-1\ncluster: bench\ntask_definition: td.json\n",
		"td.json": `{"family": "migrate", "containerDefinitions": [{"name": "migrate", "image": "app:v1", "memory": 256, "essential": true,
  "command": ["sh", "-c", "echo migrating; echo 12 migrations applied; exit 0"],
  "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/migrate", "awslogs-region": "us-east-1",
    "awslogs-stream-prefix": "app", "awslogs-create-group": "true"}}}]}`,
	})
	if err != nil {
		return err
	}
	defer remove()
	var out, errb bytes.Buffer
	clock := srv.Clock(acct)
	begin := clock.Now()
	code := cli.Main(ctx, []string{"run", "--poll-interval", (5 * time.Second / time.Duration(*speed)).String(), "--output", "json"}, cli.Env{Stdout: &out, Stderr: &errb, Vars: vars, Dir: dir})
	exited := clock.Now()
	if code != 0 {
		return fmt.Errorf("run exited %d:\n%s", code, errb.String())
	}
	counts := srv.Counts(acct)
	arn := ""
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, `"taskArn"`) {
			arn = strings.Trim(strings.TrimSpace(strings.SplitN(line, ":", 2)[1]), `",`)
		}
	}
	dt, err := client.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String("bench"), Tasks: []string{arn}})
	if err != nil || len(dt.Tasks) != 1 {
		return fmt.Errorf("describe %q: %v", arn, err)
	}
	t := dt.Tasks[0]
	names := make([]string, 0, len(counts))
	for op := range counts {
		if !strings.HasPrefix(op, "moto:") && op != "ecs:CreateCluster" {
			names = append(names, op)
		}
	}
	sort.Strings(names)
	fmt.Println("API calls of one `doppio run` (task RUNNING for 60 s simulated, 5 s polls, log following on), by operation")
	fmt.Printf("%-28s %6s\n", "operation", "calls")
	total := 0
	for _, op := range names {
		fmt.Printf("%-28s %6d\n", op, counts[op])
		total += counts[op]
	}
	fmt.Printf("%-28s %6d\n", "total", total)
	fmt.Printf("simulated: run started %s, container started %s, container exited %s, task STOPPED %s, doppio exited %s\n",
		begin.Format(time.TimeOnly), aws.ToTime(t.StartedAt).Format(time.TimeOnly), aws.ToTime(t.ExecutionStoppedAt).Format(time.TimeOnly),
		aws.ToTime(t.StoppedAt).Format(time.TimeOnly), exited.Format(time.TimeOnly))
	fmt.Printf("doppio exited %.1f s (simulated) after the container exited (%.1f s after the task reached STOPPED); wall time %.1f s at speed %d\n",
		exited.Sub(aws.ToTime(t.ExecutionStoppedAt)).Seconds(), exited.Sub(aws.ToTime(t.StoppedAt)).Seconds(), exited.Sub(begin).Seconds()/float64(*speed), *speed)
	fmt.Printf("log lines streamed: %d\n", strings.Count(errb.String(), " | "))
	return nil
}
