package deploy

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// Controller carries out every change and wait of one kind of workload. Verbs never
// ask which kind they hold: they resolve the workload (Resolve), take its
// controller (NewController) and call it. ECS (rolling and ECS-native traffic
// shifting) and CodeDeploy are its implementations; a new kind of workload is one
// more.
type Controller interface {
	// Workload is what Resolve found.
	Workload() *Workload
	// CheckWait refuses a wait this kind of deployment can never reach, before
	// anything changes.
	CheckWait(w Wait, sd *ecs.CreateServiceInput) error
	// Plan computes what a deploy would do. It only reads.
	Plan(ctx context.Context, o Options) (*Plan, error)
	// Apply carries a plan out and says what to follow (nil when nothing started).
	Apply(ctx context.Context, p *Plan) (*Started, error)
	// PlanRollback computes what a rollback would do. It only reads.
	PlanRollback(ctx context.Context, o RollbackOptions) (*RollbackPlan, error)
	// Rollback carries a rollback plan out.
	Rollback(ctx context.Context, p *RollbackPlan) (*Started, error)
	// Continue answers the deployment waiting for approval (a PAUSE hook, or
	// CodeDeploy's wait to reroute traffic): go on, or roll back.
	Continue(ctx context.Context, rollback bool) (*Started, error)
	// InFlight is the deployment a wait follows (nil when none is in flight). It
	// returns a *NotFoundError when the workload does not exist.
	InFlight(ctx context.Context) (*Started, error)
	// Status describes the workload for status and delete (a *NotFoundError when
	// it does not exist).
	Status(ctx context.Context) (*Status, error)
	// Delete deletes the workload described by st (Status's answer).
	// terminate stops running tasks first where the kind has a desired count.
	Delete(ctx context.Context, st *Status, o DeleteOptions) (*Deleted, error)
	// Follow waits for a started deployment until it ends or w is reached.
	Follow(ctx context.Context, s *Started, w Wait) (watch.Outcome, error)
	// Cleanup runs after a followed rollback: it deregisters the revision rolled
	// away from unless something still uses it. It returns what still uses it.
	Cleanup(ctx context.Context, p *RollbackPlan, runs string) (usedBy string, err error)
}

// Wait says when a followed deployment counts as done, and how to poll.
type Wait struct {
	// Until is deployed, stable, ecs:<STAGE> or codedeploy:<Event>.
	Until string
	// WaitOnPause keeps waiting at a PAUSE hook instead of ending with Paused.
	WaitOnPause bool
	// AcceptPaused makes a new pause the goal (continue --wait-until paused).
	AcceptPaused bool
	// Interval between polls (default 5s); Epoch aligns polls of a fleet.
	Interval time.Duration
	Epoch    time.Time
	// Observer receives events and progress.
	Observer watch.Observer
}

// Accepts reports whether an outcome other than plain success is what was asked
// for: reaching a stage or event, a new pause, or the rollback we started.
func (w Wait) Accepts(s *Started, o watch.Outcome) bool {
	staged := strings.HasPrefix(w.Until, "ecs:") || strings.HasPrefix(w.Until, "codedeploy:")
	return (w.AcceptPaused && o.Kind == watch.Paused) || (s.RollsBack && o.Kind == watch.RolledBack) ||
		(staged && o.Kind == watch.Succeeded)
}

func (w Wait) until() watch.Until {
	if w.Until == "stable" {
		return watch.Stable
	}
	return watch.Deployed
}

func (w Wait) interval() time.Duration {
	if w.Interval <= 0 {
		return 5 * time.Second
	}
	return w.Interval
}

// Started is what a change started: enough to follow it and to report it.
type Started struct {
	Kind             Kind
	Cluster, Service string
	// TaskDefinitionARN is the task definition deployed ("" when unknown, e.g. the
	// revision a CodeDeploy rollback restores).
	TaskDefinitionARN string
	// Registered is true when Apply registered TaskDefinitionARN; Created when it
	// created the service.
	Registered, Created bool
	// DeploymentID is the ECS deployment (ecs-svc/…) or the CodeDeploy deployment
	// (d-…) to follow; DeploymentARN the ECS service deployment, when known.
	DeploymentID  string
	DeploymentARN string
	StartedAt     time.Time
	// Described is the service as the changing call (or Resolve) returned it.
	Described *types.Service
	// Label names what is followed in messages: "deployment" or "CodeDeploy deployment".
	Label string
	// PausedHint says how to go on from a pause.
	PausedHint string
	// Explain asks for the stopped tasks' explanation when the deployment fails.
	Explain bool
	// RollsBack is true when rolling back is the goal: continue --rollback, or a
	// rollback that stopped the deployment in flight.
	RollsBack bool
	// Stopped is the deployment stopped with a rollback ("" when none was).
	Stopped string
	// ContinuedHook is the PAUSE hook just answered (ECS), or Continued is true when
	// CodeDeploy's wait to reroute traffic was (it is not reported as a pause while
	// the service catches up).
	ContinuedHook string
	Continued     bool
	// Result is what the change itself reports (a *Continued or
	// *CodeDeployContinued for continue, a *CodeDeployRollback for rollback).
	Result any
	// Note is the line logged once the change was made, with its attributes.
	Note      string
	NoteAttrs []any
	// Adopted is true when the deployment followed was not started by this run
	// (a re-run that finds its wanted revision still rolling out).
	Adopted bool
}

// ControllerDeps are the clients and settings controllers use.
type ControllerDeps struct {
	// ECS changes things; Watch polls (in a fleet, a client whose describes are
	// batched with the other members').
	ECS   ControllerECS
	Watch watch.Client
	// AutoScaling and CodeDeploy are built on first use.
	AutoScaling func(context.Context) (AutoScaling, error)
	CodeDeploy  func(context.Context) (CodeDeployAPI, error)
	// Group is the config's codedeploy section; AppSpec its appspec hooks.
	Group   CodeDeployGroup
	AppSpec any
	Log     *slog.Logger
	Now     func() time.Time
	Protect func(local, live *ecs.RegisterTaskDefinitionInput)
	// Kinds is the API of the kinds with a definition file of their own
	// (kinds.go): Express Mode, Managed Daemons.
	Kinds KindAPI
}

// ControllerECS is the ECS API every controller may use; *ecs.Client satisfies it.
type ControllerECS interface {
	ECS
	RevisionsECS
	ContinueECS
	DeleteService(context.Context, *ecs.DeleteServiceInput, ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error)
}

// CodeDeployAPI is the CodeDeploy API the CodeDeploy controller uses;
// *codedeploy.Client satisfies it.
type CodeDeployAPI interface {
	CodeDeploy
	CodeDeployContinueAPI
	CodeDeployRollbackAPI
	watch.CodeDeployClient
}

var (
	_ ControllerECS = (*ecs.Client)(nil)
	_ CodeDeployAPI = (*codedeploy.Client)(nil)
	_ AutoScaling   = (*applicationautoscaling.Client)(nil)
)

// NewController returns the controller of the workload w.
func NewController(w *Workload, d ControllerDeps) (Controller, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Watch == nil {
		d.Watch = d.ECS
	}
	e := &ecsController{w: w, d: d}
	switch w.Kind {
	case KindCodeDeploy:
		return &codeDeployController{ecsController: e}, nil
	case KindECS, KindExternal:
		// EXTERNAL services are created and updated through the ECS API as before;
		// their task sets belong to the tool that manages them.
		return e, nil
	}
	if k := defined(w.Kind); k != nil {
		return k.Controller(w, d), nil // kinds.go
	}
	return nil, diag.Invalid(fmt.Errorf("%s: doppio does not deploy this kind of workload", w), "")
}
