local cfn_output = std.native('cfn_output');
{
  family: 'inventory',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [{
    name: 'inventory',
    image: 'example/inventory:4',
    essential: true,
    environment: [
      { name: 'SG', value: cfn_output('shared-network', 'AppSecurityGroup') },
      { name: 'SUBNET', value: std.native('cfn_export')('shared-network-PrivateSubnetA') },
    ],
  }],
}
