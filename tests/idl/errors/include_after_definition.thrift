// expect: 'include' must come before every definition
struct S {
  1: i32 x,
}
include "shared.thrift"
