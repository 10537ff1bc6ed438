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
// env follows ecspresso exactly, which differs between the two languages:
//   - Go templates (kayac/go-config): {{ env "A" "B" "C" }} tries $A, then $B, then
//     $C, and returns the first that is set and non-empty; when none is, it returns
//     the last argument literally. Every argument but the last is only a variable
//     name, the last is a name and the default. So {{ env "A" }} with A unset prints
//     "A", and {{ env "A" "b" }} prints $b when b is set.
//   - Jsonnet (std.native('env')(name, default)): $name if set and non-empty, else
//     default, returned as the JSON value it is and never looked up.
//
// must_env accepts a variable that is set but empty, in both.
func (r *Renderer) builtins() []Function {
	return []Function{
		{
			Name:         "env",
			TemplateOnly: true,
			Call: func(_ context.Context, args []any) (any, error) {
				v := ""
				for i, a := range args {
					name, ok := a.(string)
					if !ok {
						return nil, fmt.Errorf("env: argument %d must be a string, got %T", i+1, a)
					}
					if got, ok := r.getenv(name); ok && got != "" {
						return got, nil
					}
					v = name
				}
				return v, nil
			},
		},
		{
			Name:        "env",
			JsonnetOnly: true,
			Params:      []string{"name", "default"},
			Call: func(_ context.Context, args []any) (any, error) {
				if len(args) != 2 {
					return nil, fmt.Errorf("env takes a name and a default, got %d arguments", len(args))
				}
				name, err := stringArg("env", args[0])
				if err != nil {
					return nil, err
				}
				if v, ok := r.getenv(name); ok && v != "" {
					return v, nil
				}
				// Jsonnet passes any JSON value as the default; hand it back as is.
				return args[1], nil
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
