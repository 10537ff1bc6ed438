package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"full", &Error{File: "td.json", Line: 3, Column: 7, Field: "containerDefinitions[0].imag", Err: errors.New("unknown field")}, "td.json:3:7: containerDefinitions[0].imag: unknown field"},
		{"file only", &Error{File: "td.json", Err: errors.New("bad")}, "td.json: bad"},
		{"message only", &Error{Err: errors.New("bad")}, "bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExitCodeAndHint(t *testing.T) {
	base := &Error{Err: errors.New("x"), Hint: "inner hint"}
	wrapped := fmt.Errorf("load config: %w", Invalid(base, "outer hint"))
	if got := ExitCode(wrapped); got != ExitUsage {
		t.Errorf("ExitCode = %d, want %d", got, ExitUsage)
	}
	if got := Hint(wrapped); got != "outer hint" {
		t.Errorf("Hint = %q", got)
	}
	if got := ExitCode(errors.New("plain")); got != ExitError {
		t.Errorf("plain ExitCode = %d", got)
	}
	if got := ExitCode(nil); got != ExitOK {
		t.Errorf("nil ExitCode = %d", got)
	}
	if got := ExitCode(errors.Join(fmt.Errorf("run: %w", base), Invalid(errors.New("y"), "joined hint"))); got != ExitUsage {
		t.Errorf("joined ExitCode = %d", got)
	}
	if got := Hint(errors.Join(errors.New("plain"), base)); got != "inner hint" {
		t.Errorf("joined Hint = %q", got)
	}
	if got := ExitCode(WithHint(WithCode(errors.New("t"), ExitTimeout), "h")); got != ExitTimeout {
		t.Errorf("WithHint kept code %d", got)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"cluster", "service", "task_definition", "service_definition", "timeout"}
	tests := []struct{ in, want string }{
		{"clustr", "cluster"},
		{"task_defintion", "task_definition"},
		{"Timeout", "timeout"},
		{"zzzzzzzz", ""},
	}
	for _, tt := range tests {
		if got := Suggest(tt.in, cands); got != tt.want {
			t.Errorf("Suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
