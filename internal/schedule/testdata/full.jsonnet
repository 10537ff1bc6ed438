local zone = std.native('env')('ZONE', 'tokyo');
{
  region: std.extVar('REGION'),
  cluster: 'batch',
  role: 'ecsEventsRole',
  rules: [
    {
      name: 'report',
      description: 'daily report',
      scheduleExpression: 'cron(30 2 * * ? *)',
      taskDefinition: 'report',
      group: 'reports',
      platform_version: '1.4.0',
      launch_type: 'FARGATE',
      network_configuration: { aws_vpc_configuration: {
        subnets: ['{{ tfstate `aws_subnet.private.id` }}', '{{ plugin `other_tfstate` `aws_subnet.public.id` }}'],
        security_groups: ['sg-0123'],
        assign_public_ip: 'ENABLED',
      } },
      taskOverride: { cpu: '1024', memory: '2048' },
      containerOverrides: [
        {
          name: 'app',
          command: ['report', '--since', 'yesterday'],
          environment: { ZONE: zone, ALPHA: std.native('must_env')('ALPHA'), DEBUG: 'true' },
          cpu: 512,
          memoryReservation: 256,
        },
        { name: 'sidecar' },
      ],
      dead_letter_config: { sqs: 'reports-dlq' },
      propagateTags: 'TASK_DEFINITION',
    },
    {
      name: 'purge',
      scheduleExpression: 'rate(6 hours)',
      disabled: std.extVar('PURGE_DISABLED'),
      targetId: 'purge-target',
      taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/purge:7',
      taskCount: 3,
      role: 'arn:aws:iam::123456789012:role/purgeRole',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', base: 1, weight: 2 }],
      dead_letter_config: { sqs: 'arn:aws:sqs:us-east-1:999999999999:shared-dlq' },
    },
  ],
  plugins: [
    { name: 'tfstate', config: { path: 'main.tfstate' } },
    { name: 'tfstate', func_prefix: 'other_', config: { path: 'other.tfstate' } },
  ],
}
