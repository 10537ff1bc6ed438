package ui

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAnnotator(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		do   func(a *Annotator)
		want string
	}{
		{
			name: "off outside GitHub Actions",
			vars: map[string]string{"CI": "true"},
			do: func(a *Annotator) {
				a.Group("web")()
				a.Error(Annotation{Title: "t", Message: "m"})
			},
			want: "",
		},
		{
			name: "group per service",
			vars: map[string]string{"GITHUB_ACTIONS": "true"},
			do: func(a *Annotator) {
				end := a.Group("deploy web (prod)")
				end()
			},
			want: "::group::deploy web (prod)\n::endgroup::\n",
		},
		{
			name: "error with title",
			vars: map[string]string{"GITHUB_ACTIONS": "true"},
			do: func(a *Annotator) {
				a.Error(Annotation{Title: "doppio: deployment failed", Message: "deployment ecs-svc/1 rolled back"})
			},
			want: "::error title=doppio%3A deployment failed::deployment ecs-svc/1 rolled back\n",
		},
		{
			name: "escapes percent, CR and LF in the message and , : in properties",
			vars: map[string]string{"GITHUB_ACTIONS": "true"},
			do: func(a *Annotator) {
				a.Error(Annotation{Title: "a,b:c%", Message: "100% broken\r\nsee %0A", File: "svc/ecs-task-def.json", Line: 3, Column: 7})
			},
			want: "::error file=svc/ecs-task-def.json,line=3,col=7,title=a%2Cb%3Ac%25::100%25 broken%0D%0Asee %250A\n",
		},
		{
			name: "warning without properties",
			vars: map[string]string{"GITHUB_ACTIONS": "true"},
			do:   func(a *Annotator) { a.Warning(Annotation{Message: "slow"}) },
			want: "::warning::slow\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			tc.do(NewAnnotator(&b, tc.vars))
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
