package cli

import (
	"context"
	"fmt"

	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/ui"
)

// VersionCmd prints version information; it needs no config file.
type VersionCmd struct{}

// Run prints "doppio VERSION (commit COMMIT, built DATE)" or a JSON document.
func (VersionCmd) Run(ctx context.Context, a *app) error {
	i := buildinfo.Get()
	if a.g.Output == "json" {
		return ui.WriteJSON(a.stdout, i)
	}
	_, err := fmt.Fprintf(a.stdout, "doppio %s (commit %s, built %s, %s)\n", i.Version, i.Commit, i.Date, i.Go)
	return err
}
