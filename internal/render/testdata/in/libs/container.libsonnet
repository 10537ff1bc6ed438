{
  name: 'app',
  essential: true,
  portMappings: [{ containerPort: 80 }],
}
