package schedule

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/doppio-ecs/doppio/internal/diag"
	"github.com/doppio-ecs/doppio/internal/task"
)

// RunOptions turns the rule into run's options: its task definition (the family's
// latest ACTIVE revision, or the revision named), count, launch settings and
// overrides, exactly what EventBridge passes to RunTask.
func (r *Resolved) RunOptions() (task.RunOptions, error) {
	o := task.RunOptions{Cluster: r.Cluster, Region: r.Account.Region, Count: max(r.TaskCount, 1), StartedBy: StartedBy(r.Name)}
	ref := r.TaskDefinition
	if i := strings.Index(ref, ":task-definition/"); i >= 0 {
		ref = ref[i+len(":task-definition/"):]
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	o.Family = family
	if hasRev {
		n, err := strconv.Atoi(rev)
		if err != nil {
			return o, diag.Invalid(fmt.Errorf("rule %s: taskDefinition %q: bad revision", r.Name, r.TaskDefinition), "write family or family:REVISION")
		}
		o.Revision = int32(n)
	} else {
		o.LatestTaskDefinition = true
	}
	t := r.Target()
	ep := t.EcsParameters
	sd := &ecs.CreateServiceInput{LaunchType: ecstypes.LaunchType(ep.LaunchType), PlatformVersion: ep.PlatformVersion}
	for _, c := range ep.CapacityProviderStrategy {
		sd.CapacityProviderStrategy = append(sd.CapacityProviderStrategy, ecstypes.CapacityProviderStrategyItem{CapacityProvider: c.CapacityProvider, Base: c.Base, Weight: c.Weight})
	}
	if nc := ep.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		sd.NetworkConfiguration = &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: nc.AwsvpcConfiguration.Subnets, SecurityGroups: nc.AwsvpcConfiguration.SecurityGroups,
			AssignPublicIp: ecstypes.AssignPublicIp(nc.AwsvpcConfiguration.AssignPublicIp)}}
	}
	o.ServiceDefinition = sd
	if ep.PropagateTags != "" {
		o.PropagateTags = string(ep.PropagateTags)
	}
	var ov ecstypes.TaskOverride
	if err := json.Unmarshal([]byte(r.Input()), &ov); err != nil {
		return o, fmt.Errorf("rule %s: overrides: %w", r.Name, err)
	}
	o.Overrides = &ov
	return o, nil
}

// DiffText is the text of the changes: unified diffs, or with unified false both
// documents whole with every line marked.
func DiffText(cs []*Change, unified bool) string {
	var b strings.Builder
	for _, c := range cs {
		if c.Action == Unchanged {
			continue
		}
		if unified {
			b.WriteString(c.Diff)
			continue
		}
		fmt.Fprintf(&b, "--- live rule %s\n", c.Rule)
		for _, l := range strings.SplitAfter(c.Live, "\n") {
			if l != "" {
				b.WriteString("- " + l)
			}
		}
		fmt.Fprintf(&b, "+++ %s rule %s\n", c.File, c.Rule)
		for _, l := range strings.SplitAfter(c.Local, "\n") {
			if l != "" {
				b.WriteString("+ " + l)
			}
		}
	}
	return b.String()
}
