package schedule

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/goccy/go-yaml"
)

// Account is where ARNs are built: the file's region and the caller's account.
type Account struct {
	ID     string
	Region string
}

// Resolved is a rule with the file's defaults applied (role, cluster, tracking id),
// ready to be mapped to EventBridge.
type Resolved struct {
	*Rule
	Cluster    string
	TrackingID string
	Account    Account
}

// Resolve applies the file's defaults to every rule, as ecschedule merges its base
// config: the rule's role, else the file's, else ecsEventsRole; the rule's cluster,
// else the file's; trackingId, else the cluster.
func (f *File) Resolve(acct Account) []*Resolved {
	out := make([]*Resolved, 0, len(f.Rules))
	for _, r := range f.Rules {
		c := *r
		if c.Role == "" {
			c.Role = f.Role
		}
		if c.Role == "" {
			c.Role = DefaultRole
		}
		res := &Resolved{Rule: &c, Cluster: f.Cluster, TrackingID: f.TrackingID, Account: acct}
		if r.Cluster != "" {
			res.Cluster = r.Cluster
		}
		if r.TrackingID != "" {
			res.TrackingID = r.TrackingID
		}
		if res.TrackingID == "" {
			res.TrackingID = f.Cluster
		}
		out = append(out, res)
	}
	return out
}

// TrackingIDOf is the tracking id of the file's rules (trackingId, else the cluster).
func (f *File) TrackingIDOf() string {
	if f.TrackingID != "" {
		return f.TrackingID
	}
	return f.Cluster
}

// Prefixes are the ARN prefixes ecschedule strips and adds.
type Prefixes struct {
	Rule, TaskDefinition, Role, SQS string
}

// PrefixesOf returns the ARN prefixes of an account and region.
func PrefixesOf(a Account) Prefixes {
	return Prefixes{
		Rule:           fmt.Sprintf("arn:aws:events:%s:%s:rule/", a.Region, a.ID),
		TaskDefinition: fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/", a.Region, a.ID),
		Role:           fmt.Sprintf("arn:aws:iam::%s:role/", a.ID),
		SQS:            fmt.Sprintf("arn:aws:sqs:%s:%s:", a.Region, a.ID),
	}
}

// ClusterARN is the cluster's ARN (a name is made an ARN in the account).
func ClusterARN(cluster string, a Account) string {
	if strings.HasPrefix(cluster, "arn:") {
		return cluster
	}
	return fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", a.Region, a.ID, cluster)
}

// RoleARN is the rule's role as an ARN.
func (r *Resolved) RoleARN() string {
	if strings.HasPrefix(r.Role, "arn:") {
		return r.Role
	}
	return PrefixesOf(r.Account).Role + r.Role
}

// RuleARN is the rule's ARN on the default event bus.
func (r *Resolved) RuleARN() string { return PrefixesOf(r.Account).Rule + r.Name }

// ClusterARN is the target's cluster ARN.
func (r *Resolved) ClusterARN() string { return ClusterARN(r.Cluster, r.Account) }

// TaskDefinitionARN is the target's task definition: an ARN as written, else the
// family (or family:revision) made an ARN, which EventBridge runs as the family's
// latest ACTIVE revision when it has no revision.
func (r *Resolved) TaskDefinitionARN() string {
	if strings.HasPrefix(r.TaskDefinition, "arn:") {
		return r.TaskDefinition
	}
	return PrefixesOf(r.Account).TaskDefinition + r.TaskDefinition
}

// TargetIDOf is the target's id: targetId, else the rule's name.
func (r *Resolved) TargetIDOf() string {
	if r.TargetID == "" {
		return r.Name
	}
	return r.TargetID
}

// State is ENABLED or DISABLED.
func (r *Resolved) State() ebtypes.RuleState {
	if r.Disabled {
		return ebtypes.RuleStateDisabled
	}
	return ebtypes.RuleStateEnabled
}

// PutRuleInput is the PutRule request ecschedule sends for the rule.
func (r *Resolved) PutRuleInput() *eventbridge.PutRuleInput {
	return &eventbridge.PutRuleInput{
		Description:        aws.String(r.Description),
		Name:               aws.String(r.Name),
		RoleArn:            aws.String(r.RoleARN()),
		ScheduleExpression: aws.String(r.ScheduleExpression),
		State:              r.State(),
	}
}

// PutTargetsInput is the PutTargets request ecschedule sends for the rule.
func (r *Resolved) PutTargetsInput() *eventbridge.PutTargetsInput {
	return &eventbridge.PutTargetsInput{Rule: aws.String(r.Name), Targets: []ebtypes.Target{r.Target()}}
}

// TagResourceInput tags the rule with the file's tracking id.
func (r *Resolved) TagResourceInput() *eventbridge.TagResourceInput {
	return &eventbridge.TagResourceInput{
		ResourceARN: aws.String(r.RuleARN()),
		Tags:        []ebtypes.Tag{{Key: aws.String(TrackingTag), Value: aws.String(r.TrackingID)}},
	}
}

// Target is the rule's ECS target as ecschedule builds it.
func (r *Resolved) Target() ebtypes.Target {
	t := ebtypes.Target{
		Id:            aws.String(r.TargetIDOf()),
		Arn:           aws.String(r.ClusterARN()),
		RoleArn:       aws.String(r.RoleARN()),
		EcsParameters: r.ecsParameters(),
		Input:         aws.String(r.Input()),
	}
	if d := r.DeadLetterConfig; d != nil {
		arn := d.Sqs
		if !strings.HasPrefix(arn, "arn:") {
			arn = PrefixesOf(r.Account).SQS + arn
		}
		t.DeadLetterConfig = &ebtypes.DeadLetterConfig{Arn: aws.String(arn)}
	}
	return t
}

func (r *Resolved) ecsParameters() *ebtypes.EcsParameters {
	p := &ebtypes.EcsParameters{
		TaskDefinitionArn: aws.String(r.TaskDefinitionARN()),
		TaskCount:         aws.Int32(max(r.TaskCount, 1)),
	}
	if r.Group != "" {
		p.Group = aws.String(r.Group)
	}
	if r.LaunchType != "" {
		p.LaunchType = ebtypes.LaunchType(r.LaunchType)
	}
	for _, c := range r.CapacityProviderStrategy {
		p.CapacityProviderStrategy = append(p.CapacityProviderStrategy, ebtypes.CapacityProviderStrategyItem{
			CapacityProvider: aws.String(c.CapacityProvider), Base: c.Base, Weight: c.Weight,
		})
	}
	if r.PlatformVersion != "" {
		p.PlatformVersion = aws.String(r.PlatformVersion)
	}
	if r.PropagateTags != nil {
		p.PropagateTags = ebtypes.PropagateTags(*r.PropagateTags)
	}
	if nc := r.NetworkConfiguration; nc != nil && nc.AwsVpcConfiguration != nil {
		v := &ebtypes.AwsVpcConfiguration{Subnets: nc.AwsVpcConfiguration.Subnets}
		if len(nc.AwsVpcConfiguration.SecurityGroups) > 0 {
			v.SecurityGroups = nc.AwsVpcConfiguration.SecurityGroups
		}
		if a := nc.AwsVpcConfiguration.AssignPublicIP; a != "" {
			v.AssignPublicIp = ebtypes.AssignPublicIp(a)
		}
		p.NetworkConfiguration = &ebtypes.NetworkConfiguration{AwsvpcConfiguration: v}
	}
	return p
}

// inputDoc is the target's Input: an ECS TaskOverride document, with the keys and
// omissions of ecschedule's marshalling (containerOverrides is always present, null
// when there is none).
type inputDoc struct {
	Cpu                *string             `json:"cpu,omitempty"`
	Memory             *string             `json:"memory,omitempty"`
	ContainerOverrides []inputContainerDoc `json:"containerOverrides"`
}

type inputContainerDoc struct {
	Name              string   `json:"name"`
	Command           []string `json:"command,omitempty"`
	Environment       []kvDoc  `json:"environment,omitempty"`
	Cpu               *int32   `json:"cpu,omitempty"`
	Memory            *int32   `json:"memory,omitempty"`
	MemoryReservation *int32   `json:"memoryReservation,omitempty"`
}

type kvDoc struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Input is the Input document ecschedule sends: the task override with the
// container overrides' environment maps as name/value lists. ecschedule lists the
// environment in Go's random map order; doppio sorts it by name, which EventBridge
// and ECS treat the same and makes the document stable.
func (r *Resolved) Input() string {
	doc := inputDoc{}
	if to := r.TaskOverride; to != nil {
		doc.Cpu, doc.Memory = to.Cpu.Ptr(), to.Memory.Ptr()
	}
	for _, co := range r.ContainerOverrides {
		c := inputContainerDoc{Name: co.Name, Command: co.Command, Cpu: co.Cpu, Memory: co.Memory, MemoryReservation: co.MemoryReservation}
		for _, k := range slices.Sorted(maps.Keys(co.Environment)) {
			c.Environment = append(c.Environment, kvDoc{Name: k, Value: string(co.Environment[k])})
		}
		doc.ContainerOverrides = append(doc.ContainerOverrides, c)
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// LiveRule is a rule as EventBridge describes it, with its targets and whether it
// carries the tracking tag.
type LiveRule struct {
	Rule    ebtypes.Rule
	Targets []ebtypes.Target
}

// FromLive maps a live rule back to the file's form, as ecschedule's dump and diff
// do: it is nil (not a rule of this cluster) unless the rule is on the account's
// default bus and has exactly one target, an ECS task on clusterARN. ARNs of the
// account are shortened to names (role, task definition, dead-letter queue).
func FromLive(l *LiveRule, clusterARN string, a Account) (*Rule, error) {
	pre := PrefixesOf(a)
	if !strings.HasPrefix(aws.ToString(l.Rule.Arn), pre.Rule) || len(l.Targets) != 1 {
		return nil, nil
	}
	t := l.Targets[0]
	if aws.ToString(t.Arn) != clusterARN || t.EcsParameters == nil {
		return nil, nil
	}
	ep := t.EcsParameters
	r := &Rule{
		Name:               aws.ToString(l.Rule.Name),
		Description:        aws.ToString(l.Rule.Description),
		ScheduleExpression: aws.ToString(l.Rule.ScheduleExpression),
		Disabled:           l.Rule.State == ebtypes.RuleStateDisabled,
		Role:               strings.TrimPrefix(aws.ToString(t.RoleArn), pre.Role),
		TaskDefinition:     strings.TrimPrefix(aws.ToString(ep.TaskDefinitionArn), pre.TaskDefinition),
		Group:              aws.ToString(ep.Group),
		LaunchType:         string(ep.LaunchType),
		PlatformVersion:    aws.ToString(ep.PlatformVersion),
	}
	if id := aws.ToString(t.Id); id != r.Name {
		r.TargetID = id
	}
	if n := aws.ToInt32(ep.TaskCount); n != 1 {
		r.TaskCount = n
	}
	for _, c := range ep.CapacityProviderStrategy {
		r.CapacityProviderStrategy = append(r.CapacityProviderStrategy, &CapacityProviderStrategyItem{
			CapacityProvider: aws.ToString(c.CapacityProvider), Base: c.Base, Weight: c.Weight})
	}
	if ep.PropagateTags != "" {
		r.PropagateTags = aws.String(string(ep.PropagateTags))
	}
	if nc := ep.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		r.NetworkConfiguration = &NetworkConfiguration{AwsVpcConfiguration: &AwsVpcConfiguration{
			Subnets: nc.AwsvpcConfiguration.Subnets, SecurityGroups: nc.AwsvpcConfiguration.SecurityGroups,
			AssignPublicIP: string(nc.AwsvpcConfiguration.AssignPublicIp)}}
	}
	if d := t.DeadLetterConfig; d != nil {
		r.DeadLetterConfig = &DeadLetterConfig{Sqs: strings.TrimPrefix(aws.ToString(d.Arn), pre.SQS)}
	}
	if in := aws.ToString(t.Input); in != "" {
		var doc inputDoc // the document Target writes
		if err := json.Unmarshal([]byte(in), &doc); err != nil {
			return nil, fmt.Errorf("rule %s: target input is not a task override document: %w", r.Name, err)
		}
		if doc.Cpu != nil || doc.Memory != nil {
			r.TaskOverride = &TaskOverride{Cpu: (*Text)(doc.Cpu), Memory: (*Text)(doc.Memory)}
		}
		for _, c := range doc.ContainerOverrides {
			co := &ContainerOverride{Name: c.Name, Command: c.Command, Cpu: c.Cpu, Memory: c.Memory, MemoryReservation: c.MemoryReservation}
			for _, kv := range c.Environment {
				if co.Environment == nil {
					co.Environment = map[string]Text{}
				}
				co.Environment[kv.Name] = Text(kv.Value)
			}
			r.ContainerOverrides = append(r.ContainerOverrides, co)
		}
	}
	return normalize(r, a), nil
}

// Canonical is the rule in the form FromLive produces from what it would create:
// account ARNs shortened, defaults (task count 1, target id = name) left out, empty
// lists and maps absent. Two rules with the same Canonical make the same rule and
// target.
func (r *Resolved) Canonical() *Rule {
	c := *r.Rule
	c.Role = strings.TrimPrefix(r.RoleARN(), PrefixesOf(r.Account).Role)
	c.Region, c.Cluster, c.TrackingID, c.Scheduler = "", "", "", nil
	return normalize(&c, r.Account)
}

func normalize(r *Rule, a Account) *Rule {
	pre := PrefixesOf(a)
	c := *r
	c.TaskDefinition = strings.TrimPrefix(c.TaskDefinition, pre.TaskDefinition)
	if c.TargetID == c.Name {
		c.TargetID = ""
	}
	if c.TaskCount <= 1 {
		c.TaskCount = 0
	}
	if to := c.TaskOverride; to != nil && to.Cpu == nil && to.Memory == nil {
		c.TaskOverride = nil
	}
	if len(c.CapacityProviderStrategy) == 0 {
		c.CapacityProviderStrategy = nil
	}
	if c.PropagateTags != nil && *c.PropagateTags == "" {
		c.PropagateTags = nil
	}
	if d := c.DeadLetterConfig; d != nil {
		c.DeadLetterConfig = &DeadLetterConfig{Sqs: strings.TrimPrefix(d.Sqs, pre.SQS)}
	}
	if nc := c.NetworkConfiguration; nc != nil && nc.AwsVpcConfiguration != nil {
		v := *nc.AwsVpcConfiguration
		if len(v.SecurityGroups) == 0 {
			v.SecurityGroups = nil
		}
		c.NetworkConfiguration = &NetworkConfiguration{AwsVpcConfiguration: &v}
	}
	c.ContainerOverrides = nil
	for _, co := range r.ContainerOverrides {
		x := *co
		if len(x.Command) == 0 {
			x.Command = nil
		}
		if len(x.Environment) == 0 {
			x.Environment = nil
		}
		c.ContainerOverrides = append(c.ContainerOverrides, &x)
	}
	return &c
}

// YAML is the rule in ecschedule's YAML, as dump writes it and diff compares it.
func (r *Rule) YAML() string {
	if r == nil {
		return ""
	}
	b, err := yaml.Marshal(r)
	if err != nil {
		return fmt.Sprintf("# cannot print rule %s: %v\n", r.Name, err)
	}
	return string(b)
}
