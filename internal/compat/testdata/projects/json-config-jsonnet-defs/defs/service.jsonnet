local common = import 'lib/common.libsonnet';
{
  deploymentController: { type: 'CODE_DEPLOY' },
  desiredCount: std.extVar('replicas'),
  launchType: 'FARGATE',
  loadBalancers: [{ containerName: 'worker', containerPort: 8080, targetGroupArn: 'arn:aws:elasticloadbalancing:ca-central-1:123456789012:targetgroup/worker-blue/0123456789abcdef' }],
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-%d' % i for i in std.range(1, 3)], securityGroups: ['sg-{{ must_env `STAGE` }}'] } },
  tags: common.tags(std.extVar('owner')),
}
