package ecsdef

import (
	"strconv"
	"strings"
)

// ParseTaskDefinitionRef splits a task definition reference — an ARN
// ("arn:aws:ecs:…:task-definition/web:3"), "family:revision" or a bare family —
// into its family and revision number; ok is false when there is no revision. It
// is the one parser of task definition ARNs.
func ParseTaskDefinitionRef(ref string) (family string, revision int, ok bool) {
	s := ref[strings.LastIndex(ref, "/")+1:]
	i := strings.LastIndex(s, ":")
	if i <= 0 {
		return s, 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n <= 0 {
		return s, 0, false
	}
	return s[:i], n, true
}

// TaskDefinitionFamily returns the family of a task definition reference.
func TaskDefinitionFamily(ref string) string {
	f, _, _ := ParseTaskDefinitionRef(ref)
	return f
}

// TaskDefinitionName shortens a task definition ARN to "family:revision"; other
// references are returned as they are.
func TaskDefinitionName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}
