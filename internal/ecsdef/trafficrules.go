package ecsdef

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// validateEarlySuccess checks deploymentConfiguration.earlySuccessCriteria against
// DeploymentEarlySuccessCriteria in the API reference
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentEarlySuccessCriteria.html):
// only the rolling strategy uses it; with enable true, healthyPercent (an integer from
// 0 to 100, at least minimumHealthyPercent) and sourceServiceRevisionCleanup (BLOCKING
// or DEFERRED) are required.
func validateEarlySuccess(dc *types.DeploymentConfiguration) []error {
	es := dc.EarlySuccessCriteria
	if es == nil {
		return nil
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("deploymentConfiguration.earlySuccessCriteria%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if dc.Strategy != "" && dc.Strategy != types.DeploymentStrategyRolling {
		bad("", "only the ROLLING strategy uses early success criteria (strategy is %s)", dc.Strategy)
	}
	if !es.Enable {
		return errs
	}
	switch hp := es.HealthyPercent; {
	case hp == nil:
		bad(".healthyPercent", "required when enable is true: the share of desiredCount that must be healthy (0 to 100)")
	case *hp < 0 || *hp > 100:
		bad(".healthyPercent", "%d is outside 0..100", *hp)
	case dc.MinimumHealthyPercent != nil && *hp < *dc.MinimumHealthyPercent:
		bad(".healthyPercent", "%d is below deploymentConfiguration.minimumHealthyPercent %d; it must be at least that", *hp, *dc.MinimumHealthyPercent)
	}
	switch es.SourceServiceRevisionCleanup {
	case types.ServiceRevisionCleanupBlocking, types.ServiceRevisionCleanupDeferred:
	case "":
		bad(".sourceServiceRevisionCleanup", "required when enable is true: BLOCKING or DEFERRED")
	default:
		bad(".sourceServiceRevisionCleanup", "%q is not BLOCKING or DEFERRED", es.SourceServiceRevisionCleanup)
	}
	return errs
}

// validateTestTrafficRules checks the Service Connect test traffic rules of each
// client alias (ServiceConnectTestTrafficRules, ServiceConnectTestTrafficHeaderRules
// and ServiceConnectTestTrafficHeaderMatchRules in the API reference): header is
// required, with a name, and a value, when given, needs exact. A header name must be
// an HTTP field name (RFC 9110, section 5.1: a token) or no request can carry it, so
// the rule would silently route nothing.
func validateTestTrafficRules(sd *ecs.CreateServiceInput) []error {
	sc := sd.ServiceConnectConfiguration
	if sc == nil {
		return nil
	}
	var errs []error
	for i, s := range sc.Services {
		for j, ca := range s.ClientAliases {
			tr := ca.TestTrafficRules
			if tr == nil {
				continue
			}
			path := fmt.Sprintf("serviceConnectConfiguration.services[%d].clientAliases[%d].testTrafficRules", i, j)
			if tr.Header == nil {
				errs = append(errs, fmt.Errorf("%s.header: required: the HTTP header that marks test requests", path))
				continue
			}
			switch name := aws.ToString(tr.Header.Name); {
			case name == "":
				errs = append(errs, fmt.Errorf("%s.header.name: required, e.g. x-canary", path))
			case !httpToken(name):
				errs = append(errs, fmt.Errorf("%s.header.name: %q is not a valid HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only)", path, name))
			}
			if v := tr.Header.Value; v != nil && v.Exact == nil {
				errs = append(errs, fmt.Errorf("%s.header.value.exact: required when value is given: the header value that marks test requests", path))
			}
		}
	}
	return errs
}

// httpToken reports whether s is an RFC 9110 token.
func httpToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 0x7e || r <= ' ' || (!strings.ContainsRune("!#$%&'*+-.^_`|~", r) && !('0' <= r && r <= '9') && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z')) {
			return false
		}
	}
	return true
}
