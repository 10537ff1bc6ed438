package cli

import (
	"context"
	"os"
	"testing"

	"github.com/doppio-ecs/doppio/internal/scripttest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"doppio": scripttest.Doppio(func(ctx context.Context, args []string) int { return Main(ctx, args, OSEnv()) }),
	}))
}

// TestScripts runs the CLI scripts in testdata/script: each is a txtar archive of
// files plus the commands a user would type, with their expected output. These
// scripts never reach AWS; the scripts that do live with the end-to-end tests in
// e2e/testdata/script.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, scripttest.Params("testdata/script", nil))
}
