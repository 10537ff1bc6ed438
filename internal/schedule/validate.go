package schedule

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// Problems are every invalid thing found in the input; nothing is changed while
// there is one. It exits 2.
type Problems []*diag.Error

func (p Problems) Error() string {
	lines := make([]string, 0, len(p))
	for _, e := range p {
		s := e.Error()
		if e.Hint != "" {
			s += "\n    hint: " + e.Hint
		}
		lines = append(lines, s)
	}
	if len(p) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(p), strings.Join(lines, "\n  "))
}

// ExitCode is 2: invalid input.
func (p Problems) ExitCode() int { return diag.ExitUsage }

// Err returns p as an error exiting 2, or nil when empty.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	if len(p) == 1 {
		return p[0]
	}
	return diag.WithCode(p, diag.ExitUsage)
}

// ruleNameRe is PutRule's Name pattern ([\.\-_A-Za-z0-9]+, 1–64 characters).
var ruleNameRe = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

// targetIDRe is Target.Id's pattern ([\.\-_A-Za-z0-9]+, 1–64 characters).
var targetIDRe = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

// Validate checks the file before any AWS call, with the EventBridge and ECS API
// rules that a wrong value would otherwise meet at PutRule/PutTargets or, worse,
// only when the rule fires (EcsParameters are checked by ECS at RunTask).
func (f *File) Validate() error {
	var ps Problems
	add := func(line int, field string, err error, hint string) {
		ps = append(ps, &diag.Error{File: f.Path, Line: line, Field: field, Err: err, Hint: hint, Code: diag.ExitUsage})
	}
	top := func(key string) int { return lineOfKey(f.src, key, 0) }
	if f.Region == "" {
		add(top("region"), "region", errors.New("region is not set"), "set region: us-east-1 (ecschedule requires it)")
	}
	if f.Cluster == "" {
		add(top("cluster"), "cluster", errors.New("cluster is not set"), "set cluster: to the cluster's name or ARN")
	}
	f.validateScheduler(add)
	if len(f.Rules) == 0 {
		add(top("rules"), "rules", errors.New("the file has no rules"), "add rules: with name, scheduleExpression and taskDefinition")
	}
	seen := map[string]int{}
	occurrence := map[string]int{}
	for i, r := range f.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r == nil {
			add(top("rules"), field, errors.New("empty rule"), "")
			continue
		}
		at := lineOfRuleN(f.src, r.Name, occurrence[r.Name])
		if r.Name != "" {
			occurrence[r.Name]++
		}
		if at == 0 {
			at = top("rules")
		}
		key := func(k string) int {
			if l := f.KeyLine(r.Name, k); l > 0 {
				return l
			}
			return at
		}
		if r.Name != "" {
			field = fmt.Sprintf("rules[%d] (%s)", i, r.Name)
		}
		switch {
		case r.Name == "":
			add(at, field+".name", errors.New("the rule has no name"), "")
		case !ruleNameRe.MatchString(r.Name):
			add(at, field+".name", fmt.Errorf("invalid rule name %q", r.Name), "rule names are 1 to 64 letters, digits, '.', '-' and '_'")
		}
		if j, dup := seen[r.Name]; dup && r.Name != "" {
			add(at, field+".name", fmt.Errorf("duplicate rule name %q (also rules[%d])", r.Name, j), "rule names are unique in a region: rename one")
		} else {
			seen[r.Name] = i
		}
		if len(r.Description) > 512 {
			add(key("description"), field+".description", errors.New("description is longer than 512 characters"), "")
		}
		oneTime := f.ruleSched[r.Name] != nil && f.ruleSched[r.Name].At != ""
		switch {
		case oneTime && r.ScheduleExpression != "":
			add(key("scheduleExpression"), field+".scheduleExpression", errors.New("scheduleExpression and scheduler.at are both set"), "a one-time schedule (at) has no recurring expression: remove one")
		case oneTime:
		case r.ScheduleExpression == "":
			add(at, field+".scheduleExpression", errors.New("scheduleExpression is not set"), "e.g. cron(0 3 * * ? *) or rate(1 hour)")
		default:
			if _, err := ParseExpression(r.ScheduleExpression); err != nil {
				add(key("scheduleExpression"), field+".scheduleExpression", err, "see 'Schedule expressions for rules' in the EventBridge User Guide")
			}
		}
		if r.TaskDefinition == "" {
			add(at, field+".taskDefinition", errors.New("taskDefinition is not set"), "name the task definition family (or family:revision, or its ARN)")
		}
		if r.TargetID != "" && !targetIDRe.MatchString(r.TargetID) {
			add(key("targetId"), field+".targetId", fmt.Errorf("invalid targetId %q", r.TargetID), "target ids are 1 to 64 letters, digits, '.', '-' and '_'")
		}
		if r.TaskCount < 0 || r.TaskCount > 10 {
			add(key("taskCount"), field+".taskCount", fmt.Errorf("taskCount %d: must be between 1 and 10", r.TaskCount), "")
		}
		if r.LaunchType != "" && !slices.Contains([]string{"EC2", "FARGATE", "EXTERNAL"}, r.LaunchType) {
			add(key("launch_type"), field+".launch_type", fmt.Errorf("invalid launch_type %q", r.LaunchType), "launch_type is EC2, FARGATE or EXTERNAL")
		}
		if r.LaunchType != "" && len(r.CapacityProviderStrategy) > 0 {
			add(key("capacityProviderStrategy"), field+".capacityProviderStrategy", errors.New("launch_type and capacityProviderStrategy are both set"),
				"EcsParameters take one or the other: remove launch_type to use the capacity providers")
		}
		for j, c := range r.CapacityProviderStrategy {
			if c == nil || c.CapacityProvider == "" {
				add(key("capacityProviderStrategy"), fmt.Sprintf("%s.capacityProviderStrategy[%d]", field, j), errors.New("capacityProvider is not set"), "")
			} else if c.Weight < 0 || c.Weight > 1000 || c.Base < 0 || c.Base > 100000 {
				add(key("capacityProviderStrategy"), fmt.Sprintf("%s.capacityProviderStrategy[%d]", field, j), errors.New("weight must be 0..1000 and base 0..100000"), "")
			}
		}
		if r.PropagateTags != nil && *r.PropagateTags != "TASK_DEFINITION" {
			add(key("propagateTags"), field+".propagateTags", fmt.Errorf("invalid propagateTags %q", *r.PropagateTags), "EventBridge propagates TASK_DEFINITION tags only")
		}
		if nc := r.NetworkConfiguration; nc != nil {
			v := nc.AwsVpcConfiguration
			switch {
			case v == nil:
				add(key("network_configuration"), field+".network_configuration", errors.New("aws_vpc_configuration is not set"), "")
			case len(v.Subnets) == 0:
				add(key("subnets"), field+".network_configuration.aws_vpc_configuration.subnets", errors.New("no subnets"), "list 1 to 16 subnet ids")
			case len(v.Subnets) > 16 || len(v.SecurityGroups) > 5:
				add(key("subnets"), field+".network_configuration.aws_vpc_configuration", errors.New("at most 16 subnets and 5 security groups"), "")
			}
			if v != nil && v.AssignPublicIP != "" && v.AssignPublicIP != "ENABLED" && v.AssignPublicIP != "DISABLED" {
				add(key("assign_public_ip"), field+".network_configuration.aws_vpc_configuration.assign_public_ip", fmt.Errorf("invalid assign_public_ip %q", v.AssignPublicIP), "ENABLED or DISABLED")
			}
		}
		if r.DeadLetterConfig != nil && r.DeadLetterConfig.Sqs == "" {
			add(key("dead_letter_config"), field+".dead_letter_config.sqs", errors.New("sqs is not set"), "name the SQS queue (or its ARN)")
		}
		names := map[string]bool{}
		for j, co := range r.ContainerOverrides {
			cf := fmt.Sprintf("%s.containerOverrides[%d]", field, j)
			switch {
			case co == nil || co.Name == "":
				add(key("containerOverrides"), cf+".name", errors.New("the container override has no name"), "name the container it overrides")
			case names[co.Name]:
				add(key("containerOverrides"), cf+".name", fmt.Errorf("container %q is overridden twice", co.Name), "merge the two overrides")
			default:
				names[co.Name] = true
			}
		}
		if r.Region != "" && r.Region != f.Region {
			add(key("region"), field+".region", fmt.Errorf("the rule's region %q differs from the file's %q", r.Region, f.Region), "put rules of another region in a file of their own")
		}
	}
	for i, p := range f.Plugins {
		if p == nil || p.Name == "" {
			add(top("plugins"), fmt.Sprintf("plugins[%d].name", i), errors.New("plugin has no name"), "ecschedule plugins are tfstate and ssm")
		}
	}
	return ps.Err()
}

// RuleLine is the line naming rule name in the file (0 when unknown).
func (f *File) RuleLine(name string) int { return lineOfRule(f.src, name) }

// KeyLine is the line of key in the rule named name (the rule's line when not found).
func (f *File) KeyLine(name, key string) int {
	at := lineOfRule(f.src, name)
	if at == 0 {
		return 0
	}
	end := 0 // the next rule's line: the key must be before it
	for _, r := range f.Rules {
		if r == nil {
			continue
		}
		if l := lineOfRule(f.src, r.Name); l > at && (end == 0 || l < end) {
			end = l
		}
	}
	if l := lineOfKey(f.src, key, at); l > 0 && (end == 0 || l < end) {
		return l
	}
	return at
}
