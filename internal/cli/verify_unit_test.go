package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/doppio-ecs/doppio/internal/verify"
)

// fakeIAM knows some roles by name; fakeSTS is the test account.
type fakeIAM struct{ roles map[string]bool }

func (f fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	name := aws.ToString(in.RoleName)
	if !f.roles[name] {
		return nil, &iamtypes.NoSuchEntityException{Message: aws.String("The role with name " + name + " cannot be found.")}
	}
	arn := "arn:aws:iam::" + fakeAccount + ":role/" + name
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, Arn: aws.String(arn),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}}, nil
}

type fakeSTS struct{}

func (fakeSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String(fakeAccount), Arn: aws.String("arn:aws:iam::" + fakeAccount + ":user/test")}, nil
}

// verify runs its checks on the clients of the factory: a role that exists is OK, a
// missing one NG (exit 1), and the skipped groups are SKIPPED with no call.
func TestUnitVerifyRoles(t *testing.T) {
	t.Parallel()
	skip := []string{"verify", "--skip", "images,network,cluster,logs"}
	u := newUnit(t)
	u.aws.verify = &verify.Deps{Region: fakeRegion, STS: fakeSTS{}, IAM: fakeIAM{roles: map[string]bool{"exec": true}}}
	out, _ := u.must(0, skip...)
	contains(t, "verify", out, "ExecutionRole[arn:aws:iam::123456789012:role/exec]", "[OK]", "not checked (--skip images)", "1 OK, 0 NG, 6 skipped")
	if strings.Contains(out, "[NG]") {
		t.Errorf("verify with the role present reports NG:\n%s", out)
	}

	v := newUnit(t)
	v.aws.verify = &verify.Deps{Region: fakeRegion, STS: fakeSTS{}, IAM: fakeIAM{}}
	code, out, errs := v.run("", skip...)
	if code != 1 || !strings.Contains(out, "[NG]") || !strings.Contains(out, `role "exec" not found`) || !strings.Contains(out, "0 OK, 1 NG, 6 skipped") {
		t.Errorf("verify with the role missing: exit %d\n%s\n%s", code, out, errs)
	}
	if len(v.ecs.calls) != 0 {
		t.Errorf("verify with --skip cluster made ECS calls: %v", v.ecs.calls)
	}
}

func TestUnitVerifyBadSkip(t *testing.T) {
	t.Parallel()
	u := newUnit(t)
	u.aws.verify = &verify.Deps{Region: fakeRegion, STS: fakeSTS{}, IAM: fakeIAM{}}
	_, errs := u.must(2, "verify", "--skip", "everything")
	contains(t, "verify --skip everything", errs, "--skip")
}
