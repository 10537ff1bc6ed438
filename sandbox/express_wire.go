package sandbox

import "encoding/json"

// The Express Mode requests the proxy reads, the requests it makes of its own ECS
// handlers for them, and the answers it builds (express.go, express_state.go), as
// typed values whose JSON is the wire shape of the ECS API reference. Tags,
// environment and secrets stay raw JSON: the proxy echoes what the client sent.

// expressConfigMembers are the members of CreateExpressGatewayService and
// UpdateExpressGatewayService that make up a configuration
// (ExpressGatewayServiceConfiguration); empty is "not given".
type expressConfigMembers struct {
	CPU                  string                `json:"cpu,omitempty"`
	CPUArchitecture      string                `json:"cpuArchitecture,omitempty"`
	Memory               string                `json:"memory,omitempty"`
	HealthCheckPath      string                `json:"healthCheckPath,omitempty"`
	PrimaryContainer     *expressContainer     `json:"primaryContainer,omitempty"`
	NetworkConfiguration *expressNetworkConfig `json:"networkConfiguration,omitempty"`
	ScalingTarget        *expressScalingTarget `json:"scalingTarget,omitempty"`
	ExecutionRoleArn     string                `json:"executionRoleArn,omitempty"`
	TaskRoleArn          string                `json:"taskRoleArn,omitempty"`
}

// expressContainer is an ExpressGatewayContainer.
type expressContainer struct {
	Image                 string                  `json:"image,omitempty"`
	ContainerPort         *int                    `json:"containerPort,omitempty"`
	Command               []string                `json:"command,omitempty"`
	Environment           []any                   `json:"environment,omitempty"`
	Secrets               []any                   `json:"secrets,omitempty"`
	RepositoryCredentials *expressRepoCredentials `json:"repositoryCredentials,omitempty"`
	AwsLogsConfiguration  *expressAwsLogs         `json:"awsLogsConfiguration,omitempty"`
}

// expressRepoCredentials is an ExpressGatewayRepositoryCredentials.
type expressRepoCredentials struct {
	CredentialsParameter string `json:"credentialsParameter"`
}

// expressAwsLogs is an ExpressGatewayServiceAwsLogsConfiguration.
type expressAwsLogs struct {
	LogGroup        string `json:"logGroup"`
	LogStreamPrefix string `json:"logStreamPrefix"`
}

// expressNetworkConfig is an ExpressGatewayServiceNetworkConfiguration.
type expressNetworkConfig struct {
	Subnets        []string `json:"subnets,omitempty"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
}

// expressScalingTarget is an ExpressGatewayScalingTarget.
type expressScalingTarget struct {
	MinTaskCount           *int   `json:"minTaskCount,omitempty"`
	MaxTaskCount           *int   `json:"maxTaskCount,omitempty"`
	AutoScalingMetric      string `json:"autoScalingMetric,omitempty"`
	AutoScalingTargetValue *int   `json:"autoScalingTargetValue,omitempty"`
}

// createExpressRequest is a CreateExpressGatewayService request.
type createExpressRequest struct {
	expressConfigMembers
	ServiceName           string `json:"serviceName"`
	Cluster               string `json:"cluster"`
	InfrastructureRoleArn string `json:"infrastructureRoleArn"`
	TaskDefinitionArn     string `json:"taskDefinitionArn"`
	Tags                  []any  `json:"tags"`
}

// updateExpressRequest is an UpdateExpressGatewayService request.
type updateExpressRequest struct {
	expressConfigMembers
	ServiceArn        string `json:"serviceArn"`
	TaskDefinitionArn string `json:"taskDefinitionArn"`
}

// expressRef names an Express Mode service (Describe/DeleteExpressGatewayService).
type expressRef struct {
	ServiceArn string `json:"serviceArn"`
}

// wireExpressService is an ECSExpressGatewayService.
type wireExpressService struct {
	ServiceArn            string              `json:"serviceArn"`
	ServiceName           string              `json:"serviceName"`
	Cluster               string              `json:"cluster"`
	InfrastructureRoleArn string              `json:"infrastructureRoleArn"`
	Status                wireExpressStatus   `json:"status"`
	CreatedAt             json.Number         `json:"createdAt"`
	UpdatedAt             json.Number         `json:"updatedAt"`
	Tags                  []any               `json:"tags,omitempty"`
	ActiveConfigurations  []wireExpressConfig `json:"activeConfigurations,omitempty"`
}

// wireUpdatedExpressService is an UpdatedExpressGatewayService.
type wireUpdatedExpressService struct {
	ServiceArn          string            `json:"serviceArn"`
	ServiceName         string            `json:"serviceName"`
	Cluster             string            `json:"cluster"`
	Status              wireExpressStatus `json:"status"`
	TargetConfiguration wireExpressConfig `json:"targetConfiguration"`
	CreatedAt           json.Number       `json:"createdAt"`
	UpdatedAt           json.Number       `json:"updatedAt"`
}

// wireExpressStatus is an ExpressGatewayServiceStatus.
type wireExpressStatus struct {
	StatusCode string `json:"statusCode"`
}

// wireExpressConfig is an ExpressGatewayServiceConfiguration.
type wireExpressConfig struct {
	expressConfigMembers
	CreatedAt          json.Number       `json:"createdAt"`
	TaskDefinitionArn  string            `json:"taskDefinitionArn"`
	ServiceRevisionArn string            `json:"serviceRevisionArn,omitempty"`
	IngressPaths       []wireIngressPath `json:"ingressPaths"`
}

// wireIngressPath is an IngressPathSummary.
type wireIngressPath struct {
	AccessType string `json:"accessType"`
	Endpoint   string `json:"endpoint"`
}

// The answers' envelopes.
type (
	wireExpressAnswer struct {
		Service wireExpressService `json:"service"`
	}
	wireExpressUpdated struct {
		Service wireUpdatedExpressService `json:"service"`
	}
)

// What the proxy asks its own ECS handlers for an Express Mode service.
type (
	// expressTDRequest is the RegisterTaskDefinition request of a configuration.
	expressTDRequest struct {
		Family                  string                `json:"family"`
		NetworkMode             string                `json:"networkMode"`
		RequiresCompatibilities []string              `json:"requiresCompatibilities"`
		CPU                     string                `json:"cpu"`
		Memory                  string                `json:"memory"`
		ContainerDefinitions    []expressContainerDef `json:"containerDefinitions"`
		ExecutionRoleArn        string                `json:"executionRoleArn,omitempty"`
		TaskRoleArn             string                `json:"taskRoleArn,omitempty"`
	}
	// expressContainerDef is the ContainerDefinition of the "Main" container.
	expressContainerDef struct {
		Name                  string                  `json:"name"`
		Image                 string                  `json:"image"`
		Essential             bool                    `json:"essential"`
		PortMappings          []expressPortMapping    `json:"portMappings"`
		Command               []string                `json:"command,omitempty"`
		Environment           []any                   `json:"environment,omitempty"`
		Secrets               []any                   `json:"secrets,omitempty"`
		RepositoryCredentials *expressRepoCredentials `json:"repositoryCredentials,omitempty"`
		LogConfiguration      *expressLogConfig       `json:"logConfiguration,omitempty"`
	}
	expressPortMapping struct {
		ContainerPort *int   `json:"containerPort"`
		Protocol      string `json:"protocol"`
	}
	expressLogConfig struct {
		LogDriver string            `json:"logDriver"`
		Options   map[string]string `json:"options"`
	}
	// expressCreateService is the CreateService request of the ECS service behind.
	expressCreateService struct {
		Cluster                 string                `json:"cluster"`
		ServiceName             string                `json:"serviceName"`
		TaskDefinition          string                `json:"taskDefinition"`
		DesiredCount            int                   `json:"desiredCount"`
		LaunchType              string                `json:"launchType"`
		NetworkConfiguration    wireNetworkConfig     `json:"networkConfiguration"`
		LoadBalancers           []expressLoadBalancer `json:"loadBalancers"`
		DeploymentConfiguration expressDeploymentConf `json:"deploymentConfiguration"`
		Tags                    []any                 `json:"tags,omitempty"`
	}
	expressLoadBalancer struct {
		TargetGroupArn string `json:"targetGroupArn"`
		ContainerName  string `json:"containerName"`
		ContainerPort  int    `json:"containerPort"`
	}
	expressDeploymentConf struct {
		DeploymentCircuitBreaker expressCircuitBreaker `json:"deploymentCircuitBreaker"`
	}
	expressCircuitBreaker struct {
		Enable   bool `json:"enable"`
		Rollback bool `json:"rollback"`
	}
	// expressUpdateService is the UpdateService request of the ECS service behind.
	expressUpdateService struct {
		Cluster            string `json:"cluster"`
		Service            string `json:"service"`
		TaskDefinition     string `json:"taskDefinition"`
		DesiredCount       int    `json:"desiredCount"`
		ForceNewDeployment bool   `json:"forceNewDeployment,omitempty"`
	}
	// expressDeleteService is the DeleteService request of the ECS service behind.
	expressDeleteService struct {
		Cluster string `json:"cluster"`
		Service string `json:"service"`
		Force   bool   `json:"force"`
	}
)
