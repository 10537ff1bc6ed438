package sandbox

import (
	"testing"
	"time"
)

func TestEarlySuccessAt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	healthy := []time.Time{sec(4), sec(2), sec(3)}
	tests := []struct {
		name    string
		dc      obj
		desired int
		want    time.Time
		early   bool
	}{
		// "If the healthy percent is 50 and the desired count is 3, ... after 2 tasks are healthy" (rounded up).
		{name: "50% of 3 is 2", dc: obj{"earlySuccessCriteria": obj{"enable": true, "healthyPercent": 50, "sourceServiceRevisionCleanup": "DEFERRED"}}, desired: 3, want: sec(3), early: true},
		{name: "0% at once", dc: obj{"earlySuccessCriteria": obj{"enable": true, "healthyPercent": 0, "sourceServiceRevisionCleanup": "BLOCKING"}}, desired: 3, want: sec(1), early: true},
		{name: "100% once all three are healthy", dc: obj{"earlySuccessCriteria": obj{"enable": true, "healthyPercent": 100, "sourceServiceRevisionCleanup": "BLOCKING"}}, desired: 3, want: sec(4), early: true},
		// 34% of 3 rounds up to 2 tasks (3s), then the 1-minute bake.
		{name: "bake time with alarm rollback", dc: obj{"bakeTimeInMinutes": 1, "alarms": obj{"enable": true, "rollback": true},
			"earlySuccessCriteria": obj{"enable": true, "healthyPercent": 34, "sourceServiceRevisionCleanup": "DEFERRED"}}, desired: 3, want: sec(63), early: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := earlySuccessOf(tc.dc)
			if e == nil {
				t.Fatal("criteria not read")
			}
			got, early := e.at(healthy, tc.desired, sec(1), sec(10))
			if !got.Equal(tc.want) || early != tc.early {
				t.Errorf("at = %s %v, want %s %v", got.Sub(t0), early, tc.want.Sub(t0), tc.early)
			}
		})
	}
	if earlySuccessOf(obj{"strategy": "BLUE_GREEN", "earlySuccessCriteria": obj{"enable": true, "healthyPercent": 50}}) != nil {
		t.Error("early success read for BLUE_GREEN")
	}
}
