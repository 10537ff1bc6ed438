package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// daemonKind is the Managed Daemon's definition file (config key
// daemon_definition; the config's service names the daemon): what the verbs read
// of it (kinds.go). Verbs that manage what a daemon has not (a desired count,
// one-off tasks, CodeDeploy) are refused (daemonRefused).
type daemonKind struct{}

func (daemonKind) Kind() Kind                 { return KindDaemon }
func (daemonKind) Noun() string               { return "a Managed Daemon" }
func (daemonKind) Refusal(verb string) string { return daemonRefused[verb] }
func (daemonKind) Key() string                { return "daemon_definition" }
func (k daemonKind) Declared(src Source) bool { return src.Path(k.Key()) != "" }
func (daemonKind) RenderTargets() []string    { return []string{"daemondef", "daemon-definition"} }
func (daemonKind) NoExecuteCommand() bool     { return false }
func (daemonKind) Load(ctx context.Context, src Source) (any, error) {
	return daemonDefinition(ctx, src)
}

// Resolve needs no DescribeServices: a Managed Daemon is no ECS service (its
// controller looks the daemon up when it needs it).
func (daemonKind) Resolve(_ context.Context, _ ServiceDescriber, cluster, service string) (*Workload, error) {
	return &Workload{Cluster: cluster, Service: service, Kind: KindDaemon, Daemon: true}, nil
}

func (daemonKind) Controller(w *Workload, d ControllerDeps) Controller {
	return &daemonController{w: w, d: d, api: d.Kinds}
}

// daemonDefinition renders and decodes the config's daemon definition.
func daemonDefinition(ctx context.Context, src Source) (*ecsdef.DaemonDefinition, error) {
	rel, b, err := src.render(ctx, daemonKind{}.Key())
	if err != nil {
		return nil, err
	}
	return ecsdef.DecodeDaemonDefinition(rel, b)
}

// Verified carries the members verify checks over from the daemon task definition.
func (daemonKind) Verified(ctx context.Context, src Source) (*ecs.RegisterTaskDefinitionInput, error) {
	dd, err := daemonDefinition(ctx, src)
	if err != nil {
		return nil, err
	}
	in := dd.TaskDefinition
	td := &ecs.RegisterTaskDefinitionInput{Family: in.Family, ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn}
	for _, d := range in.ContainerDefinitions {
		td.ContainerDefinitions = append(td.ContainerDefinitions, types.ContainerDefinition{
			Name: d.Name, Image: d.Image, Environment: d.Environment, EnvironmentFiles: d.EnvironmentFiles, Secrets: d.Secrets,
			LogConfiguration: d.LogConfiguration, RepositoryCredentials: d.RepositoryCredentials, Essential: d.Essential,
		})
	}
	return td, nil
}

// Revisions are the daemon task definitions of the daemon definition's family;
// deregistering one deletes it (ECS has no other way to retire them).
func (daemonKind) Revisions(ctx context.Context, src Source, api KindAPI) (string, RevisionStore, error) {
	dd, err := daemonDefinition(ctx, src)
	if err != nil {
		return "", nil, err
	}
	return aws.ToString(dd.TaskDefinition.Family), NewDaemonRevisions(api, src.Cluster, src.Service), nil
}

// Options fills deploy options for a Managed Daemon.
func (daemonKind) Options(ctx context.Context, src Source, f KindFlags, o Options) (Options, error) {
	if o.Tasks != nil || o.AutoScaling != nil {
		return o, diag.Invalid(errors.New("--tasks and the auto scaling flags do not apply to a Managed Daemon"), "it runs one task per container instance")
	}
	dd, err := daemonDefinition(ctx, src)
	if err != nil {
		return o, err
	}
	// --image and --tag change the rendered daemon task definition, as they change a
	// service's task definition; --skip-task-definition, --latest-task-definition
	// and --revision pick a registered one instead (the daemon controller).
	if dd.TaskDefinition, err = f.applyDaemon(dd.TaskDefinition); err != nil {
		return o, err
	}
	o.Daemon = dd
	return o, nil
}

// applyDaemon returns td with the --image and --tag overrides applied, by the
// rules of a task definition's (td itself when none was given).
func (f KindFlags) applyDaemon(td *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.RegisterDaemonTaskDefinitionInput, error) {
	if !f.Image || td == nil {
		return td, nil
	}
	shadow := &ecs.RegisterTaskDefinitionInput{Family: td.Family}
	for _, c := range td.ContainerDefinitions {
		shadow.ContainerDefinitions = append(shadow.ContainerDefinitions, types.ContainerDefinition{Name: c.Name, Image: c.Image})
	}
	out, err := f.ApplyImage(shadow)
	if err != nil {
		return nil, err
	}
	cp := *td
	cp.ContainerDefinitions = slices.Clone(td.ContainerDefinitions)
	for i := range cp.ContainerDefinitions {
		cp.ContainerDefinitions[i].Image = out.ContainerDefinitions[i].Image
	}
	return &cp, nil
}

// Diff is how the daemon definition differs from the live daemon.
func (k daemonKind) Diff(ctx context.Context, src Source, connect func(context.Context) (KindAPI, error)) (*DefinitionDiff, error) {
	local, err := daemonDefinition(ctx, src)
	if err != nil {
		return nil, err
	}
	api, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	live, err := FindDaemon(ctx, api, src.Cluster, src.Service)
	if err != nil {
		return nil, err
	}
	liveName := "(daemon " + src.Service + " does not exist)"
	var liveDef *ecsdef.DaemonDefinition
	if live != nil {
		liveName, liveDef = aws.ToString(live.Detail.DaemonArn), live.Definition
	}
	d, err := ecsdef.DiffDaemonDefinitions(liveName, liveDef, src.Rel(src.Path(k.Key())), local)
	if err != nil {
		return nil, err
	}
	return &DefinitionDiff{Text: d, Differs: "the daemon definition differs from the live daemon"}, nil
}

// Import writes the daemon --daemon names as a daemon definition.
func (k daemonKind) Import(ctx context.Context, api KindAPI, r ImportRequest) (*Imported, error) {
	if r.Service != nil || r.Flags.Daemon == "" {
		return nil, nil
	}
	live, err := FindDaemon(ctx, api, r.Cluster, r.Flags.Daemon)
	if err != nil {
		return nil, err
	}
	if live == nil || live.Definition == nil {
		return nil, diag.WithHint(fmt.Errorf("daemon %q not found in cluster %q (region %s)", r.Flags.Daemon, r.Cluster, r.Region), "check --cluster, --daemon and --region")
	}
	return &Imported{Key: k.Key(), Service: r.Flags.Daemon, Path: r.Flags.DaemonDefinitionPath, Definition: live.Definition}, nil
}
