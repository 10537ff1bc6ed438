package schedule

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/winebarrel/cronplan"
)

// Expression is a parsed EventBridge schedule expression: cron(...) or rate(...).
type Expression struct {
	Raw   string
	cron  *cronplan.Expression
	every time.Duration
	at    string // at(...): the local date and time of a one-time schedule
}

// ParseScheduleExpression parses an EventBridge Scheduler expression: at(...) of a
// one-time schedule ("yyyy-mm-ddThh:mm:ss"), or cron(...)/rate(...) as rules take.
func ParseScheduleExpression(s string) (*Expression, error) {
	if inner, ok := strings.CutPrefix(s, "at("); ok && strings.HasSuffix(inner, ")") {
		v := strings.TrimSuffix(inner, ")")
		if _, err := time.Parse("2006-01-02T15:04:05", v); err != nil {
			return nil, fmt.Errorf("invalid at expression %q: write at(2026-12-24T09:00:00)", s)
		}
		return &Expression{Raw: s, at: v}, nil
	}
	return ParseExpression(s)
}

// NextIn is Next for a schedule read in loc (cron and at are local to it).
func (e *Expression) NextIn(t, anchor time.Time, n int, loc *time.Location) []time.Time {
	switch {
	case e.at != "":
		at, _ := time.ParseInLocation("2006-01-02T15:04:05", e.at, loc)
		if at.After(t) {
			return []time.Time{at.UTC()}
		}
		return nil
	case e.cron != nil:
		from := t.In(loc).Truncate(time.Minute).Add(time.Minute)
		var out []time.Time
		for _, x := range e.cron.NextN(from, n) {
			out = append(out, x.UTC())
		}
		return out
	}
	return e.Next(t, anchor, n)
}

var rateRe = regexp.MustCompile(`^rate\(([0-9]+) ([a-z]+)\)$`)

// ParseExpression parses a schedule expression as EventBridge accepts it ("Creating
// an Amazon EventBridge rule that runs on a schedule", EventBridge User Guide):
// cron(minutes hours day-of-month month day-of-week year), with ? in exactly one of
// the day fields, in UTC; or rate(value unit), value a positive integer and unit
// minute|minutes|hour|hours|day|days, singular exactly when value is 1.
func ParseExpression(s string) (*Expression, error) {
	switch {
	case strings.HasPrefix(s, "rate("):
		m := rateRe.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("invalid rate expression %q: write rate(VALUE UNIT), e.g. rate(5 minutes)", s)
		}
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid rate expression %q: the value must be a positive integer", s)
		}
		var unit time.Duration
		switch strings.TrimSuffix(m[2], "s") {
		case "minute":
			unit = time.Minute
		case "hour":
			unit = time.Hour
		case "day":
			unit = 24 * time.Hour
		default:
			return nil, fmt.Errorf("invalid rate expression %q: the unit is minute(s), hour(s) or day(s)", s)
		}
		plural := strings.HasSuffix(m[2], "s")
		if n == 1 && plural {
			return nil, fmt.Errorf("invalid rate expression %q: a value of 1 takes a singular unit (rate(1 %s))", s, strings.TrimSuffix(m[2], "s"))
		}
		if n > 1 && !plural {
			return nil, fmt.Errorf("invalid rate expression %q: a value above 1 takes a plural unit (rate(%d %ss))", s, n, m[2])
		}
		return &Expression{Raw: s, every: time.Duration(n) * unit}, nil
	case strings.HasPrefix(s, "cron(") && strings.HasSuffix(s, ")"):
		inner := s[len("cron(") : len(s)-1]
		if inner != strings.TrimSpace(inner) {
			return nil, fmt.Errorf("invalid cron expression %q: no spaces are allowed just inside the parentheses", s)
		}
		if n := len(strings.Fields(inner)); n != 6 {
			return nil, fmt.Errorf("invalid cron expression %q: it has %d fields, EventBridge takes 6 (minutes hours day-of-month month day-of-week year)", s, n)
		}
		c, err := cronplan.Parse(inner)
		if err != nil {
			return nil, fmt.Errorf("invalid cron expression %q: %s", s, oneLine(err.Error()))
		}
		return &Expression{Raw: s, cron: c}, nil
	}
	return nil, fmt.Errorf("invalid schedule expression %q: write cron(...) or rate(...)", s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Rate returns the period of a rate(...) expression, 0 for cron.
func (e *Expression) Rate() time.Duration { return e.every }

// Next returns the next n fire times strictly after t, in UTC. A rate expression
// counts from anchor, a moment it fired (EventBridge counts a rate from the rule's
// creation, which no API returns; a run the rule started carries its phase); with a
// zero anchor it counts from t, which is only approximate.
func (e *Expression) Next(t, anchor time.Time, n int) []time.Time {
	t = t.UTC()
	if e.cron != nil {
		from := t.Truncate(time.Minute).Add(time.Minute)
		return e.cron.NextN(from, n)
	}
	if anchor.IsZero() {
		anchor = t
	}
	// k is the first multiple of the period past t, counted from the anchor, which
	// may lie before or after t.
	d := t.Sub(anchor)
	k := d / e.every
	if d >= 0 || d%e.every == 0 {
		k++
	}
	out := make([]time.Time, 0, n)
	for i := range n {
		out = append(out, anchor.UTC().Add((k+time.Duration(i))*e.every))
	}
	return out
}

// Between returns the fire times in (from, to], at most limit of them.
func (e *Expression) Between(from, to, anchor time.Time, limit int) []time.Time {
	var out []time.Time
	t := from
	for len(out) < limit {
		next := e.Next(t, anchor, 1)
		if len(next) == 0 || next[0].After(to) {
			break
		}
		out = append(out, next[0])
		t = next[0]
	}
	return out
}
