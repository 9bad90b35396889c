include "../include_cycle.thrift"
struct B {
  1: i32 y,
}
