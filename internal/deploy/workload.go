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

// refusals are, per kind of workload, the verbs it does not take and why. A kind
// missing here takes every verb. The tables are next to their controllers
// (express_controller.go, daemon_controller.go).
var refusals = map[Kind]map[string]string{
	KindExpress: expressRefused,
	KindDaemon:  daemonRefused,
}

// Refusal says why verb does not work on this kind of workload ("" when it does).
// It is decided from the kind alone, before any AWS call.
func (k Kind) Refusal(verb string) string { return refusals[k][verb] }

// Noun names the kind in messages: "an Express Mode service", "a Managed Daemon".
func (k Kind) Noun() string {
	switch k {
	case KindExpress:
		return "an Express Mode service"
	case KindDaemon:
		return "a Managed Daemon"
	}
	return "a service"
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
