// Package tfstate is the tfstate plugin: template and Jsonnet functions that read
// values from a Terraform (v4 format) state — local, S3, HTTP backend or Terraform
// Cloud.
package tfstate

import (
	"context"
	"fmt"

	"github.com/doppio-ecs/doppio/internal/render"
)

// Functions returns tfstate and tfstatef (template only; Jsonnet has std.format)
// for st, named with prefix.
func Functions(st *State, prefix string) []render.Function {
	lookup := func(ctx context.Context, args []any) (any, error) {
		if len(args) != 1 {
			return nil, fmt.Errorf("takes one address, got %d arguments", len(args))
		}
		addr, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("address must be a string, got %T", args[0])
		}
		return st.Lookup(ctx, addr)
	}
	lookupf := func(ctx context.Context, args []any) (any, error) {
		addr, err := format(args)
		if err != nil {
			return nil, err
		}
		return st.Lookup(ctx, addr)
	}
	return []render.Function{
		{
			Name:   prefix + "tfstate",
			Params: []string{"address"},
			Call:   lookup,
			Prefetch: func(ctx context.Context, calls [][]any) error {
				return st.Prefetch(ctx, addresses(calls, func(a []any) (string, error) {
					if len(a) == 1 {
						if s, ok := a[0].(string); ok {
							return s, nil
						}
					}
					return "", fmt.Errorf("not an address")
				}))
			},
		},
		{
			Name:         prefix + "tfstatef",
			TemplateOnly: true,
			Params:       []string{"format", "args"},
			Call:         lookupf,
			Prefetch: func(ctx context.Context, calls [][]any) error {
				return st.Prefetch(ctx, addresses(calls, format))
			},
		},
	}
}

// format builds a tfstatef address: fmt.Sprintf(args[0], args[1:]...).
func format(args []any) (string, error) {
	if len(args) < 1 {
		return "", fmt.Errorf("takes a format and arguments")
	}
	f, ok := args[0].(string)
	if !ok {
		return "", fmt.Errorf("format must be a string, got %T", args[0])
	}
	return fmt.Sprintf(f, args[1:]...), nil
}

func addresses(calls [][]any, build func([]any) (string, error)) []string {
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		if a, err := build(c); err == nil {
			out = append(out, a)
		}
	}
	return out
}
