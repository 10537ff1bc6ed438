package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestScheduleTimes(t *testing.T) {
	t0 := time.Date(2026, 12, 4, 10, 0, 30, 0, time.UTC) // 19:00:30 in Tokyo
	cases := []struct {
		name, expr, tz string
		to             time.Duration
		want           []time.Time
	}{
		{"cron in the schedule's zone", "cron(0 9 * * ? *)", "Asia/Tokyo", 48 * time.Hour,
			[]time.Time{time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}},
		{"cron in UTC by default", "cron(0 9 * * ? *)", "", 24 * time.Hour, []time.Time{time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC).Add(24 * time.Hour)}},
		{"at in the zone, once", "at(2026-12-04T19:05:00)", "Asia/Tokyo", time.Hour, []time.Time{time.Date(2026, 12, 4, 10, 5, 0, 0, time.UTC)}},
		{"at past", "at(2026-12-04T19:00:00)", "Asia/Tokyo", time.Hour, nil},
		{"rate from the write", "rate(1 minute)", "Asia/Tokyo", 2 * time.Minute, []time.Time{t0.Add(time.Minute), t0.Add(2 * time.Minute)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sr := &schedRule{expr: tc.expr, tz: tc.tz, anchor: t0}
			got := scheduleTimes(sr, t0, t0.Add(tc.to))
			if len(got) != len(tc.want) {
				t.Fatalf("fires %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Equal(tc.want[i]) {
					t.Errorf("fire %d at %v, want %v", i, got[i], tc.want[i])
				}
			}
			if len(tc.want) > 0 {
				if next := nextSchedule(sr, t0); !next.Equal(tc.want[0]) {
					t.Errorf("next %v, want %v", next, tc.want[0])
				}
			}
		})
	}
}

// An operation of the Scheduler that neither moto nor the proxy knows fails with
// an AWS JSON error, never an HTML page or an empty reply; a schedule in a group
// that does not exist with the Scheduler's ResourceNotFoundException.
func TestSchedulerUnknownOperationIsAnAWSError(t *testing.T) {
	t.Parallel()
	env := Start(t)
	for _, tc := range []struct{ method, path, want, body string }{
		{http.MethodPost, "/schedules-bogus/x", "InternalFailure", "{}"},
		{http.MethodPost, "/schedules/x", "ResourceNotFoundException", `{"GroupName":"nope","ScheduleExpression":"rate(1 minute)","FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"a","RoleArn":"r"}}`},
	} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, env.Endpoint+tc.path, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+AccessKeyForAccount(env.Account)+
			"/20240101/us-east-1/scheduler/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		t.Logf("%s %s: %d %s %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), b)
		resp.Body.Close()
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if resp.StatusCode < 400 || json.Unmarshal(b, &e) != nil || e.Type != tc.want || resp.Header.Get("X-Amzn-ErrorType") != tc.want {
			t.Errorf("%s %s: status %d, %s %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), b)
		}
	}
}
