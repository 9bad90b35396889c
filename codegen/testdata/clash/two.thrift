// Used by codegen_cli_test: defines Point in the namespace one.thrift uses.
namespace cpp clash

struct Point {
  1: double x,
}
