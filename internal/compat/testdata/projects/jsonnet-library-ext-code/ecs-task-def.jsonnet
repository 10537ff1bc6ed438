local c = import 'lib/containers.libsonnet';
local stage = std.extVar('stage');
{
  family: 'payments-' + stage,
  cpu: '1024',
  memory: '2048',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  proxyConfiguration: {
    type: 'APPMESH',
    containerName: 'envoy',
    properties: [
      { name: 'IgnoredUID', value: '1337' },
      { name: 'ProxyIngressPort', value: '15000' },
      { name: 'ProxyEgressPort', value: '15001' },
      { name: 'AppPorts', value: '8080' },
      { name: 'EgressIgnoredIPs', value: '169.254.170.2,169.254.169.254' },
    ],
  },
  containerDefinitions: [
    {
      name: 'payments',
      image: 'example/payments:{{ must_env `TAG` }}',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      logConfiguration: c.log('/ecs/payments', 'app'),
      dependsOn: [{ containerName: 'envoy', condition: 'HEALTHY' }],
    },
  ] + [c.sidecar(s) + { logConfiguration: c.log('/ecs/payments', s) } for s in std.extVar('sidecars')],
}
