package deploy

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/config"
)

// A DefinedKind is a kind of workload the config declares by a definition file
// of its own (an Express Mode service's express_definition, a Managed Daemon's
// daemon_definition). Everything the verbs need to know about the kind is here,
// in this package: the CLI iterates the registry (Declared) and never names a
// kind. A new kind is its controller file, its definition file
// (<kind>_definition.go) implementing DefinedKind, and one entry in definedKinds.
type DefinedKind interface {
	// Kind is the kind Resolve reports; Noun names it in messages ("a Managed Daemon").
	Kind() Kind
	Noun() string
	// Refusal says why verb does not work on this kind ("" when it does); the
	// table is next to the kind's controller.
	Refusal(verb string) string
	// Key is the config key that names the definition file; the registry
	// registers it with the config package (config.RegisterDefinitionKey), so
	// the config reads it and its misspellings like any of its keys.
	Key() string
	// Declared reports whether the project's config declares this kind.
	Declared(src Source) bool
	// Resolve answers Resolve for a workload of this kind: nil (and no error)
	// when the live service decides the rest (its strategy, its existence).
	Resolve(ctx context.Context, c ServiceDescriber, cluster, service string) (*Workload, error)
	// Controller is the controller of a workload of this kind.
	Controller(w *Workload, d ControllerDeps) Controller

	// RenderTargets are the names render takes for the definition; Load renders
	// and decodes it.
	RenderTargets() []string
	Load(ctx context.Context, src Source) (any, error)
	// Options fills deploy options from the definition and refuses the flags
	// that do not apply (o carries the flags deploy reads; f the rest).
	Options(ctx context.Context, src Source, f KindFlags, o Options) (Options, error)
	// Diff is how the definition differs from the live workload; it renders the
	// definition before it connects to ECS.
	Diff(ctx context.Context, src Source, connect func(context.Context) (KindAPI, error)) (*DefinitionDiff, error)
	// Verified is the task definition verify checks for it.
	Verified(ctx context.Context, src Source) (*ecs.RegisterTaskDefinitionInput, error)
	// Revisions is the family deregister works on and where its revisions are.
	Revisions(ctx context.Context, src Source, api KindAPI) (string, RevisionStore, error)
	// Import is init's import of a live workload of this kind: nil (and no
	// error) when it is not one to import as this kind.
	Import(ctx context.Context, api KindAPI, r ImportRequest) (*Imported, error)
	// NoExecuteCommand is true when a task of this kind cannot have ECS Exec
	// turned on (exec's hint says so).
	NoExecuteCommand() bool
}

// definedKinds are the kinds a config declares by a definition file, in the
// order they are asked (the first that is declared wins).
var definedKinds = []DefinedKind{
	expressKind{}, // express_definition.go
	daemonKind{},  // daemon_definition.go
}

func init() {
	for _, k := range definedKinds {
		config.RegisterDefinitionKey(k.Key())
	}
}

// RegisterKind adds a kind of workload after the built-in ones, and its config
// key. It is meant for package initialisation (tests register fake kinds this
// way); it is not safe to call while verbs run. It returns k.
func RegisterKind(k DefinedKind) DefinedKind {
	definedKinds = append(definedKinds, k)
	config.RegisterDefinitionKey(k.Key())
	return k
}

// Kinds are the registered kinds, in the order they are asked.
func Kinds() []DefinedKind { return slices.Clone(definedKinds) }

// Declared is the kind the project's config declares by a definition file of
// its own; nil when the live service decides (an ordinary service).
func Declared(src Source) DefinedKind {
	for _, k := range definedKinds {
		if k.Declared(src) {
			return k
		}
	}
	return nil
}

// ByRenderTarget is the kind whose definition render prints under name (nil: none).
func ByRenderTarget(name string) DefinedKind {
	for _, k := range definedKinds {
		for _, t := range k.RenderTargets() {
			if t == name {
				return k
			}
		}
	}
	return nil
}

// defined is the registered kind k (nil for the kinds Resolve tells apart itself).
func defined(k Kind) DefinedKind {
	for _, d := range definedKinds {
		if d.Kind() == k {
			return d
		}
	}
	return nil
}

// Source is the project as a kind of workload reads it: the config's values and
// the project's renderer, handed over as plain values so no kind knows the CLI.
type Source struct {
	Cluster, Service, Region string
	// Path is the file the config names under key, resolved against the
	// config's directory ("" when unset).
	Path func(key string) string
	// Check refuses a definition file the config names that is not there,
	// naming the key and its line (exit 2).
	Check func(key string) error
	// Render renders a template file with the project's plugins and variables.
	Render func(ctx context.Context, path string) ([]byte, error)
	// Rel is a path as messages show it.
	Rel func(path string) string
}

// render checks, renders and returns the definition file the config names
// under key, with the path messages show.
func (s Source) render(ctx context.Context, key string) (rel string, b []byte, err error) {
	if err := s.Check(key); err != nil {
		return "", nil, err
	}
	path := s.Path(key)
	b, err = s.Render(ctx, path)
	return s.Rel(path), b, err
}

// KindFlags are deploy's flags a kind reads beyond those Options carries.
type KindFlags struct {
	// Image is set when --image or --tag is given; ApplyImage applies them to a
	// task definition by a task definition's rules.
	Image      bool
	ApplyImage func(*ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionInput, error)
}

// KindAPI is the ECS API the kinds read; *ecs.Client satisfies it.
type KindAPI interface {
	ServiceDescriber
	ExpressAPI
	DaemonAPI
}

var _ KindAPI = (*ecs.Client)(nil)

// RevisionStore is where deregister finds and retires revisions: a service's
// task definitions (Revisions), or the definitions of a kind that has its own.
type RevisionStore interface {
	PlanDeregister(ctx context.Context, o DeregisterOptions) (*DeregisterPlan, error)
	ApplyDeregister(ctx context.Context, p *DeregisterPlan) (*DeregisterResult, error)
}

// DefinitionDiff is how a kind's definition file differs from the live
// workload: Text is the diff ("" when they are equal), Differs the error
// message of diff --exit-code when they are not.
type DefinitionDiff struct {
	Text    string
	Differs string
}

// ImportFlags are init's flags for the kinds that have a definition file.
type ImportFlags struct {
	Express               *bool  `help:"Import an Express Mode service as an express definition (the default for one); --no-express imports it as service and task definitions." negatable:""`
	ExpressDefinitionPath string `help:"Express definition file, relative to the config." default:"ecs-express-def.json"`
	Daemon                string `help:"Import this Managed Daemon of --cluster: a config and its daemon definition." placeholder:"NAME"`
	DaemonDefinitionPath  string `help:"Daemon definition file, relative to the config." default:"ecs-daemon-def.json"`
}

// NamesWorkload reports whether the flags name a workload to import by
// themselves (--daemon), without --service.
func (f ImportFlags) NamesWorkload() bool { return f.Daemon != "" }

// ImportRequest is what init asks a kind to import.
type ImportRequest struct {
	Cluster, Region string
	// Service is the live service init imports; nil when the flags name the
	// workload (ImportFlags.NamesWorkload).
	Service *types.Service
	Flags   ImportFlags
}

// Imported is a live workload as init writes it: a config naming Service and
// Key: Path, and the definition at Path (relative to the config).
type Imported struct {
	Key, Service, Path string
	Definition         any
}

// Import is init's import by the kinds: the first kind that imports r (nil:
// none does, so it is an ordinary service).
func Import(ctx context.Context, api KindAPI, r ImportRequest) (*Imported, error) {
	for _, k := range definedKinds {
		if imp, err := k.Import(ctx, api, r); imp != nil || err != nil {
			return imp, err
		}
	}
	return nil, nil
}
