package e2e

import (
	"bytes"
	"maps"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/doppio-ecs/doppio/internal/cli"
	"github.com/doppio-ecs/doppio/internal/ui/vt"
	"github.com/doppio-ecs/doppio/sandbox"
)

// On a terminal a fleet shows one updating row per member (its deployment's state
// and counts, elapsed time) below the members' lines, as docker compose up does; at
// the end every row has become a line with the member's outcome. The screen is a
// fixed-width (100 columns) virtual terminal; without a terminal the lines are plain
// and prefixed (TestE2EFleetDeploy).
func TestE2EFleetLiveView(t *testing.T) {
	e := fleetProject(t, 3)
	e.setenv("IMAGE_2", "nginx:crashloop") // fails: a new service has nothing to roll back to
	// Simulated time stands still until every member has created its service, then
	// moves only with the polls (2 s each): every member's first poll finds its
	// deployment in progress, however slow the machine.
	e.sb.Clock().SetSpeed(0)
	var created atomic.Int32
	var out bytes.Buffer
	errb := &syncBuffer{onLine: func(l string) {
		if strings.Contains(l, "created service") && created.Add(1) == 3 {
			e.sb.StepClock(sandbox.StepRule{Operation: "ecs:DescribeServices", Step: 2 * time.Second})
		}
	}}
	vars := maps.Clone(e.vars)
	vars["COLUMNS"] = "100"
	// One service at a time (--parallel 1): the first ones' rows say they wait for
	// the others to be created before their first poll.
	code := cli.Main(t.Context(), []string{"deploy", "--config", "services/*/ecspresso.yml", "--poll-interval", "200ms", "--parallel", "1"},
		cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: errb, Vars: vars, Dir: e.dir, IsTerminal: true})
	if code != 4 {
		t.Fatalf("exit %d, want 4\n%s", code, errb.String())
	}
	raw := errb.String()
	screen, err := vt.Screen([]byte(raw), 100)
	if err != nil {
		t.Fatal(err)
	}
	// Every member had a row that was redrawn in place: a frame with all three
	// members' deployment rows, one each.
	frame := regexp.MustCompile(`\x1b\[3A\r\x1b\[J(?:[^\n]*\n)*?\[svc-a\] deployment [^\n]*\n\[svc-b\] deployment [^\n]*\n\[svc-c\] deployment [^\n]*\n`)
	if !frame.MatchString(raw) {
		t.Errorf("no frame with one deployment row per member:\n%q", raw)
	}
	// While the others were being created, svc-a's row said why it did not move.
	held := regexp.MustCompile(`\[svc-a\] applied, waiting for the fleet's other services before polling +\d+s\n`)
	if !held.MatchString(raw) {
		t.Errorf("no frame with svc-a waiting for the fleet:\n%q", raw)
	}
	// At the end: no row left, each member's outcome as a line of its own, the
	// members' lines with their name after the stamp, and the fleet summary.
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  \[svc-a\] succeeded  \d+s$`),
		regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  \[svc-b\] succeeded  \d+s$`),
		regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  \[svc-c\] failed \(exit 4\)  \d+s$`),
		regexp.MustCompile(`(?m)^\[svc-a\] plan: create service svc-a`),
		regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d  \[svc-a\] created service  service=svc-a`),
		regexp.MustCompile(`1 of 3 services did not succeed: svc-c \(failed\)`),
	} {
		if !want.MatchString(screen) {
			t.Errorf("final screen lacks %s:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "waiting") || strings.Contains(screen, "deploy started") {
		t.Errorf("a row was left on the screen:\n%s", screen)
	}
}
