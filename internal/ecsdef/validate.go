package ecsdef

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// validate*.go are the one place that knows what ECS rejects. Each rule is a row of a
// table (taskDefinitionRules, serviceRules) naming the AWS document it implements,
// so a reader can check the rule against its source. The decoders run the rules
// after decoding and turn every Problem into a *diag.Error at the position of the
// field in the file; nothing that breaks a rule reaches an AWS call that changes
// something.
//
// Sources (Amazon ECS API Reference, Developer Guide and Service Quotas):
const (
	refRegisterTD   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html"
	refContainerDef = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html"
	refPortMapping  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html"
	refHealthCheck  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html"
	refDependency   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html"
	refEphemeral    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html"
	refTag          = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html"
	refTaskSize     = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size"
	refTDParams     = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html"
	refCreateSvc    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html"
	refDeployConfig = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html"
	refLoadBalancer = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LoadBalancer.html"
	refAwsVpc       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html"
	refQuotas       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html"
	refVolume       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html"
	refMountPoint   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_MountPoint.html"
	refSecret       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html"
	refKeyValue     = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KeyValuePair.html"
	refLogConfig    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html"
	refUlimit       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html"
	refCapacity     = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html"
	refLinuxParams  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html"
	refResourceReq  = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ResourceRequirement.html"
	refRepoCreds    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RepositoryCredentials.html"
	refEnvFile      = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EnvironmentFile.html"
	refFSxAuth      = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_FSxWindowsFileServerAuthorizationConfig.html"
	refEFSVolume    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSVolumeConfiguration.html"
	refRegistry     = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html"
	refAdvancedLB   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AdvancedConfiguration.html"
	refLifecycle    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentLifecycleHook.html"
	refCanary       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CanaryConfiguration.html"
	refLinear       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinearConfiguration.html"
	refSCService    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectService.html"
	refSCTLS        = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectTlsConfiguration.html"
	refEBSVolume    = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceManagedEBSVolumeConfiguration.html"
	refVpcLattice   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_VpcLatticeConfiguration.html"
	refRestartPol   = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html"
)

// Limits from the ECS service quotas page (refQuotas).
const (
	// MaxDesiredCount is the "Tasks per service" quota: the largest desired count
	// ECS accepts for one service.
	MaxDesiredCount = 5000
	// maxContainers is "Containers per task definition".
	maxContainers = 10
	// maxTags is the per-resource tag limit (Tag: "Maximum number of tags per
	// resource - 50").
	maxTags = 50
)

// namePattern is the shape of family, container, volume, service and cluster
// names: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
// hyphens are allowed." It excludes control characters and spaces by construction.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// tagChars is Tag's pattern: "letters, numbers, and spaces representable in
// UTF-8, and the following characters: + - = . _ : / @".
var tagChars = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

const nameAllowed = "1-255 letters, numbers, underscores and hyphens"

// Problem is one broken rule: the field it concerns (a path relative to the
// definition, e.g. containerDefinitions[1].name), what is wrong including what is
// allowed, and the AWS reference of the rule.
type Problem struct {
	Field string
	Msg   string
	Ref   string
}

func (p Problem) String() string { return p.Field + ": " + p.Msg }

// report collects problems for one rule at a time.
type report struct {
	ref      string
	problems []Problem
}

func (r *report) add(field, format string, args ...any) {
	r.problems = append(r.problems, Problem{Field: field, Msg: fmt.Sprintf(format, args...), Ref: r.ref})
}

// rule is one row of a validation table.
type rule[T any] struct {
	name  string
	ref   string
	check func(T, *report)
}

func run[T any](rules []rule[T], v T) []Problem {
	r := &report{}
	for _, ru := range rules {
		r.ref = ru.ref
		ru.check(v, r)
	}
	return r.problems
}

// ValidName reports whether s is a valid ECS family, container, service or
// cluster name (namePattern), explaining what is allowed when it is not.
func ValidName(s string) error {
	if namePattern.MatchString(s) {
		return nil
	}
	return fmt.Errorf("%s; allowed: %s", describeName(s), nameAllowed)
}

func describeName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > 255:
		return fmt.Sprintf("%d characters long", len(s))
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return fmt.Sprintf("%q contains the control character %U", s, c)
		}
		if c == ' ' {
			return fmt.Sprintf("%q contains a space", s)
		}
	}
	return fmt.Sprintf("%q contains a character that is not allowed", s)
}

// checkTags implements Tag: at most 50 per resource; key 1-128 and value 0-256
// characters of tagChars; the aws: prefix is reserved; keys are unique.
func checkTags(r *report, path string, tags []types.Tag) {
	if len(tags) > maxTags {
		r.add(path, "%d tags; at most %d are allowed", len(tags), maxTags)
	}
	seen := map[string]bool{}
	for i, t := range tags {
		p := fmt.Sprintf("%s[%d]", path, i)
		k := aws.ToString(t.Key)
		switch {
		case t.Key == nil || k == "":
			r.add(p+".key", "required: 1-128 characters")
		case len([]rune(k)) > 128:
			r.add(p+".key", "%d characters; allowed: 1-128", len([]rune(k)))
		case !tagChars.MatchString(k):
			r.add(p+".key", "%q; allowed: letters, numbers, spaces and + - = . _ : / @", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			r.add(p+".key", "%q: the aws: prefix is reserved for AWS", k)
		case seen[k]:
			r.add(p+".key", "duplicate tag key %q", k)
		}
		seen[k] = true
		v := aws.ToString(t.Value)
		if len([]rune(v)) > 256 {
			r.add(p+".value", "%d characters; allowed: 0-256", len([]rune(v)))
		} else if !tagChars.MatchString(v) {
			r.add(p+".value", "%q; allowed: letters, numbers, spaces and + - = . _ : / @", v)
		}
	}
}

func checkRange(r *report, path string, v *int32, lo, hi int32, unit string) {
	if v == nil || (*v >= lo && *v <= hi) {
		return
	}
	if unit != "" {
		unit = " " + unit
	}
	r.add(path, "%d; allowed: %d-%d%s", *v, lo, hi, unit)
}

func enumList[T ~string](vals []T) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func hintSuffix(h string) string {
	if h == "" {
		return ""
	}
	return " (" + h + ")"
}
