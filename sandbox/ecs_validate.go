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
		if typ, msg, ok := validateEarlySuccess(req["deploymentConfiguration"]); !ok {
			return typ, msg, ok
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

// validateEarlySuccess follows DeploymentEarlySuccessCriteria in the API reference:
// "You can use early success criteria only with rolling deployment strategy";
// healthyPercent is an integer from 0 to 100, at least minimumHealthyPercent;
// sourceServiceRevisionCleanup is BLOCKING or DEFERRED.
func validateEarlySuccess(raw json.RawMessage) (typ, msg string, ok bool) {
	var dc struct {
		Strategy              string `json:"strategy"`
		MinimumHealthyPercent *int   `json:"minimumHealthyPercent"`
		EarlySuccessCriteria  *struct {
			Enable                       bool   `json:"enable"`
			HealthyPercent               *int   `json:"healthyPercent"`
			SourceServiceRevisionCleanup string `json:"sourceServiceRevisionCleanup"`
		} `json:"earlySuccessCriteria"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &dc) != nil || dc.EarlySuccessCriteria == nil {
		return "", "", true
	}
	es := dc.EarlySuccessCriteria
	invalid := func(m string) (string, string, bool) { return "InvalidParameterException", m, false }
	switch {
	case dc.Strategy != "" && dc.Strategy != "ROLLING":
		return invalid("Early success criteria can only be used with the ROLLING deployment strategy.")
	case !es.Enable:
		return "", "", true
	case es.HealthyPercent == nil || *es.HealthyPercent < 0 || *es.HealthyPercent > 100:
		return invalid("earlySuccessCriteria.healthyPercent must be an integer between 0 and 100.")
	case dc.MinimumHealthyPercent != nil && *es.HealthyPercent < *dc.MinimumHealthyPercent:
		return invalid("earlySuccessCriteria.healthyPercent must be greater than or equal to minimumHealthyPercent.")
	case es.SourceServiceRevisionCleanup != "BLOCKING" && es.SourceServiceRevisionCleanup != "DEFERRED":
		return invalid("earlySuccessCriteria.sourceServiceRevisionCleanup must be BLOCKING or DEFERRED.")
	}
	return "", "", true
}
