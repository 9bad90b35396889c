// The generated-types test IDL: every kind of definition vireo-gen writes.
include "types_shared.thrift"

namespace cpp vireo.gentest
namespace py gentest

/** How loud. */
enum Level {
  LOW = 1,
  /** Implicit value: 2. */
  MID,
  HIGH = 10,
}

typedef i64 Millis
typedef map<string, i32> Counts
typedef list<i32> (cpp.template = "std::deque") IntDeque
typedef i32 Wide (cpp.type = "long")

const i32 ANSWER = 42
const double HALF = 0.5
const bool YES = true
const string GREETING = "hi \"you\""
const list<i32> PRIMES = [2, 3, 5, 7]
const set<string> TAGS = ["x", "y"]
const map<string, i32> WEIGHTS = {"a": 1, "b": 2}
const Level DEFAULT_LEVEL = Level.MID
const types_shared.Coord ORIGIN = {"x": 1, "y": -2}
const list<types_shared.Coord> CORNERS = [{"x": 0, "y": 0}, {"x": 5, "y": 5}]
const Millis TIMEOUT = ANSWER

/** Every kind of default value. */
struct Defaults {
  1: i32 count = 7,
  2: string name = "none",
  3: Level level = Level.HIGH,
  4: list<i32> numbers = [1, 2, 3],
  5: map<string, i32> weights = {"k": 9},
  6: bool flag = true,
  7: double ratio = 0.25,
  8: i64 big = 5000000000,
  9: optional i32 maybe,
  10: required string must,
  11: types_shared.Coord where = {"x": 3, "y": 4},
  12: binary raw = "ab",
  13: i8 tiny,
  14: types_shared.Color color = types_shared.Color.BLUE,
  15: Millis ms = 100,
  16: string greeting = GREETING,
  17: Level no_default,
  18: double no_ratio,
  19: optional string note,
  20: i16 negative = -3,
}

/** One of four. */
union Choice {
  1: i32 number,
  2: string text,
  3: list<string> words,
  4: types_shared.Coord point,
}

exception Oops {
  1: string reason,
  2: i32 code = 500,
}

// Long enough that its constructor and operator== span lines.
exception DetailedFailure {
  1: string failure_reason,
  2: i32 failure_code,
  3: optional string failure_detail,
  4: list<string> failure_context,
  5: Level failure_level = Level.HIGH,
}

exception Bare {
}

// Declared before the struct it holds by value: the generator must reorder.
struct Outer {
  1: Inner inner,
  2: optional Inner maybe_inner,
}

struct Inner {
  1: i32 v = 1,
}

/** A tree: a struct may hold a list of itself. */
struct Node {
  1: string name,
  2: list<Node> children,
}

struct Holder {
  1: Choice choice,
  2: optional Choice maybe_choice,
  3: types_shared.Path path,
  4: list<types_shared.Coord> coords,
  5: map<i32, string> (cpp.template = "std::unordered_map") by_id,
  6: IntDeque deque,
  7: i64 (cpp.type = "long long") wide,
  8: set<Level> levels,
  9: Counts counts,
  10: Oops oops,
  11: Wide narrow,
  12: uuid id,
  13: binary blob,
  14: list<binary> blobs,
  15: map<string, list<i32>> nested,
}

// A member named like a type of this file.
struct Shadow {
  1: Level Level,
  2: Level other = Level.LOW,
  3: i32 template,
}

struct Empty {
}
