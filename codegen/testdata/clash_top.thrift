// Used by codegen_cli_test: includes two files that both define
// clash::Point, which no C++ translation unit can hold.
include "clash/one.thrift"
include "clash/two.thrift"

struct Both {
  1: one.Point a,
  2: two.Point b,
}
