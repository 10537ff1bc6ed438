package render

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEnvFunctions pins env and must_env to ecspresso's behaviour (kayac/go-config
// for templates, ecspresso's Jsonnet natives), checked against ecspresso v2.
func TestEnvFunctions(t *testing.T) {
	vars := map[string]string{"A": "from-a", "B": "from-b", "EMPTY": "", "b": "from-lower-b"}
	getenv := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	cases := []struct {
		name, file, src, want string
	}{
		{"template first set", "t.json", `"{{ env "A" "x" }}"`, `"from-a"`},
		{"template default is looked up as a name", "t.json", `"{{ env "UNSET" "b" }}"`, `"from-lower-b"`},
		{"template default literal when unset", "t.json", `"{{ env "UNSET" "literal" }}"`, `"literal"`},
		{"template chain of three", "t.json", `"{{ env "UNSET" "B" "c" }}"`, `"from-b"`},
		{"template chain falls through to last literal", "t.json", `"{{ env "UNSET" "ALSO_UNSET" "last" }}"`, `"last"`},
		{"template empty counts as unset", "t.json", `"{{ env "EMPTY" "d" }}"`, `"d"`},
		{"template single unset name prints the name", "t.json", `"{{ env "UNSET" }}"`, `"UNSET"`},
		{"template no argument", "t.json", `"{{ env }}"`, `""`},
		{"template must_env set but empty", "t.json", `"[{{ must_env "EMPTY" }}]"`, `"[]"`},
		{"jsonnet set", "j.jsonnet", `std.native('env')('A', 'x')`, "\"from-a\"\n"},
		{"jsonnet default not looked up", "j.jsonnet", `std.native('env')('UNSET', 'b')`, "\"b\"\n"},
		{"jsonnet empty counts as unset", "j.jsonnet", `std.native('env')('EMPTY', 'd')`, "\"d\"\n"},
		{"jsonnet default keeps its type", "j.jsonnet", `std.native('env')('UNSET', 3)`, "3\n"},
		{"jsonnet must_env set but empty", "j.jsonnet", `std.native('must_env')('EMPTY')`, "\"\"\n"},
	}
	ctx := context.Background()
	r := mustNew(t, Options{Getenv: getenv})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := r.RenderFile(ctx, writeFile(t, c.file, c.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, string(b)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnvRejectsNonString(t *testing.T) {
	ctx := context.Background()
	r := mustNew(t, Options{})
	_, err := r.RenderFile(ctx, writeFile(t, "t.json", `"{{ env "A" 1 }}"`))
	want := "env: argument 2 must be a string, got int"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want it to contain %q", err, want)
	}
}
