package sandbox

import (
	"regexp"
	"slices"
	"strconv"
)

// placeRe is the placement rule: `place<N>` (image tag or SANDBOX_BEHAVIOUR) lets one
// RunTask place at most N tasks, as when a cluster has room for only N.
var placeRe = regexp.MustCompile(`^place([0-9]+)$`)

// placeLimit returns how many tasks of one RunTask the cluster can place, or -1 for
// no limit. The rule is read from every container's image tag and environment,
// overrides included.
func placeLimit(td, overrides obj) int {
	env := map[string][]any{}
	for _, o := range list(overrides, "containerOverrides") {
		m, _ := o.(map[string]any)
		env[str(m, "name")] = list(m, "environment")
	}
	limit := -1
	for _, c := range list(td, "containerDefinitions") {
		cd, _ := c.(map[string]any)
		for _, w := range ruleWords(str(cd, "image"), append(slices.Clone(list(cd, "environment")), env[str(cd, "name")]...)) {
			if m := placeRe.FindStringSubmatch(w); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil && (limit < 0 || n < limit) {
					limit = n
				}
			}
		}
	}
	return limit
}

// placementFailure is the Failure RunTask reports for a task it could not place
// ("API failure reasons", Amazon ECS Developer Guide): on EC2 the resource that ran
// out on every container instance, on Fargate the capacity message.
func placementFailure(launchType, clusterArn string) wireFailure {
	if launchType == "FARGATE" {
		return wireFailure{Arn: clusterArn, Reason: "Capacity is unavailable at this time. Please try again later or in a different availability zone"}
	}
	return wireFailure{Arn: clusterArn, Reason: "RESOURCE:MEMORY"}
}
