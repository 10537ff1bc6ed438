{
  tags(owner):: [{ key: 'owner', value: owner }, { key: 'managed-by', value: 'ecspresso' }],
  container(name, image, port=null):: {
    name: name,
    image: image,
    essential: true,
    [if port != null then 'portMappings']: [{ containerPort: port, protocol: 'tcp' }],
  },
}
