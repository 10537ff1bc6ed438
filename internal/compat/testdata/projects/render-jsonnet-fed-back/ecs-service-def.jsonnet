{
  capacityProviderStrategy: [
    {
      base: 0,
      capacityProvider: 'FARGATE',
      weight: 1,
    },
  ],
  deploymentConfiguration: {
    maximumPercent: 200,
    minimumHealthyPercent: 100,
  },
  desiredCount: 2,
  enableECSManagedTags: false,
  enableExecuteCommand: false,
  launchType: '',
  loadBalancers: [
    {
      containerName: 'orders',
      containerPort: 8080,
      targetGroupArn: 'arn:aws:elasticloadbalancing:ap-northeast-1:123456789012:targetgroup/orders/0123456789abcdef',
    },
  ],
  networkConfiguration: {
    awsvpcConfiguration: {
      assignPublicIp: '',
      securityGroups: [
        'sg-0bbb',
      ],
      subnets: [
        'subnet-0aaa',
      ],
    },
  },
  pendingCount: 0,
  propagateTags: '',
  runningCount: 0,
  schedulingStrategy: '',
  serviceName: 'orders',
}
