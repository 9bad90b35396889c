// Used by codegen_cli_test (with two.thrift and clash_top.thrift): two
// included files that define one name in one C++ namespace.
namespace cpp clash

struct Point {
  1: i32 x,
}
