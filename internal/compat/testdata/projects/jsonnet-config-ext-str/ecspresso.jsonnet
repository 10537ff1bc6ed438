local env = std.extVar('env');
local region = std.extVar('region');
{
  region: region,
  cluster: 'app-%s' % env,
  service: 'search-%s' % env,
  service_definition: 'service.jsonnet',
  task_definition: 'task.jsonnet',
  timeout: if env == 'prd' then '20m' else '8m',
}
