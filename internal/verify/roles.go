package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// fieldFor names the definition field a role came from, for hints.
func fieldFor(kind string) string {
	switch kind {
	case "ExecutionRole":
		return "executionRoleArn in the task definition"
	case "TaskRole":
		return "taskRoleArn in the task definition"
	}
	return "roleArn in the service definition"
}

// roleCheck checks that a role exists and trusts principal to sts:AssumeRole. A role
// of another account cannot be read with the caller's credentials: it is reported
// as skipped, not as a failure.
func (v *Verifier) roleCheck(path []string, kind, ref, principal string) check {
	return check{path: path, kind: kind, resource: ref, key: "role:" + principal + ":" + ref,
		run: func(ctx context.Context) outcome {
			name := ref
			if arn.IsARN(ref) {
				a, err := arn.Parse(ref)
				if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
					return ng(fmt.Sprintf("%q is not an IAM role ARN", ref), "use arn:aws:iam::ACCOUNT:role/NAME in "+fieldFor(kind))
				}
				name = a.Resource[strings.LastIndex(a.Resource, "/")+1:]
				caller, err := v.account(ctx)
				if err != nil {
					return failed(err, "doppio needs sts:GetCallerIdentity to tell which roles it can read")
				}
				if a.AccountID != caller {
					return skip(fmt.Sprintf("role is in account %s; roles of other accounts cannot be read from account %s", a.AccountID, caller))
				}
			}
			role, err := once(&v.memo, "iam:"+name, func() (*iamtypes.Role, error) {
				out, err := v.deps.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
				if err != nil {
					return nil, err
				}
				return out.Role, nil
			})
			var nse *iamtypes.NoSuchEntityException
			switch {
			case errors.As(err, &nse):
				return ng(fmt.Sprintf("role %q not found", name), "create the role, or fix "+fieldFor(kind))
			case err != nil:
				return failed(fmt.Errorf("get role %q: %w", name, err), "doppio needs iam:GetRole to check roles")
			}
			trusted, err := trusts(aws.ToString(role.AssumeRolePolicyDocument), principal)
			if err != nil {
				return failed(fmt.Errorf("role %q: read trust policy: %w", name, err), "")
			}
			if !trusted {
				return ng(fmt.Sprintf("role %q does not trust %s", name, principal),
					fmt.Sprintf(`add a statement {"Effect": "Allow", "Principal": {"Service": %q}, "Action": "sts:AssumeRole"} to the role's trust policy`, principal))
			}
			return ok()
		}}
}

// account is the caller's account id, asked once.
func (v *Verifier) account(ctx context.Context) (string, error) {
	return once(&v.memo, "sts:identity", func() (string, error) {
		out, err := v.deps.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return "", fmt.Errorf("get caller identity: %w", err)
		}
		return aws.ToString(out.Account), nil
	})
}

// policy is the part of an IAM policy document the trust check reads. Statement,
// Principal.Service and Action may each be one value or a list.
type policy struct {
	Statement oneOrMany[statement]
}

type statement struct {
	Effect    string
	Principal json.RawMessage
	Action    oneOrMany[string]
}

type oneOrMany[T any] []T

func (o *oneOrMany[T]) UnmarshalJSON(b []byte) error {
	var many []T
	if err := json.Unmarshal(b, &many); err == nil {
		*o = many
		return nil
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*o = []T{one}
	return nil
}

// trusts reports whether the (URL-encoded, as IAM returns it) trust policy doc
// lets principal call sts:AssumeRole.
func trusts(doc, principal string) (bool, error) {
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	var p policy
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return false, err
	}
	for _, s := range p.Statement {
		if s.Effect != "Allow" {
			continue
		}
		var pr struct{ Service oneOrMany[string] }
		if json.Unmarshal(s.Principal, &pr) != nil || !slices.Contains(pr.Service, principal) {
			continue
		}
		if slices.ContainsFunc(s.Action, func(a string) bool {
			return a == "sts:AssumeRole" || a == "sts:*" || a == "*"
		}) {
			return true, nil
		}
	}
	return false, nil
}
