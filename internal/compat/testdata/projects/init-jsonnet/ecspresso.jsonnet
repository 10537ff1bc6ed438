{
  region: 'ap-northeast-1',
  cluster: 'prod',
  service: 'batch-api',
  service_definition: 'ecs-service-def.jsonnet',
  task_definition: 'ecs-task-def.jsonnet',
  timeout: '10m0s',
}
