package schedule

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/doppio-ecs/doppio/internal/diag"
)

// TaskDefinitions describes task definitions (ECS).
type TaskDefinitions interface {
	DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, optFns ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
}

// Roles reads IAM roles.
type Roles interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// Check validates the file's rules against the account before anything changes:
// every task definition exists (the family's latest ACTIVE revision, or the
// revision named) and has every container the overrides name; every role of the
// account exists (skipped when IAM answers access denied). Each task definition and
// role is read once however many rules share it. It returns the task definitions
// found, by reference as written.
func Check(ctx context.Context, f *File, acct Account, tds TaskDefinitions, roles Roles, only []string) (map[string]*ecstypes.TaskDefinition, error) {
	rules := f.Resolve(acct)
	refs := map[string]bool{}
	roleNames := map[string]bool{}
	pre := PrefixesOf(acct)
	for _, r := range rules {
		if len(only) > 0 && !contains(only, r.Name) {
			continue
		}
		refs[r.TaskDefinition] = true
		if arn := r.RoleARN(); strings.HasPrefix(arn, pre.Role) {
			roleNames[strings.TrimPrefix(arn, pre.Role)] = true
		}
	}
	found := map[string]*ecstypes.TaskDefinition{}
	missingTD := map[string]error{}
	missingRole := map[string]bool{}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(10)
	for ref := range refs {
		g.Go(func() error {
			out, err := tds.DescribeTaskDefinition(gctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				var ce *ecstypes.ClientException
				if errors.As(err, &ce) {
					missingTD[ref] = err
					return nil
				}
				return fmt.Errorf("describe task definition %s: %w", ref, err)
			}
			found[ref] = out.TaskDefinition
			return nil
		})
	}
	if roles != nil {
		for name := range roleNames {
			g.Go(func() error {
				_, err := roles.GetRole(gctx, &iam.GetRoleInput{RoleName: aws.String(name)})
				if err == nil {
					return nil
				}
				var nf *iamtypes.NoSuchEntityException
				var ae smithy.APIError
				switch {
				case errors.As(err, &nf):
					mu.Lock()
					missingRole[name] = true
					mu.Unlock()
				case errors.As(err, &ae) && (ae.ErrorCode() == "AccessDenied" || ae.ErrorCode() == "AccessDeniedException"):
					// IAM is not reachable with these credentials: the role is not checked.
				default:
					return fmt.Errorf("get role %s: %w", name, err)
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var ps Problems
	for i, r := range rules {
		if len(only) > 0 && !contains(only, r.Name) {
			continue
		}
		field := fmt.Sprintf("rules[%d] (%s)", i, r.Name)
		if _, ok := missingTD[r.TaskDefinition]; ok {
			ps = append(ps, &diag.Error{File: f.Path, Line: f.KeyLine(r.Name, "taskDefinition"), Field: field + ".taskDefinition", Code: diag.ExitUsage,
				Err:  fmt.Errorf("task definition %s not found (no ACTIVE revision)", r.TaskDefinition),
				Hint: "register it first: doppio register --config CONFIG"})
		}
		if td := found[r.TaskDefinition]; td != nil {
			have := map[string]bool{}
			var names []string
			for _, cd := range td.ContainerDefinitions {
				have[aws.ToString(cd.Name)] = true
				names = append(names, aws.ToString(cd.Name))
			}
			sort.Strings(names)
			for j, co := range r.ContainerOverrides {
				if !have[co.Name] {
					ps = append(ps, &diag.Error{File: f.Path, Line: f.KeyLine(r.Name, "containerOverrides"), Field: fmt.Sprintf("%s.containerOverrides[%d].name", field, j), Code: diag.ExitUsage,
						Err:  fmt.Errorf("container %q is not in task definition %s", co.Name, aws.ToString(td.TaskDefinitionArn)),
						Hint: firstNonEmpty(diag.DidYouMean(co.Name, names), "its containers are "+strings.Join(names, ", "))})
				}
			}
		}
		if arn := r.RoleARN(); missingRole[strings.TrimPrefix(arn, pre.Role)] && strings.HasPrefix(arn, pre.Role) {
			ps = append(ps, &diag.Error{File: f.Path, Line: f.KeyLine(r.Name, "role"), Field: field + ".role", Code: diag.ExitUsage,
				Err:  fmt.Errorf("IAM role %s does not exist", strings.TrimPrefix(arn, pre.Role)),
				Hint: "EventBridge needs a role it can assume to run tasks (trust events.amazonaws.com, allow ecs:RunTask and iam:PassRole); create it or set role:"})
		}
	}
	return found, ps.Err()
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
