// The base service of the RPC test IDL (rpc_test.thrift extends it from
// another file): one level of `extends` across files.
namespace cpp vireo.rpcbase

exception BaseError {
  1: string message,
}

/** Health checks every test service inherits. */
service Base {
  /** The server's name. */
  string whoami(),
  i32 version() throws (1: BaseError error),
}
