package ecsdef

import (
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// ARN-typed fields. ECS checks an ARN's shape only when it uses it, which for a
// task definition is when a task starts (a task role that is not a role ARN is
// registered, and every task of the revision then fails): doppio checks the shape
// before registering. Existence is verify's business, not this file's.
//
// The one ARN parser is the SDK's (aws/arn.Parse):
// "arn:partition:service:region:account-id:resource".
const refARN = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"

// arnKind is what an ARN-typed field must name.
type arnKind struct {
	what     string            // for messages: "an IAM role"
	services map[string]string // accepted ARN services -> required prefix of the resource ("" any)
	account  bool              // the ARN carries an account id
	example  string
}

var (
	arnIAMRole = arnKind{"an IAM role", map[string]string{"iam": "role/"}, true,
		"arn:aws:iam::123456789012:role/NAME"}
	arnTargetGroup = arnKind{"an Elastic Load Balancing target group", map[string]string{"elasticloadbalancing": "targetgroup/"}, true,
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/NAME/0123456789abcdef"}
	arnCloudMapService = arnKind{"a Cloud Map service", map[string]string{"servicediscovery": "service/"}, true,
		"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef"}
	arnCloudMapNamespace = arnKind{"a Cloud Map namespace", map[string]string{"servicediscovery": "namespace/"}, true,
		"arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-0123456789abcdef"}
	arnLambda = arnKind{"a Lambda function", map[string]string{"lambda": "function:"}, true,
		"arn:aws:lambda:us-east-1:123456789012:function:NAME"}
	arnSecretOrParameter = arnKind{"a Secrets Manager secret or an SSM parameter", map[string]string{"secretsmanager": "secret:", "ssm": "parameter"}, true,
		"arn:aws:ssm:us-east-1:123456789012:parameter/NAME"}
	arnSecret = arnKind{"a Secrets Manager secret", map[string]string{"secretsmanager": "secret:"}, true,
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:NAME"}
	arnS3Object = arnKind{"an S3 object", map[string]string{"s3": ""}, false,
		"arn:aws:s3:::BUCKET/KEY.env"}
	arnPrivateCA = arnKind{"an AWS Private CA certificate authority", map[string]string{"acm-pca": "certificate-authority/"}, true,
		"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/ID"}
	arnKMSKey = arnKind{"a KMS key", map[string]string{"kms": ""}, true,
		"arn:aws:kms:us-east-1:123456789012:key/ID"}
	arnLatticeTargetGroup = arnKind{"a VPC Lattice target group", map[string]string{"vpc-lattice": "targetgroup/"}, true,
		"arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef"}
	arnAny = arnKind{what: "an AWS resource", example: "arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE"}
)

// accountID is an account id as an ARN carries it: AWS's are 12 digits; shorter ones
// (test fixtures, emulators) are let through.
var accountID = regexp.MustCompile(`^[0-9]{1,12}$`)

// checkARN reports v at path unless it is an ARN of kind k. Nil and "" mean unset.
func checkARN(r *report, path string, v *string, k arnKind) {
	if v == nil || *v == "" {
		return
	}
	if msg := arnProblem(*v, k); msg != "" {
		r.add(path, "%q %s; allowed: the ARN of %s, such as %s", *v, msg, k.what, k.example)
	}
}

// checkNameOrARN is checkARN for fields that also take a name: a value starting
// with "arn:" must be an ARN of kind k, anything else must match name (nameWhat
// says what it names).
func checkNameOrARN(r *report, path string, v *string, k arnKind, name *regexp.Regexp, nameWhat string) {
	if v == nil || *v == "" {
		return
	}
	if strings.HasPrefix(*v, "arn:") {
		checkARN(r, path, v, k)
		return
	}
	if !name.MatchString(*v) {
		r.add(path, "%q is neither an ARN nor %s; allowed: the ARN of %s, such as %s, or %s", *v, nameWhat, k.what, k.example, nameWhat)
	}
}

// arnProblem says what makes s not an ARN of kind k, or "".
func arnProblem(s string, k arnKind) string {
	if !arn.IsARN(s) {
		return "is not an ARN"
	}
	a, err := arn.Parse(s)
	if err != nil {
		return "is not an ARN"
	}
	switch {
	case !strings.HasPrefix(a.Partition, "aws"):
		return "has the partition " + quote(a.Partition) + ", not an AWS partition (aws, aws-cn, aws-us-gov, ...)"
	case strings.ContainsFunc(s, isSpaceOrControl):
		return "contains whitespace or a control character"
	case a.Resource == "":
		return "names no resource"
	}
	if k.services == nil {
		return ""
	}
	prefix, ok := k.services[a.Service]
	if !ok {
		names := make([]string, 0, len(k.services))
		for n := range k.services {
			names = append(names, n)
		}
		slices.Sort(names)
		return "is an ARN of the service " + quote(a.Service) + ", not " + strings.Join(names, " or ")
	}
	if !strings.HasPrefix(a.Resource, prefix) {
		return "names the resource " + quote(a.Resource) + ", not " + k.what
	}
	if k.account && !accountID.MatchString(a.AccountID) {
		return "has the account " + quote(a.AccountID) + "; an account id is 12 digits"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

func isSpaceOrControl(c rune) bool { return c <= ' ' || c == 0x7f }

// Names that some ARN-typed fields accept instead of an ARN.
var (
	// ssmParameterName: "Parameter names can consist of symbols and letters only:
	// a-zA-Z0-9_.-", plus "/" for hierarchies (SSM PutParameter, Name).
	ssmParameterName = regexp.MustCompile(`^[a-zA-Z0-9_.\-/]+$`)
	// secretName: "The secret name can contain ASCII letters, numbers, and the
	// following characters: /_+=.@-" (Secrets Manager CreateSecret, Name).
	secretName = regexp.MustCompile(`^[a-zA-Z0-9/_+=.@\-]+$`)
	// iamRoleName: "[\w+=,.@-]+", with a path prefix allowed where ECS takes a name
	// (CreateService role: "prefix the role name with the path").
	iamRoleName = regexp.MustCompile(`^[\w+=,.@/\-]+$`)
	// namespaceName: a Cloud Map namespace is named by a DNS name (HTTP namespaces
	// by a name of letters, digits, "_", "-" and ".").
	namespaceName = regexp.MustCompile(`^[a-zA-Z0-9._\-]+$`)
	// kmsKeyRef: a key id (a UUID) or an alias ("alias/NAME"); EBS's KmsKeyId
	// takes an ID, alias or ARN.
	kmsKeyRef = regexp.MustCompile(`^(alias/[a-zA-Z0-9/_\-]+|[a-zA-Z0-9\-]+)$`)
)
