// expect: expected a quoted annotation value after '='
struct S {
  1: i32 x,
} (key = 1)
