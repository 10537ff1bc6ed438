// Jsonnet config: comments, locals and ext vars work here.
local env = std.extVar('env');
{
  region: 'eu-west-1',
  cluster: 'shop-' + env,
  service: 'shop-web',
  service_definition: 'ecs-service-def.jsonnet',
  task_definition: 'ecs-task-def.jsonnet',
  timeout: '20m',
  plugins: [
    { name: 'tfstate', config: { path: 'terraform.tfstate' } },
  ],
}
