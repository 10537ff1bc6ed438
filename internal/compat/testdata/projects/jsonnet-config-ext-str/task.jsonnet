local env = std.extVar('env');
{
  family: 'search-%s' % env,
  cpu: '1024',
  memory: '2048',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [{
    name: 'search',
    image: 'example/search:{{ must_env `TAG` }}',
    essential: true,
    environment: [
      { name: 'ENV', value: env },
      { name: 'REGION', value: std.extVar('region') },
    ],
  }],
}
