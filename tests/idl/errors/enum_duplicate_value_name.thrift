// expect: enum value "E.A" is already defined
enum E {
  A = 1,
  A = 2,
}
