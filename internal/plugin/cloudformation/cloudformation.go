// Package cloudformation is the cloudformation plugin: cfn_output (a stack's
// output value) and cfn_export (an exported value).
package cloudformation

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/render"
)

// Client is the part of the CloudFormation API the plugin uses.
type Client interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	cloudformation.ListExportsAPIClient
}

// Lookup reads stack outputs (once per stack) and exports (all once, paginated).
// Safe for concurrent use.
type Lookup struct {
	newClient func(ctx context.Context) (Client, error)

	mu      sync.Mutex
	client  Client
	outputs map[string]map[string]string // stack → key → value
	exports map[string]string            // nil until listed
}

// New returns a Lookup that builds its client with newClient on first use.
func New(newClient func(ctx context.Context) (Client, error)) *Lookup {
	return &Lookup{newClient: newClient, outputs: map[string]map[string]string{}}
}

func (l *Lookup) clientLocked(ctx context.Context) (Client, error) {
	if l.client == nil {
		c, err := l.newClient(ctx)
		if err != nil {
			return nil, err
		}
		l.client = c
	}
	return l.client, nil
}

// Output returns the value of a stack's output.
func (l *Lookup) Output(ctx context.Context, stack, key string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	outs, ok := l.outputs[stack]
	if !ok {
		c, err := l.clientLocked(ctx)
		if err != nil {
			return "", err
		}
		res, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(stack)})
		if err != nil {
			return "", fmt.Errorf("CloudFormation DescribeStacks %s: %w", stack, err)
		}
		if len(res.Stacks) == 0 {
			return "", &diag.Error{Err: fmt.Errorf("CloudFormation stack %s not found", stack), Code: diag.ExitUsage}
		}
		outs = map[string]string{}
		for _, o := range res.Stacks[0].Outputs {
			outs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
		l.outputs[stack] = outs
	}
	v, ok := outs[key]
	if !ok {
		return "", &diag.Error{Err: fmt.Errorf("CloudFormation stack %s has no output %s", stack, key), Code: diag.ExitUsage,
			Hint: hint(key, outs, "outputs")}
	}
	return v, nil
}

// Export returns the value of a CloudFormation export.
func (l *Lookup) Export(ctx context.Context, name string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.exports == nil {
		c, err := l.clientLocked(ctx)
		if err != nil {
			return "", err
		}
		exports := map[string]string{}
		p := cloudformation.NewListExportsPaginator(c, &cloudformation.ListExportsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", fmt.Errorf("CloudFormation ListExports: %w", err)
			}
			for _, e := range page.Exports {
				exports[aws.ToString(e.Name)] = aws.ToString(e.Value)
			}
		}
		l.exports = exports
	}
	v, ok := l.exports[name]
	if !ok {
		return "", &diag.Error{Err: fmt.Errorf("CloudFormation export %s not found", name), Code: diag.ExitUsage,
			Hint: hint(name, l.exports, "exports")}
	}
	return v, nil
}

func hint(name string, m map[string]string, what string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if h := diag.DidYouMean(name, keys); h != "" {
		return h
	}
	if len(keys) > 0 && len(keys) <= 20 {
		return what + ": " + strings.Join(keys, ", ")
	}
	return ""
}

// Functions returns cfn_output and cfn_export, named with prefix.
func Functions(l *Lookup, prefix string) []render.Function {
	return []render.Function{
		{
			Name:   prefix + "cfn_output",
			Params: []string{"stack", "key"},
			Call: func(ctx context.Context, args []any) (any, error) {
				s, err := stringArgs(args, 2)
				if err != nil {
					return nil, err
				}
				return l.Output(ctx, s[0], s[1])
			},
		},
		{
			Name:   prefix + "cfn_export",
			Params: []string{"name"},
			Call: func(ctx context.Context, args []any) (any, error) {
				s, err := stringArgs(args, 1)
				if err != nil {
					return nil, err
				}
				return l.Export(ctx, s[0])
			},
		},
	}
}

// stringArgs checks that args are n strings.
func stringArgs(args []any, n int) ([]string, error) {
	if len(args) != n {
		return nil, fmt.Errorf("takes %d string arguments, got %d", n, len(args))
	}
	out := make([]string, n)
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("argument %d must be a string, got %T", i+1, a)
		}
		out[i] = s
	}
	return out, nil
}
