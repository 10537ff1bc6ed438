package view

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/doppio-ecs/doppio/internal/deploy"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
	"github.com/doppio-ecs/doppio/internal/task"
	"github.com/doppio-ecs/doppio/internal/ui"
	"github.com/doppio-ecs/doppio/internal/watch"
)

// The JSON keys of the small result documents below are in alphabetical order: they
// were map[string]any documents, and keeping their order keeps their bytes.

// Registered is what register prints: the new revision's ARN.
type Registered struct {
	Family            string `json:"family"`
	TaskDefinitionARN string `json:"taskDefinitionArn"`
}

// WriteText prints the ARN, one line.
func (r Registered) WriteText(w io.Writer) error { return line(w, r.TaskDefinitionARN) }

// Deleted is what delete prints once ECS accepted the deletion.
type Deleted struct {
	Cluster    string `json:"cluster"`
	Service    string `json:"service"`
	ServiceARN string `json:"serviceArn"`
	Status     string `json:"status"`
}

// WriteText prints the service ARN, one line.
func (d Deleted) WriteText(w io.Writer) error { return line(w, d.ServiceARN) }

// Result is the outcome document of a deployment doppio started or followed (deploy,
// wait, scale, refresh, rollback).
type Result struct {
	Service           string               `json:"service"`
	Cluster           string               `json:"cluster"`
	TaskDefinitionARN string               `json:"taskDefinitionArn"`
	DeploymentID      string               `json:"deploymentId,omitempty"`
	DeploymentARN     string               `json:"deploymentArn,omitempty"`
	Outcome           string               `json:"outcome"`
	Reason            string               `json:"reason,omitempty"`
	SupersededBy      string               `json:"supersededBy,omitempty"`
	RolledBackTo      string               `json:"rolledBackTo,omitempty"`
	Pending           string               `json:"pending,omitempty"`
	StartedAt         time.Time            `json:"startedAt"`
	FinishedAt        time.Time            `json:"finishedAt"`
	DurationSeconds   float64              `json:"durationSeconds"`
	StoppedTasks      []watch.StoppedTask  `json:"stoppedTasks,omitempty"`
	Events            []watch.ServiceEvent `json:"events"`
	Explanation       *task.Explanation    `json:"explanation,omitempty"`
	PausedHook        *PausedHook          `json:"pausedHook,omitempty"`
	Traffic           *Traffic             `json:"traffic,omitempty"`
}

// PausedHook is the PAUSE lifecycle hook a paused traffic-shifting deployment waits
// at (answer it with 'doppio continue').
type PausedHook struct {
	HookID        string    `json:"hookId"`
	ExpiresAt     time.Time `json:"expiresAt,omitzero"`
	TimeoutAction string    `json:"timeoutAction,omitempty"`
	Stage         string    `json:"lifecycleStage,omitempty"`
}

// Traffic is the last traffic split seen of a traffic-shifting deployment: the
// percentages of production and test traffic on the new (target) revision.
type Traffic struct {
	ProductionPercent float64  `json:"productionPercent"`
	TestPercent       *float64 `json:"testPercent,omitempty"`
}

// OutcomeStarted is the outcome of a deployment started without waiting (--no-wait).
const OutcomeStarted = "started"

// WriteText prints the task definition ARN of a deployment started without waiting;
// a followed deployment's outcome was already logged on stderr, so it prints nothing.
func (r Result) WriteText(w io.Writer) error {
	if r.Outcome != OutcomeStarted {
		return nil
	}
	return line(w, r.TaskDefinitionARN)
}

// MarshalJSON prints events as [] rather than null when there were none.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Events == nil {
		r.Events = []watch.ServiceEvent{}
	}
	return ui.MarshalNoEscape(plain(r))
}

// NoDeployment is what deploy prints when it waits for nothing: the service was up to
// date, or --no-wait.
type NoDeployment struct {
	Cluster           string `json:"cluster"`
	Outcome           string `json:"outcome"`
	Service           string `json:"service"`
	TaskDefinitionARN string `json:"taskDefinitionArn"`
	UpToDate          bool   `json:"upToDate"`
	// PrintARN makes the text form print TaskDefinitionARN (a deployment started
	// without waiting); otherwise it prints nothing.
	PrintARN bool `json:"-"`
}

// WriteText prints the task definition ARN when PrintARN is set.
func (n NoDeployment) WriteText(w io.Writer) error {
	if !n.PrintARN || n.TaskDefinitionARN == "" {
		return nil
	}
	return line(w, n.TaskDefinitionARN)
}

// StoppedRollback is what rollback --stop prints once the deployment it stopped has
// rolled back.
type StoppedRollback struct {
	Cluster              string `json:"cluster"`
	Outcome              string `json:"outcome"`
	Service              string `json:"service"`
	StoppedDeploymentARN string `json:"stoppedDeploymentArn"`
	TaskDefinitionARN    string `json:"taskDefinitionArn"`
}

// WriteText prints nothing: the outcome was logged on stderr.
func (StoppedRollback) WriteText(io.Writer) error { return nil }

// Deregistered is what deregister prints: the revisions it deregistered and, with
// --delete, deleted (ARNs in the JSON, family:revision in the text).
type Deregistered struct {
	Family       string   `json:"family"`
	Deregistered []string `json:"deregistered"`
	Deleted      []string `json:"deleted"`
}

// WriteText prints "deregistered family:N" lines, then "deleted family:N" lines.
func (d Deregistered) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, arn := range d.Deregistered {
		fmt.Fprintln(&b, "deregistered", ecsdef.TaskDefinitionName(arn))
	}
	for _, arn := range d.Deleted {
		fmt.Fprintln(&b, "deleted", ecsdef.TaskDefinitionName(arn))
	}
	return flush(w, []byte(b.String()))
}

// MarshalJSON prints empty lists as [] rather than null.
func (d Deregistered) MarshalJSON() ([]byte, error) {
	type plain Deregistered
	if d.Deregistered == nil {
		d.Deregistered = []string{}
	}
	if d.Deleted == nil {
		d.Deleted = []string{}
	}
	return ui.MarshalNoEscape(plain(d))
}

func line(w io.Writer, s string) error {
	_, err := fmt.Fprintln(w, s)
	return err
}

// TaskStopped is what tasks stop prints once ECS accepted the StopTask.
type TaskStopped struct {
	DesiredStatus string `json:"desiredStatus"`
	LastStatus    string `json:"lastStatus"`
	TaskARN       string `json:"taskArn"`
}

// WriteText prints the task ARN, one line.
func (t TaskStopped) WriteText(w io.Writer) error { return line(w, t.TaskARN) }

// Continued is what continue --no-wait prints: the answer sent to the lifecycle hook.
// Its JSON is the domain's.
type Continued struct{ *deploy.Continued }

// WriteText prints nothing: what was sent was logged on stderr.
func (Continued) WriteText(io.Writer) error { return nil }

// ContinueResult is the view of what continue did: a *deploy.Continued or a
// *deploy.CodeDeployContinued.
func ContinueResult(v any) View {
	switch r := v.(type) {
	case *deploy.Continued:
		return Continued{r}
	case *deploy.CodeDeployContinued:
		return CodeDeployContinued{r}
	}
	return nil
}

// CodeDeployContinued is what continue --no-wait prints on a CODE_DEPLOY service: the
// CodeDeploy deployment answered and how. Its JSON is the domain's.
type CodeDeployContinued struct{ *deploy.CodeDeployContinued }

// WriteText prints nothing: what was done was logged on stderr.
func (CodeDeployContinued) WriteText(io.Writer) error { return nil }
