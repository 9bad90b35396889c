// expect: value of "count" must be an i32, not a string
struct S {
  1: string name = 3,
  2: i32 count = "three",
}
