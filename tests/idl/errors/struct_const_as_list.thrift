// expect: value of constant "X" must be a struct literal
struct S {
  1: i32 a,
}
const S X = [1]
