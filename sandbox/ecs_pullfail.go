package sandbox

import "strings"

// pullFailure returns the stopped reason of a task whose image cannot be pulled (an
// image tag `pullfail`), or "". ECS stops such a task before any container runs, with
// stopCode TaskFailedToStart and a CannotPullContainerError reason on the task and
// the container ("CannotPullContainer task errors", Amazon ECS Developer Guide). It
// applies to RunTask tasks and to service tasks alike: a service deployment whose
// tasks cannot pull keeps launching tasks that stop at once, so the circuit breaker
// trips as for a crash loop (the deployment's behaviour is marked as one).
func pullFailure(specs []containerSpec) string {
	for _, c := range specs {
		for _, w := range ruleWords(c.image, nil) {
			if w == "pullfail" {
				ref := c.image
				if !strings.Contains(ref, "/") {
					ref = "docker.io/library/" + ref
				}
				return "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
					ref + ": " + ref + ": not found"
			}
		}
	}
	return ""
}
