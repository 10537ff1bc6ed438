{
  family: 'app',
  image: '{{ must_env `TPL_MISSING` }}',
}
