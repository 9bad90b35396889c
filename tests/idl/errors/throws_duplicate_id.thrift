// expect: field id 1 of "b" in the throws clause of function "f" is already used by "a"
exception E {}
service S {
  void f() throws (1: E a, 1: E b),
}
