package sandbox

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CloudWatch Logs: the lines simulated tasks print, written into moto's Logs before
// the request that could observe them is served.

// logWrite is one batch of CloudWatch Logs lines due for a task's container.
type logWrite struct {
	region, group, stream string
	createGroup           bool
	lines                 []logLine
}

type logLine struct {
	at  time.Time
	msg string
}

// dueLogs collects the log lines simulated time has made due: a start line (and the
// lines an `echo` in the command prints) when a container is RUNNING, an exit line when
// it stopped. Streams are named <prefix>/<container>/<task-id>, as the awslogs driver
// names them ("Using the awslogs log driver", Developer Guide).
func (a *account) dueLogs(now time.Time) []logWrite {
	var out []logWrite
	for _, t := range a.taskList {
		if t.failStartReason != "" {
			continue
		}
		startDue := !t.loggedStart && after(now, t.runningAt)
		if s, _ := t.stop(); !s.IsZero() && s.Before(t.runningAt) {
			startDue = false
		}
		stopDue := !t.loggedStop && after(now, t.stoppedAt()) && t.loggedStart
		if startDue && after(now, t.stoppedAt()) {
			stopDue = true
		}
		if !startDue && !stopDue {
			continue
		}
		for _, c := range t.specs {
			if c.logGroup == "" {
				continue
			}
			region := c.logRegion
			if region == "" {
				region = t.region
			}
			w := logWrite{region: region, group: c.logGroup, stream: c.logStream + "/" + t.id, createGroup: c.createGroup}
			if startDue {
				w.lines = append(w.lines, logLine{t.runningAt, fmt.Sprintf("[sandbox] %s: started %s", c.name, c.image)})
				for _, m := range echoRe.FindAllStringSubmatch(c.command, -1) {
					w.lines = append(w.lines, logLine{t.runningAt.Add(time.Millisecond), strings.Trim(strings.TrimSpace(m[1]), `"'`)})
				}
			}
			if stopDue {
				stopAt, cause := t.stop()
				if cause == stopExit && c.beh.crash {
					w.lines = append(w.lines, logLine{stopAt.Add(-time.Millisecond), fmt.Sprintf("[sandbox] %s: fatal: cannot serve (crashloop rule)", c.name)})
				}
				w.lines = append(w.lines, logLine{stopAt, fmt.Sprintf("[sandbox] %s: exited with code %d", c.name, t.exitCode(c))})
			}
			out = append(out, w)
		}
		if startDue {
			t.loggedStart = true
		}
		if stopDue {
			t.loggedStop = true
		}
	}
	return out
}

// flushLogs writes due log lines to moto's CloudWatch Logs before the request that
// observes them is served.
func (s *Server) flushLogs(ctx context.Context, a *account, _ string) {
	a.mu.Lock()
	writes := a.dueLogs(a.clock.Now())
	a.mu.Unlock()
	for _, w := range writes {
		s.writeLogs(ctx, a.id, w)
	}
}

func (s *Server) writeLogs(ctx context.Context, account string, w logWrite) {
	if w.createGroup {
		_, _, _ = s.motoCall(ctx, account, w.region, "logs", "Logs_20140328.CreateLogGroup", obj{"logGroupName": w.group})
	}
	_, _, _ = s.motoCall(ctx, account, w.region, "logs", "Logs_20140328.CreateLogStream", obj{"logGroupName": w.group, "logStreamName": w.stream})
	slices.SortStableFunc(w.lines, func(x, y logLine) int { return x.at.Compare(y.at) })
	events := make([]any, len(w.lines))
	for i, l := range w.lines {
		events[i] = obj{"timestamp": l.at.UnixMilli(), "message": l.msg}
	}
	_, _, _ = s.motoCall(ctx, account, w.region, "logs", "Logs_20140328.PutLogEvents", obj{"logGroupName": w.group, "logStreamName": w.stream, "logEvents": events})
}
