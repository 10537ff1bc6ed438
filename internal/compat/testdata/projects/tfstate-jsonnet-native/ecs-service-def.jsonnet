// Jsonnet natives return structured values: a whole list of subnets here.
local tfstate = std.native('infra_tfstate');
{
  launchType: 'FARGATE',
  desiredCount: 2,
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: tfstate('output.private_subnet_ids'),
      securityGroups: [tfstate('aws_security_group.collector.id')],
    },
  },
}
