package awsclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go"
)

// fakeHTTP answers every request with an empty JSON object (or a throttling error
// while throttle > 0) and counts requests by the X-Amz-Target operation.
type fakeHTTP struct {
	mu       sync.Mutex
	calls    map[string]int
	throttle int
}

func (f *fakeHTTP) Do(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[r.Header.Get("X-Amz-Target")]++
	status, body := 200, `{}`
	if f.throttle > 0 {
		f.throttle--
		status, body = 400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`
	}
	return &http.Response{
		StatusCode: status, Status: http.StatusText(status), Request: r,
		Header: http.Header{"Content-Type": []string{"application/x-amz-json-1.1"}},
		Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
	}, nil
}

// testConfig loads a config whose clients talk to h, with a budget of maxRPS.
func testConfig(t *testing.T, h *fakeHTTP, maxRPS float64) aws.Config {
	t.Helper()
	cfg, err := Load(t.Context(), Options{
		Region: "us-east-1", MaxRPS: maxRPS, MaxBackoff: time.Second,
		Env: map[string]string{
			"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
			"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
			"AWS_EC2_METADATA_DISABLED": "true",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.HTTPClient = h
	return cfg
}

func TestBudgetPacesCalls(t *testing.T) {
	tests := []struct {
		name    string
		maxRPS  float64
		calls   int
		clients int // ECS clients built from the same config, calling in turn
		want    time.Duration
	}{
		// A bucket of R tokens refilled at R/s: the first R calls go at once, the
		// remaining N-R take (N-R)/R seconds.
		{name: "50 calls at 10/s", maxRPS: 10, calls: 50, clients: 1, want: 4 * time.Second},
		{name: "200 calls at 20/s", maxRPS: 20, calls: 200, clients: 1, want: 9 * time.Second},
		{name: "two clients share one bucket", maxRPS: 10, calls: 50, clients: 2, want: 4 * time.Second},
		{name: "fractional rate", maxRPS: 0.5, calls: 4, clients: 1, want: 6 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := &fakeHTTP{}
				cfg := testConfig(t, h, tc.maxRPS)
				clients := make([]*ecs.Client, tc.clients)
				for i := range clients {
					clients[i] = ecs.NewFromConfig(cfg)
				}
				start := time.Now()
				for i := range tc.calls {
					if _, err := clients[i%len(clients)].DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{"web"}}); err != nil {
						t.Fatal(err)
					}
				}
				if got := time.Since(start); got != tc.want {
					t.Errorf("%d calls took %s of virtual time, want %s", tc.calls, got, tc.want)
				}
				if got := h.calls["AmazonEC2ContainerServiceV20141113.DescribeServices"]; got != tc.calls {
					t.Errorf("DescribeServices calls = %d, want %d", got, tc.calls)
				}
			})
		})
	}
}

func TestBudgetDefaultsAndFamilies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHTTP{}
		cfg := testConfig(t, h, 0)
		e, s := ecs.NewFromConfig(cfg), ssm.NewFromConfig(cfg)
		start := time.Now()
		// ECS's default bucket: 50 at once, then 20/s. SSM calls come from their own
		// bucket and cost ECS nothing.
		for range 90 {
			if _, err := e.ListTasks(t.Context(), &ecs.ListTasksInput{}); err != nil {
				t.Fatal(err)
			}
		}
		ecsTime := time.Since(start)
		for range 10 {
			if _, err := s.GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String("/x")}); err != nil {
				t.Fatal(err)
			}
		}
		if want := 2 * time.Second; ecsTime != want {
			t.Errorf("90 ECS calls took %s, want %s (burst 50, then 20/s)", ecsTime, want)
		}
		if got := time.Since(start) - ecsTime; got != 0 {
			t.Errorf("10 SSM calls waited %s on ECS's budget", got)
		}
	})
}

func TestBudgetChargesEveryAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHTTP{throttle: 3}
		cfg := testConfig(t, h, 1)
		// Retry at once, so that only the budget spaces the attempts.
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 10
				o.RateLimiter = ratelimit.None
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})
		}
		// 1/s with a burst of 1: four attempts (three throttled) take three refills.
		start := time.Now()
		if _, err := ecs.NewFromConfig(cfg).DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{"web"}}); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("4 attempts at 1/s took %s, want 3s", got)
		}
		if got := h.calls["AmazonEC2ContainerServiceV20141113.DescribeServices"]; got != 4 {
			t.Errorf("attempts = %d, want 4", got)
		}
	})
}

func TestBudgetWaitHonoursContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHTTP{}
		cfg := testConfig(t, h, 0.01) // one token, then one per 100 s
		c := ecs.NewFromConfig(cfg)
		if _, err := c.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{"web"}}); err != nil {
			t.Fatal(err)
		}

		// Cancelled while waiting: returns at the cancellation, not at the token.
		ctx, cancel := context.WithCancel(t.Context())
		var got error
		var returned atomic.Bool
		start := time.Now()
		go func() {
			_, got = c.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
			returned.Store(true)
		}()
		<-time.After(3 * time.Second) // virtual: the call is blocked on the budget
		synctest.Wait()
		if returned.Load() {
			t.Fatal("call returned before its token or cancellation")
		}
		cancel()
		synctest.Wait()
		if !returned.Load() {
			t.Fatal("call still waiting after cancellation")
		}
		if elapsed := time.Since(start); elapsed != 3*time.Second {
			t.Errorf("cancelled call returned after %s, want 3s", elapsed)
		}
		if !errors.Is(got, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", got)
		}

		// A deadline (the command's --timeout) ends the wait at the deadline.
		ctx, cancel = context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start = time.Now()
		_, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed != 5*time.Second {
			t.Errorf("call with a 5s deadline returned after %s", elapsed)
		}
		var ae smithy.APIError
		if errors.As(err, &ae) {
			t.Errorf("err is an API error %v; the request must not have been sent", ae)
		}
		if n := h.calls["AmazonEC2ContainerServiceV20141113.DescribeServices"]; n != 1 {
			t.Errorf("requests sent = %d, want only the first", n)
		}
	})
}

// Each ECS action group has its own bucket: a burst of registrations and updates (a
// fleet applying) does not delay the polls' DescribeServices.
func TestBudgetECSGroups(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := &fakeHTTP{}
		cfg := testConfig(t, h, 0)
		e := ecs.NewFromConfig(cfg)
		for range 90 {
			if _, err := e.UpdateService(t.Context(), &ecs.UpdateServiceInput{Service: aws.String("web")}); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		for range 50 {
			if _, err := e.DescribeServices(t.Context(), &ecs.DescribeServicesInput{Services: []string{"web"}}); err != nil {
				t.Fatal(err)
			}
		}
		if got := time.Since(start); got != 0 {
			t.Errorf("50 DescribeServices after 90 UpdateService waited %s, want 0 (their own bucket)", got)
		}
	})
}
