package verify

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// SkipGroups are the names `verify --skip` takes, each with the check kinds it
// covers. A skipped check is reported as SKIPPED with why, never as OK, and makes no
// call.
var SkipGroups = map[string][]string{
	"images":            {"Image"},
	"roles":             {"ExecutionRole", "TaskRole", "InfrastructureRole", "LoadBalancerRole"},
	"secrets":           {"Secret", "RepositoryCredentials"},
	"logs":              {"LogConfiguration"},
	"network":           {"NetworkConfiguration", "Subnet", "SecurityGroup", "VPC", "AssignPublicIp"},
	"load-balancers":    {"LoadBalancer", "TargetGroup", "AlternateTargetGroup", "ListenerRule"},
	"file-systems":      {"FileSystem", "AccessPoint"},
	"environment-files": {"EnvironmentFile"},
	"service-discovery": {"ServiceRegistry", "ServiceConnectNamespace"},
	"cluster":           {"Cluster", "CapacityProvider", "LaunchType"},
}

// SkipNames lists the names --skip takes, sorted.
func SkipNames() []string { return slices.Sorted(maps.Keys(SkipGroups)) }

// ParseSkip reads --skip values (repeatable, comma-separated) into the set of check
// kinds to skip, each mapped to the name that skips it. An unknown name is an error.
func ParseSkip(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			kinds, ok := SkipGroups[name]
			if !ok {
				return nil, fmt.Errorf("unknown check %q", name)
			}
			for _, k := range kinds {
				out[k] = name
			}
		}
	}
	return out, nil
}

// skipped says which --skip name covers a check of kind ("" when none does). A kind
// like "Secret DB_PASSWORD" is matched by its first word.
func (o Options) skipped(kind string) string {
	if len(o.Skip) == 0 {
		return ""
	}
	head, _, _ := strings.Cut(kind, " ")
	return o.Skip[head]
}
