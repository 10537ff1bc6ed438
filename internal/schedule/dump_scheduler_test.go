package schedule

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// dumpSchedFile has an EventBridge rule and three schedules on cluster api (a
// Tokyo cron with a window, a one-time schedule with a retry policy, a disabled
// one in the default group) and one schedule on another cluster.
const dumpSchedFile = sessionFile + `- name: once
  taskDefinition: batch
  scheduler:
    group: jobs
    at: "2026-12-24T09:00:00"
    retry: {maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600}
- name: paused
  scheduleExpression: rate(1 hour)
  disabled: true
  taskDefinition: batch
  scheduler: {}
- name: elsewhere
  cluster: other
  scheduleExpression: rate(5 minutes)
  taskDefinition: batch
  scheduler:
    group: jobs
`

func fakeRegion(f *fakeAWS) *Region {
	return &Region{Name: "us-east-1", Account: testAccount.ID, Events: f, Search: f, ECS: f, Roles: f, Identity: f, Scheduler: fakeScheduler{f}}
}

// TestDumpSchedules: dump writes the schedules on the cluster with their
// scheduler: settings, and apply of the dump plans nothing and writes nothing.
func TestDumpSchedules(t *testing.T) {
	f := newFake(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	s := openSession(t, f, dumpSchedFile)
	if err := s.ApplyAll(context.Background(), plan(t, s, false), nil); err != nil {
		t.Fatal(err)
	}
	res, err := Dump(context.Background(), fakeRegion(f), &File{Region: "us-east-1", Cluster: "api"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rules != 4 || res.Schedules != 3 || strings.Contains(res.YAML, "elsewhere") {
		t.Errorf("dump: %d rules, %d schedules:\n%s", res.Rules, res.Schedules, res.YAML)
	}
	for _, want := range []string{"  scheduler:\n    group: jobs\n    timezone: Asia/Tokyo\n    flexibleWindow: 15m\n",
		"  scheduler:\n    group: jobs\n    at: 2026-12-24T09:00:00\n    retry:\n      maximumRetryAttempts: 2\n      maximumEventAgeInSeconds: 3600\n",
		"- name: paused\n  scheduleExpression: rate(1 hour)\n  disabled: true\n", "  scheduler:\n    group: default\n"} {
		if !strings.Contains(res.YAML, want) {
			t.Errorf("dump lacks\n%s\nin\n%s", want, res.YAML)
		}
	}
	if strings.Contains(res.YAML[strings.Index(res.YAML, "- name: nightly"):strings.Index(res.YAML, "- name: once")], "scheduler") {
		t.Errorf("the EventBridge rule nightly is dumped as a schedule:\n%s", res.YAML)
	}
	f.writes = nil
	s = openSession(t, f, res.YAML)
	cs := plan(t, s, false)
	if len(cs) != 4 {
		t.Errorf("%d changes planned for the dump, want 4", len(cs))
	}
	for _, c := range cs {
		if c.Action != Unchanged {
			t.Errorf("%s %s: %s\n%s", c.Kind(), c.Rule, c.Action, c.Diff)
		}
	}
	if err := s.ApplyAll(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	if len(f.writes) != 0 {
		t.Errorf("apply of the dump wrote %v", f.writes)
	}
}

// TestDumpScheduleNameClash: an enabled EventBridge rule and a schedule of one
// name are exit 2 naming both; once the rule is disabled (as apply --to-scheduler
// leaves it), the schedule is dumped in its place.
func TestDumpScheduleNameClash(t *testing.T) {
	f := newFake(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	s := openSession(t, f, sessionFile)
	if err := s.ApplyAll(context.Background(), plan(t, s, false), nil); err != nil {
		t.Fatal(err)
	}
	s = openSession(t, f, sessionFile)
	s.Files[0].ToScheduler()
	cs := plan(t, s, false)
	// Enable the rule again behind the migration's back.
	if err := s.ApplyAll(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	r := f.rules["nightly"]
	r.State = ebtypes.RuleStateEnabled
	f.rules["nightly"] = r
	_, err := Dump(context.Background(), fakeRegion(f), &File{Region: "us-east-1", Cluster: "api"})
	if diag.ExitCode(err) != diag.ExitUsage || !strings.Contains(err.Error(), "EventBridge rule nightly and schedule default/nightly") {
		t.Fatalf("dump with a clash: %v", err)
	}
	r.State = ebtypes.RuleStateDisabled
	f.rules["nightly"] = r
	res, err := Dump(context.Background(), fakeRegion(f), &File{Region: "us-east-1", Cluster: "api"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rules != 2 || res.Schedules != 2 || !strings.Contains(res.YAML, "- name: nightly\n") || strings.Count(res.YAML, "scheduler:") != 2 {
		t.Errorf("dump after the migration:\n%s", res.YAML)
	}
	if aws.ToString(f.rules["nightly"].ScheduleExpression) == "" {
		t.Fatal("fake lost the rule")
	}
}
