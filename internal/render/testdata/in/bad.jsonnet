{
  family: 'app',
  cpu: 1 +,
}
