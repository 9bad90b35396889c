// Included by multi.thrift, from another C++ namespace: an exception and
// the service at the root of multi.thrift's `extends` chain.
namespace cpp scaffold.shared

exception NotFound {
  1: string key,
}

service Base {
  string ping(),
}
