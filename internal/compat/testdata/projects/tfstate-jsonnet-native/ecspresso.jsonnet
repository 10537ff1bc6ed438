{
  region: 'us-west-2',
  cluster: 'analytics',
  service: 'collector',
  service_definition: 'ecs-service-def.jsonnet',
  task_definition: 'ecs-task-def.jsonnet',
  plugins: [
    { name: 'tfstate', func_prefix: 'infra_', config: { path: 'infra.tfstate' } },
  ],
}
