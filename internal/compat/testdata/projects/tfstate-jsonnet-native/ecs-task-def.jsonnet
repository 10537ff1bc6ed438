local tfstate = std.native('infra_tfstate');
local port = tfstate('output.collector_port');
{
  family: 'collector',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [{
    name: 'otel',
    image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.38.1',
    essential: true,
    portMappings: [{ containerPort: port, protocol: 'tcp' }],
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': tfstate('aws_cloudwatch_log_group.collector.name'),
        'awslogs-region': 'us-west-2',
        'awslogs-stream-prefix': 'otel',
      },
    },
    environment: [
      { name: 'RETENTION', value: std.toString(tfstate('aws_cloudwatch_log_group.collector.retention_in_days')) },
      // templates still run after Jsonnet
      { name: 'SG', value: '{{ infra_tfstate `aws_security_group.collector.id` }}' },
    ],
  }],
}
