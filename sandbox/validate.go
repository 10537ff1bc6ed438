package sandbox

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
)

// validateECS answers malformed ECS requests the way ECS does, with a 400 client
// error, before the simulation or moto sees them: the simulation trusts its
// numbers (a negative desired count must never reach it, and 2^31-1 tasks would
// exhaust memory). It returns the error type and message, or ok.
//
// Sources: Amazon ECS API Reference, CreateService / UpdateService (desiredCount),
// RunTask (count: "You can specify up to 10 tasks for each call"),
// RegisterTaskDefinition (family: "Up to 255 letters (uppercase and lowercase),
// numbers, underscores, and hyphens are allowed"), CreateService (serviceName, same
// rule), and Service Quotas ("Tasks per service": 5,000).
func validateECS(op string, body []byte) (typ, msg string, ok bool) {
	var req map[string]json.RawMessage
	if len(body) == 0 || json.Unmarshal(body, &req) != nil {
		return "", "", true // the handlers report malformed JSON themselves
	}
	integer := func(k string) (int64, bool, bool) { // value, present, valid
		raw, present := req[k]
		if !present || string(raw) == "null" {
			return 0, false, true
		}
		n, err := strconv.ParseInt(string(raw), 10, 64)
		return n, true, err == nil
	}
	str := func(k string) (string, bool) {
		raw, present := req[k]
		if !present {
			return "", false
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	invalid := func(format string, args ...any) (string, string, bool) {
		return "InvalidParameterException", fmt.Sprintf(format, args...), false
	}
	switch op {
	case "CreateService", "UpdateService":
		if n, present, valid := integer("desiredCount"); present && (!valid || n < 0 || n > maxTasksPerService) {
			return invalid("desiredCount must be between 0 and %d (tasks per service quota), got %s", maxTasksPerService, req["desiredCount"])
		}
		if op == "CreateService" {
			if name, present := str("serviceName"); present && !ecsName.MatchString(name) {
				return invalid("serviceName can contain up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens")
			}
		}
	case "RunTask":
		if n, present, valid := integer("count"); present && (!valid || n < 1 || n > 10) {
			return invalid("count must be between 1 and 10, got %s", req["count"])
		}
	case "RegisterTaskDefinition":
		if name, _ := str("family"); !ecsName.MatchString(name) {
			return "ClientException", "Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed", false
		}
	}
	return "", "", true
}

// maxTasksPerService is the ECS "Tasks per service" quota.
const maxTasksPerService = 5000

var ecsName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
