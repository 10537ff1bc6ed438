local ssm_list = std.native('ssm_list');
{
  launchType: 'FARGATE',
  desiredCount: 1,
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-%s' % ssm_list('/reports/azs', 1)],
      securityGroups: ['sg-0reports'],
    },
  },
}
