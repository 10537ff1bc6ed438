package view

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Status is what status prints (and delete shows before it asks): the service, its
// deployments and its last events, oldest first.
type Status struct {
	Service        string             `json:"service"`
	Cluster        string             `json:"cluster"`
	ServiceARN     string             `json:"serviceArn"`
	Status         string             `json:"status"`
	TaskDefinition string             `json:"taskDefinitionArn"`
	LaunchType     string             `json:"launchType,omitempty"`
	Desired        int32              `json:"desiredCount"`
	Running        int32              `json:"runningCount"`
	Pending        int32              `json:"pendingCount"`
	Deployments    []StatusDeployment `json:"deployments"`
	Events         []StatusEvent      `json:"events"`
	// Express is the Express Mode service behind it (nil for other services).
	Express *ExpressStatus `json:"express,omitempty"`
}

// StatusDeployment is one of the service's deployments.
type StatusDeployment struct {
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

// StatusEvent is one service event.
type StatusEvent struct {
	CreatedAt time.Time `json:"createdAt"`
	Message   string    `json:"message"`
}

// NewStatus summarises a service as DescribeServices returned it, with its last n
// events.
func NewStatus(cluster string, svc *types.Service, n int) Status {
	s := Status{
		Service: aws.ToString(svc.ServiceName), Cluster: cluster, ServiceARN: aws.ToString(svc.ServiceArn),
		Status: aws.ToString(svc.Status), TaskDefinition: aws.ToString(svc.TaskDefinition), LaunchType: string(svc.LaunchType),
		Desired: svc.DesiredCount, Running: svc.RunningCount, Pending: svc.PendingCount,
		Deployments: []StatusDeployment{}, Events: []StatusEvent{},
	}
	for _, d := range svc.Deployments {
		s.Deployments = append(s.Deployments, StatusDeployment{
			ID: aws.ToString(d.Id), Status: aws.ToString(d.Status), TaskDefinition: aws.ToString(d.TaskDefinition),
			Desired: d.DesiredCount, Pending: d.PendingCount, Running: d.RunningCount, Failed: d.FailedTasks,
			RolloutState: string(d.RolloutState), RolloutReason: aws.ToString(d.RolloutStateReason),
			CreatedAt: aws.ToTime(d.CreatedAt), UpdatedAt: aws.ToTime(d.UpdatedAt),
		})
	}
	// DescribeServices lists events newest first.
	events := svc.Events
	if len(events) > n {
		events = events[:n]
	}
	for i := len(events) - 1; i >= 0; i-- {
		s.Events = append(s.Events, StatusEvent{CreatedAt: aws.ToTime(events[i].CreatedAt), Message: aws.ToString(events[i].Message)})
	}
	return s
}

// StatusOf is the status view of a workload as its controller described it: a
// service (with its Express section when it is an Express Mode service) or a
// Managed Daemon. n is the number of service events shown.
func StatusOf(cluster string, st *deploy.Status, n int) View {
	if st.Daemon != nil {
		return NewDaemonStatus(cluster, st) // status_daemon.go
	}
	s := NewStatus(cluster, st.Service, n)
	if x := st.Express; x != nil {
		s.Express = newExpressStatus(x) // status_express.go
	}
	return s
}

// DeletePreview is what delete shows before it asks (and prints with --dry-run):
// the service's status with its last 3 events, or the daemon to delete.
func DeletePreview(cluster string, st *deploy.Status) View {
	if st.Daemon != nil {
		return DaemonDeletion{DaemonARN: aws.ToString(st.Daemon.Detail.DaemonArn)}
	}
	return NewStatus(cluster, st.Service, 3)
}

// WriteText prints the service for people; event times are in local time.
func (s Status) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Service: %s (%s)\n", s.Service, s.Status)
	fmt.Fprintf(&b, "Cluster: %s\n", s.Cluster)
	fmt.Fprintf(&b, "TaskDefinition: %s\n", ecsdef.TaskDefinitionName(s.TaskDefinition))
	fmt.Fprintf(&b, "Tasks: desired %d, running %d, pending %d\n", s.Desired, s.Running, s.Pending)
	b.WriteString("Deployments:\n")
	for _, d := range s.Deployments {
		fmt.Fprintf(&b, "  %-8s %s desired:%d running:%d pending:%d", d.Status, ecsdef.TaskDefinitionName(d.TaskDefinition), d.Desired, d.Running, d.Pending)
		if d.Failed > 0 {
			fmt.Fprintf(&b, " failed:%d", d.Failed)
		}
		if d.RolloutState != "" {
			fmt.Fprintf(&b, " %s", d.RolloutState)
		}
		if d.RolloutReason != "" {
			fmt.Fprintf(&b, " (%s)", d.RolloutReason)
		}
		b.WriteString("\n")
	}
	if len(s.Events) > 0 {
		b.WriteString("Events:\n")
		for _, e := range s.Events {
			fmt.Fprintf(&b, "  %s %s\n", e.CreatedAt.Local().Format(time.RFC3339), e.Message)
		}
	}
	if x := s.Express; x != nil {
		x.writeText(&b)
	}
	return flush(w, []byte(b.String()))
}
