local ssm = std.native('ssm');
local secretsmanager_arn = std.native('secretsmanager_arn');
{
  family: 'reports',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [{
    name: 'reports',
    image: 'example/reports:{{ env `TAG` `stable` }}',
    essential: true,
    environment: [
      { name: 'BUCKET', value: ssm('/reports/bucket') },
      { name: 'API_TOKEN', value: ssm('/reports/api-token') },
    ],
    secrets: [
      { name: 'DB_USER', valueFrom: secretsmanager_arn('reports/db') + ':user::' },
      { name: 'DB_PASSWORD', valueFrom: secretsmanager_arn('reports/db') + ':password::' },
    ],
  }],
}
