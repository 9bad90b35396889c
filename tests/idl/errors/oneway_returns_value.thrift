// expect: oneway function "count" must return void
// apache-accepts: Apache 0.17 only warns "Oneway methods should return void"; a oneway call has no reply to carry a value
service S {
  oneway i32 count(),
}
