package sandbox

import "encoding/json"

// The ECS answers the proxy builds itself, as typed values whose JSON is the wire
// shape of the ECS API reference (awsJson1_1: camelCase members, timestamps as
// epoch seconds). Pass-through configuration the client sent (network
// configuration, overrides, tags...) stays raw JSON (any): the proxy echoes it.
//
// The aws-sdk-go-v2 types are not used here: they marshal with Go field names and
// RFC 3339 times, not the wire shape.

// wireFailure is a Failure (DescribeServices, DescribeTasks, ...).
type wireFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

// wireTask is a Task.
type wireTask struct {
	TaskArn               string           `json:"taskArn"`
	ClusterArn            string           `json:"clusterArn"`
	TaskDefinitionArn     string           `json:"taskDefinitionArn"`
	LastStatus            string           `json:"lastStatus"`
	DesiredStatus         string           `json:"desiredStatus"`
	CreatedAt             json.Number      `json:"createdAt"`
	Group                 string           `json:"group"`
	LaunchType            string           `json:"launchType"`
	Version               int              `json:"version"`
	AvailabilityZone      string           `json:"availabilityZone"`
	Connectivity          string           `json:"connectivity"`
	ConnectivityAt        json.Number      `json:"connectivityAt"`
	HealthStatus          string           `json:"healthStatus"`
	EnableExecuteCommand  bool             `json:"enableExecuteCommand"`
	Overrides             any              `json:"overrides"`
	Attributes            []any            `json:"attributes"`
	InferenceAccelerators []any            `json:"inferenceAccelerators"`
	StartedBy             string           `json:"startedBy,omitempty"`
	CPU                   string           `json:"cpu,omitempty"`
	Memory                string           `json:"memory,omitempty"`
	PlatformVersion       string           `json:"platformVersion,omitempty"`
	PlatformFamily        string           `json:"platformFamily,omitempty"`
	Tags                  *[]any           `json:"tags,omitempty"` // only with include TAGS, then always a list
	PullStartedAt         json.Number      `json:"pullStartedAt,omitempty"`
	PullStoppedAt         json.Number      `json:"pullStoppedAt,omitempty"`
	StartedAt             json.Number      `json:"startedAt,omitempty"`
	StoppingAt            json.Number      `json:"stoppingAt,omitempty"`
	ExecutionStoppedAt    json.Number      `json:"executionStoppedAt,omitempty"`
	StopCode              string           `json:"stopCode,omitempty"`
	StoppedReason         *string          `json:"stoppedReason,omitempty"` // present (maybe empty) once stopping
	StoppedAt             json.Number      `json:"stoppedAt,omitempty"`
	Attachments           []wireAttachment `json:"attachments,omitempty"`
	Containers            []wireContainer  `json:"containers"`
}

// wireAttachment is an Attachment of a task (ENI, EBS volume).
type wireAttachment struct {
	ID      string          `json:"id"`
	Type    string          `json:"type"`
	Status  string          `json:"status"`
	Details []wireNameValue `json:"details"`
}

// wireNameValue is a KeyValuePair.
type wireNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// wireContainer is a Container of a task.
type wireContainer struct {
	ContainerArn      string                 `json:"containerArn"`
	TaskArn           string                 `json:"taskArn"`
	Name              string                 `json:"name"`
	Image             string                 `json:"image"`
	LastStatus        string                 `json:"lastStatus"`
	HealthStatus      string                 `json:"healthStatus"`
	RuntimeID         string                 `json:"runtimeId"`
	NetworkBindings   []any                  `json:"networkBindings"`
	NetworkInterfaces []wireNetworkInterface `json:"networkInterfaces"`
	CPU               string                 `json:"cpu,omitempty"`
	Memory            string                 `json:"memory,omitempty"`
	MemoryReservation string                 `json:"memoryReservation,omitempty"`
	ExitCode          *int                   `json:"exitCode,omitempty"`
	Reason            string                 `json:"reason,omitempty"`
}

// wireNetworkInterface is a container's NetworkInterface.
type wireNetworkInterface struct {
	AttachmentID       string `json:"attachmentId"`
	PrivateIpv4Address string `json:"privateIpv4Address"`
}

// wireDeployment is a Deployment of DescribeServices.
type wireDeployment struct {
	ID                 string      `json:"id"`
	Status             string      `json:"status"`
	TaskDefinition     string      `json:"taskDefinition"`
	DesiredCount       int         `json:"desiredCount"`
	PendingCount       int         `json:"pendingCount"`
	RunningCount       int         `json:"runningCount"`
	FailedTasks        int         `json:"failedTasks"`
	CreatedAt          json.Number `json:"createdAt"`
	UpdatedAt          json.Number `json:"updatedAt"`
	RolloutState       string      `json:"rolloutState"`
	RolloutStateReason string      `json:"rolloutStateReason"`
	LaunchType         string      `json:"launchType,omitempty"`
	PlatformVersion    string      `json:"platformVersion,omitempty"`
	PlatformFamily     string      `json:"platformFamily,omitempty"`
	deploymentCfg
}

// revisionCfg is the configuration a deployment, service revision or task set runs
// with, kept and echoed as the client sent it (nil: not sent). It is both state
// (deployment.cfg) and wire shape (embedded in wireDeployment, wireServiceRevision).
type revisionCfg struct {
	NetworkConfiguration        any `json:"networkConfiguration,omitempty"`
	CapacityProviderStrategy    any `json:"capacityProviderStrategy,omitempty"`
	ServiceConnectConfiguration any `json:"serviceConnectConfiguration,omitempty"`
	VolumeConfigurations        any `json:"volumeConfigurations,omitempty"`
	LoadBalancers               any `json:"loadBalancers,omitempty"`
	ServiceRegistries           any `json:"serviceRegistries,omitempty"`
	VpcLatticeConfigurations    any `json:"vpcLatticeConfigurations,omitempty"`
}

// field returns the member named k (its API name), nil for any other name.
func (c *revisionCfg) field(k string) *any {
	switch k {
	case "networkConfiguration":
		return &c.NetworkConfiguration
	case "capacityProviderStrategy":
		return &c.CapacityProviderStrategy
	case "serviceConnectConfiguration":
		return &c.ServiceConnectConfiguration
	case "volumeConfigurations":
		return &c.VolumeConfigurations
	case "loadBalancers":
		return &c.LoadBalancers
	case "serviceRegistries":
		return &c.ServiceRegistries
	case "vpcLatticeConfigurations":
		return &c.VpcLatticeConfigurations
	}
	return nil
}

// get returns member k (nil when unset or not a member).
func (c revisionCfg) get(k string) any {
	if f := c.field(k); f != nil {
		return *f
	}
	return nil
}

// overlay sets the members named in keys that req carries (null included: it
// clears the member), as deep copies.
func (c *revisionCfg) overlay(req obj, keys []string) {
	for _, k := range keys {
		if v, ok := req[k]; ok {
			if f := c.field(k); f != nil {
				*f = clone(v)
			}
		}
	}
}

// clone deep-copies the configuration.
func (c revisionCfg) clone() revisionCfg {
	out := c
	for _, f := range []*any{&out.NetworkConfiguration, &out.CapacityProviderStrategy, &out.ServiceConnectConfiguration,
		&out.VolumeConfigurations, &out.LoadBalancers, &out.ServiceRegistries, &out.VpcLatticeConfigurations} {
		if *f != nil {
			*f = clone(*f)
		}
	}
	return out
}

// deploymentCfg is the configuration a Deployment reports: a revisionCfg without
// load balancers and service registries (those are the service's).
type deploymentCfg struct {
	NetworkConfiguration        any `json:"networkConfiguration,omitempty"`
	CapacityProviderStrategy    any `json:"capacityProviderStrategy,omitempty"`
	ServiceConnectConfiguration any `json:"serviceConnectConfiguration,omitempty"`
	VolumeConfigurations        any `json:"volumeConfigurations,omitempty"`
	VpcLatticeConfigurations    any `json:"vpcLatticeConfigurations,omitempty"`
}

// forDeployment copies the members a Deployment reports.
func (c revisionCfg) forDeployment() deploymentCfg {
	d := c.clone()
	return deploymentCfg{
		NetworkConfiguration:        d.NetworkConfiguration,
		CapacityProviderStrategy:    d.CapacityProviderStrategy,
		ServiceConnectConfiguration: d.ServiceConnectConfiguration,
		VolumeConfigurations:        d.VolumeConfigurations,
		VpcLatticeConfigurations:    d.VpcLatticeConfigurations,
	}
}

// network returns the awsvpc network configuration as an object (nil if unset).
func (c revisionCfg) network() obj {
	m, _ := c.NetworkConfiguration.(map[string]any)
	return m
}

// loadBalancers returns the load balancers as a list (nil if unset).
func (c revisionCfg) loadBalancers() []any {
	l, _ := c.LoadBalancers.([]any)
	return l
}

// wireNetworkConfig is a NetworkConfiguration the proxy sends its own ECS handlers:
// the RunTask of a scheduled target (events.go), the CreateService behind an
// Express Mode service (express.go).
type wireNetworkConfig struct {
	AwsvpcConfiguration wireAwsvpc `json:"awsvpcConfiguration"`
}

// wireAwsvpc is an AwsVpcConfiguration.
type wireAwsvpc struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	AssignPublicIP string   `json:"assignPublicIp,omitempty"`
}

// wireEvent is a ServiceEvent.
type wireEvent struct {
	ID        string      `json:"id"`
	CreatedAt json.Number `json:"createdAt"`
	Message   string      `json:"message"`
}

// wireRevisionSummary is a ServiceRevisionSummary (currentServiceRevisions,
// targetServiceRevision, sourceServiceRevisions).
type wireRevisionSummary struct {
	Arn                string `json:"arn"`
	RequestedTaskCount int    `json:"requestedTaskCount"`
	RunningTaskCount   int    `json:"runningTaskCount"`
	PendingTaskCount   int    `json:"pendingTaskCount"`
	// Traffic-shifting deployments only (ecs_bluegreen_plan.go).
	RequestedProductionTrafficWeight *float64 `json:"requestedProductionTrafficWeight,omitempty"`
	RequestedTestTrafficWeight       *float64 `json:"requestedTestTrafficWeight,omitempty"`
}

// wireServiceRevision is a ServiceRevision (DescribeServiceRevisions).
type wireServiceRevision struct {
	ServiceRevisionArn string               `json:"serviceRevisionArn"`
	ServiceArn         string               `json:"serviceArn"`
	ClusterArn         string               `json:"clusterArn"`
	TaskDefinition     string               `json:"taskDefinition"`
	CreatedAt          json.Number          `json:"createdAt"`
	GuardDutyEnabled   bool                 `json:"guardDutyEnabled"`
	LaunchType         string               `json:"launchType,omitempty"`
	PlatformVersion    string               `json:"platformVersion,omitempty"`
	PlatformFamily     string               `json:"platformFamily,omitempty"`
	ContainerImages    []wireContainerImage `json:"containerImages,omitempty"`
	revisionCfg
}

// wireContainerImage is a ContainerImage of a service revision.
type wireContainerImage struct {
	ContainerName string `json:"containerName"`
	Image         string `json:"image"`
	ImageDigest   string `json:"imageDigest"`
}

// wireTasks answers RunTask and DescribeTasks.
type wireTasks struct {
	Tasks    []wireTask    `json:"tasks"`
	Failures []wireFailure `json:"failures"`
}

// wireSDHead are the members a ServiceDeployment and its ServiceDeploymentBrief
// (ListServiceDeployments) begin with.
type wireSDHead struct {
	ServiceDeploymentArn string      `json:"serviceDeploymentArn"`
	ServiceArn           string      `json:"serviceArn"`
	ClusterArn           string      `json:"clusterArn"`
	CreatedAt            json.Number `json:"createdAt"`
}

// wireServiceDeployment is a ServiceDeployment (DescribeServiceDeployments).
type wireServiceDeployment struct {
	wireSDHead
	UpdatedAt                json.Number           `json:"updatedAt"`
	StartedAt                json.Number           `json:"startedAt,omitempty"`
	FinishedAt               json.Number           `json:"finishedAt,omitempty"`
	StoppedAt                json.Number           `json:"stoppedAt,omitempty"`
	Status                   string                `json:"status"`
	StatusReason             string                `json:"statusReason,omitempty"`
	TargetServiceRevision    wireRevisionSummary   `json:"targetServiceRevision"`
	SourceServiceRevisions   []wireRevisionSummary `json:"sourceServiceRevisions"`
	DeploymentConfiguration  any                   `json:"deploymentConfiguration"`
	LifecycleStage           string                `json:"lifecycleStage"`
	Rollback                 *wireRollback         `json:"rollback,omitempty"`
	DeploymentCircuitBreaker wireCircuitBreaker    `json:"deploymentCircuitBreaker"`
	Alarms                   wireAlarms            `json:"alarms"`
	LifecycleHookDetails     []wireHookDetail      `json:"lifecycleHookDetails,omitempty"`
}

// wireRollback is the rollback member of a ServiceDeployment (Rollback).
type wireRollback struct {
	Reason             string      `json:"reason"`
	StartedAt          json.Number `json:"startedAt"`
	ServiceRevisionArn string      `json:"serviceRevisionArn,omitempty"`
}

// wireCircuitBreaker is a ServiceDeploymentCircuitBreaker.
type wireCircuitBreaker struct {
	Status       string `json:"status"`
	FailureCount int    `json:"failureCount"`
	Threshold    int    `json:"threshold"`
}

// wireAlarms is a ServiceDeploymentAlarms.
type wireAlarms struct {
	Status              string   `json:"status"`
	AlarmNames          []string `json:"alarmNames,omitempty"`
	TriggeredAlarmNames []string `json:"triggeredAlarmNames,omitempty"`
}

// wireHookDetail is one lifecycleHookDetails entry of a ServiceDeployment.
type wireHookDetail struct {
	HookID        string      `json:"hookId"`
	Status        string      `json:"status"`
	TargetType    string      `json:"targetType"`
	ExpiresAt     json.Number `json:"expiresAt,omitempty"`
	TimeoutAction string      `json:"timeoutAction,omitempty"`
	TargetArn     *string     `json:"targetArn,omitempty"`
}

// wireSDSummary is a ServiceDeploymentBrief (ListServiceDeployments).
type wireSDSummary struct {
	wireSDHead
	StartedAt                json.Number `json:"startedAt,omitempty"`
	FinishedAt               json.Number `json:"finishedAt,omitempty"`
	Status                   string      `json:"status"`
	TargetServiceRevisionArn string      `json:"targetServiceRevisionArn"`
}

// wireTaskSet is a TaskSet (CreateTaskSet, DescribeTaskSets, DescribeServices).
type wireTaskSet struct {
	ID                       string      `json:"id"`
	TaskSetArn               string      `json:"taskSetArn"`
	ServiceArn               string      `json:"serviceArn"`
	ClusterArn               string      `json:"clusterArn"`
	Status                   string      `json:"status"`
	TaskDefinition           string      `json:"taskDefinition"`
	ComputedDesiredCount     int         `json:"computedDesiredCount"`
	PendingCount             int         `json:"pendingCount"`
	RunningCount             int         `json:"runningCount"`
	CreatedAt                json.Number `json:"createdAt"`
	UpdatedAt                json.Number `json:"updatedAt"`
	Scale                    wireScale   `json:"scale"`
	StabilityStatus          string      `json:"stabilityStatus"`
	StabilityStatusAt        json.Number `json:"stabilityStatusAt"`
	LoadBalancers            []any       `json:"loadBalancers"`
	ServiceRegistries        []any       `json:"serviceRegistries"`
	ExternalID               string      `json:"externalId,omitempty"`
	StartedBy                string      `json:"startedBy,omitempty"`
	LaunchType               string      `json:"launchType,omitempty"`
	PlatformVersion          string      `json:"platformVersion,omitempty"`
	PlatformFamily           string      `json:"platformFamily,omitempty"`
	NetworkConfiguration     any         `json:"networkConfiguration,omitempty"`
	CapacityProviderStrategy any         `json:"capacityProviderStrategy,omitempty"`
	Tags                     any         `json:"tags,omitempty"`
}

// wireScale is a task set's Scale.
type wireScale struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// wireTaskSetAnswer answers CreateTaskSet, UpdateTaskSet, DeleteTaskSet and
// UpdateServicePrimaryTaskSet.
type wireTaskSetAnswer struct {
	TaskSet wireTaskSet `json:"taskSet"`
}

// wireTaskSets answers DescribeTaskSets.
type wireTaskSets struct {
	TaskSets []wireTaskSet `json:"taskSets"`
	Failures []wireFailure `json:"failures"`
}

// wireExecAnswer answers ExecuteCommand.
type wireExecAnswer struct {
	ClusterArn    string      `json:"clusterArn"`
	ContainerArn  string      `json:"containerArn"`
	ContainerName string      `json:"containerName"`
	Interactive   bool        `json:"interactive"`
	TaskArn       string      `json:"taskArn"`
	Session       wireSession `json:"session"`
}

// wireSession is an ECS Exec Session.
type wireSession struct {
	SessionID  string `json:"sessionId"`
	StreamURL  string `json:"streamUrl"`
	TokenValue string `json:"tokenValue"`
}

// wireSDArn answers StopServiceDeployment and ContinueServiceDeployment.
type wireSDArn struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
}

// wireServiceArns, wireTaskArns and wireTaskDefinitionArns answer the List calls
// the proxy pages itself (the list is never null).
type wireServiceArns struct {
	ServiceArns []string `json:"serviceArns"`
	NextToken   string   `json:"nextToken,omitempty"`
}

type wireTaskArns struct {
	TaskArns  []string `json:"taskArns"`
	NextToken string   `json:"nextToken,omitempty"`
}

type wireTaskDefinitionArns struct {
	TaskDefinitionArns []string `json:"taskDefinitionArns"`
	NextToken          string   `json:"nextToken,omitempty"`
}
