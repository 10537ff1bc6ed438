package task

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/ui"
)

// LogSource says where the awslogs driver writes a container's output: group, region
// and stream. ECS names the stream prefix/container/task-id ("Using the awslogs log
// driver", ECS Developer Guide).
type LogSource struct {
	Container string `json:"container"`
	Group     string `json:"group,omitempty"`
	Region    string `json:"region,omitempty"`
	Prefix    string `json:"streamPrefix,omitempty"`
	// Problem is set when the container's logs cannot be read from CloudWatch Logs:
	// another log driver, or awslogs without a stream prefix.
	Problem string `json:"problem,omitempty"`
}

// Stream is the CloudWatch Logs stream of the container in task taskARN.
func (s LogSource) Stream(taskARN string) string {
	return s.Prefix + "/" + s.Container + "/" + ID(taskARN)
}

// LogSourceOf reads a container definition's log configuration.
func LogSourceOf(cd types.ContainerDefinition, defaultRegion string) LogSource {
	s := LogSource{Container: aws.ToString(cd.Name)}
	lc := cd.LogConfiguration
	switch {
	case lc == nil:
		s.Problem = fmt.Sprintf("container %q has no log configuration, so its output is not in CloudWatch Logs", s.Container)
	case lc.LogDriver != types.LogDriverAwslogs:
		s.Problem = fmt.Sprintf("container %q logs with the %s driver, not awslogs; doppio follows CloudWatch Logs only", s.Container, lc.LogDriver)
	default:
		s.Group = lc.Options["awslogs-group"]
		s.Region = lc.Options["awslogs-region"]
		s.Prefix = lc.Options["awslogs-stream-prefix"]
		if s.Region == "" {
			s.Region = defaultRegion
		}
		if s.Prefix == "" {
			s.Problem = fmt.Sprintf("container %q uses awslogs without awslogs-stream-prefix, so its stream name is not known in advance", s.Container)
		}
	}
	return s
}

// LogLine is one log event of a task's container.
type LogLine struct {
	Task      string    `json:"taskId"`
	Container string    `json:"container"`
	Time      time.Time `json:"time"`
	Message   string    `json:"message"`
}

// follower reads one stream forward, from the head, with GetLogEvents' forward token,
// so each event is returned once.
type follower struct {
	deps    Deps
	src     LogSource
	taskARN string
	start   *time.Time
	token   *string
	client  Logs
}

// poll returns the events written since the last poll. A stream that does not exist
// yet (the container has not started) yields nothing.
func (f *follower) poll(ctx context.Context) ([]LogLine, error) {
	if f.src.Problem != "" {
		return nil, nil
	}
	if f.client == nil {
		c, err := f.deps.Logs(ctx, f.src.Region)
		if err != nil {
			return nil, err
		}
		f.client = c
	}
	var out []LogLine
	for range 100 { // bound the pages of one poll; the rest comes next poll
		in := &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String(f.src.Group), LogStreamName: aws.String(f.src.Stream(f.taskARN)),
			StartFromHead: aws.Bool(true), NextToken: f.token,
		}
		if f.token == nil && f.start != nil {
			in.StartTime = aws.Int64(f.start.UnixMilli())
		}
		res, err := f.client.GetLogEvents(ctx, in)
		if err != nil {
			var nf *cwtypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				return out, nil
			}
			return out, fmt.Errorf("read log stream %s of group %s: %w", f.src.Stream(f.taskARN), f.src.Group, err)
		}
		for _, e := range res.Events {
			out = append(out, LogLine{Task: ID(f.taskARN), Container: f.src.Container,
				Time: time.UnixMilli(aws.ToInt64(e.Timestamp)).UTC(), Message: aws.ToString(e.Message)})
		}
		same := f.token != nil && aws.ToString(res.NextForwardToken) == aws.ToString(f.token)
		if res.NextForwardToken != nil {
			f.token = res.NextForwardToken
		}
		if same || len(res.Events) == 0 || res.NextForwardToken == nil {
			return out, nil
		}
	}
	return out, nil
}

// LogWriter writes a task's log lines, one per event, prefixed with the container
// and the short task id ("web 1a2b3c4d | message"). With Console set they are
// console entries like every other line of stderr — stamped on the console's one
// clock, and under --log-format json records with their fields (taskId, container,
// eventTime, message), not text in msg; else plain lines on W (tasks logs' stdout,
// where the lines are the output). It is safe for concurrent use.
type LogWriter struct {
	mu sync.Mutex
	W  io.Writer
	// Console, when set, gets the lines instead of W.
	Console *ui.Console
	// Redact masks values no output may show in Console lines (W redacts itself).
	Redact func([]byte) []byte
}

// Write prints lines in order.
func (lw *LogWriter) Write(lines []LogLine) {
	if lw == nil || (lw.W == nil && lw.Console == nil) {
		return
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	for _, l := range lines {
		if lw.Console != nil {
			msg := l.Message
			if lw.Redact != nil {
				msg = string(lw.Redact([]byte(msg)))
			}
			lw.Console.Print(ui.Entry{Msg: "log", Text: fmt.Sprintf("%s %s | %s", l.Container, shortID(l.Task), msg),
				Attrs: []slog.Attr{slog.String("taskId", l.Task), slog.String("container", l.Container), slog.Time("eventTime", l.Time), slog.String("message", msg)}})
			continue
		}
		fmt.Fprintf(lw.W, "%s %s | %s\n", l.Container, shortID(l.Task), l.Message) // one write per line, for redaction
	}
}

// Note prints a line about logs (not a log line itself).
func (lw *LogWriter) Note(format string, args ...any) {
	if lw == nil || (lw.W == nil && lw.Console == nil) {
		return
	}
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.Console != nil {
		lw.Console.Print(ui.Entry{Msg: "logs", Text: fmt.Sprintf(format, args...)})
		return
	}
	fmt.Fprintf(lw.W, format+"\n", args...)
}

// LastLines returns up to n of the last lines of a container's stream in a task, for
// explanations. Errors give no lines.
func LastLines(ctx context.Context, deps Deps, src LogSource, taskARN string, n int) []string {
	if src.Problem != "" || deps.Logs == nil {
		return nil
	}
	c, err := deps.Logs(ctx, src.Region)
	if err != nil {
		return nil
	}
	res, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String(src.Group), LogStreamName: aws.String(src.Stream(taskARN)),
		StartFromHead: aws.Bool(false), Limit: aws.Int32(int32(n)),
	})
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(res.Events))
	for _, e := range res.Events {
		out = append(out, aws.ToString(e.Message))
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}
