package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroups"
	rgtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroups/types"
	"golang.org/x/sync/errgroup"
)

// Events is the part of EventBridge schedule uses.
type Events interface {
	ListRules(ctx context.Context, in *eventbridge.ListRulesInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error)
	ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error)
	ListTagsForResource(ctx context.Context, in *eventbridge.ListTagsForResourceInput, optFns ...func(*eventbridge.Options)) (*eventbridge.ListTagsForResourceOutput, error)
	PutRule(ctx context.Context, in *eventbridge.PutRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutRuleOutput, error)
	PutTargets(ctx context.Context, in *eventbridge.PutTargetsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.PutTargetsOutput, error)
	RemoveTargets(ctx context.Context, in *eventbridge.RemoveTargetsInput, optFns ...func(*eventbridge.Options)) (*eventbridge.RemoveTargetsOutput, error)
	DeleteRule(ctx context.Context, in *eventbridge.DeleteRuleInput, optFns ...func(*eventbridge.Options)) (*eventbridge.DeleteRuleOutput, error)
	TagResource(ctx context.Context, in *eventbridge.TagResourceInput, optFns ...func(*eventbridge.Options)) (*eventbridge.TagResourceOutput, error)
}

// Search finds tagged resources (Resource Groups), as ecschedule does for prune.
type Search interface {
	SearchResources(ctx context.Context, in *resourcegroups.SearchResourcesInput, optFns ...func(*resourcegroups.Options)) (*resourcegroups.SearchResourcesOutput, error)
}

// Live is what EventBridge has in one account and region: every rule on the
// default bus, the targets of the rules asked for, and the names of the rules
// tagged with each tracking id asked for.
type Live struct {
	Rules   map[string]*LiveRule
	Tracked map[string]map[string]bool // tracking id → rule names
}

// Fetch reads the live rules: ListRules (all pages), then the targets of the rules
// in want that exist, concurrently, and the rules tagged with each tracking id (one
// SearchResources query each).
func Fetch(ctx context.Context, ev Events, search Search, want []string, trackingIDs []string) (*Live, error) {
	live := &Live{Rules: map[string]*LiveRule{}, Tracked: map[string]map[string]bool{}}
	var token *string
	for {
		out, err := ev.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: token, Limit: aws.Int32(100)})
		if err != nil {
			return nil, fmt.Errorf("list EventBridge rules: %w", err)
		}
		for _, r := range out.Rules {
			live.Rules[aws.ToString(r.Name)] = &LiveRule{Rule: r}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		token = out.NextToken
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for _, name := range want {
		lr, ok := live.Rules[name]
		if !ok {
			continue
		}
		g.Go(func() error {
			t, err := Targets(gctx, ev, name)
			if err != nil {
				return err
			}
			lr.Targets = t
			return nil
		})
	}
	var mu sync.Mutex
	for _, id := range trackingIDs {
		g.Go(func() error {
			names, err := TrackedRules(gctx, search, id)
			if err != nil {
				return err
			}
			mu.Lock()
			live.Tracked[id] = names
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return live, nil
}

// Targets lists a rule's targets (all pages).
func Targets(ctx context.Context, ev Events, rule string) ([]ebtypes.Target, error) {
	var out []ebtypes.Target
	var token *string
	for {
		page, err := ev.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rule), NextToken: token})
		if err != nil {
			var nf *ebtypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				return nil, nil
			}
			return nil, fmt.Errorf("list targets of rule %s: %w", rule, err)
		}
		out = append(out, page.Targets...)
		if aws.ToString(page.NextToken) == "" {
			return out, nil
		}
		token = page.NextToken
	}
}

// TrackedRules returns the names of the rules tagged ecschedule:tracking-id=id,
// with the Resource Groups query ecschedule uses.
func TrackedRules(ctx context.Context, search Search, id string) (map[string]bool, error) {
	q, _ := json.Marshal(map[string]any{
		"ResourceTypeFilters": []string{"AWS::Events::Rule"},
		"TagFilters":          []map[string]any{{"Key": TrackingTag, "Values": []string{id}}},
	})
	in := &resourcegroups.SearchResourcesInput{ResourceQuery: &rgtypes.ResourceQuery{Type: rgtypes.QueryTypeTagFilters10, Query: aws.String(string(q))}}
	names := map[string]bool{}
	p := resourcegroups.NewSearchResourcesPaginator(search, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("search rules tagged %s=%s: %w", TrackingTag, id, err)
		}
		for _, r := range page.ResourceIdentifiers {
			arn := aws.ToString(r.ResourceArn)
			names[arn[strings.LastIndexByte(arn, '/')+1:]] = true
		}
	}
	return names, nil
}
