// Used by recursive_test (with recursive.thrift): a type another file's
// recursive structs point at.
namespace cpp vireo.rectest.payload

struct Payload {
  1: string label,
  2: list<i64> values,
}
