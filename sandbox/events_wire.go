package sandbox

// The EventBridge, EventBridge Scheduler, Resource Groups and SQS shapes the proxy
// reads from moto and the requests and answers it builds (events.go,
// scheduler.go), typed. Members are the APIs' (PascalCase); Go's JSON decoding
// matches them without regard to case, so one type reads both EventBridge's
// target (NetworkConfiguration.awsvpcConfiguration, capacityProvider) and the
// Scheduler's (NetworkConfiguration.AwsvpcConfiguration, CapacityProvider).

// eventsTarget is the part of a rule's or a schedule's Target the proxy invokes.
type eventsTarget struct {
	Arn              string               `json:"Arn"`
	Input            string               `json:"Input,omitempty"`
	EcsParameters    *eventsEcsParameters `json:"EcsParameters,omitempty"`
	DeadLetterConfig *eventsDeadLetter    `json:"DeadLetterConfig,omitempty"`
}

// eventsDeadLetter is a DeadLetterConfig.
type eventsDeadLetter struct {
	Arn string `json:"Arn"`
}

// eventsEcsParameters are a target's EcsParameters.
type eventsEcsParameters struct {
	TaskDefinitionArn        string               `json:"TaskDefinitionArn"`
	TaskCount                *int                 `json:"TaskCount,omitempty"`
	LaunchType               string               `json:"LaunchType,omitempty"`
	PlatformVersion          string               `json:"PlatformVersion,omitempty"`
	Group                    string               `json:"Group,omitempty"`
	PropagateTags            string               `json:"PropagateTags,omitempty"`
	CapacityProviderStrategy []capacityProviderIt `json:"CapacityProviderStrategy,omitempty"`
	NetworkConfiguration     *eventsNetwork       `json:"NetworkConfiguration,omitempty"`
}

// capacityProviderIt is one CapacityProviderStrategyItem (the same members in
// EventBridge, the Scheduler and ECS's RunTask).
type capacityProviderIt struct {
	CapacityProvider string `json:"capacityProvider"`
	Base             *int   `json:"base"`
	Weight           *int   `json:"weight"`
}

// eventsNetwork is a target's NetworkConfiguration.
type eventsNetwork struct {
	AwsvpcConfiguration *eventsAwsvpc `json:"awsvpcConfiguration,omitempty"`
}

// eventsAwsvpc is a target's AwsVpcConfiguration.
type eventsAwsvpc struct {
	Subnets        []string `json:"Subnets"`
	SecurityGroups []string `json:"SecurityGroups,omitempty"`
	AssignPublicIP string   `json:"AssignPublicIp,omitempty"`
}

// eventsRunTask is the RunTask request an invocation makes.
type eventsRunTask struct {
	Cluster                  string               `json:"cluster"`
	TaskDefinition           string               `json:"taskDefinition"`
	StartedBy                string               `json:"startedBy"`
	Count                    *int                 `json:"count,omitempty"`
	LaunchType               string               `json:"launchType,omitempty"`
	PlatformVersion          string               `json:"platformVersion,omitempty"`
	Group                    string               `json:"group,omitempty"`
	PropagateTags            string               `json:"propagateTags,omitempty"`
	CapacityProviderStrategy []capacityProviderIt `json:"capacityProviderStrategy,omitempty"`
	NetworkConfiguration     *wireNetworkConfig   `json:"networkConfiguration,omitempty"`
	Overrides                map[string]any       `json:"overrides,omitempty"`
}

// runTaskAnswer is what an invocation reads of RunTask's answer (or error).
type runTaskAnswer struct {
	Tasks []struct {
		TaskArn string `json:"taskArn"`
	} `json:"tasks"`
	Failures []wireFailure `json:"failures"`
	Type     string        `json:"__type"`
	Message  string        `json:"message"`
}

// EventBridge requests the proxy makes of moto, and what it reads of the answers.
type (
	// ruleName names the rule of PutRule, DeleteRule, EnableRule, DisableRule
	// (Name) or PutTargets, RemoveTargets (Rule).
	ruleName struct {
		Name string `json:"Name,omitempty"`
		Rule string `json:"Rule,omitempty"`
	}
	describeRuleRequest struct {
		Name string `json:"Name"`
	}
	listTargetsRequest struct {
		Rule  string `json:"Rule"`
		Limit int    `json:"Limit"`
	}
	listRulesRequest struct {
		NextToken *string `json:"NextToken"`
		Limit     int     `json:"Limit"`
	}
	listTagsRequest struct {
		ResourceARN string `json:"ResourceARN"`
	}
	describeRuleAnswer struct {
		Arn                string `json:"Arn"`
		ScheduleExpression string `json:"ScheduleExpression"`
		State              string `json:"State"`
	}
	listTargetsAnswer struct {
		Targets []eventsTarget `json:"Targets"`
	}
	listRulesAnswer struct {
		Rules []struct {
			Arn string `json:"Arn"`
		} `json:"Rules"`
		NextToken string `json:"NextToken"`
	}
	listTagsAnswer struct {
		Tags []struct {
			Key   string `json:"Key"`
			Value string `json:"Value"`
		} `json:"Tags"`
	}
)

// scheduledEvent is the event EventBridge sends for a scheduled rule ("Scheduled
// Event"); its members in alphabetical order, as they have always been written.
type scheduledEvent struct {
	Account    string   `json:"account"`
	Detail     struct{} `json:"detail"`
	DetailType string   `json:"detail-type"`
	ID         string   `json:"id"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Source     string   `json:"source"`
	Time       string   `json:"time"`
	Version    string   `json:"version"`
}

// SQS requests of a dead-letter delivery.
type (
	getQueueURLRequest struct {
		QueueName string `json:"QueueName"`
	}
	getQueueURLAnswer struct {
		QueueURL string `json:"QueueUrl"`
	}
	sendMessageRequest struct {
		QueueURL          string                   `json:"QueueUrl"`
		MessageBody       string                   `json:"MessageBody"`
		MessageAttributes map[string]sqsStringAttr `json:"MessageAttributes"`
	}
	sqsStringAttr struct {
		DataType    string `json:"DataType"`
		StringValue string `json:"StringValue"`
	}
)

// Resource Groups SearchResources (TAG_FILTERS_1_0).
type (
	searchResourcesRequest struct {
		ResourceQuery struct {
			Type  string `json:"Type"`
			Query string `json:"Query"`
		} `json:"ResourceQuery"`
	}
	tagFiltersQuery struct {
		ResourceTypeFilters []string
		TagFilters          []struct {
			Key    string
			Values []string
		}
	}
	wireSearchResources struct {
		ResourceIdentifiers []wireResourceIdentifier `json:"ResourceIdentifiers"`
		QueryErrors         []any                    `json:"QueryErrors"`
	}
	wireResourceIdentifier struct {
		ResourceArn  string `json:"ResourceArn"`
		ResourceType string `json:"ResourceType"`
	}
	wireRGError struct {
		Message string `json:"Message"`
	}
)

// scheduleRequest is what the proxy reads of CreateSchedule and UpdateSchedule.
type scheduleRequest struct {
	GroupName                  string        `json:"GroupName"`
	ScheduleExpression         string        `json:"ScheduleExpression"`
	ScheduleExpressionTimezone string        `json:"ScheduleExpressionTimezone"`
	State                      string        `json:"State"`
	Target                     *eventsTarget `json:"Target"`
}
