// expect: function "call" is already defined in service "S"
service S {
  void call(),
  i32 call(),
}
