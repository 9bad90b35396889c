// Services: every return type, arguments with ids, implicit ids,
// requiredness and defaults, oneway, throws, extends within the file,
// and separators between functions.
namespace cpp vireo.test.services

struct Request { 1: string body }
struct Reply { 1: string body }
exception Busy { 1: i32 retry_after_ms = 100 }
exception Denied { 1: string who }
enum Mode { FAST, SAFE }

service Root {
  void ping(),
}

service Middle extends Root {
  Reply call(1: Request request) throws (1: Busy busy),
  oneway void notify(1: string event);
}

service Leaf extends Middle {
  i32 count(),
  Mode mode(1: Mode requested = Mode.SAFE),
  list<Reply> batch(1: list<Request> requests, 2: i32 limit = 10) throws (1: Busy busy, 2: Denied denied)
  map<string, set<i64>> index(1: required string key, 2: i64 start, 3: bool reverse = false),
  binary raw(1: binary data, i32 implicit_arg, string another),
  oneway void fire_and_forget(1: Request request, 2: Mode mode = 1)
  Request echo_struct(1: Request request,) throws (1: Busy busy,),
  double ratio(1: double a = 0.5, 2: double b = 2),
  void many_args(1: bool a, 2: byte b, 3: i16 c, 4: i32 d, 5: i64 e, 6: double f,
                 7: string g, 8: binary h, 9: list<i32> i, 10: set<string> j,
                 11: map<i32, string> k, 12: Request l, 13: Mode m),
}

service Standalone {}

service AlsoStandalone {
  void only(),
}
