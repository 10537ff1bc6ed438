// Package ssm is the ssm plugin: template and Jsonnet functions that read SSM
// Parameter Store values (String, SecureString with decryption, StringList).
package ssm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/render"
)

// Client is the part of the SSM API the plugin uses.
type Client interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// Lookup reads parameters, each once per process. Safe for concurrent use.
type Lookup struct {
	newClient func(ctx context.Context) (Client, error)

	mu     sync.Mutex
	client Client
	cache  map[string]*types.Parameter
}

// New returns a Lookup that builds its client with newClient on first use, so
// commands that never look a parameter up make no AWS call.
func New(newClient func(ctx context.Context) (Client, error)) *Lookup {
	return &Lookup{newClient: newClient, cache: map[string]*types.Parameter{}}
}

func (l *Lookup) parameter(ctx context.Context, name string) (*types.Parameter, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p, ok := l.cache[name]; ok {
		return p, nil
	}
	if l.client == nil {
		c, err := l.newClient(ctx)
		if err != nil {
			return nil, err
		}
		l.client = c
	}
	out, err := l.client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		var nf *types.ParameterNotFound
		if errors.As(err, &nf) {
			return nil, &diag.Error{Err: fmt.Errorf("SSM parameter %s not found", name), Code: diag.ExitUsage,
				Hint: "check the name (parameter names are case-sensitive and usually start with /) and the region"}
		}
		return nil, fmt.Errorf("SSM GetParameter %s: %w", name, err)
	}
	if out.Parameter == nil {
		return nil, fmt.Errorf("SSM GetParameter %s: empty reply", name)
	}
	l.cache[name] = out.Parameter
	return out.Parameter, nil
}

// Value returns a parameter's value: a render.Secret for a SecureString, the
// element at index for a StringList (index required), else the string.
func (l *Lookup) Value(ctx context.Context, name string, index *int) (any, error) {
	p, err := l.parameter(ctx, name)
	if err != nil {
		return nil, err
	}
	value := aws.ToString(p.Value)
	switch p.Type {
	case types.ParameterTypeStringList:
		if index == nil {
			return nil, diag.Invalid(fmt.Errorf("SSM parameter %s is a StringList: give an index", name),
				fmt.Sprintf("in a template: ssm %q 0; in Jsonnet: ssm_list(%q, 0)", name, name))
		}
		items := strings.Split(value, ",")
		if *index < 0 || *index >= len(items) {
			return nil, diag.Invalid(fmt.Errorf("SSM parameter %s: index %d out of range (the list has %d elements)", name, *index, len(items)), "")
		}
		return items[*index], nil
	case types.ParameterTypeSecureString:
		if index != nil {
			return nil, diag.Invalid(fmt.Errorf("SSM parameter %s is a SecureString, not a StringList: remove the index", name), "")
		}
		return render.Secret(value), nil
	}
	if index != nil {
		return nil, diag.Invalid(fmt.Errorf("SSM parameter %s is a %s, not a StringList: remove the index", name, p.Type), "")
	}
	return value, nil
}

// Functions returns ssm (template: ssm NAME [INDEX]; Jsonnet: ssm(name)) and
// ssm_list (ssm_list(name, index)), named with prefix.
func Functions(l *Lookup, prefix string) []render.Function {
	return []render.Function{
		{
			Name:   prefix + "ssm",
			Params: []string{"name"},
			Call: func(ctx context.Context, args []any) (any, error) {
				if len(args) < 1 || len(args) > 2 {
					return nil, fmt.Errorf("takes a parameter name and an optional StringList index, got %d arguments", len(args))
				}
				return call(ctx, l, args)
			},
		},
		{
			Name:   prefix + "ssm_list",
			Params: []string{"name", "index"},
			Call: func(ctx context.Context, args []any) (any, error) {
				if len(args) != 2 {
					return nil, fmt.Errorf("takes a parameter name and an index, got %d arguments", len(args))
				}
				return call(ctx, l, args)
			},
		},
	}
}

func call(ctx context.Context, l *Lookup, args []any) (any, error) {
	name, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("parameter name must be a string, got %T", args[0])
	}
	var index *int
	if len(args) == 2 {
		i, err := toInt(args[1])
		if err != nil {
			return nil, err
		}
		index = &i
	}
	return l.Value(ctx, name, index)
}

// toInt accepts a template int or a Jsonnet number.
func toInt(v any) (int, error) {
	switch v := v.(type) {
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case float64:
		if v == float64(int(v)) {
			return int(v), nil
		}
	}
	return 0, fmt.Errorf("index must be an integer, got %v", v)
}
