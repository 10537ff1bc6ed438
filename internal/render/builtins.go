package render

import (
	"context"
	"errors"
	"fmt"
	"github.com/doppio-ecs/doppio/internal/secret"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// missingEnvError is must_env's failure. It is a *diag.Error once the renderer knows
// where the call is.
type missingEnvError struct{ name string }

func (e *missingEnvError) Error() string {
	return fmt.Sprintf("environment variable %s is not set (must_env)", e.name)
}

func missingEnvDiag(name string) *diag.Error {
	return &diag.Error{
		Err:  &missingEnvError{name: name},
		Hint: fmt.Sprintf("export %s or add it to an --envfile", name),
		Code: diag.ExitUsage,
	}
}

// builtins are the functions every renderer has.
//
// env deliberately differs from ecspresso in one way: ecspresso also looks its
// default literal up as an environment variable name (env "A" "b" returns $b when b
// is set). doppio returns the default literally, which is what every template
// author expects.
func (r *Renderer) builtins() []Function {
	return []Function{
		{
			// env NAME [DEFAULT]: the variable's value if set and non-empty, else
			// DEFAULT (or "").
			Name:   "env",
			Params: []string{"name", "default"},
			Call: func(_ context.Context, args []any) (any, error) {
				if len(args) < 1 || len(args) > 2 {
					return nil, fmt.Errorf("env takes a name and an optional default, got %d arguments", len(args))
				}
				name, err := stringArg("env", args[0])
				if err != nil {
					return nil, err
				}
				if v, ok := r.getenv(name); ok && v != "" {
					return v, nil
				}
				if len(args) == 2 {
					// Jsonnet passes any JSON value as the default; hand it back as is.
					return args[1], nil
				}
				return "", nil
			},
		},
		{
			// must_env NAME: the variable's value (empty allowed when set), or a
			// located error — never a panic.
			Name:   "must_env",
			Params: []string{"name"},
			Call: func(_ context.Context, args []any) (any, error) {
				if len(args) != 1 {
					return nil, fmt.Errorf("must_env takes one name, got %d arguments", len(args))
				}
				name, err := stringArg("must_env", args[0])
				if err != nil {
					return nil, err
				}
				if v, ok := r.getenv(name); ok {
					return v, nil
				}
				return nil, missingEnvDiag(name)
			},
		},
		{
			// json_escape V: V as the inside of a JSON string literal (no quotes).
			Name:         "json_escape",
			TemplateOnly: true,
			Params:       []string{"value"},
			Call: func(_ context.Context, args []any) (any, error) {
				if len(args) != 1 {
					return nil, fmt.Errorf("json_escape takes one value, got %d arguments", len(args))
				}
				s, ok := args[0].(string)
				if !ok {
					s = fmt.Sprint(args[0])
				}
				return secret.JSONEscape(s, true), nil
			},
		},
	}
}

func stringArg(fn string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: argument must be a string, got %T", fn, v)
	}
	return s, nil
}

// asDiag returns err's *diag.Error if it has one.
func asDiag(err error) (*diag.Error, bool) {
	var d *diag.Error
	if errors.As(err, &d) {
		return d, true
	}
	return nil, false
}
