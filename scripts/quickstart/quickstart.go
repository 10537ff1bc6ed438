// Package quickstart prepares a sandbox account for examples/quickstart: what
// Terraform or CDK would own in a real account (the cluster, the execution role, the
// log group) and the default network the service runs in. The demo, `make sandbox`
// and the docs tests use it, so none of them needs the aws CLI.
package quickstart

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// Names of what Prepare creates; examples/quickstart refers to them.
const (
	Cluster       = "quickstart"
	ExecutionRole = "quickstart-execution"
	LogGroup      = "/ecs/quickstart-web"
)

const trustECSTasks = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Prepare creates the quickstart's cluster, execution role and log group (keeping
// them when they exist, so it can run twice) and returns the variables the
// quickstart's templates read: EXECUTION_ROLE_ARN, SUBNET_ID and SECURITY_GROUP_ID.
func Prepare(ctx context.Context, cfg aws.Config) (map[string]string, error) {
	if _, err := ecs.NewFromConfig(cfg).CreateCluster(ctx, &ecs.CreateClusterInput{
		ClusterName:       aws.String(Cluster),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
	}); err != nil {
		return nil, fmt.Errorf("create cluster %s: %w", Cluster, err)
	}

	roles := iam.NewFromConfig(cfg)
	var roleARN string
	created, err := roles.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String(ExecutionRole), AssumeRolePolicyDocument: aws.String(trustECSTasks),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	switch {
	case err == nil:
		roleARN = aws.ToString(created.Role.Arn)
	case errors.As(err, &exists):
		got, err := roles.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(ExecutionRole)})
		if err != nil {
			return nil, fmt.Errorf("get role %s: %w", ExecutionRole, err)
		}
		roleARN = aws.ToString(got.Role.Arn)
	default:
		return nil, fmt.Errorf("create role %s: %w", ExecutionRole, err)
	}

	_, err = cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(LogGroup)})
	var groupExists *logstypes.ResourceAlreadyExistsException
	if err != nil && !errors.As(err, &groupExists) {
		return nil, fmt.Errorf("create log group %s: %w", LogGroup, err)
	}

	net := ec2.NewFromConfig(cfg)
	subnets, err := net.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}},
	})
	if err != nil {
		return nil, fmt.Errorf("describe the default subnets: %w", err)
	}
	if len(subnets.Subnets) == 0 {
		return nil, errors.New("the account has no default subnet")
	}
	groups, err := net.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupNames: []string{"default"}})
	if err != nil {
		return nil, fmt.Errorf("describe the default security group: %w", err)
	}
	if len(groups.SecurityGroups) == 0 {
		return nil, errors.New("the account has no default security group")
	}
	return map[string]string{
		"EXECUTION_ROLE_ARN": roleARN,
		"SUBNET_ID":          aws.ToString(subnets.Subnets[0].SubnetId),
		"SECURITY_GROUP_ID":  aws.ToString(groups.SecurityGroups[0].GroupId),
	}, nil
}
