// expect: cannot use reserved language keyword: "self"
struct self {
  1: i32 x,
}
