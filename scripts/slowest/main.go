// Command slowest reads `go test -json` output on stdin and prints the slowest tests,
// slowest first: `make slowest` runs it (PKG=./internal/cli/ by default).
//
//	go test -json -count=1 ./internal/cli/ | go run ./scripts/slowest -n 10
//
// Top-level tests are listed by default; -subtests lists subtests too. A test's time
// is the elapsed time `go test` reports for it (a parallel test's time counts from
// when it resumed, not while it waited for its turn). Failed tests are marked FAIL;
// every failed test is listed after them, and tests still running when the input ends
// (a timeout) as unfinished.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
}

type result struct {
	pkg, test, action string
	elapsed           time.Duration
}

func main() {
	n := flag.Int("n", 10, "how many tests to list")
	subtests := flag.Bool("subtests", false, "list subtests too")
	flag.Parse()
	os.Exit(run(os.Stdin, os.Stdout, os.Stderr, *n, *subtests))
}

func run(in io.Reader, out, errw io.Writer, n int, subtests bool) int {
	var results []result
	started := map[[2]string]bool{}
	failedBuild := false
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue // build output that is not JSON
		}
		if e.Test == "" {
			if e.Action == "fail" && e.Elapsed == 0 {
				failedBuild = true
			}
			continue
		}
		if !subtests && strings.Contains(e.Test, "/") {
			continue
		}
		key := [2]string{e.Package, e.Test}
		switch e.Action {
		case "run":
			started[key] = true
		case "pass", "fail", "skip":
			delete(started, key)
			results = append(results, result{pkg: e.Package, test: e.Test, action: e.Action, elapsed: time.Duration(e.Elapsed * float64(time.Second))})
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(errw, "slowest:", err)
		return 1
	}
	if len(results) == 0 {
		fmt.Fprintln(errw, "slowest: no test results on stdin (pipe `go test -json` into it)")
		return 1
	}
	var failed []string
	for _, r := range results {
		if r.action == "fail" {
			failed = append(failed, r.pkg+" "+r.test)
		}
	}
	slices.SortStableFunc(results, func(a, b result) int { return int(b.elapsed - a.elapsed) })
	if len(results) > n {
		results = results[:n]
	}
	fmt.Fprintf(out, "%-4s %9s  %s\n", "rank", "seconds", "test")
	for i, r := range results {
		mark := ""
		if r.action == "fail" {
			mark = "  FAIL"
		}
		fmt.Fprintf(out, "%-4d %9.2f  %s %s%s\n", i+1, r.elapsed.Seconds(), r.pkg, r.test, mark)
	}
	var unfinished []string
	for k := range started {
		unfinished = append(unfinished, k[0]+" "+k[1])
	}
	slices.Sort(unfinished)
	for _, u := range unfinished {
		fmt.Fprintf(out, "unfinished %s\n", u)
	}
	for _, f := range failed {
		fmt.Fprintf(out, "failed %s\n", f)
	}
	if failedBuild {
		return 1
	}
	return 0
}
