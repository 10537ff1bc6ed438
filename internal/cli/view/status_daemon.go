package view

import (
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/doppio-ecs/doppio/internal/deploy"
)

// DaemonDeletion names the daemon delete would delete.
type DaemonDeletion struct {
	DaemonARN string `json:"daemonArn"`
}

// WriteText prints the daemon to delete.
func (d DaemonDeletion) WriteText(w io.Writer) error {
	return flush(w, []byte("would delete daemon "+d.DaemonARN+"\n"))
}

// DaemonStatus is status for a Managed Daemon: the daemon, its daemon task
// definition, the revisions it runs and its latest deployment.
type DaemonStatus struct {
	Cluster        string                  `json:"cluster"`
	Daemon         string                  `json:"daemon"`
	DaemonARN      string                  `json:"daemonArn"`
	Deployment     *DaemonStatusDeployment `json:"deployment,omitempty"`
	Status         string                  `json:"status"`
	TaskDefinition string                  `json:"taskDefinition,omitempty"`

	family    string
	revision  int32
	revisions []daemonRevision
}

// DaemonStatusDeployment is the daemon's latest deployment.
type DaemonStatusDeployment struct {
	ARN    string `json:"arn"`
	Reason string `json:"reason"`
	Status string `json:"status"`
}

type daemonRevision struct {
	arn                    string
	running, withoutDaemon int32
}

// NewDaemonStatus summarises a daemon as its controller described it.
func NewDaemonStatus(cluster string, st *deploy.Status) DaemonStatus {
	live := st.Daemon
	d := live.Detail
	s := DaemonStatus{Cluster: cluster, DaemonARN: aws.ToString(d.DaemonArn), Status: string(d.Status)}
	s.Daemon = daemonName(s.DaemonARN)
	if td := live.TaskDef; td != nil {
		s.TaskDefinition, s.family, s.revision = aws.ToString(td.DaemonTaskDefinitionArn), aws.ToString(td.Family), td.Revision
	}
	for _, r := range d.CurrentRevisions {
		s.revisions = append(s.revisions, daemonRevision{arn: aws.ToString(r.Arn), running: r.TotalRunningCount, withoutDaemon: r.TotalWithoutDaemonCount})
	}
	if x := st.DaemonDeployment; x != nil {
		s.Deployment = &DaemonStatusDeployment{ARN: aws.ToString(d.DeploymentArn), Status: string(x.Status), Reason: aws.ToString(x.StatusReason)}
	}
	return s
}

// daemonName is the last part of a daemon ARN (…:daemon/CLUSTER/NAME).
func daemonName(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}

// WriteText prints the daemon for people.
func (s DaemonStatus) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Daemon: %s\nCluster: %s\nStatus: %s\n", s.Daemon, s.Cluster, s.Status)
	if s.TaskDefinition != "" {
		fmt.Fprintf(&b, "DaemonTaskDefinition: %s:%d\n", s.family, s.revision)
	}
	b.WriteString("Revisions:\n")
	for _, r := range s.revisions {
		fmt.Fprintf(&b, "  %s running=%d without-daemon=%d\n", r.arn, r.running, r.withoutDaemon)
	}
	if d := s.Deployment; d != nil {
		fmt.Fprintf(&b, "Deployment: %s %s %s\n", d.Status, d.ARN, d.Reason)
	}
	return flush(w, []byte(b.String()))
}
