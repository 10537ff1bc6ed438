package fleet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// --config values: plain paths, globs and FILE@ROLE, a role applying to every
// config its glob matches; a config named twice is kept once; a bad role is refused.
func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"dev/a/ecspresso.yml", "dev/b/ecspresso.yml", "prod/ecspresso.yml"} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return r }
	role := "arn:aws:iam::444455556666:role/deploy/doppio"
	got, err := Expand(dir, []string{"dev/*/ecspresso.yml@" + role, "prod/ecspresso.yml", "dev/a/ecspresso.yml"}, rel)
	if err != nil {
		t.Fatal(err)
	}
	want := []Config{{"dev/a/ecspresso.yml", role}, {"dev/b/ecspresso.yml", role}, {"prod/ecspresso.yml", ""}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Expand (-want +got):\n%s", diff)
	}
	if AccountOfRole(role) != "444455556666" || AccountOfRole("nope") != "" {
		t.Errorf("AccountOfRole(%q) = %q", role, AccountOfRole(role))
	}
	for _, bad := range []string{"prod/ecspresso.yml@arn:aws:iam::4444:role/x", "prod/ecspresso.yml@arn:aws:iam::444455556666:user/x"} {
		if _, err := Expand(dir, []string{bad}, rel); err == nil {
			t.Errorf("Expand(%q) accepted a bad role", bad)
		}
	}
}
