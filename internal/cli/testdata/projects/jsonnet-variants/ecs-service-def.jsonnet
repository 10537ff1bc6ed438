local tfstate = std.native('tfstate');
{
  launchType: 'FARGATE',
  desiredCount: 3,
  networkConfiguration: {
    awsvpcConfiguration: {
      // tfstate returns whole values: here the list of subnet ids from an output.
      subnets: tfstate('output.private_subnet_ids'),
      securityGroups: [tfstate('aws_security_group.shop.id')],
    },
  },
}
