package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// TestHelpLayout: every verb's --help lists the verb's own flags first and the
// global ones after their heading; every flag has help text and a readable
// placeholder (no kong type names such as INT-32); --poll-interval is documented.
func TestHelpLayout(t *testing.T) {
	var cli CLI
	k, err := newParser(&cli, Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}, &exitRecorder{})
	if err != nil {
		t.Fatal(err)
	}
	typeName := regexp.MustCompile(`=(INT|UINT|FLOAT)-\d+`)
	for _, verb := range k.Model.Children {
		t.Run(verb.Name, func(t *testing.T) {
			var out bytes.Buffer
			env := Env{Stdout: &out, Stderr: &out}
			if code := Main(t.Context(), []string{verb.Name, "--help"}, env); code != 0 {
				t.Fatalf("exit %d:\n%s", code, out.String())
			}
			help := out.String()
			own, global := strings.Index(help, "\nFlags:"), strings.Index(help, "\nGlobal flags")
			if global < 0 {
				t.Fatalf("no global flags heading:\n%s", help)
			}
			if own > global {
				t.Errorf("the verb's own flags come after the global ones:\n%s", help)
			}
			if m := typeName.FindString(help); m != "" {
				t.Errorf("placeholder %q is a type name:\n%s", m, help)
			}
		})
	}
	pollIntervals := 0
	_ = kong.Visit(k.Model, func(n kong.Visitable, next kong.Next) error {
		if node, ok := n.(*kong.Node); ok {
			for _, f := range node.Flags {
				if strings.TrimSpace(f.Help) == "" {
					t.Errorf("%s --%s has no help", node.Path(), f.Name)
				}
				if f.Name == "poll-interval" {
					pollIntervals++
					if f.Hidden {
						t.Errorf("%s --poll-interval is hidden", node.Path())
					}
				}
			}
		}
		return next(nil)
	})
	if pollIntervals == 0 {
		t.Error("no --poll-interval flag found")
	}
}
