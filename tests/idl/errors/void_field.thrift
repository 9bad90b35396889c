// expect: expected a type, found keyword 'void'
struct S {
  1: void nothing,
}
