package watch

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// taskSetECS is a CODE_DEPLOY service just created: its PRIMARY task set starts one
// task every 10 s until `desired` run, then (unless stuck) is STEADY_STATE.
type taskSetECS struct {
	Client
	mu      sync.Mutex
	start   time.Time
	desired int32
	stuck   bool // tasks never stay up (crash loop): never steady
	calls   int
}

func (f *taskSetECS) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	el := time.Since(f.start)
	running := min(int32(el/(10*time.Second)), f.desired)
	if f.stuck {
		running = 0
	}
	stab := types.StabilityStatusStabilizing
	events := []types.ServiceEvent{{Id: aws.String("e1"), CreatedAt: aws.Time(f.start.Add(time.Second)), Message: aws.String("(service web, taskSet ecs-svc/1) has started 2 tasks: (task a) (task b).")}}
	if running == f.desired {
		stab = types.StabilityStatusSteadyState
		events = append([]types.ServiceEvent{{Id: aws.String("e2"), CreatedAt: aws.Time(f.start.Add(20 * time.Second)), Message: aws.String("(service web) has reached a steady state.")}}, events...)
	}
	return &ecs.DescribeServicesOutput{Services: []types.Service{{
		ServiceName: aws.String("web"), Status: aws.String("ACTIVE"), DesiredCount: f.desired, RunningCount: running, PendingCount: f.desired - running,
		DeploymentController: &types.DeploymentController{Type: types.DeploymentControllerTypeCodeDeploy},
		Deployments:          []types.Deployment{},
		Events:               events,
		TaskSets: []types.TaskSet{{Id: aws.String("ecs-svc/1"), Status: aws.String("PRIMARY"), StabilityStatus: stab,
			TaskDefinition: aws.String("arn:aws:ecs:us-east-1:1:task-definition/web:1"), ComputedDesiredCount: f.desired, RunningCount: running, PendingCount: f.desired - running}},
	}}}, nil
}

func TestWaitTaskSets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		stuck    bool
		timeout  time.Duration
		want     Kind
		wantExit int
		elapsed  time.Duration
		lines    []string
	}{
		{name: "steady", timeout: 10 * time.Minute, want: Succeeded, wantExit: diag.ExitOK, elapsed: 20 * time.Second,
			lines: []string{
				"event  (service web, taskSet ecs-svc/1) has started 2 tasks",
				"task set ecs-svc/1 PRIMARY STABILIZING  running 0/2 pending 2  web:1  (service running 0/2)",
				"task set ecs-svc/1 PRIMARY STABILIZING  running 1/2 pending 1",
				"event  (service web) has reached a steady state.",
				"task set ecs-svc/1 PRIMARY STEADY_STATE  running 2/2 pending 0",
			}},
		{name: "never steady times out", stuck: true, timeout: time.Minute, want: TimedOut, wantExit: diag.ExitTimeout, elapsed: time.Minute,
			lines: []string{"task set ecs-svc/1 PRIMARY STABILIZING  running 0/2 pending 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &taskSetECS{start: time.Now(), desired: 2, stuck: tc.stuck}
				var buf bytes.Buffer
				p := New(f, Options{Interval: 5 * time.Second, Observer: NewTextObserver(&buf, true)})
				ctx, cancel := context.WithTimeout(t.Context(), tc.timeout)
				defer cancel()
				t0 := time.Now()
				out, err := p.WaitTaskSets(ctx, TaskSetTarget{Cluster: "c", Service: "web", StartedAt: t0})
				if err != nil {
					t.Fatal(err)
				}
				if out.Kind != tc.want || out.ExitCode() != tc.wantExit {
					t.Errorf("outcome %v (exit %d), want %v (exit %d); reason %q", out.Kind, out.ExitCode(), tc.want, tc.wantExit, out.Reason)
				}
				if got := time.Since(t0); got != tc.elapsed {
					t.Errorf("waited %s, want %s", got, tc.elapsed)
				}
				if tc.want == TimedOut && !strings.Contains(out.Pending, "running 0/2") {
					t.Errorf("pending %q does not say what was outstanding", out.Pending)
				}
				if max := int(tc.elapsed/(5*time.Second)) + 1; f.calls > max {
					t.Errorf("%d DescribeServices calls, want at most %d", f.calls, max)
				}
				text := buf.String()
				last := 0
				for _, l := range tc.lines {
					i := strings.Index(text[last:], l)
					if i < 0 {
						t.Fatalf("output lacks %q after offset %d:\n%s", l, last, text)
					}
					last += i
				}
			})
		})
	}
}
