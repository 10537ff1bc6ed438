package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/winebarrel/cronplan"
)

// EventBridge Scheduler in the sandbox: moto keeps the schedules and groups
// (CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule, ListSchedules,
// schedule groups and their tags); the proxy keeps an index of the schedules
// (from every successful write) and fires the enabled ones on the account's clock
// as it fires rules, with the Scheduler's startedBy "chronos-schedule/<name>":
// cron(...) and at(...) read in the schedule's time zone, rate(...) counted from
// the last write. A flexible window starts the task at the window's start (the
// earliest moment the Scheduler may pick); a failed RunTask goes to the dead-letter
// queue at once (the retry policy's retries are not simulated). moto stamps
// CreationDate and LastModificationDate with the host's clock; GetSchedule replies
// carry the account clock's instead, so a rate's fire times read from them match
// the sandbox's.

// schedKey is the index key of a schedule: region|group|name.
func schedKey(region, group, name string) string {
	if group == "" {
		group = "default"
	}
	return region + "|" + group + "|" + name
}

// serveScheduler handles the Scheduler requests the proxy adds to moto's.
func (s *Server) serveScheduler(w http.ResponseWriter, r *http.Request, a *account, c call, body []byte) bool {
	if c.Service != "scheduler" || !strings.HasPrefix(r.URL.Path, "/schedules/") {
		return false
	}
	name, _ := url.PathUnescape(strings.TrimPrefix(r.URL.Path, "/schedules/"))
	var req scheduleRequest
	_ = json.Unmarshal(body, &req)
	if r.Method == http.MethodPost && s.missingGroup(w, r, req.GroupName) {
		return true
	}
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.proxy.ServeHTTP(rec, r)
	out := rec.Body.Bytes()
	if rec.Code == http.StatusOK {
		es := a.eventsState()
		now := a.clock.Now()
		group := r.URL.Query().Get("groupName")
		es.mu.Lock()
		switch r.Method {
		case http.MethodPost, http.MethodPut:
			es.recordSchedule(c.Region, name, req, now)
		case http.MethodDelete:
			delete(es.schedules, schedKey(c.Region, group, name))
		case http.MethodGet:
			out = es.clockDates(schedKey(c.Region, group, name), out)
		}
		es.mu.Unlock()
	}
	relay(w, rec, out, true)
	return true
}

// missingGroup answers ResourceNotFoundException for a schedule in a group that
// does not exist, where moto fails with a KeyError (HTTP 500).
func (s *Server) missingGroup(w http.ResponseWriter, r *http.Request, group string) bool {
	if group == "" || group == "default" {
		return false
	}
	probe := r.Clone(r.Context())
	probe.Method, probe.URL.Path, probe.URL.RawPath, probe.Body, probe.ContentLength = http.MethodGet, "/schedule-groups/"+url.PathEscape(group), "", http.NoBody, 0
	pr := httptest.NewRecorder()
	s.proxy.ServeHTTP(pr, probe)
	if pr.Code == http.StatusOK {
		return false
	}
	writeJSONError(w, http.StatusNotFound, "ResourceNotFoundException", "Schedule group "+group+" does not exist.")
	return true
}

// recordSchedule indexes a schedule moto created or updated; es is locked.
func (es *eventsState) recordSchedule(region, name string, req scheduleRequest, now time.Time) {
	key := schedKey(region, req.GroupName, name)
	sr := es.schedules[key]
	if sr == nil {
		sr = &schedRule{region: region, name: name, created: now}
		es.schedules[key] = sr
	}
	sr.expr, sr.tz = req.ScheduleExpression, req.ScheduleExpressionTimezone
	sr.anchor, sr.checked, sr.modified = now, now, now
	sr.enabled = req.State != "DISABLED"
	sr.startedBy = "chronos-schedule/" + name
	if req.Target != nil {
		sr.targets = []eventsTarget{*req.Target}
	}
	sr.next = nextSchedule(sr, now)
}

// clockDates puts the account clock's dates, not the host's, in moto's
// GetSchedule answer; es is locked.
func (es *eventsState) clockDates(key string, out []byte) []byte {
	sr := es.schedules[key]
	var doc map[string]any // moto's answer, passed on
	if sr == nil || json.Unmarshal(out, &doc) != nil {
		return out
	}
	doc["CreationDate"] = float64(sr.created.UnixMilli()) / 1000
	doc["LastModificationDate"] = float64(sr.modified.UnixMilli()) / 1000
	out, _ = json.Marshal(doc)
	return out
}

// relay writes a recorded answer with body out; rewritten tells that out may not
// be the recorded body, whose Content-Length is then not passed on.
func relay(w http.ResponseWriter, rec *httptest.ResponseRecorder, out []byte, rewritten bool) {
	for k, v := range rec.Header() {
		if !rewritten || k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

// scheduleTimes are a schedule's fire times in (from, to], at most maxFiresPerCheck.
func scheduleTimes(sr *schedRule, from, to time.Time) []time.Time {
	loc, err := time.LoadLocation(sr.tz)
	if err != nil || sr.tz == "" {
		loc = time.UTC
	}
	switch {
	case strings.HasPrefix(sr.expr, "at(") && strings.HasSuffix(sr.expr, ")"):
		at, err := time.ParseInLocation("2006-01-02T15:04:05", sr.expr[3:len(sr.expr)-1], loc)
		if err == nil && at.After(from) && !at.After(to) {
			return []time.Time{at}
		}
		return nil
	case strings.HasPrefix(sr.expr, "cron(") && strings.HasSuffix(sr.expr, ")"):
		c, err := cronplan.Parse(sr.expr[5 : len(sr.expr)-1])
		if err != nil {
			return nil
		}
		var out []time.Time
		for _, t := range c.Between(from.In(loc).Truncate(time.Minute), to.In(loc)) {
			if t.After(from) && !t.After(to) && len(out) < maxFiresPerCheck {
				out = append(out, t)
			}
		}
		return out
	}
	return fireTimes(sr.expr, sr.anchor, from, to)
}

// nextSchedule is a schedule's first fire time after t, or zero.
func nextSchedule(sr *schedRule, t time.Time) time.Time {
	loc, err := time.LoadLocation(sr.tz)
	if err != nil || sr.tz == "" {
		loc = time.UTC
	}
	switch {
	case strings.HasPrefix(sr.expr, "at("):
		if due := scheduleTimes(sr, t, t.Add(100*365*24*time.Hour)); len(due) > 0 {
			return due[0]
		}
		return time.Time{}
	case strings.HasPrefix(sr.expr, "cron(") && strings.HasSuffix(sr.expr, ")"):
		c, err := cronplan.Parse(sr.expr[5 : len(sr.expr)-1])
		if err != nil {
			return time.Time{}
		}
		return c.Next(t.In(loc).Truncate(time.Minute).Add(time.Minute))
	}
	return nextFire(sr.expr, sr.anchor, t)
}
