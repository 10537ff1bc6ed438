package sandbox

import (
	"testing"
	"time"
)

func TestFireTimes(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 30, 0, time.UTC)
	cases := []struct {
		name, expr string
		from, to   time.Time
		want       []time.Time
	}{
		{"rate counts from the rule's creation", "rate(1 minute)", t0, t0.Add(3 * time.Minute),
			[]time.Time{t0.Add(time.Minute), t0.Add(2 * time.Minute), t0.Add(3 * time.Minute)}},
		{"rate resumes after a check", "rate(5 minutes)", t0.Add(6 * time.Minute), t0.Add(16 * time.Minute),
			[]time.Time{t0.Add(10 * time.Minute), t0.Add(15 * time.Minute)}},
		{"cron on the minute, in UTC", "cron(*/2 * * * ? *)", t0, t0.Add(5 * time.Minute),
			[]time.Time{t0.Add(90 * time.Second), t0.Add(210 * time.Second)}},
		{"cron daily", "cron(0 3 * * ? *)", t0, t0.Add(48 * time.Hour),
			[]time.Time{time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)}},
		{"nothing due", "cron(0 3 * * ? *)", t0, t0.Add(time.Hour), nil},
		{"bounded", "rate(1 minute)", t0, t0.Add(1000 * time.Hour), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fireTimes(tc.expr, t0, tc.from, tc.to)
			if tc.name == "bounded" {
				if len(got) != maxFiresPerCheck {
					t.Fatalf("%d fires, want the bound %d", len(got), maxFiresPerCheck)
				}
				return
			}
			if len(got) != len(tc.want) {
				t.Fatalf("fires %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Equal(tc.want[i]) {
					t.Errorf("fire %d at %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestNextFire(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 30, 0, time.UTC)
	for expr, want := range map[string]time.Time{
		"rate(1 minute)":       t0.Add(time.Minute),
		"rate(2 days)":         t0.Add(48 * time.Hour),
		"cron(0 3 * * ? *)":    time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC),
		"cron(0 3 * * ? 2020)": {},
		"bogus":                {},
	} {
		if got := nextFire(expr, t0, t0); !got.Equal(want) {
			t.Errorf("%s: next %v, want %v", expr, got, want)
		}
	}
}
