package watch

import (
	"fmt"
	"slices"
	"strings"
)

// CodeDeployEvents are the lifecycle events of an Amazon ECS deployment in CodeDeploy,
// in the order they run ("AppSpec 'hooks' section", run order of hooks in an Amazon
// ECS deployment, CodeDeploy User Guide).
var CodeDeployEvents = []string{
	"BeforeInstall", "Install", "AfterInstall", "AllowTestTraffic", "AfterAllowTestTraffic",
	"BeforeAllowTraffic", "AllowTraffic", "AfterAllowTraffic",
}

// ParseCodeDeployEvent checks a lifecycle event name (case-insensitive) for
// --wait-until codedeploy:<Event> and returns its canonical spelling.
func ParseCodeDeployEvent(s string) (string, error) {
	i := slices.IndexFunc(CodeDeployEvents, func(e string) bool { return strings.EqualFold(e, strings.TrimSpace(s)) })
	if i < 0 {
		return "", fmt.Errorf("unknown CodeDeploy lifecycle event %q; one of %s", s, strings.Join(CodeDeployEvents, ", "))
	}
	return CodeDeployEvents[i], nil
}
