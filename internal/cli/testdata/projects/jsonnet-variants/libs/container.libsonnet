{
  // logging returns the awslogs configuration every container of the shop uses.
  logging(group, prefix):: {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': group,
      'awslogs-region': 'eu-west-1',
      'awslogs-stream-prefix': prefix,
    },
  },
}
