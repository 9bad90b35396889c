// Types for core/server_test.cc. The argument and result structs stand in
// for what vireo-gen writes for
//   service EchoService {
//     Response echo(1: Request req) throws (1: MyError err)
//     oneway void notify(1: Request req)
//   }
// (its result structs put `success` at id 0; the test only needs both ends
// to agree).
namespace cpp vireo.servertest

struct Request {
  1: string message,
  2: binary blob,
}

struct Response {
  1: string message,
  // ServiceName() of the service that answered.
  2: string served_by,
  // Name of the thread that started the handler.
  3: string thread,
  // CurrentCallContext() pointed at the call's context.
  4: bool has_context,
  // The call had a deadline.
  5: bool has_deadline,
  // Request metadata "user", or "".
  6: string user,
}

exception MyError {
  1: string reason,
  2: i32 code,
}

struct EchoArgs {
  1: Request req,
}

struct EchoResult {
  1: optional Response success,
  2: optional MyError err,
}
