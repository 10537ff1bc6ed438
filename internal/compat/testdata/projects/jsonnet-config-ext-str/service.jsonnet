local env = std.extVar('env');
{
  launchType: 'FARGATE',
  desiredCount: if env == 'prd' then 6 else 1,
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ['subnet-%s-a' % env, 'subnet-%s-c' % env],
      securityGroups: ['sg-search-%s' % env],
      assignPublicIp: 'DISABLED',
    },
  },
  tags: [{ key: 'env', value: env }],
}
