// expect: "slist" is no longer supported
struct S {
  1: slist name,
}
