package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/doppio-ecs/doppio/internal/cli/view"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/fleet"
	"github.com/doppio-ecs/doppio/internal/notify"
)

// notifyVerbs are the verbs whose deployments are notified (--notify, doppio.notify).
var notifyVerbs = []string{"deploy", "rollback", "refresh", "scale"}

// notifier returns the webhooks of this command and project (nil: none).
func (a *app) notifier() *notify.Notifier {
	if !slices.Contains(notifyVerbs, a.verb) {
		return nil
	}
	urls := slices.Clone(a.g.Notify)
	if a.proj != nil && a.proj.cfg.Doppio != nil {
		for _, u := range a.proj.cfg.Doppio.Notify {
			if !slices.Contains(urls, u) {
				urls = append(urls, u)
			}
		}
	}
	if len(urls) == 0 {
		return nil
	}
	return notify.New(notify.Options{URLs: urls, Redact: a.secrets.Redact, Warn: func(m string) { a.log.Warn(m) }})
}

// notifyStarted posts "started" once the verb is about to change the service, in
// the background: a slow webhook does not delay the deploy (notifyEnd waits for it,
// so "started" always comes first).
func (a *app) notifyStarted(ctx context.Context) {
	a.changed = true
	if n := a.notifier(); n.Enabled() {
		done := make(chan struct{})
		a.started = done
		m := a.message(ctx, notify.Started, "", "", nil, 0)
		go func() {
			defer close(done)
			n.Send(ctx, m)
		}()
	}
}

// notifyEnd posts how the deployment ended, from the member's result values: nothing
// when the verb changed nothing and reached no outcome.
func (a *app) notifyEnd(ctx context.Context, rep *fleet.Report, err error, d time.Duration) {
	if a.started != nil {
		<-a.started
	}
	n := a.notifier()
	if !n.Enabled() {
		return
	}
	td, outcome, items := rep.Values()
	if outcome == "" && a.changed && err != nil {
		outcome = fleet.CodeOutcome(diag.ExitCode(err))
	}
	ev, ok := notify.EventOf(outcome)
	if !ok || (!a.changed && outcome != "succeeded" && err == nil) {
		return
	}
	var res *view.Result
	for _, it := range items {
		if r, ok := it.Value.(view.Result); ok {
			res = &r
		}
	}
	n.Send(ctx, a.message(ctx, ev, outcome, td, res, d))
}

// message describes this app's service for a notification.
func (a *app) message(ctx context.Context, ev notify.Event, outcome, taskDef string, res *view.Result, d time.Duration) notify.Message {
	m := notify.Message{Event: ev, Outcome: outcome, Duration: d, RunURL: notify.RunURL(a.vars)}
	if p := a.proj; p != nil {
		m.Service, m.Cluster, m.Region = p.cfg.Service, p.cfg.Cluster, p.cfg.Region
		role := cmpOr(a.roleARN, a.g.AssumeRoleARN)
		if role == "" && p.cfg.Doppio != nil {
			role = p.cfg.Doppio.AssumeRoleARN
		}
		m.Account = fleet.AccountOfRole(role)
		if m.Account == "" {
			m.Account = a.callerAccount(ctx, p)
		}
		if p.td != nil {
			m.Image = firstImage(p.td.ContainerDefinitions)
			if taskDef == "" {
				m.Revision = aws.ToString(p.td.Family)
			}
		}
	}
	if taskDef != "" {
		m.Revision = ecsdef.TaskDefinitionName(taskDef)
	}
	if res != nil {
		if res.DurationSeconds > 0 {
			m.Duration = time.Duration(res.DurationSeconds * float64(time.Second))
		}
		m.Failure = failureSummary(res)
	}
	return m
}

// accountLookupTimeout bounds the sts:GetCallerIdentity that names a notification's
// account: a notification never waits long for it (it then names no account).
const accountLookupTimeout = 5 * time.Second

// callerAccount is the account of the project's credentials, learned with
// sts:GetCallerIdentity once per credentials: in a fleet once per account role and
// region for every member, else once per command; "" when the lookup failed.
func (a *app) callerAccount(ctx context.Context, p *project) string {
	if p.aws == nil {
		return ""
	}
	cache := a.accounts
	if a.shared != nil {
		cache = &a.shared.Accounts
	}
	if cache == nil {
		a.accounts = &fleet.Accounts{}
		cache = a.accounts
	}
	return cache.Of(ctx, p.aws, func(ctx context.Context) (string, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), accountLookupTimeout)
		defer cancel()
		id, err := p.clients.Identity(ctx)
		if err != nil {
			return "", err
		}
		out, err := id.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			a.log.Debug("the notification names no account: sts:GetCallerIdentity failed", "error", err)
			return "", err
		}
		return aws.ToString(out.Account), nil
	})
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// firstImage is the image of the first essential container (containers are
// essential unless they say otherwise).
func firstImage(cs []ecstypes.ContainerDefinition) string {
	for _, c := range cs {
		if c.Essential == nil || *c.Essential {
			return aws.ToString(c.Image)
		}
	}
	return ""
}

// failureSummary is the reason of a failed deployment and its failure explanation's
// stopped reasons, one line.
func failureSummary(r *view.Result) string {
	parts := []string{}
	if r.Reason != "" && r.Outcome != "succeeded" {
		parts = append(parts, r.Reason)
	}
	if r.Explanation != nil {
		for _, rc := range r.Explanation.Reasons {
			s := fmt.Sprintf("%d task(s) stopped: %s", rc.Tasks, rc.Reason)
			if len(rc.ExitCodes) > 0 {
				s += " (" + strings.Join(rc.ExitCodes, ", ") + ")"
			}
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// watchForNotify prepares a single-service command for notifications: its results
// are collected as they are printed, and the returned function posts the outcome.
func (a *app) watchForNotify() func(ctx context.Context, err error) {
	if !slices.Contains(notifyVerbs, a.verb) || a.member != nil {
		return func(context.Context, error) {}
	}
	rep := &fleet.Report{}
	a.member = rep
	a.stdout = teeStdout{w: a.stdout, r: rep}
	start := time.Now()
	return func(ctx context.Context, err error) { a.notifyEnd(ctx, rep, err, time.Since(start)) }
}

// teeStdout prints result views as usual and keeps them for the notification.
type teeStdout struct {
	w io.Writer
	r *fleet.Report
}

func (t teeStdout) Write(p []byte) (int, error) { return t.w.Write(p) }

func (t teeStdout) Collect(format string, v view.View) error {
	t.r.Add(v)
	return view.Write(t.w, format, v)
}
