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
	diff, err := Diff(path, got)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// Diff compares got with the file at path without failing anything: "" when they
// are equal, else a -want +got diff. For tests that must report an expected failure
// rather than fail (see internal/compat's pending projects).
func Diff(path string, got []byte) (string, error) {
	want, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return cmp.Diff(string(want), string(got)), nil
}
