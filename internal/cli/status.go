package cli

import (
	"context"
	"fmt"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// StatusCmd shows the service, its deployments and its recent events.
type StatusCmd struct {
	Events int `help:"Number of recent events to show (0: none)." default:"10"`
}

// statusDoc is the --output json document of status (and what the text form shows).
type statusDoc struct {
	Service        string          `json:"service"`
	Cluster        string          `json:"cluster"`
	ServiceARN     string          `json:"serviceArn"`
	Status         string          `json:"status"`
	TaskDefinition string          `json:"taskDefinitionArn"`
	LaunchType     string          `json:"launchType,omitempty"`
	Desired        int32           `json:"desiredCount"`
	Running        int32           `json:"runningCount"`
	Pending        int32           `json:"pendingCount"`
	Deployments    []statusDeploy  `json:"deployments"`
	Events         []statusEventJS `json:"events"`
}

type statusDeploy struct {
	ID             string    `json:"id"`
	Status         string    `json:"status"`
	TaskDefinition string    `json:"taskDefinitionArn"`
	Desired        int32     `json:"desiredCount"`
	Pending        int32     `json:"pendingCount"`
	Running        int32     `json:"runningCount"`
	Failed         int32     `json:"failedTasks,omitempty"`
	RolloutState   string    `json:"rolloutState,omitempty"`
	RolloutReason  string    `json:"rolloutStateReason,omitempty"`
	CreatedAt      time.Time `json:"createdAt,omitzero"`
	UpdatedAt      time.Time `json:"updatedAt,omitzero"`
}

type statusEventJS struct {
	CreatedAt time.Time `json:"createdAt"`
	Message   string    `json:"message"`
}

// Validate checks the flags before anything is loaded or called.
func (c *StatusCmd) Validate() error {
	if c.Events < 0 {
		return diag.Invalid(fmt.Errorf("--events %d: must be 0 or more", c.Events), "")
	}
	return nil
}

// Run describes the service once and prints it.
func (c *StatusCmd) Run(ctx context.Context, a *app) error {
	p, err := a.project(ctx)
	if err != nil {
		return err
	}
	if err := a.requireService(p); err != nil {
		return err
	}
	client, err := p.ecsClient(ctx)
	if err != nil {
		return err
	}
	svc, err := liveService(ctx, client, p.cfg.Cluster, p.cfg.Service)
	if err != nil {
		return err
	}
	if svc == nil {
		return errServiceNotFound(p.cfg)
	}
	doc := newStatusDoc(p.cfg.Cluster, svc, c.Events)
	if a.g.Output == "json" {
		return ui.WriteJSON(a.stdout, doc)
	}
	return writeStatus(a.stdout, doc)
}

// newStatusDoc summarises a service with its last n events, oldest first.
func newStatusDoc(cluster string, svc *types.Service, n int) statusDoc {
	d := statusDoc{
		Service: aws.ToString(svc.ServiceName), Cluster: cluster, ServiceARN: aws.ToString(svc.ServiceArn),
		Status: aws.ToString(svc.Status), TaskDefinition: aws.ToString(svc.TaskDefinition), LaunchType: string(svc.LaunchType),
		Desired: svc.DesiredCount, Running: svc.RunningCount, Pending: svc.PendingCount,
		Deployments: []statusDeploy{}, Events: []statusEventJS{},
	}
	for _, dep := range svc.Deployments {
		d.Deployments = append(d.Deployments, statusDeploy{
			ID: aws.ToString(dep.Id), Status: aws.ToString(dep.Status), TaskDefinition: aws.ToString(dep.TaskDefinition),
			Desired: dep.DesiredCount, Pending: dep.PendingCount, Running: dep.RunningCount, Failed: dep.FailedTasks,
			RolloutState: string(dep.RolloutState), RolloutReason: aws.ToString(dep.RolloutStateReason),
			CreatedAt: aws.ToTime(dep.CreatedAt), UpdatedAt: aws.ToTime(dep.UpdatedAt),
		})
	}
	// DescribeServices lists events newest first.
	events := svc.Events
	if len(events) > n {
		events = events[:n]
	}
	for i := len(events) - 1; i >= 0; i-- {
		d.Events = append(d.Events, statusEventJS{CreatedAt: aws.ToTime(events[i].CreatedAt), Message: aws.ToString(events[i].Message)})
	}
	return d
}

// writeStatus prints the document for people.
func writeStatus(w io.Writer, d statusDoc) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Service: %s (%s)\n", d.Service, d.Status)
	fmt.Fprintf(&b, "Cluster: %s\n", d.Cluster)
	fmt.Fprintf(&b, "TaskDefinition: %s\n", ecsdef.TaskDefinitionName(d.TaskDefinition))
	fmt.Fprintf(&b, "Tasks: desired %d, running %d, pending %d\n", d.Desired, d.Running, d.Pending)
	b.WriteString("Deployments:\n")
	for _, dep := range d.Deployments {
		fmt.Fprintf(&b, "  %-8s %s desired:%d running:%d pending:%d", dep.Status, ecsdef.TaskDefinitionName(dep.TaskDefinition), dep.Desired, dep.Running, dep.Pending)
		if dep.Failed > 0 {
			fmt.Fprintf(&b, " failed:%d", dep.Failed)
		}
		if dep.RolloutState != "" {
			fmt.Fprintf(&b, " %s", dep.RolloutState)
		}
		if dep.RolloutReason != "" {
			fmt.Fprintf(&b, " (%s)", dep.RolloutReason)
		}
		b.WriteString("\n")
	}
	if len(d.Events) > 0 {
		b.WriteString("Events:\n")
		for _, e := range d.Events {
			fmt.Fprintf(&b, "  %s %s\n", e.CreatedAt.Local().Format(time.RFC3339), e.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
