package sandbox_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/doppio-ecs/doppio/sandbox"
)

// Credentials from AssumeRole act in the role's account: a cluster created with them
// is seen there and not in the caller's account; a malformed role is a validation
// error.
func TestAssumeRoleActsInTheRolesAccount(t *testing.T) {
	home, other := sandbox.Start(t), sandbox.Start(t)
	cfg := home.AWSConfig(t.Context())
	role := "arn:aws:iam::" + other.Account + ":role/deployer"
	assumed := cfg.Copy()
	assumed.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), role))
	id, err := sts.NewFromConfig(assumed).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err == nil && aws.ToString(id.Account) != other.Account {
		t.Errorf("caller identity %s, want account %s", aws.ToString(id.Account), other.Account)
	}
	if _, err := ecs.NewFromConfig(assumed).CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: aws.String("assumed")}); err != nil {
		t.Fatal(err)
	}
	in := func(e *sandbox.Env) bool {
		out, err := ecs.NewFromConfig(e.AWSConfig(t.Context())).ListClusters(t.Context(), &ecs.ListClustersInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range out.ClusterArns {
			if strings.HasSuffix(a, "/assumed") {
				return true
			}
		}
		return false
	}
	if !in(other) || in(home) {
		t.Errorf("the cluster is in the role's account: %v, in the caller's: %v; want true, false", in(other), in(home))
	}
	_, err = sts.NewFromConfig(cfg).AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::12:role/x"), RoleSessionName: aws.String("s1")})
	if err == nil || !strings.Contains(err.Error(), "ValidationError") {
		t.Errorf("a malformed role: %v, want a ValidationError", err)
	}
}
