// A method no server of the RPC interoperability tests implements: clients
// generated from this file call it to see how a server reports an unknown
// method (TApplicationException UNKNOWN_METHOD). Multiplexed clients send
// it under the name of the Store service ("Store:missing"), so that it
// reaches a service and fails on the method.
namespace cpp interop_extra
namespace py interop_extra

service StoreExtra {
  string missing(1: string s),
}
