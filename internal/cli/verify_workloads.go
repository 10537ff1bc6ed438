package cli

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// verifiedTaskDefinition is what verify checks: the task definition, or for an
// Express Mode service or a Managed Daemon the task definition its definition
// stands for (roles, images, secrets, log groups are checked as for any task).
func (p *project) verifiedTaskDefinition(ctx context.Context) (*ecs.RegisterTaskDefinitionInput, error) {
	if _, files := p.workload(); files != nil {
		return files.verified(ctx, p)
	}
	return p.taskDefinition(ctx)
}

// expressTaskDefinition is the task ECS runs for an express definition: its
// primary container, named Main as ECS names it.
func expressTaskDefinition(ex *ecs.CreateExpressGatewayServiceInput, region string) *ecs.RegisterTaskDefinitionInput {
	td := &ecs.RegisterTaskDefinitionInput{Family: aws.String(aws.ToString(ex.Cluster) + "-" + aws.ToString(ex.ServiceName)),
		ExecutionRoleArn: ex.ExecutionRoleArn, TaskRoleArn: ex.TaskRoleArn}
	if pc := ex.PrimaryContainer; pc != nil {
		c := types.ContainerDefinition{Name: aws.String("Main"), Image: pc.Image, Environment: pc.Environment, Secrets: pc.Secrets, Command: pc.Command}
		if rc := pc.RepositoryCredentials; rc != nil {
			c.RepositoryCredentials = &types.RepositoryCredentials{CredentialsParameter: rc.CredentialsParameter}
		}
		if lc := pc.AwsLogsConfiguration; lc != nil {
			c.LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": aws.ToString(lc.LogGroup), "awslogs-stream-prefix": aws.ToString(lc.LogStreamPrefix), "awslogs-region": region}}
		}
		td.ContainerDefinitions = []types.ContainerDefinition{c}
	}
	return td
}

// daemonTaskDefinition carries the members verify checks over from a daemon task
// definition.
func daemonTaskDefinition(in *ecs.RegisterDaemonTaskDefinitionInput) *ecs.RegisterTaskDefinitionInput {
	td := &ecs.RegisterTaskDefinitionInput{Family: in.Family, ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn}
	for _, d := range in.ContainerDefinitions {
		td.ContainerDefinitions = append(td.ContainerDefinitions, types.ContainerDefinition{
			Name: d.Name, Image: d.Image, Environment: d.Environment, EnvironmentFiles: d.EnvironmentFiles, Secrets: d.Secrets,
			LogConfiguration: d.LogConfiguration, RepositoryCredentials: d.RepositoryCredentials, Essential: d.Essential,
		})
	}
	return td
}
