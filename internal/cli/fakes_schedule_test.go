package cli

// Fakes of the schedule verbs' clients: EventBridge rules with their targets and
// tags, Resource Groups' tag search over them, and IAM roles. Every other
// operation fails the test that makes it.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	rgtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroups/types"

	"github.com/doppio-ecs/doppio/internal/schedule"
)

// fakeEvents is EventBridge's default bus: rules by name.
type fakeEvents struct {
	t     testing.TB
	mu    sync.Mutex
	calls []string
	rules map[string]*fakeRule
	// roles are the IAM roles that exist, by name.
	roles map[string]bool
}

type fakeRule struct {
	rule    ebtypes.Rule
	targets []ebtypes.Target
	tags    map[string]string
}

func newFakeEvents(t testing.TB) *fakeEvents {
	return &fakeEvents{t: t, rules: map[string]*fakeRule{}, roles: map[string]bool{}}
}

func ruleARN(name string) string {
	return fmt.Sprintf("arn:aws:events:%s:%s:rule/%s", fakeRegion, fakeAccount, name)
}

func (f *fakeEvents) call(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
}

// writes are the calls that change rules.
func (f *fakeEvents) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !slices.Contains([]string{"ListRules", "ListTargetsByRule", "ListTagsForResource", "SearchResources", "GetRole"}, c) {
			out = append(out, c)
		}
	}
	return out
}

// schedule is the region the factory hands out (no EventBridge Scheduler).
func (f *fakeClients) scheduleRegion() *schedule.Region {
	return &schedule.Region{Name: fakeRegion, Events: f.events, Search: fakeSearch{f.events}, ECS: f.ecs, Roles: fakeRoles{f.events}, Identity: fakeCaller{}}
}

func (f *fakeEvents) ListRules(context.Context, *eventbridge.ListRulesInput, ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	f.call("ListRules")
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &eventbridge.ListRulesOutput{}
	for _, r := range f.rules {
		out.Rules = append(out.Rules, r.rule)
	}
	slices.SortFunc(out.Rules, func(a, b ebtypes.Rule) int { return compareStr(aws.ToString(a.Name), aws.ToString(b.Name)) })
	return out, nil
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *fakeEvents) rule(name string) (*fakeRule, error) {
	r, ok := f.rules[name]
	if !ok {
		return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("Rule " + name + " does not exist on EventBus default.")}
	}
	return r, nil
}

func (f *fakeEvents) ListTargetsByRule(_ context.Context, in *eventbridge.ListTargetsByRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	f.call("ListTargetsByRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.rule(aws.ToString(in.Rule))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListTargetsByRuleOutput{Targets: slices.Clone(r.targets)}, nil
}

func (f *fakeEvents) ListTagsForResource(_ context.Context, in *eventbridge.ListTagsForResourceInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTagsForResourceOutput, error) {
	f.call("ListTagsForResource")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if aws.ToString(r.rule.Arn) == aws.ToString(in.ResourceARN) {
			out := &eventbridge.ListTagsForResourceOutput{}
			for k, v := range r.tags {
				out.Tags = append(out.Tags, ebtypes.Tag{Key: aws.String(k), Value: aws.String(v)})
			}
			return out, nil
		}
	}
	return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("no rule " + aws.ToString(in.ResourceARN))}
}

func (f *fakeEvents) PutRule(_ context.Context, in *eventbridge.PutRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error) {
	f.call("PutRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.Name)
	r, ok := f.rules[name]
	if !ok {
		r = &fakeRule{tags: map[string]string{}}
		f.rules[name] = r
	}
	r.rule = ebtypes.Rule{Name: in.Name, Arn: aws.String(ruleARN(name)), ScheduleExpression: in.ScheduleExpression, Description: in.Description,
		State: in.State, EventBusName: aws.String("default"), RoleArn: in.RoleArn, EventPattern: in.EventPattern}
	if r.rule.State == "" {
		r.rule.State = ebtypes.RuleStateEnabled
	}
	for _, t := range in.Tags {
		r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return &eventbridge.PutRuleOutput{RuleArn: r.rule.Arn}, nil
}

func (f *fakeEvents) PutTargets(_ context.Context, in *eventbridge.PutTargetsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error) {
	f.call("PutTargets")
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.rule(aws.ToString(in.Rule))
	if err != nil {
		return nil, err
	}
	for _, t := range in.Targets {
		r.targets = slices.DeleteFunc(r.targets, func(o ebtypes.Target) bool { return aws.ToString(o.Id) == aws.ToString(t.Id) })
		r.targets = append(r.targets, t)
	}
	return &eventbridge.PutTargetsOutput{}, nil
}

func (f *fakeEvents) RemoveTargets(_ context.Context, in *eventbridge.RemoveTargetsInput, _ ...func(*eventbridge.Options)) (*eventbridge.RemoveTargetsOutput, error) {
	f.call("RemoveTargets")
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.rule(aws.ToString(in.Rule))
	if err != nil {
		return nil, err
	}
	r.targets = slices.DeleteFunc(r.targets, func(o ebtypes.Target) bool { return slices.Contains(in.Ids, aws.ToString(o.Id)) })
	return &eventbridge.RemoveTargetsOutput{}, nil
}

func (f *fakeEvents) DeleteRule(_ context.Context, in *eventbridge.DeleteRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.DeleteRuleOutput, error) {
	f.call("DeleteRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.rule(aws.ToString(in.Name))
	if err != nil {
		return nil, err
	}
	if len(r.targets) > 0 {
		return nil, &ebtypes.ConcurrentModificationException{Message: aws.String("Rule can't be deleted since it has targets.")}
	}
	delete(f.rules, aws.ToString(in.Name))
	return &eventbridge.DeleteRuleOutput{}, nil
}

func (f *fakeEvents) TagResource(_ context.Context, in *eventbridge.TagResourceInput, _ ...func(*eventbridge.Options)) (*eventbridge.TagResourceOutput, error) {
	f.call("TagResource")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rules {
		if aws.ToString(r.rule.Arn) == aws.ToString(in.ResourceARN) {
			for _, t := range in.Tags {
				r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			return &eventbridge.TagResourceOutput{}, nil
		}
	}
	return nil, &ebtypes.ResourceNotFoundException{Message: aws.String("no rule " + aws.ToString(in.ResourceARN))}
}

// fakeSearch is Resource Groups' tag search over the fake rules.
type fakeSearch struct{ f *fakeEvents }

func (s fakeSearch) SearchResources(_ context.Context, in *resourcegroups.SearchResourcesInput, _ ...func(*resourcegroups.Options)) (*resourcegroups.SearchResourcesOutput, error) {
	s.f.call("SearchResources")
	var q struct {
		TagFilters []struct {
			Key    string
			Values []string
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(in.ResourceQuery.Query)), &q); err != nil {
		s.f.t.Errorf("fake Resource Groups: query %s: %v", aws.ToString(in.ResourceQuery.Query), err)
		return nil, err
	}
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	out := &resourcegroups.SearchResourcesOutput{}
	for _, r := range s.f.rules {
		match := true
		for _, tf := range q.TagFilters {
			v, ok := r.tags[tf.Key]
			match = match && ok && (len(tf.Values) == 0 || slices.Contains(tf.Values, v))
		}
		if match {
			out.ResourceIdentifiers = append(out.ResourceIdentifiers, rgtypes.ResourceIdentifier{ResourceArn: r.rule.Arn, ResourceType: aws.String("AWS::Events::Rule")})
		}
	}
	return out, nil
}

// fakeRoles is IAM's roles.
type fakeRoles struct{ f *fakeEvents }

func (r fakeRoles) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	r.f.call("GetRole")
	name := aws.ToString(in.RoleName)
	if !r.f.roles[name] {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The role with name " + name + " cannot be found.")}
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String("arn:aws:iam::" + fakeAccount + ":role/" + name)}}, nil
}
