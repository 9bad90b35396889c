// expect: field name "a" is already used in struct "S"
struct S {
  1: i32 a,
  2: i32 a,
}
