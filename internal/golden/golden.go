// Package golden compares test output with files kept under testdata, and rewrites
// those files when the tests run with -update (go test ./... -update). It is the one
// golden helper of the module, so one flag rewrites every golden file.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag, registered once for every test binary that imports
// this package.
var update = flag.Bool("update", false, "rewrite golden files (and testscript cmp targets)")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// Assert compares got with the file at path; under -update it writes got there
// instead (creating directories as needed).
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
