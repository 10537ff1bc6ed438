{
  network(subnets, groups):: {
    awsvpcConfiguration: {
      subnets: subnets,
      securityGroups: groups,
      assignPublicIp: 'DISABLED',
    },
  },
}
