package deploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Kind is the kind of deployment a workload takes: which controller carries it out.
type Kind string

// The kinds of workload Resolve tells apart.
const (
	// KindECS is the ECS deployment controller: ROLLING, BLUE_GREEN, LINEAR and
	// CANARY strategies, lifecycle hooks, circuit breaker and alarms.
	KindECS Kind = "ECS"
	// KindCodeDeploy is the CODE_DEPLOY controller: deployments go through CodeDeploy.
	KindCodeDeploy Kind = "CODE_DEPLOY"
	// KindExternal is the EXTERNAL controller: task sets are managed by a third party.
	KindExternal Kind = "EXTERNAL"
)

// Workload is what a service is, as one DescribeServices (or, before it exists,
// its service definition) says.
type Workload struct {
	Cluster, Service string
	Kind             Kind
	// Strategy is the ECS deployment strategy (ROLLING when unset).
	Strategy types.DeploymentStrategy
	// Daemon is true for the DAEMON scheduling strategy.
	Daemon bool
	// Live is the service with its tags; nil when it does not exist yet (or is
	// INACTIVE). A DRAINING service is returned as it is; Plan refuses it.
	Live *types.Service
}

// Resolve answers once what the service is: its controller, strategy and
// scheduling. The live service, when there is one, decides; a service not created
// yet takes them from its definition sd (nil: the defaults, ECS and ROLLING).
// declared is the kind the project's config declares ("" when the service
// decides, Declared): its DefinedKind.Resolve answers first (a Managed Daemon is
// no ECS service at all, so it is resolved without a DescribeServices), else the
// live service is resolved and the declared kind taken (an Express Mode service
// is one whatever the live service says, as in ecspresso). DescribeServices
// errors are returned, never taken for "no such service".
func Resolve(ctx context.Context, c ServiceDescriber, cluster, service string, sd *ecs.CreateServiceInput, declared Kind) (*Workload, error) {
	if k := defined(declared); k != nil {
		if w, err := k.Resolve(ctx, c, cluster, service); w != nil || err != nil {
			return w, err
		}
	}
	live, err := LiveService(ctx, c, cluster, service)
	if err != nil {
		return nil, err
	}
	w := &Workload{Cluster: cluster, Service: service, Live: live}
	var (
		ctl        *types.DeploymentController
		cfg        *types.DeploymentConfiguration
		scheduling types.SchedulingStrategy
	)
	switch {
	case live != nil:
		ctl, cfg, scheduling = live.DeploymentController, live.DeploymentConfiguration, live.SchedulingStrategy
	case sd != nil:
		ctl, cfg, scheduling = sd.DeploymentController, sd.DeploymentConfiguration, sd.SchedulingStrategy
	}
	w.Kind = KindECS
	if ctl != nil {
		switch ctl.Type {
		case types.DeploymentControllerTypeCodeDeploy:
			w.Kind = KindCodeDeploy
		case types.DeploymentControllerTypeExternal:
			w.Kind = KindExternal
		}
	}
	w.Strategy = types.DeploymentStrategyRolling
	if cfg != nil && cfg.Strategy != "" {
		w.Strategy = cfg.Strategy
	}
	w.Daemon = scheduling == types.SchedulingStrategyDaemon
	if IsExpress(live) {
		w.Kind = KindExpress // express_controller.go
	}
	if defined(declared) != nil {
		w.Kind = declared
	}
	return w, nil
}

// String names the workload for messages: "service web (CODE_DEPLOY)".
func (w *Workload) String() string {
	if w.Kind == KindECS {
		return fmt.Sprintf("service %s (ECS %s)", w.Service, w.Strategy)
	}
	return fmt.Sprintf("service %s (%s)", w.Service, w.Kind)
}

// Exists reports whether the service exists (ACTIVE or DRAINING).
func (w *Workload) Exists() bool { return w.Live != nil && aws.ToString(w.Live.Status) != "INACTIVE" }
