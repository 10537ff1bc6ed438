{
  containerDefinitions: [
    {
      cpu: 0,
      dockerLabels: {
        Team: 'orders',
        'com.example.Service': 'orders',
      },
      environment: [
        {
          name: 'RAILS_ENV',
          value: 'production',
        },
        {
          name: 'HTML',
          value: '<b>&</b>',
        },
      ],
      essential: true,
      image: '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/orders:v5.2.0',
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/orders',
          'awslogs-region': 'ap-northeast-1',
          'awslogs-stream-prefix': 'orders',
        },
      },
      name: 'orders',
      portMappings: [
        {
          appProtocol: '',
          containerPort: 8080,
          protocol: 'tcp',
        },
      ],
    },
    {
      cpu: 0,
      essential: false,
      firelensConfiguration: {
        options: {
          'enable-ecs-log-metadata': 'true',
        },
        type: 'fluentbit',
      },
      image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      name: 'log-router',
    },
  ],
  cpu: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  family: 'orders',
  ipcMode: '',
  memory: '1024',
  networkMode: 'awsvpc',
  pidMode: '',
  requiresCompatibilities: [
    'FARGATE',
  ],
}
