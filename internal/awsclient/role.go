package awsclient

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// roleName is IAM's pattern for a role's path and name ("[\w+=,.@-]+", with "/"
// between path segments).
var roleName = regexp.MustCompile(`^[\w+=,.@/-]+$`)

// CheckRoleARN returns an error unless s is the ARN of an IAM role,
// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME: sts:AssumeRole's RoleArn takes
// nothing else ("The Amazon Resource Name (ARN) of the role to assume",
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). It makes
// no call: a role that does not exist is for STS to report.
func CheckRoleARN(s string) error {
	const want = "the ARN of an IAM role, such as arn:aws:iam::123456789012:role/deploy"
	a, err := arn.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not an ARN; want %s", s, want)
	}
	switch {
	case !strings.HasPrefix(a.Partition, "aws"):
		return fmt.Errorf("%q: %q is not an AWS partition; want %s", s, a.Partition, want)
	case a.Service != "iam":
		return fmt.Errorf("%q is an ARN of the service %q, not iam; want %s", s, a.Service, want)
	case !strings.HasPrefix(a.Resource, "role/") || !roleName.MatchString(strings.TrimPrefix(a.Resource, "role/")):
		return fmt.Errorf("%q names %q, not a role; want %s", s, a.Resource, want)
	case a.AccountID == "" || strings.Trim(a.AccountID, "0123456789") != "":
		return fmt.Errorf("%q has the account %q; an account id is 12 digits; want %s", s, a.AccountID, want)
	}
	return nil
}
