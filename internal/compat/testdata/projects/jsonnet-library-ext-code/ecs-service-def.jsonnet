local s = import 'lib/service.libsonnet';
{
  launchType: 'FARGATE',
  desiredCount: std.extVar('replicas'),
  networkConfiguration: s.network(['subnet-0a', 'subnet-0c'], ['sg-0payments']),
  deploymentConfiguration: {
    minimumHealthyPercent: 100,
    maximumPercent: 100 + std.floor(100 / std.extVar('replicas')),
  },
}
