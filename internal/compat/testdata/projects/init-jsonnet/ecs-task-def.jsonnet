{
  containerDefinitions: [
    {
      cpu: 0,
      essential: true,
      image: 'public.ecr.aws/example/batch-api:3.1.0',
      name: 'app',
      portMappings: [
        {
          appProtocol: '',
          containerPort: 3000,
          hostPort: 3000,
          protocol: 'tcp',
        },
      ],
      secrets: [
        {
          name: 'DATABASE_URL',
          valueFrom: 'arn:aws:ssm:ap-northeast-1:123456789012:parameter/batch-api/database-url',
        },
      ],
    },
  ],
  cpu: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  family: 'batch-api',
  ipcMode: '',
  memory: '2048',
  networkMode: 'awsvpc',
  pidMode: '',
  requiresCompatibilities: [
    'FARGATE',
  ],
}
