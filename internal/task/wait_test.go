package task

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
)

var src = LogSource{Container: "app", Group: "/ecs/job", Region: "us-east-1", Prefix: "job"}

func TestWait(t *testing.T) {
	const arn1, arn2, arn3 = "arn:aws:ecs:us-east-1:1:task/c/aaaaaaaaaaaa1", "arn:aws:ecs:us-east-1:1:task/c/bbbbbbbbbbbb2", "arn:aws:ecs:us-east-1:1:task/c/cccccccccccc3"
	logs := []fakeLine{{3 * time.Second, "migrating"}, {3 * time.Second, "step 1"}, {14 * time.Second, "step 2"}, {30*time.Second + 500*time.Millisecond, "done, exit 3"}} // visible only after the exit
	for _, tc := range []struct {
		name       string
		tasks      []*scripted
		cancelAt   time.Duration
		until      bool
		wantCode   int
		wantCodes  []int
		wantOut    string
		wantLines  []string
		maxElapsed time.Duration
		maxCalls   map[string]int
	}{
		{
			name:     "exit code and logs in order, once, drained after the stop",
			tasks:    []*scripted{{arn: arn1, running: 2 * time.Second, exit: 30 * time.Second, code: 3, logs: logs, stopSpan: 20 * time.Second}},
			wantCode: 3, wantCodes: []int{3}, wantOut: Failed,
			wantLines: []string{"app aaaaaaaa | migrating", "app aaaaaaaa | step 1", "app aaaaaaaa | step 2", "app aaaaaaaa | done, exit 3"},
			// done at the first poll after the exit (not after the 20 s deprovisioning), plus the drain grace
			maxElapsed: 30*time.Second + 5*time.Second + time.Second,
			maxCalls:   map[string]int{"DescribeTasks": 7, "GetLogEvents": 16},
		},
		{
			name:     "interrupt leaves the task and exits 130",
			tasks:    []*scripted{{arn: arn1, running: 2 * time.Second, logs: logs}},
			cancelAt: 12 * time.Second, wantCode: 130, wantCodes: []int{130}, wantOut: Interrupted,
			wantLines:  []string{"app aaaaaaaa | migrating", "app aaaaaaaa | step 1"},
			maxElapsed: 12 * time.Second,
		},
		{
			name:     "a task that never ran its container exits 4",
			tasks:    []*scripted{{arn: arn1, running: 6 * time.Second, failStart: "CannotPullContainerError: not found"}},
			wantCode: 4, wantCodes: []int{4}, wantOut: Failed, maxElapsed: 10 * time.Second,
		},
		{
			name: "count 3: the first non-zero code, every task reported",
			tasks: []*scripted{
				{arn: arn1, running: time.Second, exit: 10 * time.Second, code: 0},
				{arn: arn2, running: time.Second, exit: 20 * time.Second, code: 2},
				{arn: arn3, running: time.Second, exit: 15 * time.Second, code: 5},
			},
			wantCode: 2, wantCodes: []int{0, 2, 5}, wantOut: Failed, maxElapsed: 25 * time.Second,
			maxCalls: map[string]int{"DescribeTasks": 5},
		},
		{
			name:     "wait until running",
			tasks:    []*scripted{{arn: arn1, running: 7 * time.Second}},
			until:    true,
			wantCode: 0, wantCodes: []int{0}, wantOut: Succeeded, maxElapsed: 10 * time.Second,
		},
		{
			// ecspresso's CI scenario: a command that ends at once (nginx -v) runs,
			// exits 0 and stops between two polls; it did reach RUNNING.
			name:     "wait until running: a task that ran and stopped between two polls",
			tasks:    []*scripted{{arn: arn1, running: 2 * time.Second, exit: 3 * time.Second, code: 0}},
			until:    true,
			wantCode: 0, wantCodes: []int{0}, wantOut: Succeeded, maxElapsed: 10 * time.Second,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFake(tc.tasks...)
				var arns []string
				for _, s := range tc.tasks {
					arns = append(arns, s.arn)
				}
				ctx := t.Context()
				if tc.cancelAt > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					time.AfterFunc(tc.cancelAt, cancel)
				}
				var out bytes.Buffer
				begin := time.Now()
				res, err := NewRunner(f.deps()).Wait(ctx, &Started{Cluster: "c", TaskARNs: arns}, WaitOptions{
					UntilRunning: tc.until, Logs: &LogWriter{W: &out}, Source: src, Container: "app",
				})
				if err != nil {
					t.Fatal(err)
				}
				if res.ExitCode != tc.wantCode || res.Outcome != tc.wantOut {
					t.Errorf("exit %d outcome %q, want %d %q", res.ExitCode, res.Outcome, tc.wantCode, tc.wantOut)
				}
				var codes []int
				for _, r := range res.Tasks {
					codes = append(codes, r.Code)
				}
				if d := cmp.Diff(tc.wantCodes, codes); d != "" {
					t.Errorf("task codes (-want +got):\n%s", d)
				}
				var lines []string
				if s := strings.TrimSpace(out.String()); s != "" {
					lines = strings.Split(s, "\n")
				}
				if d := cmp.Diff(tc.wantLines, lines); d != "" {
					t.Errorf("log lines (-want +got):\n%s", d)
				}
				if el := time.Since(begin); el > tc.maxElapsed {
					t.Errorf("took %s of virtual time, want at most %s", el, tc.maxElapsed)
				}
				for op, n := range tc.maxCalls {
					if f.calls[op] > n {
						t.Errorf("%s called %d times, budget %d", op, f.calls[op], n)
					}
				}
			})
		})
	}
}

func TestExplainGroupsReasonsAndShowsTheFailingLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFake(&scripted{arn: "arn:aws:ecs:us-east-1:1:task/c/aaaa", logs: []fakeLine{{0, "boot"}, {0, "panic: no DB_URL"}}})
		f.td = taskDefWithLogs()
		<-time.After(time.Second) // virtual time
		stopped := StoppedTasks(nil)
		for i, code := range []int32{1, 1, 137} {
			tk := f.task(&scripted{arn: "arn:aws:ecs:us-east-1:1:task/c/aaaa", exit: time.Nanosecond, code: code})
			tk.StoppedAt = aws.Time(f.start.Add(time.Duration(i) * time.Second))
			if code == 137 {
				tk.StoppedReason = aws.String("OutOfMemoryError: Container killed due to memory usage")
			}
			stopped = append(stopped, StoppedTasks([]types.Task{tk})...)
		}
		e := Explain(t.Context(), f.deps(), ExplainInput{Stopped: stopped})
		// Each distinct reason once, with its count and exit codes (the view's
		// text of this explanation: internal/cli/view's explain golden).
		want := &Explanation{
			Reasons: []ReasonCount{
				{Reason: "Essential container in task exited", StopCode: "EssentialContainerExited", Tasks: 2, ExitCodes: []string{"app=1"}},
				{Reason: "OutOfMemoryError: Container killed due to memory usage", StopCode: "EssentialContainerExited", Tasks: 1, ExitCodes: []string{"app=137"}},
			},
			Logs: &FailingLog{Task: "arn:aws:ecs:us-east-1:1:task/c/aaaa", Container: "app", Lines: []string{"boot", "panic: no DB_URL"}},
		}
		if d := cmp.Diff(want, e); d != "" {
			t.Errorf("explanation (-want +got):\n%s", d)
		}
	})
}

// TestWaitProgress: the views get each task's state when it changes — once per
// change, not once per poll — ending with STOPPED and the exit code as soon as the
// container exited (not after ECS's deprovisioning).
func TestWaitProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const arn = "arn:aws:ecs:us-east-1:1:task/c/aaaaaaaaaaaa1"
		f := newFake(&scripted{arn: arn, running: 6 * time.Second, exit: 21 * time.Second, code: 3, stopSpan: 20 * time.Second})
		var got []string
		_, err := NewRunner(f.deps()).Wait(t.Context(), &Started{Cluster: "c", TaskARNs: []string{arn}}, WaitOptions{Container: "app",
			Progress: func(p TaskProgress) { got = append(got, fmt.Sprintf("%s final=%t", p.key(), p.Final)) }})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"PENDING - final=false", "RUNNING - final=false", "STOPPED 3 final=true"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("progress (-want +got):\n%s", d)
		}
	})
}
