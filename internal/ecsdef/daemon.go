package ecsdef

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DaemonDefinition is a Managed Daemon definition file (config key
// daemon_definition, doppio's own: ecspresso has no daemons). It holds the
// CreateDaemon members a user chooses and, under taskDefinition, the
// RegisterDaemonTaskDefinition input of the daemon's task definition. The daemon's
// name is the config's service and its cluster the config's cluster; the task
// definition ARN is what deploy registers (or finds unchanged).
type DaemonDefinition struct {
	CapacityProviderArns    []string
	Critical                *bool
	DeploymentConfiguration *types.DaemonDeploymentConfiguration
	EnableECSManagedTags    bool
	EnableExecuteCommand    bool
	PropagateTags           types.DaemonPropagateTags
	Tags                    []types.Tag
	TaskDefinition          *ecs.RegisterDaemonTaskDefinitionInput
}

// DecodeDaemonDefinition decodes and validates a rendered daemon definition with
// the strict rules of every definition.
func DecodeDaemonDefinition(file string, data []byte) (*DaemonDefinition, error) {
	d, root, err := newDecoder(file, data)
	if err != nil {
		return nil, err
	}
	if root.kind == kindNull {
		return nil, d.fail(root.off, "", "write capacityProviderArns and taskDefinition", "the daemon definition is null")
	}
	dd := &DaemonDefinition{}
	if err := d.decode(root, reflect.ValueOf(dd).Elem(), ""); err != nil {
		return nil, err
	}
	if err := d.problemsError(ValidateDaemonDefinition(dd), ""); err != nil {
		return nil, err
	}
	return dd, nil
}

// ValidateDaemonDefinition checks a daemon definition against the CreateDaemon and
// RegisterDaemonTaskDefinition API references.
func ValidateDaemonDefinition(dd *DaemonDefinition) []Problem {
	const ref = "the CreateDaemon and RegisterDaemonTaskDefinition API references"
	var ps []Problem
	add := func(field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Msg: fmt.Sprintf(format, args...), Ref: ref})
	}
	if len(dd.CapacityProviderArns) == 0 {
		add("capacityProviderArns", "is required: the capacity providers whose container instances run the daemon, one task each")
	}
	for i, a := range dd.CapacityProviderArns {
		if !strings.HasPrefix(a, "arn:") || !strings.Contains(a, ":capacity-provider/") {
			add(fmt.Sprintf("capacityProviderArns[%d]", i), "%q is not a capacity provider ARN (arn:aws:ecs:REGION:ACCOUNT:capacity-provider/NAME)", a)
		}
	}
	if dd.PropagateTags != "" && !slices.Contains(dd.PropagateTags.Values(), dd.PropagateTags) {
		add("propagateTags", "%q; allowed: %s", dd.PropagateTags, joinEnum(dd.PropagateTags.Values()))
	}
	if dc := dd.DeploymentConfiguration; dc != nil {
		if p := dc.DrainPercent; p != nil && (*p <= 0 || *p > 100) {
			add("deploymentConfiguration.drainPercent", "%v; allowed: above 0 up to 100 (percent of instances drained at a time)", *p)
		}
		if dc.BakeTimeInMinutes < 0 || dc.BakeTimeInMinutes > 1440 {
			add("deploymentConfiguration.bakeTimeInMinutes", "%d; allowed: 0-1440", dc.BakeTimeInMinutes)
		}
	}
	td := dd.TaskDefinition
	if td == nil {
		add("taskDefinition", "is required: the daemon task definition (RegisterDaemonTaskDefinition input)")
		return ps
	}
	if err := ValidName(aws.ToString(td.Family)); err != nil {
		add("taskDefinition.family", "%v", err)
	}
	for name, v := range map[string]*string{"taskDefinition.executionRoleArn": td.ExecutionRoleArn, "taskDefinition.taskRoleArn": td.TaskRoleArn} {
		if v != nil {
			if err := checkRoleARN(*v); err != nil {
				add(name, "%v", err)
			}
		}
	}
	if len(td.ContainerDefinitions) == 0 {
		add("taskDefinition.containerDefinitions", "is required: at least one container")
	}
	seen := map[string]bool{}
	for i, c := range td.ContainerDefinitions {
		p := fmt.Sprintf("taskDefinition.containerDefinitions[%d]", i)
		name := aws.ToString(c.Name)
		switch {
		case name == "":
			add(p+".name", "is required")
		case seen[name]:
			add(p+".name", "%q is used by another container", name)
		}
		seen[name] = true
		if aws.ToString(c.Image) == "" {
			add(p+".image", "is required")
		} else if err := checkImage(*c.Image); err != nil {
			add(p+".image", "%v", err)
		}
		for j, s := range c.Secrets {
			if aws.ToString(s.ValueFrom) == "" {
				add(fmt.Sprintf("%s.secrets[%d].valueFrom", p, j), "is required: an SSM parameter or Secrets Manager secret ARN")
			}
		}
	}
	return ps
}

// DaemonTaskDefinitionFromLive turns a described daemon task definition back into
// its RegisterDaemonTaskDefinition input (for diff and "is it unchanged").
func DaemonTaskDefinitionFromLive(td *types.DaemonTaskDefinition) *ecs.RegisterDaemonTaskDefinitionInput {
	if td == nil {
		return nil
	}
	return &ecs.RegisterDaemonTaskDefinitionInput{
		ContainerDefinitions: td.ContainerDefinitions, Family: td.Family, Cpu: td.Cpu, Memory: td.Memory,
		ExecutionRoleArn: td.ExecutionRoleArn, TaskRoleArn: td.TaskRoleArn, IpcMode: td.IpcMode, PidMode: td.PidMode, Volumes: td.Volumes,
	}
}

// DaemonTaskDefinitionsEqual reports whether registering local would change
// nothing: equal canonical JSON once environment and secrets are sorted and tags
// (not part of a revision's content) are left out.
func DaemonTaskDefinitionsEqual(live, local *ecs.RegisterDaemonTaskDefinitionInput) bool {
	if live == nil || local == nil {
		return live == local
	}
	a, _ := Marshal(normalizeDaemonTD(live))
	b, _ := Marshal(normalizeDaemonTD(local))
	return string(a) == string(b)
}

func normalizeDaemonTD(td *ecs.RegisterDaemonTaskDefinitionInput) *ecs.RegisterDaemonTaskDefinitionInput {
	c := *td
	c.Tags = nil
	c.ContainerDefinitions = slices.Clone(c.ContainerDefinitions)
	for i := range c.ContainerDefinitions {
		cd := &c.ContainerDefinitions[i]
		cd.Environment = slices.SortedStableFunc(slices.Values(cd.Environment), func(a, b types.KeyValuePair) int {
			return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
		})
		cd.Secrets = slices.SortedStableFunc(slices.Values(cd.Secrets), func(a, b types.Secret) int {
			return strings.Compare(aws.ToString(a.Name), aws.ToString(b.Name))
		})
		if cd.Essential == nil {
			cd.Essential = aws.Bool(true) // the default ECS reports
		}
	}
	return &c
}

// DiffDaemonDefinitions returns a unified diff of two daemon definitions (live
// first; nil diffs as an empty document), or "" when equal.
func DiffDaemonDefinitions(liveName string, live *DaemonDefinition, localName string, local *DaemonDefinition) (string, error) {
	sorted := func(d *DaemonDefinition) *DaemonDefinition {
		if d == nil {
			return nil
		}
		c := *d
		if c.TaskDefinition != nil {
			c.TaskDefinition = normalizeDaemonTD(c.TaskDefinition)
		}
		c.CapacityProviderArns = slices.Sorted(slices.Values(c.CapacityProviderArns))
		c.Tags = slices.SortedStableFunc(slices.Values(c.Tags), func(a, b types.Tag) int { return strings.Compare(aws.ToString(a.Key), aws.ToString(b.Key)) })
		return &c
	}
	if live != nil && local != nil {
		// Members the file leaves out are not compared (ECS fills defaults).
		l := *live
		if local.DeploymentConfiguration == nil {
			l.DeploymentConfiguration = nil
		}
		if local.Critical == nil {
			l.Critical = nil
		}
		if local.PropagateTags == "" {
			l.PropagateTags = ""
		}
		if local.Tags == nil {
			l.Tags = nil
		}
		live = &l
	}
	return diffDocs(liveName, sorted(live), localName, sorted(local))
}
