package ecsdef

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// An express definition (ecspresso's express_definition, ecs-express-def.json) is
// the CreateExpressGatewayService input of an ECS Express Mode service. serviceName
// and cluster come from the config, as ecspresso sets them.

// DecodeExpressDefinition decodes and validates a rendered express definition with
// the strict rules of every definition (AWS member names, unknown fields with a
// did-you-mean, positions), then fills serviceName and cluster from ctx.
func DecodeExpressDefinition(file string, data []byte, ctx ServiceContext) (*ecs.CreateExpressGatewayServiceInput, error) {
	d, root, err := newDecoder(file, data)
	if err != nil {
		return nil, err
	}
	if root.kind == kindNull {
		return nil, d.fail(root.off, "", "write at least infrastructureRoleArn and primaryContainer.image", "the express definition is null")
	}
	ex := &ecs.CreateExpressGatewayServiceInput{}
	if err := d.decode(root, reflect.ValueOf(ex).Elem(), ""); err != nil {
		return nil, err
	}
	if err := d.problemsError(ValidateExpressDefinition(ex, ctx), ""); err != nil {
		return nil, err
	}
	ex.ServiceName, ex.Cluster = aws.String(ctx.Service), aws.String(ctx.Cluster)
	return ex, nil
}

// expressCPU and expressMemory are the Fargate task sizes Express Mode takes
// (CreateExpressGatewayService: cpu and memory are task-level Fargate values).
var expressCPU = []string{"256", "512", "1024", "2048", "4096", "8192", "16384"}

// ValidateExpressDefinition checks an express definition against the
// CreateExpressGatewayService API reference, before anything is called.
func ValidateExpressDefinition(ex *ecs.CreateExpressGatewayServiceInput, ctx ServiceContext) []Problem {
	const ref = "the CreateExpressGatewayService API reference"
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...), Ref: ref})
	}
	if v := aws.ToString(ex.ServiceName); v != "" && ctx.Service != "" && v != ctx.Service {
		add("serviceName", "%q contradicts the config's service %q; leave it out (the config names the service)", v, ctx.Service)
	}
	if aws.ToString(ex.InfrastructureRoleArn) == "" {
		add("infrastructureRoleArn", "is required: the role ECS uses to manage the load balancer, target groups and scaling")
	} else if err := checkRoleARN(*ex.InfrastructureRoleArn); err != nil {
		add("infrastructureRoleArn", "%v", err)
	}
	for name, v := range map[string]*string{"executionRoleArn": ex.ExecutionRoleArn, "taskRoleArn": ex.TaskRoleArn} {
		if v != nil {
			if err := checkRoleARN(*v); err != nil {
				add(name, "%v", err)
			}
		}
	}
	if ex.Cpu != nil && !slices.Contains(expressCPU, *ex.Cpu) {
		add("cpu", "%q; allowed: one of %s (CPU units)", *ex.Cpu, strings.Join(expressCPU, ", "))
	}
	if ex.Memory != nil {
		if n, err := strconv.Atoi(*ex.Memory); err != nil || n < 512 || n > 122880 {
			add("memory", "%q; allowed: MiB between 512 and 122880 that Fargate pairs with cpu", *ex.Memory)
		}
	}
	if ex.HealthCheckPath != nil && !strings.HasPrefix(*ex.HealthCheckPath, "/") {
		add("healthCheckPath", "%q must start with /", *ex.HealthCheckPath)
	}
	pc := ex.PrimaryContainer
	switch {
	case pc == nil && ex.TaskDefinitionArn == nil:
		add("primaryContainer", "is required (with its image) unless taskDefinitionArn is given")
	case pc != nil:
		if aws.ToString(pc.Image) == "" {
			add("primaryContainer.image", "is required")
		} else if err := checkImage(*pc.Image); err != nil {
			add("primaryContainer.image", "%v", err)
		}
		if p := pc.ContainerPort; p != nil && (*p < 1 || *p > 65535) {
			add("primaryContainer.containerPort", "%d; allowed: 1-65535", *p)
		}
		for i, kv := range pc.Environment {
			if aws.ToString(kv.Name) == "" {
				add(fmt.Sprintf("primaryContainer.environment[%d].name", i), "is required")
			}
		}
		for i, s := range pc.Secrets {
			if aws.ToString(s.Name) == "" {
				add(fmt.Sprintf("primaryContainer.secrets[%d].name", i), "is required")
			}
			if aws.ToString(s.ValueFrom) == "" {
				add(fmt.Sprintf("primaryContainer.secrets[%d].valueFrom", i), "is required: an SSM parameter or Secrets Manager secret ARN")
			}
		}
	}
	if st := ex.ScalingTarget; st != nil {
		lo, hi := aws.ToInt32(st.MinTaskCount), aws.ToInt32(st.MaxTaskCount)
		if st.MinTaskCount != nil && lo < 0 {
			add("scalingTarget.minTaskCount", "%d; must be 0 or more", lo)
		}
		if st.MinTaskCount != nil && st.MaxTaskCount != nil && hi < lo {
			add("scalingTarget.maxTaskCount", "%d is below minTaskCount %d", hi, lo)
		}
		if st.AutoScalingMetric != "" && !slices.Contains(st.AutoScalingMetric.Values(), st.AutoScalingMetric) {
			add("scalingTarget.autoScalingMetric", "%q; allowed: %s", st.AutoScalingMetric, joinEnum(st.AutoScalingMetric.Values()))
		}
	}
	if ex.CpuArchitecture != "" && !slices.Contains(ex.CpuArchitecture.Values(), ex.CpuArchitecture) {
		add("cpuArchitecture", "%q; allowed: %s", ex.CpuArchitecture, joinEnum(ex.CpuArchitecture.Values()))
	}
	return ps
}

func joinEnum[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// LiveExpressDefinition is the express definition of a live Express Mode service:
// its newest active configuration, with the service's tags (as ecspresso reads it
// back for diff and init).
func LiveExpressDefinition(x *types.ECSExpressGatewayService, tags []types.Tag) *ecs.CreateExpressGatewayServiceInput {
	if x == nil || len(x.ActiveConfigurations) == 0 {
		return nil
	}
	ac := x.ActiveConfigurations[0]
	return &ecs.CreateExpressGatewayServiceInput{
		ServiceName: x.ServiceName, Cluster: x.Cluster, InfrastructureRoleArn: x.InfrastructureRoleArn,
		ExecutionRoleArn: ac.ExecutionRoleArn, TaskRoleArn: ac.TaskRoleArn, Cpu: ac.Cpu, Memory: ac.Memory,
		CpuArchitecture: ac.CpuArchitecture, HealthCheckPath: ac.HealthCheckPath, NetworkConfiguration: ac.NetworkConfiguration,
		ScalingTarget: ac.ScalingTarget, PrimaryContainer: ac.PrimaryContainer, Tags: tags,
	}
}

// normalizeExpress sorts what ECS does not order (subnets, security groups,
// environment, secrets, tags) and, where local leaves a member out, drops it from
// live: ECS fills defaults (network, scaling, logs, cpu, memory, health check path,
// port) that deploy leaves as they are. ecspresso instead fills its own guesses of
// the defaults; comparing only what the file sets gives the same answer without
// guessing.
func normalizeExpress(live, local *ecs.CreateExpressGatewayServiceInput) (l, r *ecs.CreateExpressGatewayServiceInput) {
	cp := func(x *ecs.CreateExpressGatewayServiceInput) *ecs.CreateExpressGatewayServiceInput {
		if x == nil {
			return nil
		}
		c := *x
		c.ServiceName, c.Cluster = nil, nil
		if nc := c.NetworkConfiguration; nc != nil {
			n := *nc
			n.Subnets, n.SecurityGroups = slices.Sorted(slices.Values(n.Subnets)), slices.Sorted(slices.Values(n.SecurityGroups))
			c.NetworkConfiguration = &n
		}
		if pc := c.PrimaryContainer; pc != nil {
			p := *pc
			p.Environment = slices.SortedStableFunc(slices.Values(p.Environment), func(a, b types.KeyValuePair) int {
				return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
			})
			p.Secrets = slices.SortedStableFunc(slices.Values(p.Secrets), func(a, b types.Secret) int {
				return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
			})
			c.PrimaryContainer = &p
		}
		c.Tags = slices.SortedStableFunc(slices.Values(c.Tags), func(a, b types.Tag) int { return strings.Compare(aws.ToString(a.Key), aws.ToString(b.Key)) })
		return &c
	}
	l, r = cp(live), cp(local)
	if l == nil || r == nil {
		return l, r
	}
	if r.NetworkConfiguration == nil {
		l.NetworkConfiguration = nil
	}
	if r.ScalingTarget == nil {
		l.ScalingTarget = nil
	} else if l.ScalingTarget != nil {
		ls, rs := *l.ScalingTarget, r.ScalingTarget
		if rs.AutoScalingMetric == "" {
			ls.AutoScalingMetric = ""
		}
		if rs.AutoScalingTargetValue == nil {
			ls.AutoScalingTargetValue = nil
		}
		if rs.MinTaskCount == nil {
			ls.MinTaskCount = nil
		}
		if rs.MaxTaskCount == nil {
			ls.MaxTaskCount = nil
		}
		l.ScalingTarget = &ls
	}
	if r.Cpu == nil {
		l.Cpu = nil
	}
	if r.Memory == nil {
		l.Memory = nil
	}
	if r.HealthCheckPath == nil {
		l.HealthCheckPath = nil
	}
	if r.CpuArchitecture == "" {
		l.CpuArchitecture = ""
	}
	if r.Tags == nil {
		l.Tags = nil
	}
	if lp, rp := l.PrimaryContainer, r.PrimaryContainer; lp != nil && rp != nil {
		if rp.AwsLogsConfiguration == nil {
			lp.AwsLogsConfiguration = nil
		}
		if rp.ContainerPort == nil {
			lp.ContainerPort = nil
		}
	}
	return l, r
}

// DiffExpressDefinitions returns a unified diff from live to local, or "" when the
// local file would change nothing. A nil live diffs as an empty document.
func DiffExpressDefinitions(liveName string, live *ecs.CreateExpressGatewayServiceInput, localName string, local *ecs.CreateExpressGatewayServiceInput) (string, error) {
	l, r := normalizeExpress(live, local)
	return diffDocs(liveName, l, localName, r)
}

// ExpressChanges lists the top-level members an update would change (for plan):
// "cpu", "primaryContainer.image", ... in a stable order.
func ExpressChanges(live, local *ecs.CreateExpressGatewayServiceInput) []string {
	l, r := normalizeExpress(live, local)
	if l == nil || r == nil {
		return nil
	}
	var out []string
	same := func(a, b any) bool {
		x, _ := Marshal(a)
		y, _ := Marshal(b)
		return string(x) == string(y)
	}
	if lp, rp := l.PrimaryContainer, r.PrimaryContainer; lp != nil && rp != nil {
		fields := []struct {
			name string
			a, b any
		}{
			{"image", lp.Image, rp.Image}, {"containerPort", lp.ContainerPort, rp.ContainerPort}, {"command", lp.Command, rp.Command},
			{"environment", lp.Environment, rp.Environment}, {"secrets", lp.Secrets, rp.Secrets},
			{"awsLogsConfiguration", lp.AwsLogsConfiguration, rp.AwsLogsConfiguration}, {"repositoryCredentials", lp.RepositoryCredentials, rp.RepositoryCredentials},
		}
		for _, f := range fields {
			if !same(f.a, f.b) {
				out = append(out, "primaryContainer."+f.name)
			}
		}
		l.PrimaryContainer, r.PrimaryContainer = nil, nil
	}
	lv, rv := reflect.ValueOf(l).Elem(), reflect.ValueOf(r).Elem()
	for i := range lv.NumField() {
		f := lv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if !same(lv.Field(i).Interface(), rv.Field(i).Interface()) {
			out = append(out, strings.ToLower(f.Name[:1])+f.Name[1:])
		}
	}
	slices.Sort(out)
	return out
}

// checkRoleARN requires an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME).
func checkRoleARN(s string) error {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return fmt.Errorf("%q is not an IAM role ARN; allowed: arn:aws:iam::ACCOUNT:role/NAME", s)
	}
	return nil
}
