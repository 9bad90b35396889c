// expect: include cycle
// Apache 0.17 recurses until it crashes on this cycle.
include "include/cycle_b.thrift"
struct A {
  1: i32 x,
}
