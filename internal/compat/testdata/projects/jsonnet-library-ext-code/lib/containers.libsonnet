// Container building blocks shared by the project's definitions.
{
  log(group, prefix):: {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': group,
      'awslogs-region': 'ap-northeast-1',
      'awslogs-stream-prefix': prefix,
    },
  },
  sidecar(name):: {
    xray: {
      name: 'xray',
      image: 'public.ecr.aws/xray/aws-xray-daemon:3.3',
      essential: false,
      cpu: 32,
      memoryReservation: 256,
      portMappings: [{ containerPort: 2000, protocol: 'udp' }],
    },
    envoy: {
      name: 'envoy',
      image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.27.3.0-prod',
      essential: true,
      user: '1337',
      healthCheck: {
        command: ['CMD-SHELL', 'curl -s http://localhost:9901/server_info | grep state | grep -q LIVE'],
        interval: 5,
        timeout: 2,
        retries: 3,
        startPeriod: 10,
      },
    },
  }[name],
}
