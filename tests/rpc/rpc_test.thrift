// Services for the end-to-end RPC tests: a Vireo client calling a Vireo
// server over every framing, protocol, connection mode and calling style.
namespace cpp rpctest

struct Request {
  1: string action,
  2: string msg,
}

struct Response {
  1: string action,
  2: string msg,
}

exception TestError {
  1: i32 code,
  2: string reason,
}

service TestService {
  Response echo(1: Request req),
  i32 add(1: i32 a, 2: i32 b),
  // Sleeps `ms` milliseconds on a timer (not the loop), then returns `tag`.
  i32 delay(1: i32 ms, 2: i32 tag),
  // kind "idl": throws TestError; "runtime": a std::runtime_error.
  string fail(1: string kind) throws (1: TestError err),
  // Records `note`; notes() returns them joined with ",".
  oneway void note(1: string note),
  string notes(),
  // The value of request metadata `key` ("" when absent); sets response
  // metadata "echo-<key>" to it.
  string meta(1: string key),
  // Milliseconds left until the call's deadline, -1 when none.
  i64 deadline_left(),
}

// Calls the next hop (another ChainService) until hops reaches 0, then
// reports the deadline it saw.
service ChainService {
  i64 hop(1: i32 hops),
}
