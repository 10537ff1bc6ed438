// Command fleet compares one doppio process deploying 30 services with 30 doppio
// processes deploying one each, on the sandbox: 30 services in one cluster, one
// rolling deploy each whose rollout takes 60 s of simulated time. It prints the API
// calls by operation, DescribeServices calls per poll round, wall time, and how long
// after the last rollout completed the deploy exited; then the same with 30% of all
// ECS calls throttled, checking that every service got exactly one deployment.
//
//	go run ./bench/fleet [-services 30] [-speed 50]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/sandbox"
)

var (
	services = flag.Int("services", 30, "services in the cluster")
	speed    = flag.Float64("speed", 10, "simulated seconds per real second (polls are 5 s simulated)")
	verbose  = flag.Bool("v", false, "print doppio's stderr of the measured runs")
	parallel = flag.Int("parallel", 10, "doppio's --parallel for the one-process runs (10 is doppio's default)")
	sizes    = flag.String("sizes", "", "comma-separated fleet sizes: print one summary row per size (calls, wall time, peak memory) instead of the scenarios")
	oneOnly  = flag.Bool("one-only", false, "with -sizes: measure only the one-process runs (no N-process baseline: calls ratio and N wall are 0)")
	atOnce   = flag.Int("processes-at-once", 50, "how many of the N separate processes run at the same time (their calls do not depend on it)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// result is one scenario's figures.
type result struct {
	counts      map[string]int
	perRound    float64 // DescribeServices calls per poll round (one process) or per poll (many)
	maxRound    int
	wall        time.Duration
	afterLast   time.Duration // simulated time from the last rollout's completion to exit
	deployments map[string]int
	exitCodes   []int
	failed      string // what the summary says did not succeed
	peakRSS     int64  // largest peak resident memory of one doppio process, in bytes
	firstPolls  time.Duration
	pollSpread  time.Duration
	// The worst UpdateService reply time and the worst time from a reply to the
	// service's first poll (simulated).
	updateLag, afterReplyLag time.Duration               // simulated time from the first service's first poll to the last's
	phases                   map[string][2]time.Duration // simulated time of each operation's first and last call
}

func run() error {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "doppio-bench-fleet")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "doppio")
	build := exec.Command("go", "build", "-o", bin, "./cmd/doppio")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build doppio (run from the repository root): %w", err)
	}
	srv, err := sandbox.NewServer(ctx, sandbox.Options{DeploymentDuration: 60 * time.Second, ClockSpeed: *speed})
	if err != nil {
		return err
	}
	defer srv.Close()
	rec := &recorder{}
	rec.reset()
	proxy := httptest.NewServer(rec.handler(srv.URL()))
	defer proxy.Close()

	if *sizes != "" {
		return runSizes(ctx, srv, proxy.URL, rec, bin, tmp)
	}
	type scenario struct {
		name     string
		one      bool
		throttle float64
		crash    bool
	}
	scenarios := []scenario{{"1 process", true, 0, false}, {fmt.Sprintf("%d processes", *services), false, 0, false},
		{"1 process, 30% throttled", true, 0.3, false}, {fmt.Sprintf("%d processes, 30%% throttled", *services), false, 0.3, false},
		{"1 process, 1 crashloop", true, 0, true}}
	results := make([]result, len(scenarios))
	for i, sc := range scenarios {
		fmt.Fprintf(os.Stderr, "running: %s\n", sc.name)
		r, err := measure(ctx, srv, proxy.URL, rec, bin, tmp, sc.one, sc.throttle, sc.crash)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		results[i] = r
	}
	ops := map[string]bool{}
	for _, r := range results {
		for op := range r.counts {
			ops[op] = true
		}
	}
	names := make([]string, 0, len(ops))
	for op := range ops {
		names = append(names, op)
	}
	sort.Strings(names)
	fmt.Printf("Deploying %d services (one cluster, 60 s simulated rollout each, 5 s polls), sandbox at %gx\n", *services, *speed)
	row := func(label string, f func(r result) string) {
		fmt.Printf("%-38s", label)
		for _, r := range results {
			fmt.Printf(" %14s", f(r))
		}
		fmt.Println()
	}
	fmt.Printf("%-38s", "")
	for _, sc := range scenarios {
		fmt.Printf(" %14s", truncate(sc.name, 14))
	}
	fmt.Println()
	for _, op := range names {
		row(op, func(r result) string { return fmt.Sprint(r.counts[op]) })
	}
	total := func(r result) int {
		t := 0
		for _, n := range r.counts {
			t += n
		}
		return t
	}
	row("total calls", func(r result) string { return fmt.Sprint(total(r)) })
	row("calls vs N processes", func(r result) string {
		return fmt.Sprintf("%.2fx", float64(total(r))/float64(max(total(results[1]), 1)))
	})
	row("DescribeServices per poll (avg)", func(r result) string { return fmt.Sprintf("%.1f", r.perRound) })
	row("DescribeServices per poll (max)", func(r result) string { return fmt.Sprint(r.maxRound) })
	row("wall time", func(r result) string { return r.wall.Round(10 * time.Millisecond).String() })
	row("exit after last rollout (simulated)", func(r result) string { return r.afterLast.Round(100 * time.Millisecond).String() })
	row("services with exactly 1 deployment", func(r result) string {
		n := 0
		for _, c := range r.deployments {
			if c == 1 {
				n++
			}
		}
		return fmt.Sprintf("%d/%d", n, *services)
	})
	row("summary: did not succeed", func(r result) string { return truncate(r.failed, 14) })
	row("exit codes", func(r result) string {
		codes := slices.Compact(slices.Sorted(slices.Values(r.exitCodes)))
		return strings.Trim(fmt.Sprint(codes), "[]")
	})
	fmt.Println("calls count every request the sandbox received (throttled attempts included); a poll round is a burst of")
	fmt.Println("DescribeServices calls less than 0.5 s (simulated) apart after the last UpdateService; for N processes every")
	fmt.Println("service's poll is a call of its own, so a poll of the fleet costs N calls")
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// measure creates the services in a fresh account, then deploys a new image to all
// of them, from one process or from one process each.
func measure(ctx context.Context, srv *sandbox.Server, endpoint string, rec *recorder, bin, tmp string, one bool, throttle float64, crash bool) (result, error) {
	acct := srv.NewAccount()
	key := sandbox.AccessKeyForAccount(acct)
	env := append(os.Environ(), "AWS_ENDPOINT_URL="+endpoint, "AWS_ACCESS_KEY_ID="+key, "AWS_SECRET_ACCESS_KEY="+sandbox.SecretAccessKey,
		"AWS_REGION="+sandbox.DefaultRegion, "AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	client := ecs.NewFromConfig(aws.Config{Region: sandbox.DefaultRegion, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, sandbox.SecretAccessKey, "")})
	if _, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("bench")}); err != nil {
		return result{}, err
	}
	dir := filepath.Join(tmp, acct)
	var paths []string
	for i := range *services {
		name := fmt.Sprintf("svc-%02d", i)
		files := map[string]string{
			"ecspresso.yml": "region: us-east-1\ncluster: bench\nservice: " + name + "\nservice_definition: sd.json\ntask_definition: td.json\ntimeout: 20m\n",
			"sd.json":       `{"launchType": "EC2", "desiredCount": 2, "deploymentConfiguration": {"deploymentCircuitBreaker": {"enable": true, "rollback": true}}}`,
			"td.json":       `{"family": "` + name + `", "containerDefinitions": [{"name": "app", "image": "nginx:{{ must_env ` + "`TAG`" + ` }}", "memory": 256, "essential": true}]}`,
		}
		if crash && i == *services-1 {
			// The last service's new image crashloops: its circuit breaker rolls it back.
			files["td.json"] = strings.Replace(files["td.json"], "`TAG`", "`LAST_TAG`", 1)
		}
		for f, body := range files {
			p := filepath.Join(dir, "services", name, f)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return result{}, err
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				return result{}, err
			}
		}
		paths = append(paths, filepath.Join("services", name, "ecspresso.yml"))
	}
	var rssMu sync.Mutex
	var peak int64
	lastTag := map[string]string{"1.27": "1.27", "1.28": "1.28"}
	if crash {
		lastTag["1.28"] = "crashloop"
	}
	doppio := func(tag string, configs ...string) (int, string) {
		args := []string{"deploy", "--poll-interval", fmt.Sprintf("%dms", int(5000 / *speed)), "--parallel", fmt.Sprint(*parallel), "--debug"}
		for _, c := range configs {
			args = append(args, "--config", c)
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, append(slices.Clone(env), "TAG="+tag, "LAST_TAG="+lastTag[tag])
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = io.Discard, &errb
		err := cmd.Run()
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				rssMu.Lock()
				peak = max(peak, ru.Maxrss*1024) // Linux reports KiB
				rssMu.Unlock()
			}
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), errb.String()
		}
		if err != nil {
			return -1, err.Error()
		}
		return 0, errb.String()
	}
	if code, errs := doppio("1.27", "services/*/ecspresso.yml"); code != 0 {
		return result{}, fmt.Errorf("creating the services exited %d:\n%s", code, errs)
	}
	srv.ResetCounts(acct)
	if throttle > 0 {
		srv.SetFaults(acct, sandbox.Faults{Seed: 7, Rules: []sandbox.FaultRule{{Operation: "ecs:*", Throttle: throttle}}})
	}
	rec.reset()
	start := time.Now()
	simStart := srv.Clock(acct).Now()
	var codes []int
	failedLine := "-"
	if one {
		code, errs := doppio("1.28", "services/*/ecspresso.yml")
		codes = append(codes, code)
		if (code != 0 && !crash) || *verbose {
			fmt.Fprintln(os.Stderr, errs)
		}
		if _, named, ok := strings.Cut(errs, "did not succeed: "); ok {
			failedLine, _, _ = strings.Cut(named, "\n")
		}
	} else {
		var mu sync.Mutex
		var wg sync.WaitGroup
		slots := make(chan struct{}, max(*atOnce, 1))
		for _, p := range paths {
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				code, errs := doppio("1.28", p)
				mu.Lock()
				defer mu.Unlock()
				codes = append(codes, code)
				if code != 0 {
					fmt.Fprintln(os.Stderr, errs)
				}
			})
		}
		wg.Wait()
	}
	simEnd := srv.Clock(acct).Now()
	if *verbose {
		rec.mu.Lock()
		fmt.Fprintf(os.Stderr, "  exit after the last reply: %s real\n", time.Since(rec.reply).Round(time.Millisecond))
		rec.mu.Unlock()
	}
	res := result{wall: time.Since(start), exitCodes: codes, deployments: map[string]int{}, failed: failedLine, peakRSS: peak}
	srv.SetFaults(acct, sandbox.Faults{})
	res.counts = srv.Counts(acct)
	for op := range res.counts {
		if strings.HasPrefix(op, "moto:") {
			delete(res.counts, op)
		}
	}
	// When did the last rollout complete, and how many deployments did each service
	// get? (Read after the run, unthrottled.)
	var last time.Time
	var lastSvc string
	for i := 0; i < len(paths); i += 10 {
		var names []string
		for j := i; j < min(i+10, len(paths)); j++ {
			names = append(names, fmt.Sprintf("svc-%02d", j))
		}
		out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("bench"), Services: names})
		if err != nil {
			return result{}, err
		}
		for _, s := range out.Services {
			for _, e := range s.Events {
				if strings.Contains(aws.ToString(e.Message), "deployment completed") && e.CreatedAt.After(simStart) && e.CreatedAt.After(last) {
					last, lastSvc = *e.CreatedAt, aws.ToString(s.ServiceName)
				}
			}
			lo, err := client.ListServiceDeployments(ctx, &ecs.ListServiceDeploymentsInput{Cluster: aws.String("bench"), Service: s.ServiceName,
				CreatedAt: &types.CreatedAt{After: aws.Time(simStart)}})
			if err != nil {
				return result{}, err
			}
			res.deployments[aws.ToString(s.ServiceName)] = len(lo.ServiceDeployments)
		}
	}
	if !last.IsZero() {
		res.afterLast = simEnd.Sub(last)
		if *verbose {
			// The last service's polls around its completion, in simulated time
			// from the completion (the run's real clock scaled).
			rec.mu.Lock()
			realLast := time.Now().Add(-time.Duration(float64(srv.Clock(acct).Now().Sub(last)) / *speed))
			var ds []string
			for _, t := range rec.polls[lastSvc] {
				ds = append(ds, (time.Duration(float64(t.Sub(realLast)) * *speed)).Round(100*time.Millisecond).String())
			}
			rec.mu.Unlock()
			fmt.Fprintf(os.Stderr, "  last rollout: %s; its polls relative to its completion (simulated): %s\n", lastSvc, strings.Join(ds, " "))
		}
	}
	res.perRound, res.maxRound = rec.rounds(time.Duration(float64(time.Second)/2 / *speed), one, len(paths))
	res.firstPolls = time.Duration(float64(rec.firstPollLag()) * *speed)
	res.pollSpread = time.Duration(float64(rec.firstPollSpread()) * *speed)
	up, after := rec.lagParts()
	res.updateLag, res.afterReplyLag = time.Duration(float64(up)**speed), time.Duration(float64(after)**speed)
	res.phases = map[string][2]time.Duration{}
	for op, p := range rec.phases() {
		res.phases[op] = [2]time.Duration{time.Duration(float64(p[0]) * *speed), time.Duration(float64(p[1]) * *speed)}
	}
	return res, nil
}

// recorder is a reverse proxy in front of the sandbox that notes when each
// DescribeServices call arrived, to count calls per poll round.
type recorder struct {
	mu      sync.Mutex
	calls   []time.Time
	updates []time.Time
	updated map[string]time.Time    // when each service's UpdateService was seen
	first   map[string]time.Time    // each updated service's first DescribeServices after its update
	ops     map[string][2]time.Time // each operation's first and last request
	replied map[string]time.Time    // when each service's UpdateService was answered
	polls   map[string][]time.Time  // each service's DescribeServices requests
	start   time.Time
	reply   time.Time // when the last reply was sent
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls, r.updates = nil, nil
	r.updated, r.first = map[string]time.Time{}, map[string]time.Time{}
	r.ops, r.start, r.replied, r.polls = map[string][2]time.Time{}, time.Now(), map[string]time.Time{}, map[string][]time.Time{}
}

// lagParts splits the worst first-poll lag: how long UpdateService took to answer,
// and how long doppio then took to send the service's first poll.
func (r *recorder) lagParts() (update, afterReply time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s, t := range r.first {
		update = max(update, r.replied[s].Sub(r.updated[s]))
		afterReply = max(afterReply, t.Sub(r.replied[s]))
	}
	return update, afterReply
}

// firstPollSpread is the real time from the first service's first poll after its
// update to the last service's.
func (r *recorder) firstPollSpread() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var lo, hi time.Time
	for _, t := range r.first {
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		hi = later(hi, t)
	}
	return hi.Sub(lo)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// phases returns, per operation, when its first and last request came (real time
// since reset).
func (r *recorder) phases() map[string][2]time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string][2]time.Duration{}
	for op, ts := range r.ops {
		out[op] = [2]time.Duration{ts[0].Sub(r.start), ts[1].Sub(r.start)}
	}
	return out
}

// firstPollLag is the longest real time a service waited, after its UpdateService,
// for its first poll: a service starved by the others' calls waits long.
func (r *recorder) firstPollLag() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var worst time.Duration
	for s, t := range r.first {
		worst = max(worst, t.Sub(r.updated[s]))
	}
	return worst
}

func (r *recorder) handler(target string) http.Handler {
	u, _ := url.Parse(target)
	p := httputil.NewSingleHostReverseProxy(u)
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		target := req.Header.Get("X-Amz-Target")
		var body struct {
			Service  string   `json:"service"`
			Services []string `json:"services"`
		}
		if strings.HasSuffix(target, ".DescribeServices") || strings.HasSuffix(target, ".UpdateService") {
			b, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(b))
			_ = json.Unmarshal(b, &body)
		}
		now := time.Now()
		r.mu.Lock()
		if _, op, ok := strings.Cut(target, "."); ok {
			ts := r.ops[op]
			if ts[0].IsZero() {
				ts[0] = now
			}
			ts[1] = now
			r.ops[op] = ts
		}
		switch {
		case strings.HasSuffix(target, ".DescribeServices"):
			r.calls = append(r.calls, now)
			for _, s := range body.Services {
				r.polls[s] = append(r.polls[s], now)
				if _, seen := r.first[s]; !seen && !r.updated[s].IsZero() {
					r.first[s] = now
				}
			}
		case strings.HasSuffix(target, ".UpdateService"):
			r.updates = append(r.updates, now)
			r.updated[body.Service] = now
		}
		r.mu.Unlock()
		p.ServeHTTP(w, req)
		r.mu.Lock()
		r.reply = time.Now()
		r.mu.Unlock()
		if strings.HasSuffix(target, ".UpdateService") {
			r.mu.Lock()
			r.replied[body.Service] = time.Now()
			r.mu.Unlock()
		}
	})
}

// rounds groups the DescribeServices calls into bursts less than gap apart and
// returns the mean and largest burst. For many processes, whose polls do not line
// up, it returns calls per poll of the whole fleet instead: calls divided by the
// polls one service made.
func (r *recorder) rounds(gap time.Duration, one bool, n int) (float64, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		return 0, 0
	}
	if !one {
		return float64(n), n
	}
	// Poll rounds: the calls after the last UpdateService, when every service waits.
	lastUpdate := slices.MaxFunc(append(slices.Clone(r.updates), time.Time{}), func(a, b time.Time) int { return a.Compare(b) })
	var ts []time.Time
	for _, t := range r.calls {
		if t.After(lastUpdate) {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		return 0, 0
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	var sizes []int
	size := 1
	for i := 1; i < len(ts); i++ {
		if ts[i].Sub(ts[i-1]) < gap {
			size++
			continue
		}
		sizes = append(sizes, size)
		size = 1
	}
	sizes = append(sizes, size)
	sum := 0
	for _, s := range sizes {
		sum += s
	}
	return float64(sum) / float64(len(sizes)), slices.Max(sizes)
}

// runSizes measures one process against N processes at each size of -sizes and
// prints one row per size: the figures issue 21 sets bounds on.
func runSizes(ctx context.Context, srv *sandbox.Server, endpoint string, rec *recorder, bin, tmp string) error {
	fmt.Printf("Fleet deploy, one process (--parallel %d) vs N processes; 60 s simulated rollouts, 5 s polls, sandbox at %gx\n", *parallel, *speed)
	fmt.Printf("%5s %6s %7s %6s %9s %9s %9s %7s %8s %8s %11s %11s %7s %7s\n", "N", "calls", "N procs", "ratio", "wall", "N wall", "exit-last", "DS/poll",
		"1st poll", "US reply", "reply->poll", "poll spread", "peak MB", "ok")
	for _, f := range strings.Split(*sizes, ",") {
		n := 0
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a size", f)
		}
		*services = n
		total := func(r result) int {
			t := 0
			for _, c := range r.counts {
				t += c
			}
			return t
		}
		fmt.Fprintf(os.Stderr, "running: %d services, 1 process\n", n)
		one, err := measure(ctx, srv, endpoint, rec, bin, tmp, true, 0, false)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "  one process: %d calls, wall %s, exit-last %s, DS/poll %d/%d, 1st poll %s, poll spread %s, peak %.0f MB, %d services\n",
			total(one), one.wall.Round(10*time.Millisecond), one.afterLast.Round(100*time.Millisecond), one.maxRound, (n+9)/10,
			one.firstPolls.Round(100*time.Millisecond), one.pollSpread.Round(100*time.Millisecond), float64(one.peakRSS)/(1<<20), n)
		fmt.Fprintf(os.Stderr, "  first-poll lag parts (worst, simulated): UpdateService reply %s, reply to first poll %s\n",
			one.updateLag.Round(100*time.Millisecond), one.afterReplyLag.Round(100*time.Millisecond))
		ops := slices.Sorted(maps.Keys(one.counts))
		for _, op := range ops {
			ph := one.phases[strings.TrimPrefix(op, "ecs:")]
			fmt.Fprintf(os.Stderr, "  %-40s %5d  first %8s  last %8s (simulated, from the start)\n", op, one.counts[op],
				ph[0].Round(100*time.Millisecond), ph[1].Round(100*time.Millisecond))
		}
		var many result
		if !*oneOnly {
			fmt.Fprintf(os.Stderr, "running: %d services, %d processes\n", n, n)
			if many, err = measure(ctx, srv, endpoint, rec, bin, tmp, false, 0, false); err != nil {
				return err
			}
		}
		ok := 0
		for _, c := range one.deployments {
			if c == 1 {
				ok++
			}
		}
		r := func(d time.Duration) string { return d.Round(100 * time.Millisecond).String() }
		fmt.Printf("%5d %6d %7d %5.2fx %9s %9s %9s %4d/%-2d %8s %8s %11s %11s %7.0f %3d/%-3d\n", n, total(one), total(many),
			float64(total(one))/float64(max(total(many), 1)), r(one.wall), r(many.wall), r(one.afterLast), one.maxRound, (n+9)/10,
			r(one.firstPolls), r(one.updateLag), r(one.afterReplyLag), r(one.pollSpread), float64(one.peakRSS)/(1<<20), ok, n)
	}
	fmt.Println("calls: every request the sandbox received; ratio: one process / N processes (bound: 0.35x);")
	fmt.Println("exit-last: simulated time from the last rollout's completion to exit (bound: 5s); DS/poll: largest")
	fmt.Println("DescribeServices burst of one poll / ceil(N/10); 1st poll: the longest simulated time from a service's")
	fmt.Println("UpdateService request to its first poll, made of the sandbox's UpdateService reply time (US reply, worst)")
	fmt.Println("and doppio's own delay from that reply to the first poll (reply->poll, worst: a fleet holds every first")
	fmt.Println("poll until the last service has applied, so this is about the apply phase: N UpdateService calls at the")
	fmt.Println("rate budget's 20/s); poll spread: simulated time from the first service's first poll to the last")
	fmt.Println("service's (bound: one poll, 5s); peak MB: the one process's peak RSS (bound: 300)")
	return nil
}
