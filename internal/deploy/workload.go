package deploy

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// NotFoundError says that the workload a verb works on does not exist (or is
// INACTIVE). Verbs add the hint; controllers say what was looked for.
type NotFoundError struct {
	// What is "service" or "daemon".
	What, Name, Cluster string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %q not found in cluster %q", e.What, e.Name, e.Cluster)
}

// Refusal says why verb does not work on this kind of workload ("" when it does).
// It is decided from the kind alone, before any AWS call; the tables are next to
// the kinds' controllers (DefinedKind.Refusal). A kind not registered takes
// every verb.
func (k Kind) Refusal(verb string) string {
	if d := defined(k); d != nil {
		return d.Refusal(verb)
	}
	return ""
}

// Noun names the kind in messages: "an Express Mode service", "a Managed Daemon".
func (k Kind) Noun() string {
	if d := defined(k); d != nil {
		return d.Noun()
	}
	return "a service"
}

// NoExecuteCommand is true when a task of this kind cannot have ECS Exec turned on.
func (k Kind) NoExecuteCommand() bool {
	d := defined(k)
	return d != nil && d.NoExecuteCommand()
}

// Status is what status shows of a workload: the ECS service (nil for a
// daemon), with the Express Mode service behind it, or the daemon with its latest
// deployment.
type Status struct {
	Service *types.Service
	Express *types.ECSExpressGatewayService
	Daemon  *LiveDaemon
	// DaemonDeployment is the daemon's latest deployment (nil when it has none).
	DaemonDeployment *types.DaemonDeployment
}
