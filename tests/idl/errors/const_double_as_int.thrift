// expect: value of "ratio" must be an i32, not a floating-point number
struct S {
  1: i32 ratio = 1.5,
}
