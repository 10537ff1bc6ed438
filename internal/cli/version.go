package cli

import (
	"context"

	"github.com/doppio-ecs/doppio/internal/buildinfo"
	"github.com/doppio-ecs/doppio/internal/cli/view"
)

// VersionCmd prints version information; it needs no config file.
type VersionCmd struct{}

// Run prints "doppio VERSION (commit COMMIT, built DATE)" or a JSON document.
func (VersionCmd) Run(ctx context.Context, a *app) error {
	return view.Write(a.stdout, a.g.Output, view.Version{Info: buildinfo.Get()})
}
