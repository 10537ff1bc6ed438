package sandbox

import "encoding/json"

// The Managed Daemon requests the proxy reads and the answers it builds
// (daemon.go, daemon_state.go), as typed values whose JSON is the wire shape of
// the ECS API reference. Container definitions and volumes of a daemon task
// definition and the alarms of a deployment configuration stay raw JSON: the proxy
// keeps what the client sent and echoes it.

// daemonTDMembers are the members RegisterDaemonTaskDefinition takes and
// DescribeDaemonTaskDefinition gives back.
type daemonTDMembers struct {
	Family               string `json:"family"`
	ContainerDefinitions []obj  `json:"containerDefinitions"`
	CPU                  string `json:"cpu,omitempty"`
	Memory               string `json:"memory,omitempty"`
	ExecutionRoleArn     string `json:"executionRoleArn,omitempty"`
	TaskRoleArn          string `json:"taskRoleArn,omitempty"`
	IpcMode              string `json:"ipcMode,omitempty"`
	PidMode              string `json:"pidMode,omitempty"`
	Volumes              []any  `json:"volumes,omitempty"`
}

// daemonTDRequest is a RegisterDaemonTaskDefinition request.
type daemonTDRequest struct {
	daemonTDMembers
	Tags []any `json:"tags,omitempty"`
}

// wireDaemonTaskDefinition is a DaemonTaskDefinition.
type wireDaemonTaskDefinition struct {
	daemonTDMembers
	DaemonTaskDefinitionArn string      `json:"daemonTaskDefinitionArn"`
	Revision                int         `json:"revision"`
	Status                  string      `json:"status"`
	RegisteredAt            json.Number `json:"registeredAt"`
	DeleteRequestedAt       json.Number `json:"deleteRequestedAt,omitempty"`
}

// wireDaemonTDSummary is a DaemonTaskDefinitionSummary.
type wireDaemonTDSummary struct {
	Arn               string      `json:"arn"`
	Status            string      `json:"status"`
	RegisteredAt      json.Number `json:"registeredAt"`
	DeleteRequestedAt json.Number `json:"deleteRequestedAt,omitempty"`
}

// daemonTDRef names a daemon task definition (Describe/DeleteDaemonTaskDefinition).
type daemonTDRef struct {
	DaemonTaskDefinition string `json:"daemonTaskDefinition"`
}

// listDaemonTDsRequest is a ListDaemonTaskDefinitions request.
type listDaemonTDsRequest struct {
	Family       string `json:"family"`
	FamilyPrefix string `json:"familyPrefix"`
	Status       string `json:"status"`
	Revision     string `json:"revision"`
	Sort         string `json:"sort"`
}

// daemonSettings are the CreateDaemon/UpdateDaemon members a revision records;
// nil is "not given".
type daemonSettings struct {
	Critical                *bool                     `json:"critical,omitempty"`
	DeploymentConfiguration *wireDaemonDeploymentConf `json:"deploymentConfiguration,omitempty"`
	EnableECSManagedTags    *bool                     `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand    *bool                     `json:"enableExecuteCommand,omitempty"`
	PropagateTags           *string                   `json:"propagateTags,omitempty"`
}

// merge sets what next gives.
func (d *daemonSettings) merge(next daemonSettings) {
	d.Critical = or(next.Critical, d.Critical)
	d.DeploymentConfiguration = or(next.DeploymentConfiguration, d.DeploymentConfiguration)
	d.EnableECSManagedTags = or(next.EnableECSManagedTags, d.EnableECSManagedTags)
	d.EnableExecuteCommand = or(next.EnableExecuteCommand, d.EnableExecuteCommand)
	d.PropagateTags = or(next.PropagateTags, d.PropagateTags)
}

// or is the first non-nil pointer.
func or[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}

// wireDaemonDeploymentConf is a DaemonDeploymentConfiguration as the client sent it.
type wireDaemonDeploymentConf struct {
	Alarms            any      `json:"alarms,omitempty"`
	BakeTimeInMinutes *int     `json:"bakeTimeInMinutes,omitempty"`
	DrainPercent      *float64 `json:"drainPercent,omitempty"`
}

// createDaemonRequest is a CreateDaemon request.
type createDaemonRequest struct {
	daemonSettings
	DaemonName              string   `json:"daemonName"`
	ClusterArn              string   `json:"clusterArn"`
	CapacityProviderArns    []string `json:"capacityProviderArns"`
	DaemonTaskDefinitionArn string   `json:"daemonTaskDefinitionArn"`
	Tags                    []any    `json:"tags"`
}

// updateDaemonRequest is an UpdateDaemon request.
type updateDaemonRequest struct {
	daemonSettings
	DaemonArn               string   `json:"daemonArn"`
	CapacityProviderArns    []string `json:"capacityProviderArns"`
	DaemonTaskDefinitionArn string   `json:"daemonTaskDefinitionArn"`
}

// daemonRef names a daemon (DescribeDaemon, DeleteDaemon).
type daemonRef struct {
	DaemonArn string `json:"daemonArn"`
}

// listDaemonsRequest is a ListDaemons request.
type listDaemonsRequest struct {
	ClusterArn string `json:"clusterArn"`
}

// deploymentArnsRequest is a DescribeDaemonDeployments request.
type deploymentArnsRequest struct {
	DaemonDeploymentArns []string `json:"daemonDeploymentArns"`
}

// revisionArnsRequest is a DescribeDaemonRevisions request.
type revisionArnsRequest struct {
	DaemonRevisionArns []string `json:"daemonRevisionArns"`
}

// wireDaemonChange answers CreateDaemon, UpdateDaemon and DeleteDaemon.
type wireDaemonChange struct {
	DaemonArn     string      `json:"daemonArn"`
	DeploymentArn string      `json:"deploymentArn,omitempty"`
	Status        string      `json:"status"`
	CreatedAt     json.Number `json:"createdAt"`
	UpdatedAt     json.Number `json:"updatedAt,omitempty"`
}

// wireDaemonSummary is a DaemonSummary (ListDaemons).
type wireDaemonSummary struct {
	DaemonArn string      `json:"daemonArn"`
	Status    string      `json:"status"`
	CreatedAt json.Number `json:"createdAt"`
	UpdatedAt json.Number `json:"updatedAt"`
}

// wireDaemonDetail is a DaemonDetail (DescribeDaemon).
type wireDaemonDetail struct {
	DaemonArn        string                     `json:"daemonArn"`
	ClusterArn       string                     `json:"clusterArn"`
	Status           string                     `json:"status"`
	CreatedAt        json.Number                `json:"createdAt"`
	UpdatedAt        json.Number                `json:"updatedAt"`
	DeploymentArn    string                     `json:"deploymentArn,omitempty"`
	CurrentRevisions []wireDaemonRevisionDetail `json:"currentRevisions,omitempty"`
}

// wireDaemonRevisionDetail is a DaemonRevisionDetail.
type wireDaemonRevisionDetail struct {
	Arn                     string                   `json:"arn"`
	TotalRunningCount       int                      `json:"totalRunningCount"`
	TotalWithoutDaemonCount int                      `json:"totalWithoutDaemonCount"`
	CapacityProviders       []wireDaemonCapacityProv `json:"capacityProviders"`
}

// wireDaemonCapacityProv is a DaemonCapacityProvider.
type wireDaemonCapacityProv struct {
	Arn                string `json:"arn"`
	RunningCount       int    `json:"runningCount"`
	WithoutDaemonCount int    `json:"withoutDaemonCount"`
}

// wireDaemonDeployment is a DaemonDeployment.
type wireDaemonDeployment struct {
	DaemonDeploymentArn     string                          `json:"daemonDeploymentArn"`
	ClusterArn              string                          `json:"clusterArn"`
	Status                  string                          `json:"status"`
	StatusReason            string                          `json:"statusReason,omitempty"`
	CreatedAt               json.Number                     `json:"createdAt"`
	StartedAt               json.Number                     `json:"startedAt"`
	FinishedAt              json.Number                     `json:"finishedAt,omitempty"`
	StoppedAt               json.Number                     `json:"stoppedAt,omitempty"`
	CircuitBreaker          wireDaemonCircuitBreaker        `json:"circuitBreaker"`
	DeploymentConfiguration *wireDaemonDeploymentConf       `json:"deploymentConfiguration,omitempty"`
	Rollback                *wireDaemonRollback             `json:"rollback,omitempty"`
	TargetDaemonRevision    *wireDaemonDeploymentRevision   `json:"targetDaemonRevision"`
	SourceDaemonRevisions   []*wireDaemonDeploymentRevision `json:"sourceDaemonRevisions,omitempty"`
}

// wireDaemonCircuitBreaker is a DaemonCircuitBreaker.
type wireDaemonCircuitBreaker struct {
	Status       string `json:"status"`
	Threshold    int    `json:"threshold"`
	FailureCount int    `json:"failureCount"`
}

// wireDaemonRollback is a DaemonRollback.
type wireDaemonRollback struct {
	Reason                          string      `json:"reason"`
	RollbackTargetDaemonRevisionArn string      `json:"rollbackTargetDaemonRevisionArn"`
	StartedAt                       json.Number `json:"startedAt"`
}

// wireDaemonDeploymentRevision is a DaemonDeploymentRevisionDetail.
type wireDaemonDeploymentRevision struct {
	Arn                             string                     `json:"arn"`
	TotalRunningInstanceCount       int                        `json:"totalRunningInstanceCount"`
	TotalDrainingInstanceCount      int                        `json:"totalDrainingInstanceCount"`
	TotalWithoutDaemonInstanceCount int                        `json:"totalWithoutDaemonInstanceCount"`
	CapacityProviders               []wireDaemonDeploymentProv `json:"capacityProviders"`
}

// wireDaemonDeploymentProv is a DaemonDeploymentCapacityProvider.
type wireDaemonDeploymentProv struct {
	Arn                        string `json:"arn"`
	RunningInstanceCount       int    `json:"runningInstanceCount"`
	DrainingInstanceCount      int    `json:"drainingInstanceCount"`
	WithoutDaemonInstanceCount int    `json:"withoutDaemonInstanceCount"`
}

// wireDaemonRevision is a DaemonRevision.
type wireDaemonRevision struct {
	DaemonRevisionArn       string            `json:"daemonRevisionArn"`
	DaemonArn               string            `json:"daemonArn"`
	ClusterArn              string            `json:"clusterArn"`
	DaemonTaskDefinitionArn string            `json:"daemonTaskDefinitionArn"`
	CreatedAt               json.Number       `json:"createdAt"`
	ContainerImages         []wireDaemonImage `json:"containerImages"`
	Critical                *bool             `json:"critical,omitempty"`
	EnableECSManagedTags    *bool             `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand    *bool             `json:"enableExecuteCommand,omitempty"`
	PropagateTags           *string           `json:"propagateTags,omitempty"`
}

// wireDaemonImage is a DaemonContainerImage.
type wireDaemonImage struct {
	ContainerName string `json:"containerName"`
	Image         string `json:"image"`
}

// The answers' envelopes.
type (
	wireDaemonTDArn struct {
		DaemonTaskDefinitionArn string `json:"daemonTaskDefinitionArn"`
	}
	wireDaemonTDAnswer struct {
		DaemonTaskDefinition *wireDaemonTaskDefinition `json:"daemonTaskDefinition"`
	}
	wireDaemonTDList struct {
		DaemonTaskDefinitions []wireDaemonTDSummary `json:"daemonTaskDefinitions"`
	}
	wireDaemonAnswer struct {
		Daemon wireDaemonDetail `json:"daemon"`
	}
	wireDaemonList struct {
		DaemonSummariesList []wireDaemonSummary `json:"daemonSummariesList"`
	}
	wireDaemonDeployments struct {
		DaemonDeployments []wireDaemonDeployment `json:"daemonDeployments"`
		Failures          []wireFailure          `json:"failures"`
	}
	wireDaemonRevisions struct {
		DaemonRevisions []wireDaemonRevision `json:"daemonRevisions"`
		Failures        []wireFailure        `json:"failures"`
	}
)
