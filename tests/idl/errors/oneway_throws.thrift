// expect: oneway function "fire" cannot throw exceptions
exception E {}
service S {
  oneway void fire() throws (1: E e),
}
