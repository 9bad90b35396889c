// The RPC test IDL: one service per shape vireo-gen's server interfaces and
// client stubs must handle.
include "rpc_base.thrift"

namespace cpp vireo.rpctest

enum Op {
  ADD = 1,
  SUB = 2,
}

struct Operand {
  1: i64 value,
  2: optional string label,
}

exception Invalid {
  1: string reason,
  2: i32 code,
}

exception Overflow {
  1: i64 limit,
}

/** A service with no methods. */
service Empty {
}

/** Every kind of method. */
service Calculator extends rpc_base.Base {
  /** No parameters, no result. */
  void ping(),
  /** Several parameters of mixed types. */
  i64 compute(1: Op op, 2: i64 a, 3: string note, 4: Operand operand, 5: list<i32> extra),
  /** Two declared exceptions. */
  Operand lookup(1: string key) throws (1: Invalid invalid, 2: Overflow overflow),
  void store(1: string key, 2: Operand value) throws (1: Invalid invalid),
  oneway void fire(1: i64 id, 2: string tag),
  /** Named with C++ keywords: method `template`, parameter `typename`. */
  string template(1: string typename),
  /** `co_` + `await` would be a keyword. */
  i32 await(1: i32 n),
  /** Parameters named like the stubs' own. */
  bool collide(1: string options, 2: i32 done, 3: bool ctx, 4: i64 out),
  /** A parameter named like its method. */
  string label(1: string label),
  binary echo_bytes(1: binary data),
  map<string, list<Operand>> group(1: set<string> keys, 2: bool flag, 3: double ratio,
                                   4: map<i32, Op> ops),
  /** Not implemented by the test handler: the default answers. */
  i32 unimplemented(1: i32 x),
  /** Arguments whose ids are not in declaration order. */
  string reorder(3: string c, 1: i32 a, 2: required string b),
}

/** Two levels of `extends`: Scientific -> Calculator -> Base. */
service Scientific extends Calculator {
  double power(1: double base, 2: i32 exponent),
  /** Overrides nothing: a new name; the base's methods keep theirs. */
  Op pick(1: list<Op> ops),
}
