// expect: cannot use reserved language keyword: "class"
struct S {
  1: i32 class,
}
