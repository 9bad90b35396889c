// expect: field id 1 of "b" in the arguments of function "f" is already used by "a"
service S {
  void f(1: i32 a, 1: i32 b),
}
