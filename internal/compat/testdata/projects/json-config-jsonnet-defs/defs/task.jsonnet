local common = import 'lib/common.libsonnet';
{
  family: 'worker-' + '{{ must_env `STAGE` }}',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    common.container('worker', 'example/worker:{{ env `TAG` `latest` }}', 8080) {
      environment: [{ name: 'N', value: std.toString(std.extVar('replicas') * 10) }, { name: 'STAGE', value: '{{ must_env `STAGE` }}' }],
    },
    common.container('sidecar', 'example/sidecar:1') { essential: false },
  ],
  tags: common.tags(std.extVar('owner')),
}
