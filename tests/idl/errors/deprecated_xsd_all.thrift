// expect: found keyword 'xsd_all'
struct S {
  1: i32 x,
} xsd_all
