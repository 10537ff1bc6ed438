package awsclient

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// Limit is one API family's token bucket: Rate tokens per second refill a bucket of
// Burst tokens, and every request (every attempt, retries included) takes one.
type Limit struct {
	Rate  float64
	Burst int
}

// DefaultLimit is the bucket of an API family, named by the SDK's service ID, when
// --max-rps is not given. ECS throttles each account per Region with token buckets per group of
// actions ("Request throttling for the Amazon ECS API", ECS API Reference): the
// read groups doppio polls — cluster reads, service reads (DescribeServices,
// ListServices), cluster resource reads (DescribeTasks, ListTasks) and task
// definition reads — refill at 20 requests per second, and the documented example
// bucket (DescribeClusters) holds 50. doppio keeps one bucket of that size per ECS
// action group (ecsGroup), so that a fleet's RegisterTaskDefinition and
// UpdateService calls never delay its shared polls, and one process stays within
// the lowest of the read buckets, leaving headroom for the account's other callers.
//
// Other services (STS, SSM, S3, ...) see a handful of calls per command and get 20
// requests per second with bursts of 20.
func DefaultLimit(family string) Limit {
	switch family {
	case "ECS":
		return Limit{Rate: 20, Burst: 50}
	}
	return Limit{Rate: 20, Burst: 20}
}

// Budget is the process's client-side rate budget: one token bucket per API family
// (SDK service ID), shared by every client built from the aws.Config it is installed
// on, so that many services deployed and polled from one process never outrun the
// account's API rate in the first place. The SDK's retryer still handles the
// throttling errors that other callers in the account cause.
type Budget struct {
	all *Limit // when set, every family gets this limit (--max-rps); else DefaultLimit

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewBudget returns a budget with DefaultLimit, or, when maxRPS > 0, maxRPS requests
// per second for every API family (bursts of at most max(1, maxRPS) requests).
func NewBudget(maxRPS float64) *Budget {
	if maxRPS > 0 {
		return &Budget{all: &Limit{Rate: maxRPS, Burst: max(1, int(math.Ceil(maxRPS)))}}
	}
	return &Budget{}
}

// limiter returns the bucket of family, creating it on first use.
func (b *Budget) limiter(family string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if l, ok := b.buckets[family]; ok {
		return l
	}
	name, _, _ := strings.Cut(family, "/") // "ECS/service read": ECS's limit
	lim := DefaultLimit(name)
	if b.all != nil {
		lim = *b.all
	}
	if b.buckets == nil {
		b.buckets = map[string]*rate.Limiter{}
	}
	l := rate.NewLimiter(rate.Limit(lim.Rate), lim.Burst)
	b.buckets[family] = l
	return l
}

// Wait takes one token from family's bucket, waiting for it as long as ctx allows.
// On cancellation or deadline it returns promptly with an error wrapping ctx.Err().
func (b *Budget) Wait(ctx context.Context, family string) error {
	r := b.limiter(family).Reserve()
	if !r.OK() {
		return fmt.Errorf("rate budget for %s: burst too small", family)
	}
	d := r.Delay()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel() // give the token back for the calls that are still going
		return fmt.Errorf("waiting for the rate budget of %s: %w", family, context.Cause(ctx))
	}
}

// bucket names the bucket a call takes its token from: with the default limits, ECS
// calls use their action group's bucket ("ECS/service read"); everything else, and
// every ECS call under --max-rps, its family's.
func (b *Budget) bucket(family, operation string) string {
	if family != "ECS" || b.all != nil {
		return family
	}
	return family + "/" + ecsGroup(operation)
}

// ecsGroup is the throttling group of an ECS action, after the groups of "Request
// throttling for the Amazon ECS API".
func ecsGroup(op string) string {
	switch op {
	case "DescribeServices", "ListServices", "ListServicesByNamespace", "DescribeServiceDeployments",
		"ListServiceDeployments", "DescribeServiceRevisions":
		return "service read"
	case "CreateService", "UpdateService", "DeleteService", "StopServiceDeployment":
		return "service modify"
	case "DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies":
		return "task definition read"
	case "RegisterTaskDefinition", "DeregisterTaskDefinition", "DeleteTaskDefinitions":
		return "task definition modify"
	case "DescribeTasks", "ListTasks", "DescribeContainerInstances", "ListContainerInstances":
		return "cluster resource read"
	case "DescribeClusters", "ListClusters":
		return "cluster read"
	}
	return "other"
}

// budgetMiddlewareID names the middleware in the SDK's stack.
const budgetMiddlewareID = "doppio.RateBudget"

// Middleware returns the SDK middleware that takes a token before every attempt of
// every operation. Install it with aws.Config.APIOptions (Load does).
func (b *Budget) Middleware() func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc(budgetMiddlewareID, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if err := b.Wait(ctx, b.bucket(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleFinalize(ctx, in)
		})
		// After the retryer, so that each attempt (what the server counts) takes a
		// token; stacks without a retryer get it at the end of the step.
		if _, ok := stack.Finalize.Get("Retry"); ok {
			return stack.Finalize.Insert(mw, "Retry", middleware.After)
		}
		return stack.Finalize.Add(mw, middleware.After)
	}
}
