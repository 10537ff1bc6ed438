local container = import 'libs/container.libsonnet';
local env = std.native('env');
local must_env = std.native('must_env');
{
  family: std.extVar('family'),
  cpu: std.toString(std.extVar('cpu') * 2),
  containerDefinitions: [container { image: must_env('IMAGE') }],
  region: env('REGION', 'ap-northeast-1'),
  tag: '{{ env `TAG` `latest` }}',
}
