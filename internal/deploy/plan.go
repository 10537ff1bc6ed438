package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/ecsdef"
)

// Options is what the user asked a deploy to do.
type Options struct {
	Cluster, Service string
	// Express is the rendered express definition of an Express Mode service.
	Express *ecs.CreateExpressGatewayServiceInput
	// Daemon is the rendered daemon definition of a Managed Daemon.
	Daemon *ecsdef.DaemonDefinition
	// TaskDefinition is the rendered local task definition; nil when it is not to be
	// registered (SkipTaskDefinition, LatestTaskDefinition, Revision).
	TaskDefinition *ecs.RegisterTaskDefinitionInput
	// ServiceDefinition is the rendered local service definition; nil means service
	// attributes are left as they are (--no-update-service, or none configured).
	ServiceDefinition *ecs.CreateServiceInput
	// Tasks is --tasks: the desired count; nil keeps the file's value, else the live one.
	Tasks *int32
	// SkipTaskDefinition keeps the service's current task definition.
	SkipTaskDefinition bool
	// LatestTaskDefinition uses the family's newest ACTIVE revision without registering.
	LatestTaskDefinition bool
	// Revision uses family:Revision without registering (0 = unset).
	Revision int32
	// Family names the task definition family for Latest/Revision when there is no
	// local task definition and no live service.
	Family string
	// ForceNewDeployment starts a deployment even when nothing changed.
	ForceNewDeployment bool
	// ForceRegister registers a new revision even when it equals the live one.
	ForceRegister bool
	// IgnoreTags are service tag keys left alone (config ignore.tags).
	IgnoreTags []string
	// AutoScaling changes the service's scalable target; nil leaves it alone.
	AutoScaling *ScalingChange
	// RollbackEvents are the CodeDeploy auto-rollback events of a CODE_DEPLOY
	// service's deploy (DEPLOYMENT_FAILURE, ...).
	RollbackEvents []string
	// ServiceOnly changes the service through UpdateService alone, never through a
	// CodeDeploy deployment (scale, refresh).
	ServiceOnly bool

	// resolved is the workload a controller resolved: its live service is used
	// instead of a second DescribeServices.
	resolved *Workload
}

// Task definition actions.
const (
	TDRegister = "register" // register the local task definition as a new revision
	TDReuse    = "reuse"    // the local task definition equals the live one: use that revision
	TDCurrent  = "current"  // keep the service's current task definition (--skip-task-definition)
	TDLatest   = "latest"   // the family's newest ACTIVE revision (--latest-task-definition)
	TDRevision = "revision" // an explicit family:N (--revision)
)

// Plan is everything a deploy would do, computed without changing anything. Dry runs
// print it; Apply executes it.
type Plan struct {
	Cluster string `json:"cluster"`
	Service string `json:"service"`
	// Create is true when the service does not exist yet (or is INACTIVE).
	Create bool `json:"create"`
	// TaskDefinition says which revision the service will run.
	TaskDefinition TaskDefinitionPlan `json:"taskDefinition"`
	// Changes lists the service attributes that differ from the live service.
	Changes []Change `json:"changes,omitempty"`
	// DesiredCount is the count sent (nil: unchanged); DesiredCountFrom the live one.
	DesiredCount     *int32 `json:"desiredCount,omitempty"`
	DesiredCountFrom *int32 `json:"desiredCountFrom,omitempty"`
	// ForceNewDeployment is set when the user asked or ECS requires it; ForceReasons
	// says why.
	ForceNewDeployment bool     `json:"forceNewDeployment"`
	ForceReasons       []string `json:"forceReasons,omitempty"`
	// StartsDeployment is true when applying the plan starts an ECS deployment.
	StartsDeployment bool `json:"startsDeployment"`
	// Tags are the service tag changes.
	TagsAdd    []types.Tag `json:"tagsAdd,omitempty"`
	TagsRemove []string    `json:"tagsRemove,omitempty"`
	// AutoScaling is the scalable-target change, if any.
	AutoScaling *ScalingChange `json:"autoScaling,omitempty"`
	// UpToDate is true when there is nothing to do at all.
	UpToDate bool `json:"upToDate"`
	// Warnings are notes for the user that do not stop the deploy.
	Warnings []string `json:"warnings,omitempty"`

	// InFlight is a deployment of exactly what this plan wants that is still in
	// progress though this run did not start it (a re-run after a CI runner died):
	// the deploy follows it instead of reporting "up to date".
	InFlight *Started `json:"inFlight,omitempty"`
	// CodeDeploy is what a CODE_DEPLOY service's deploy sends through CodeDeploy
	// (nil for other services, and for a CODE_DEPLOY service being created).
	CodeDeploy *CodeDeployPlan `json:"codeDeploy,omitempty"`
	// Express is what an Express Mode service's deploy sends (express_controller.go).
	Express *ExpressPlan `json:"express,omitempty"`
	// Daemon is what a Managed Daemon's deploy does (daemon_controller.go).
	Daemon *DaemonPlan `json:"daemon,omitempty"`

	live     *types.Service
	create   *ecs.CreateServiceInput
	update   *ecs.UpdateServiceInput
	deployer *Deployer
}

// TaskDefinitionPlan says which task definition the service will run.
type TaskDefinitionPlan struct {
	Action string `json:"action"`
	// ARN is known for every action but register (set by Apply).
	ARN    string `json:"arn,omitempty"`
	Family string `json:"family"`
	Reason string `json:"reason,omitempty"`
	// Input is the definition to register (action register).
	Input *ecs.RegisterTaskDefinitionInput `json:"-"`
}

// Change is one service attribute that differs.
type Change struct {
	Field string `json:"field"`
	// Kind is "set", "changed" or "removed".
	Kind string `json:"kind"`
}

// Live returns the service as described when planning (nil when creating).
func (p *Plan) Live() *types.Service { return p.live }

// updatable lists the CreateService attributes UpdateService can change, by their Go
// field name (the same on both inputs). ECS API reference, UpdateService.
var updatable = []string{
	"CapacityProviderStrategy", "DeploymentConfiguration", "DeploymentController", "NetworkConfiguration",
	"PlacementConstraints", "PlacementStrategy", "PlatformVersion", "HealthCheckGracePeriodSeconds",
	"EnableExecuteCommand", "EnableECSManagedTags", "LoadBalancers", "PropagateTags", "ServiceRegistries",
	"ServiceConnectConfiguration", "VolumeConfigurations", "AvailabilityZoneRebalancing",
	"VpcLatticeConfigurations", "Monitoring", "GatewayConnectors",
}

// startsDeployment are attributes whose change makes ECS replace the tasks: a new
// deployment starts with the UpdateService call (UpdateService docs: network
// configuration, platform version, load balancers, service registries, capacity
// providers, Service Connect and volume configurations are applied by a deployment).
var startsDeployment = map[string]bool{
	"CapacityProviderStrategy": true, "NetworkConfiguration": true, "PlatformVersion": true,
	"LoadBalancers": true, "ServiceRegistries": true, "ServiceConnectConfiguration": true,
	"VolumeConfigurations": true, "VpcLatticeConfigurations": true, "GatewayConnectors": true,
}

// needsForce are attributes ECS only applies with forceNewDeployment: a capacity
// provider strategy change (UpdateService docs), and ECS Exec, which running tasks only
// get when they are replaced (ECS Exec docs: "existing tasks ... restart").
var needsForce = map[string]string{
	"CapacityProviderStrategy": "ECS requires forceNewDeployment when the capacity provider strategy changes",
	"EnableExecuteCommand":     "ECS Exec only reaches tasks started after the change",
}

// Plan computes what deploy would do. It only reads.
func (dp *Deployer) Plan(ctx context.Context, o Options) (*Plan, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := validateStrategy(o.ServiceDefinition); err != nil { // strategy.go
		return nil, err
	}
	p := &Plan{Cluster: o.Cluster, Service: o.Service, AutoScaling: o.AutoScaling}
	live, err := dp.liveOf(ctx, o)
	if err != nil {
		return nil, err
	}
	p.live = live
	p.Create = live == nil
	if p.Create && o.ServiceOnly { // scale and refresh never create a service
		return nil, &NotFoundError{What: "service", Name: o.Service, Cluster: o.Cluster}
	}
	if p.Create && o.ServiceDefinition == nil {
		return nil, diag.Invalid(fmt.Errorf("service %q does not exist in cluster %q and there is no service definition to create it from", o.Service, o.Cluster),
			"set service_definition in the config, or check cluster and service")
	}
	if err := dp.planTaskDefinition(ctx, o, p); err != nil {
		return nil, err
	}
	if p.Create {
		dp.planCreate(o, p)
		return p, nil
	}
	if err := dp.planUpdate(o, p); err != nil {
		return nil, err
	}
	return p, nil
}

func (o Options) validate() error {
	// As in ecspresso: an explicit revision wins over keeping the current one, and
	// the newest revision over keeping the current one; an explicit revision and the
	// newest one contradict each other.
	if o.LatestTaskDefinition && o.Revision != 0 {
		return diag.Invalid(errors.New("an explicit revision and the family's latest revision exclude each other"), "pick one")
	}
	if o.Revision < 0 {
		return diag.Invalid(fmt.Errorf("revision %d: must be above 0", o.Revision), "")
	}
	if !o.SkipTaskDefinition && !o.LatestTaskDefinition && o.Revision == 0 && o.TaskDefinition == nil {
		return diag.Invalid(errors.New("no task definition to deploy"), "set task_definition in the config, or keep the current, the latest or a given revision")
	}
	if o.Tasks != nil && *o.Tasks < 0 {
		return diag.Invalid(fmt.Errorf("desired count %d: must be 0 or more", *o.Tasks), "")
	}
	return nil
}

// liveOf is the service as the controller resolved it, else described now.
func (dp *Deployer) liveOf(ctx context.Context, o Options) (*types.Service, error) {
	if o.resolved == nil {
		return dp.describeService(ctx, o.Cluster, o.Service)
	}
	if s := o.resolved.Live; s != nil && aws.ToString(s.Status) == "DRAINING" {
		return nil, errDraining(o.Service)
	}
	return o.resolved.Live, nil
}

func errDraining(service string) error {
	return fmt.Errorf("service %q is DRAINING (being deleted); wait until it is INACTIVE, then deploy to create it again", service)
}

// describeService returns the live service, or nil when it is missing or INACTIVE;
// a DRAINING one cannot be deployed to.
func (dp *Deployer) describeService(ctx context.Context, cluster, service string) (*types.Service, error) {
	s, err := LiveService(ctx, dp.d.ECS, cluster, service)
	if err == nil && s != nil && aws.ToString(s.Status) == "DRAINING" {
		return nil, errDraining(service)
	}
	return s, err
}

func (dp *Deployer) planTaskDefinition(ctx context.Context, o Options, p *Plan) error {
	family := o.Family
	if o.TaskDefinition != nil {
		family = aws.ToString(o.TaskDefinition.Family)
	}
	if (o.LatestTaskDefinition || o.Revision != 0) && p.live != nil {
		// ecspresso takes the family of the service's current task definition for
		// --latest-task-definition and --revision, not the local file's.
		family = ecsdef.TaskDefinitionFamily(aws.ToString(p.live.TaskDefinition))
	}
	if family == "" && p.live != nil {
		family = ecsdef.TaskDefinitionFamily(aws.ToString(p.live.TaskDefinition))
	}
	p.TaskDefinition.Family = family
	switch {
	case o.SkipTaskDefinition && !o.LatestTaskDefinition && o.Revision == 0:
		if p.live == nil {
			return diag.Invalid(fmt.Errorf("service %q does not exist yet, so it has no current task definition to keep", o.Service), "deploy a task definition to create it")
		}
		p.TaskDefinition.Action, p.TaskDefinition.ARN = TDCurrent, aws.ToString(p.live.TaskDefinition)
		p.TaskDefinition.Reason = "keeping the service's current task definition"
		return nil
	case o.LatestTaskDefinition, o.Revision != 0:
		if family == "" {
			return diag.Invalid(errors.New("no task definition family known"), "set task_definition in the config")
		}
		ref := family
		p.TaskDefinition.Action = TDLatest
		if o.Revision != 0 {
			ref = fmt.Sprintf("%s:%d", family, o.Revision)
			p.TaskDefinition.Action = TDRevision
		}
		out, err := dp.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)})
		if err != nil && o.Revision != 0 {
			return revisionNotFound(ctx, dp.d.ECS, family, o.Revision, err)
		}
		if err != nil {
			return fmt.Errorf("describe task definition %q: %w", ref, err)
		}
		p.TaskDefinition.ARN = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		if s := out.TaskDefinition.Status; s != types.TaskDefinitionStatusActive {
			return diag.Invalid(fmt.Errorf("task definition %s is %s", p.TaskDefinition.ARN, s), "deploy an ACTIVE revision")
		}
		return nil
	}
	p.TaskDefinition.Action, p.TaskDefinition.Input = TDRegister, o.TaskDefinition
	if p.live == nil || o.ForceRegister {
		if o.ForceRegister {
			p.TaskDefinition.Reason = "registering even an identical revision (forced)"
		}
		return nil
	}
	liveARN := aws.ToString(p.live.TaskDefinition)
	if ecsdef.TaskDefinitionFamily(liveARN) != family {
		p.TaskDefinition.Reason = fmt.Sprintf("the service runs family %q", ecsdef.TaskDefinitionFamily(liveARN))
		return nil
	}
	// The family's latest revision first: usually it is the one the service runs, so
	// one call answers both questions (is it identical to the live revision; is there
	// a newer identical one to reuse).
	var latest *ecs.DescribeTaskDefinitionOutput
	if l, err := dp.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
		TaskDefinition: aws.String(family), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
	}); err == nil && l.TaskDefinition != nil {
		latest = l
	}
	out := latest
	if out == nil || aws.ToString(out.TaskDefinition.TaskDefinitionArn) != liveARN {
		var err error
		out, err = dp.d.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{
			TaskDefinition: aws.String(liveARN), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags},
		})
		if err != nil {
			return fmt.Errorf("describe the service's task definition %s: %w", liveARN, err)
		}
	}
	liveTD := ecsdef.TaskDefinitionFromLive(out.TaskDefinition, out.Tags)
	if dp.d.Protect != nil {
		dp.d.Protect(o.TaskDefinition, liveTD)
	}
	same, err := ecsdef.TaskDefinitionsEqual(liveTD, o.TaskDefinition)
	if err != nil {
		return fmt.Errorf("compare with the live task definition: %w", err)
	}
	if same {
		p.TaskDefinition.Action, p.TaskDefinition.ARN, p.TaskDefinition.Input = TDReuse, liveARN, nil
		p.TaskDefinition.Reason = "identical to the service's current revision"
		return nil
	}
	if dp.d.Log.Enabled(ctx, slog.LevelDebug) {
		if diff, err := ecsdef.DiffTaskDefinitions(liveARN, liveTD, "local", o.TaskDefinition); err == nil {
			dp.d.Log.Debug("task definition differs from the live revision", "diff", diff)
		}
	}
	// A migration pipeline runs 'run' (or 'register') first, which registers the new
	// revision; deploying the same file must not register it a second time.
	if latest == nil || aws.ToString(latest.TaskDefinition.TaskDefinitionArn) == liveARN {
		return nil // nothing newer to reuse; registering is the answer either way
	}
	latestTD := ecsdef.TaskDefinitionFromLive(latest.TaskDefinition, latest.Tags)
	if dp.d.Protect != nil {
		dp.d.Protect(o.TaskDefinition, latestTD)
	}
	if same, err := ecsdef.TaskDefinitionsEqual(latestTD, o.TaskDefinition); err == nil && same {
		p.TaskDefinition.Action, p.TaskDefinition.Input = TDReuse, nil
		p.TaskDefinition.ARN = aws.ToString(latest.TaskDefinition.TaskDefinitionArn)
		p.TaskDefinition.Reason = "identical to the family's latest revision (registered by an earlier run or register)"
	}
	return nil
}

func (dp *Deployer) planCreate(o Options, p *Plan) {
	in := *o.ServiceDefinition // shallow copy; slices are not modified
	in.Cluster, in.ServiceName = aws.String(o.Cluster), aws.String(o.Service)
	switch {
	case in.SchedulingStrategy == types.SchedulingStrategyDaemon:
		in.DesiredCount = nil // DAEMON services run one task per instance
	case o.Tasks != nil:
		in.DesiredCount = o.Tasks
	case in.DesiredCount == nil:
		in.DesiredCount = aws.Int32(1)
		p.Warnings = append(p.Warnings, "the service definition has no desiredCount; creating the service with 1 task")
	}
	p.DesiredCount = in.DesiredCount
	p.create = &in
	p.StartsDeployment = true
}

func (dp *Deployer) planUpdate(o Options, p *Plan) error {
	live := p.live
	upd := &ecs.UpdateServiceInput{Cluster: aws.String(o.Cluster), Service: aws.String(o.Service)}
	changed := false
	if p.TaskDefinition.Action == TDRegister || p.TaskDefinition.ARN != aws.ToString(live.TaskDefinition) {
		p.StartsDeployment = true
		changed = true
	}
	if o.ServiceDefinition != nil {
		if err := dp.diffAttributes(o, p, upd); err != nil {
			return err
		}
		if len(p.Changes) > 0 {
			changed = true
		}
		p.TagsAdd, p.TagsRemove = tagChanges(live.Tags, o.ServiceDefinition.Tags, o.IgnoreTags)
	}
	// Desired count: --tasks, else the file's value, else unchanged (nil keeps a count
	// that auto scaling may have moved). DAEMON services have no desired count.
	if live.SchedulingStrategy != types.SchedulingStrategyDaemon {
		want := o.Tasks
		if want == nil && o.ServiceDefinition != nil {
			want = o.ServiceDefinition.DesiredCount
		}
		if want != nil && *want != live.DesiredCount {
			p.DesiredCount, p.DesiredCountFrom = want, aws.Int32(live.DesiredCount)
			upd.DesiredCount = want
			changed = true
		}
	}
	if o.ForceNewDeployment {
		p.ForceNewDeployment = true
		p.ForceReasons = append(p.ForceReasons, "requested")
	}
	if p.ForceNewDeployment {
		p.StartsDeployment = true
		changed = true
	}
	if changed {
		if p.TaskDefinition.ARN != "" || p.TaskDefinition.Action != TDRegister {
			upd.TaskDefinition = aws.String(p.TaskDefinition.ARN)
		}
		upd.ForceNewDeployment = p.ForceNewDeployment
		p.update = upd
	}
	p.UpToDate = !changed && len(p.TagsAdd) == 0 && len(p.TagsRemove) == 0 && p.AutoScaling == nil
	return nil
}

// diffAttributes compares every updatable attribute of the normalised local and live
// definitions, sets the changed ones on upd, and refuses changes UpdateService cannot
// make instead of silently ignoring them.
func (dp *Deployer) diffAttributes(o Options, p *Plan, upd *ecs.UpdateServiceInput) error {
	liveDef := ecsdef.NormalizeServiceDefinition(ecsdef.ServiceDefinitionFromLive(p.live))
	localDef := ecsdef.NormalizeServiceDefinition(o.ServiceDefinition)
	if localDef.SchedulingStrategy != "" && liveDef.SchedulingStrategy != "" && localDef.SchedulingStrategy != liveDef.SchedulingStrategy {
		return diag.Invalid(fmt.Errorf("schedulingStrategy cannot change from %s to %s on an existing service", liveDef.SchedulingStrategy, localDef.SchedulingStrategy),
			"ECS cannot update it in place: create a new service, or keep the live value in the file")
	}
	if localDef.LaunchType != liveDef.LaunchType && localDef.LaunchType != "" &&
		!(len(localDef.CapacityProviderStrategy) > 0) {
		return diag.Invalid(fmt.Errorf("launchType cannot change from %q to %q on an existing service", liveDef.LaunchType, localDef.LaunchType),
			"ECS only allows moving from a launch type to a capacity provider strategy (with a forced deployment); otherwise create a new service")
	}
	lv, rv := reflect.ValueOf(liveDef).Elem(), reflect.ValueOf(localDef).Elem()
	uv := reflect.ValueOf(upd).Elem()
	for _, name := range updatable {
		a, b := lv.FieldByName(name), rv.FieldByName(name)
		if !a.IsValid() || !b.IsValid() || sameValue(a, b) {
			continue
		}
		if b.Kind() == reflect.String && b.Len() == 0 {
			continue // an unset enum (e.g. availabilityZoneRebalancing) keeps the live value
		}
		kind := "changed"
		switch {
		case isEmpty(a):
			kind = "set"
		case isEmpty(b):
			kind = "removed"
		}
		if err := assign(uv.FieldByName(name), b, kind == "removed"); err != nil {
			return fmt.Errorf("plan update of %s: %w", name, err)
		}
		p.Changes = append(p.Changes, Change{Field: lowerFirst(name), Kind: kind})
		if startsDeployment[name] {
			p.StartsDeployment = true
		}
		if why, ok := needsForce[name]; ok {
			p.ForceNewDeployment = true
			p.ForceReasons = append(p.ForceReasons, why)
		}
	}
	if liveDef.LaunchType != "" && len(localDef.CapacityProviderStrategy) > 0 && len(liveDef.CapacityProviderStrategy) == 0 {
		if !p.ForceNewDeployment {
			p.ForceNewDeployment = true
		}
		p.ForceReasons = appendUnique(p.ForceReasons, "moving from a launch type to a capacity provider strategy needs a new deployment")
	}
	return nil
}

// assign sets dst (an UpdateServiceInput field) from src (the CreateServiceInput
// field). A removed list is sent as an explicit empty list, and removed Service
// Connect as enabled=false, because UpdateService treats an absent field as "keep".
func assign(dst, src reflect.Value, removed bool) error {
	if removed {
		switch dst.Kind() {
		case reflect.Slice:
			dst.Set(reflect.MakeSlice(dst.Type(), 0, 0))
			return nil
		case reflect.Pointer:
			if dst.Type() == reflect.TypeFor[*types.ServiceConnectConfiguration]() {
				dst.Set(reflect.ValueOf(&types.ServiceConnectConfiguration{Enabled: false}))
				return nil
			}
		}
	}
	switch {
	case src.Type().AssignableTo(dst.Type()):
		dst.Set(src)
	case dst.Kind() == reflect.Pointer && src.Type().AssignableTo(dst.Type().Elem()):
		ptr := reflect.New(dst.Type().Elem())
		ptr.Elem().Set(src)
		dst.Set(ptr)
	default:
		return fmt.Errorf("cannot assign %s to %s", src.Type(), dst.Type())
	}
	return nil
}

// sameValue compares two attribute values by their canonical JSON, the form diff
// shows, so that representation details (nil vs empty, pointer vs value) never count
// as a change.
func sameValue(a, b reflect.Value) bool {
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	ja, errA := ecsdef.Marshal(a.Interface())
	jb, errB := ecsdef.Marshal(b.Interface())
	if errA != nil || errB != nil {
		return reflect.DeepEqual(a.Interface(), b.Interface())
	}
	return bytes.Equal(ja, jb)
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return v.IsZero()
}

// tagChanges compares live and local service tags, leaving ignored keys alone. A nil
// local list means the file does not manage tags (ecspresso deleted every tag then);
// an explicit empty list removes them all.
func tagChanges(live, local []types.Tag, ignore []string) (add []types.Tag, remove []string) {
	if local == nil {
		return nil, nil
	}
	liveMap := map[string]string{}
	for _, t := range ManagedTags(live, ignore) {
		liveMap[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	localMap := map[string]string{}
	for _, t := range ManagedTags(local, ignore) {
		k := aws.ToString(t.Key)
		localMap[k] = aws.ToString(t.Value)
		if v, ok := liveMap[k]; !ok || v != aws.ToString(t.Value) {
			add = append(add, t)
		}
	}
	for k := range liveMap {
		if _, ok := localMap[k]; !ok {
			remove = append(remove, k)
		}
	}
	slices.Sort(remove)
	return add, remove
}

// ManagedTags returns the tags doppio compares and changes: all but the keys of the
// config's ignore.tags and the aws: keys that AWS itself owns. It is the one home of
// the rule for deploy and diff.
func ManagedTags(tags []types.Tag, ignore []string) []types.Tag {
	var out []types.Tag
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if slices.Contains(ignore, k) || strings.HasPrefix(k, "aws:") {
			continue
		}
		out = append(out, t)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	if strings.HasPrefix(s, "EnableECS") {
		return "enableECS" + s[len("EnableECS"):]
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
