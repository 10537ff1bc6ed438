local must_env = std.native('must_env');
{
  family: 'app',
  image: must_env('JSONNET_MISSING'),
}
