local container = import 'libs/container.libsonnet';
local must_env = std.native('must_env');
local env = std.native('env');
local tfstate = std.native('tfstate');
local variant = std.extVar('variant');
local image = tfstate('data.aws_ecr_repository.shop.repository_url') + ':' + must_env('IMAGE_TAG');

local webapp = {
  name: 'web',
  image: image,
  essential: true,
  portMappings: [{ containerPort: 3000 }],
  environment: [
    { name: 'RAILS_ENV', value: std.extVar('env') },
    { name: 'WEB_CONCURRENCY', value: env('WEB_CONCURRENCY', '2') },
  ],
  logConfiguration: container.logging('/ecs/shop', 'web'),
};

local batch = {
  name: 'worker',
  image: image,
  essential: true,
  command: ['bundle', 'exec', 'rake', 'jobs:work'],
  environment: [{ name: 'QUEUE', value: '{{ env `QUEUE` `default` }}' }],
  logConfiguration: container.logging('/ecs/shop', 'worker'),
};

{
  family: 'shop-' + variant,
  cpu: std.toString(std.extVar('cpu')),
  memory: '2048',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  executionRoleArn: tfstate('aws_iam_role.exec.arn'),
  containerDefinitions: [if variant == 'webapp' then webapp else batch],
  tags: [{ key: 'Variant', value: variant }],
}
