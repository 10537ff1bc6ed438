package codedeploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// This file holds the JSON shapes of the CodeDeploy API (AWS JSON 1.1, member names in
// lower camel case) that the fake reads and writes. Shapes follow the CodeDeploy API
// Reference (https://docs.aws.amazon.com/codedeploy/latest/APIReference/), e.g.
// API_DeploymentInfo.html, API_DeploymentGroupInfo.html, API_ECSTarget.html.

// epoch is a timestamp written as epoch seconds, a JSON number: the Go SDK refuses the
// ISO strings moto sends ("expected Timestamp to be a JSON Number").
type epoch time.Time

func (e epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(e).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func (e *epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("timestamp must be epoch seconds: %w", err)
	}
	*e = epoch(time.UnixMilli(int64(f * 1000)).UTC())
	return nil
}

func ts(t time.Time) *epoch {
	e := epoch(t)
	return &e
}

type ecsService struct {
	ServiceName string `json:"serviceName,omitempty"`
	ClusterName string `json:"clusterName,omitempty"`
}

type targetGroupInfo struct {
	Name string `json:"name,omitempty"`
}

type trafficRoute struct {
	ListenerArns []string `json:"listenerArns,omitempty"`
}

type targetGroupPairInfo struct {
	TargetGroups     []targetGroupInfo `json:"targetGroups,omitempty"`
	ProdTrafficRoute *trafficRoute     `json:"prodTrafficRoute,omitempty"`
	TestTrafficRoute *trafficRoute     `json:"testTrafficRoute,omitempty"`
}

type loadBalancerInfo struct {
	ElbInfoList             json.RawMessage       `json:"elbInfoList,omitempty"`
	TargetGroupInfoList     []targetGroupInfo     `json:"targetGroupInfoList,omitempty"`
	TargetGroupPairInfoList []targetGroupPairInfo `json:"targetGroupPairInfoList,omitempty"`
}

type deploymentReadyOption struct {
	ActionOnTimeout   string `json:"actionOnTimeout,omitempty"`
	WaitTimeInMinutes int    `json:"waitTimeInMinutes,omitempty"`
}

type blueInstanceTerminationOption struct {
	Action                       string `json:"action,omitempty"`
	TerminationWaitTimeInMinutes int    `json:"terminationWaitTimeInMinutes,omitempty"`
}

type blueGreenConfig struct {
	DeploymentReadyOption                     *deploymentReadyOption         `json:"deploymentReadyOption,omitempty"`
	GreenFleetProvisioningOption              json.RawMessage                `json:"greenFleetProvisioningOption,omitempty"`
	TerminateBlueInstancesOnDeploymentSuccess *blueInstanceTerminationOption `json:"terminateBlueInstancesOnDeploymentSuccess,omitempty"`
}

type autoRollbackConfig struct {
	Enabled bool     `json:"enabled"`
	Events  []string `json:"events,omitempty"`
}

func (c *autoRollbackConfig) on(event string) bool {
	if c == nil || !c.Enabled {
		return false
	}
	for _, e := range c.Events {
		if e == event {
			return true
		}
	}
	return false
}

type deploymentStyle struct {
	DeploymentType   string `json:"deploymentType,omitempty"`
	DeploymentOption string `json:"deploymentOption,omitempty"`
}

type rawContent struct {
	Content string `json:"content,omitempty"`
	Sha256  string `json:"sha256,omitempty"`
}

type revisionLocation struct {
	RevisionType   string          `json:"revisionType,omitempty"`
	AppSpecContent *rawContent     `json:"appSpecContent,omitempty"`
	String         *rawContent     `json:"string,omitempty"`
	S3Location     json.RawMessage `json:"s3Location,omitempty"`
	GitHubLocation json.RawMessage `json:"gitHubLocation,omitempty"`
}

// content returns the inline AppSpec text, if the revision carries one.
func (r *revisionLocation) content() (string, bool) {
	switch {
	case r.AppSpecContent != nil:
		return r.AppSpecContent.Content, true
	case r.String != nil:
		return r.String.Content, true
	}
	return "", false
}

// withDigest fills the sha256 of inline content, as GetDeployment reports it.
func (r *revisionLocation) withDigest() *revisionLocation {
	c := *r
	for _, p := range []**rawContent{&c.AppSpecContent, &c.String} {
		if *p != nil && (*p).Sha256 == "" {
			sum := sha256.Sum256([]byte((*p).Content))
			cp := **p
			cp.Sha256 = hex.EncodeToString(sum[:])
			*p = &cp
		}
	}
	return &c
}

// sameAs reports whether two revisions name the same content.
func (r *revisionLocation) sameAs(o *revisionLocation) bool {
	if r == nil || o == nil {
		return false
	}
	a, b := r.withDigest(), o.withDigest()
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

type errorInformation struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

type rollbackInfo struct {
	RollbackDeploymentID           string `json:"rollbackDeploymentId,omitempty"`
	RollbackTriggeringDeploymentID string `json:"rollbackTriggeringDeploymentId,omitempty"`
	RollbackMessage                string `json:"rollbackMessage,omitempty"`
}

// deploymentOverview uses capitalised member names on the wire
// (API_DeploymentOverview.html).
type deploymentOverview struct {
	Pending    int64 `json:"Pending"`
	InProgress int64 `json:"InProgress"`
	Succeeded  int64 `json:"Succeeded"`
	Failed     int64 `json:"Failed"`
	Skipped    int64 `json:"Skipped"`
	Ready      int64 `json:"Ready"`
}

type applicationInfo struct {
	ApplicationID   string `json:"applicationId"`
	ApplicationName string `json:"applicationName"`
	ComputePlatform string `json:"computePlatform"`
	CreateTime      *epoch `json:"createTime"`
	LinkedToGitHub  bool   `json:"linkedToGitHub"`
}

type lastDeploymentInfo struct {
	DeploymentID string `json:"deploymentId"`
	Status       string `json:"status"`
	CreateTime   *epoch `json:"createTime,omitempty"`
	EndTime      *epoch `json:"endTime,omitempty"`
}

// groupSettings are a deployment group's settings as CreateDeploymentGroup and
// UpdateDeploymentGroup take them and DeploymentGroupInfo reports them; the group
// keeps them in this form.
type groupSettings struct {
	DeploymentStyle                  *deploymentStyle    `json:"deploymentStyle,omitempty"`
	EcsServices                      []ecsService        `json:"ecsServices,omitempty"`
	LoadBalancerInfo                 *loadBalancerInfo   `json:"loadBalancerInfo,omitempty"`
	BlueGreenDeploymentConfiguration *blueGreenConfig    `json:"blueGreenDeploymentConfiguration,omitempty"`
	AutoRollbackConfiguration        *autoRollbackConfig `json:"autoRollbackConfiguration,omitempty"`
	AlarmConfiguration               json.RawMessage     `json:"alarmConfiguration,omitempty"`
	TriggerConfigurations            json.RawMessage     `json:"triggerConfigurations,omitempty"`
}

// apply copies the settings that were sent (in) onto g.
func (in *groupSettings) apply(g *groupSettings) {
	if in.DeploymentStyle != nil {
		g.DeploymentStyle = in.DeploymentStyle
	}
	if in.EcsServices != nil {
		g.EcsServices = in.EcsServices
	}
	if in.LoadBalancerInfo != nil {
		g.LoadBalancerInfo = in.LoadBalancerInfo
	}
	if in.BlueGreenDeploymentConfiguration != nil {
		g.BlueGreenDeploymentConfiguration = in.BlueGreenDeploymentConfiguration
	}
	if in.AutoRollbackConfiguration != nil {
		g.AutoRollbackConfiguration = in.AutoRollbackConfiguration
	}
	if len(in.AlarmConfiguration) > 0 {
		g.AlarmConfiguration = in.AlarmConfiguration
	}
	if len(in.TriggerConfigurations) > 0 {
		g.TriggerConfigurations = in.TriggerConfigurations
	}
}

type deploymentGroupInfo struct {
	ApplicationName      string `json:"applicationName"`
	DeploymentGroupID    string `json:"deploymentGroupId"`
	DeploymentGroupName  string `json:"deploymentGroupName"`
	DeploymentConfigName string `json:"deploymentConfigName,omitempty"`
	ServiceRoleArn       string `json:"serviceRoleArn,omitempty"`
	ComputePlatform      string `json:"computePlatform"`
	groupSettings
	TargetRevision           *revisionLocation   `json:"targetRevision,omitempty"`
	LastAttemptedDeployment  *lastDeploymentInfo `json:"lastAttemptedDeployment,omitempty"`
	LastSuccessfulDeployment *lastDeploymentInfo `json:"lastSuccessfulDeployment,omitempty"`
}

type deploymentInfo struct {
	DeploymentID                       string              `json:"deploymentId"`
	ApplicationName                    string              `json:"applicationName"`
	DeploymentGroupName                string              `json:"deploymentGroupName"`
	DeploymentConfigName               string              `json:"deploymentConfigName"`
	Status                             string              `json:"status"`
	Description                        string              `json:"description,omitempty"`
	Creator                            string              `json:"creator"`
	ComputePlatform                    string              `json:"computePlatform"`
	CreateTime                         *epoch              `json:"createTime"`
	StartTime                          *epoch              `json:"startTime,omitempty"`
	CompleteTime                       *epoch              `json:"completeTime,omitempty"`
	Revision                           *revisionLocation   `json:"revision,omitempty"`
	PreviousRevision                   *revisionLocation   `json:"previousRevision,omitempty"`
	DeploymentOverview                 *deploymentOverview `json:"deploymentOverview"`
	DeploymentStyle                    *deploymentStyle    `json:"deploymentStyle,omitempty"`
	ErrorInformation                   *errorInformation   `json:"errorInformation,omitempty"`
	RollbackInfo                       *rollbackInfo       `json:"rollbackInfo,omitempty"`
	AutoRollbackConfiguration          *autoRollbackConfig `json:"autoRollbackConfiguration,omitempty"`
	BlueGreenDeploymentConfiguration   *blueGreenConfig    `json:"blueGreenDeploymentConfiguration,omitempty"`
	LoadBalancerInfo                   *loadBalancerInfo   `json:"loadBalancerInfo,omitempty"`
	InstanceTerminationWaitTimeStarted bool                `json:"instanceTerminationWaitTimeStarted"`
	DeploymentStatusMessages           []string            `json:"deploymentStatusMessages,omitempty"`
	IgnoreApplicationStopFailures      bool                `json:"ignoreApplicationStopFailures"`
	UpdateOutdatedInstancesOnly        bool                `json:"updateOutdatedInstancesOnly"`
}

type diagnostics struct {
	ErrorCode  string `json:"errorCode,omitempty"`
	ScriptName string `json:"scriptName,omitempty"`
	Message    string `json:"message,omitempty"`
	LogTail    string `json:"logTail,omitempty"`
}

type lifecycleEvent struct {
	LifecycleEventName string       `json:"lifecycleEventName"`
	Status             string       `json:"status"`
	StartTime          *epoch       `json:"startTime,omitempty"`
	EndTime            *epoch       `json:"endTime,omitempty"`
	Diagnostics        *diagnostics `json:"diagnostics,omitempty"`
}

type ecsTaskSetInfo struct {
	Identifer     string           `json:"identifer"` // sic: the API spells it this way
	DesiredCount  int64            `json:"desiredCount"`
	PendingCount  int64            `json:"pendingCount"`
	RunningCount  int64            `json:"runningCount"`
	Status        string           `json:"status"`
	TrafficWeight float64          `json:"trafficWeight"`
	TargetGroup   *targetGroupInfo `json:"targetGroup,omitempty"`
	TaskSetLabel  string           `json:"taskSetLabel"`
}

type ecsTarget struct {
	DeploymentID    string           `json:"deploymentId"`
	TargetID        string           `json:"targetId"`
	TargetArn       string           `json:"targetArn"`
	LastUpdatedAt   *epoch           `json:"lastUpdatedAt"`
	LifecycleEvents []lifecycleEvent `json:"lifecycleEvents"`
	Status          string           `json:"status"`
	TaskSetsInfo    []ecsTaskSetInfo `json:"taskSetsInfo,omitempty"`
}

type deploymentTarget struct {
	DeploymentTargetType string     `json:"deploymentTargetType"`
	EcsTarget            *ecsTarget `json:"ecsTarget,omitempty"`
}

type trafficRoutingConfig struct {
	Type            string           `json:"type,omitempty"`
	TimeBasedCanary *timeBasedCanary `json:"timeBasedCanary,omitempty"`
	TimeBasedLinear *timeBasedLinear `json:"timeBasedLinear,omitempty"`
}

type timeBasedCanary struct {
	CanaryPercentage int `json:"canaryPercentage"`
	CanaryInterval   int `json:"canaryInterval"`
}

type timeBasedLinear struct {
	LinearPercentage int `json:"linearPercentage"`
	LinearInterval   int `json:"linearInterval"`
}

type deploymentConfigInfo struct {
	DeploymentConfigID   string                `json:"deploymentConfigId"`
	DeploymentConfigName string                `json:"deploymentConfigName"`
	ComputePlatform      string                `json:"computePlatform"`
	CreateTime           *epoch                `json:"createTime"`
	MinimumHealthyHosts  json.RawMessage       `json:"minimumHealthyHosts,omitempty"`
	TrafficRoutingConfig *trafficRoutingConfig `json:"trafficRoutingConfig,omitempty"`
}
