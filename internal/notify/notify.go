// Package notify tells webhooks about deployments: a Slack incoming webhook gets a
// Slack message, any other URL a JSON document. A webhook that fails or is slow never
// changes a deployment's outcome: Send bounds each post (5 s by default), reports
// problems through Options.Warn and returns nothing.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Event is what happened to a deployment.
type Event string

// The events doppio notifies.
const (
	Started    Event = "started"
	Succeeded  Event = "succeeded"
	RolledBack Event = "rolled back"
	Failed     Event = "failed"
	Paused     Event = "paused"
	TimedOut   Event = "timed out"
)

// EventOf maps a deployment outcome (watch.Kind's names) to its event; ok is false
// for outcomes that are not notified (unchanged, started without waiting, ...).
func EventOf(outcome string) (Event, bool) {
	switch outcome {
	case "succeeded":
		return Succeeded, true
	case "rolled back":
		return RolledBack, true
	case "failed", "superseded", "interrupted", "error":
		return Failed, true
	case "paused":
		return Paused, true
	case "timed out":
		return TimedOut, true
	}
	return "", false
}

// Message is one notification.
type Message struct {
	Event    Event
	Service  string
	Cluster  string
	Account  string
	Region   string
	Revision string // task definition family:revision
	Image    string // the first essential container's image
	Duration time.Duration
	// Outcome is the deployment's outcome as doppio names it (set with the end events).
	Outcome string
	// Failure is the failure explanation's summary (rolled back, failed).
	Failure string
	// RunURL is the CI run that deployed, when known (RunURL).
	RunURL string
}

// Document is the JSON document a non-Slack webhook receives.
type Document struct {
	Source          string  `json:"source"`
	Event           Event   `json:"event"`
	Service         string  `json:"service"`
	Cluster         string  `json:"cluster"`
	Account         string  `json:"account,omitempty"`
	Region          string  `json:"region,omitempty"`
	Revision        string  `json:"revision,omitempty"`
	Image           string  `json:"image,omitempty"`
	Outcome         string  `json:"outcome,omitempty"`
	DurationSeconds float64 `json:"durationSeconds,omitempty"`
	Failure         string  `json:"failure,omitempty"`
	RunURL          string  `json:"runUrl,omitempty"`
	Text            string  `json:"text"`
}

// Text is the one-line summary of m.
func (m Message) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "doppio: %s %s", m.Service, m.Event)
	if m.Revision != "" {
		fmt.Fprintf(&b, " (%s)", m.Revision)
	}
	fmt.Fprintf(&b, " on cluster %s", m.Cluster)
	if m.Account != "" {
		fmt.Fprintf(&b, ", account %s", m.Account)
	}
	if m.Duration > 0 {
		fmt.Fprintf(&b, " after %s", m.Duration.Round(time.Second))
	}
	if m.Failure != "" {
		fmt.Fprintf(&b, ": %s", m.Failure)
	}
	return b.String()
}

// JSON returns the generic webhook payload.
func JSON(m Message) ([]byte, error) {
	return marshal(Document{Source: "doppio", Event: m.Event, Service: m.Service, Cluster: m.Cluster, Account: m.Account, Region: m.Region,
		Revision: m.Revision, Image: m.Image, Outcome: m.Outcome, DurationSeconds: m.Duration.Round(time.Second).Seconds(),
		Failure: m.Failure, RunURL: m.RunURL, Text: m.Text()})
}

// Slack returns the Slack incoming-webhook payload: a text fallback and Block Kit
// blocks (https://api.slack.com/messaging/webhooks).
func Slack(m Message) ([]byte, error) {
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type block struct {
		Type   string `json:"type"`
		Text   *text  `json:"text,omitempty"`
		Fields []text `json:"fields,omitempty"`
	}
	icon := map[Event]string{Started: ":rocket:", Succeeded: ":white_check_mark:", RolledBack: ":leftwards_arrow_with_hook:",
		Failed: ":x:", Paused: ":double_vertical_bar:", TimedOut: ":hourglass:"}[m.Event]
	head := fmt.Sprintf("%s *%s* %s", icon, m.Service, m.Event)
	fields := []text{{"mrkdwn", "*Cluster*\n" + m.Cluster}}
	add := func(label, v string) {
		if v != "" {
			fields = append(fields, text{"mrkdwn", "*" + label + "*\n" + v})
		}
	}
	add("Account", m.Account)
	add("Region", m.Region)
	add("Revision", m.Revision)
	add("Image", m.Image)
	if m.Duration > 0 {
		add("Duration", m.Duration.Round(time.Second).String())
	}
	blocks := []block{{Type: "section", Text: &text{"mrkdwn", head}}, {Type: "section", Fields: fields}}
	if m.Failure != "" {
		blocks = append(blocks, block{Type: "section", Text: &text{"mrkdwn", "*Why*\n" + m.Failure}})
	}
	if m.RunURL != "" {
		blocks = append(blocks, block{Type: "section", Text: &text{"mrkdwn", "<" + m.RunURL + "|CI run>"}})
	}
	return marshal(struct {
		Text   string  `json:"text"`
		Blocks []block `json:"blocks"`
	}{m.Text(), blocks})
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// IsSlack reports whether u is a Slack incoming webhook (hooks.slack.com).
func IsSlack(u string) bool {
	p, err := url.Parse(u)
	return err == nil && strings.EqualFold(p.Hostname(), "hooks.slack.com")
}

// RunURL returns the URL of the CI run from its environment: GitHub Actions
// (GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID) or CodeBuild
// (CODEBUILD_BUILD_URL); "" elsewhere.
func RunURL(env map[string]string) string {
	if env["GITHUB_SERVER_URL"] != "" && env["GITHUB_REPOSITORY"] != "" && env["GITHUB_RUN_ID"] != "" {
		return strings.TrimSuffix(env["GITHUB_SERVER_URL"], "/") + "/" + env["GITHUB_REPOSITORY"] + "/actions/runs/" + env["GITHUB_RUN_ID"]
	}
	return env["CODEBUILD_BUILD_URL"]
}

// DefaultTimeout bounds one post.
const DefaultTimeout = 5 * time.Second

// Options configure a Notifier.
type Options struct {
	// URLs are the webhooks; none makes Send a no-op.
	URLs []string
	// Client posts (default: a client of its own).
	Client *http.Client
	// Timeout bounds each post (default DefaultTimeout).
	Timeout time.Duration
	// Redact removes secret values from a payload before it leaves.
	Redact func([]byte) []byte
	// Warn reports a webhook that failed; it never fails the command.
	Warn func(msg string)
}

// Notifier posts messages to webhooks. Safe for concurrent use.
type Notifier struct {
	o Options
}

// New returns a Notifier.
func New(o Options) *Notifier {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Redact == nil {
		o.Redact = func(b []byte) []byte { return b }
	}
	if o.Warn == nil {
		o.Warn = func(string) {}
	}
	return &Notifier{o: o}
}

// Enabled reports whether any webhook is configured.
func (n *Notifier) Enabled() bool { return n != nil && len(n.o.URLs) > 0 }

// Send posts m to every webhook at once and returns when all have answered or timed
// out. The command's cancellation does not stop a post (an interrupted deploy is
// still reported), its Timeout does.
func (n *Notifier) Send(ctx context.Context, m Message) {
	if !n.Enabled() {
		return
	}
	var wg sync.WaitGroup
	for _, u := range n.o.URLs {
		wg.Go(func() {
			if err := n.post(context.WithoutCancel(ctx), u, m); err != nil {
				n.o.Warn(fmt.Sprintf("notify %s: %v (the deployment's outcome is unchanged)", redactURL(u), err))
			}
		})
	}
	wg.Wait()
}

func (n *Notifier) post(ctx context.Context, u string, m Message) error {
	payload := JSON
	if IsSlack(u) {
		payload = Slack
	}
	body, err := payload(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, n.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(n.o.Redact(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "doppio")
	resp, err := n.o.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("no answer within %s", n.o.Timeout)
		}
		return fmt.Errorf("post: %w", unwrapURL(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}

// unwrapURL drops url.Error's repetition of the URL (which may hold a token).
func unwrapURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// redactURL keeps a webhook's scheme and host: its path is its secret (Slack).
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(webhook)"
	}
	return p.Scheme + "://" + p.Host + "/…"
}
