package cli

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/doppio-ecs/doppio/internal/deploy"
)

// workloadFiles is how the CLI reads the definition file of a kind of workload
// that has its own (an Express Mode service's express definition, a Managed
// Daemon's daemon definition): the verbs ask the project for it (p.workload) and
// never name the kind. A new kind of workload is a controller in internal/deploy
// and one entry here; services with service and task definitions have none.
type workloadFiles interface {
	// declared reports whether the config declares this kind; key is its config key.
	declared(p *project) bool
	key() string
	// options fills deploy options from the definition and refuses the flags that
	// do not apply.
	options(ctx context.Context, p *project, f deployFlags, o deploy.Options) (deploy.Options, error)
	// diff prints how the definition differs from the live workload.
	diff(ctx context.Context, a *app, p *project, c *DiffCmd) error
	// verified is the task definition verify checks for it.
	verified(ctx context.Context, p *project) (*ecs.RegisterTaskDefinitionInput, error)
	// revisions is the family deregister works on and where its revisions are.
	revisions(ctx context.Context, p *project, client ECSAPI) (string, revisionStore, error)
}

// workloadKinds are the kinds of workload a config declares by a definition key.
var workloadKinds = []struct {
	kind  deploy.Kind
	files workloadFiles
}{
	{deploy.KindExpress, expressFiles{}}, // express.go
	{deploy.KindDaemon, daemonFiles{}},   // daemon.go
}

// workload is the kind the config declares and how its definition is read (nil
// files when the live service decides: an ordinary service).
func (p *project) workload() (deploy.Kind, workloadFiles) {
	for _, w := range workloadKinds {
		if w.files.declared(p) {
			return w.kind, w.files
		}
	}
	return "", nil
}
