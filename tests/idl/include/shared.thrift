// Shared definitions, found through the include search path (-I include).
namespace cpp vireo.test.shared
namespace py vireo_test.shared

include "nested/deep.thrift"

/** A color, shared by several files. */
enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
}

typedef i64 Timestamp
typedef deep.Depth Level

const i32 MAX_SIZE = 100
const string GREETING = "hello"
const Color DEFAULT_COLOR = Color.GREEN
const list<Color> PRIMARY = [Color.RED, Color.GREEN, Color.BLUE]

struct Point {
  1: required double x,
  2: required double y,
} (shared.kind = "geometry")

struct Tagged {
  1: string name,
  2: Color color = Color.BLUE,
  3: optional Point where,
  4: deep.Bottom bottom,
  5: Level level,
}

exception SharedError {
  1: string message,
  2: i32 code = MAX_SIZE,
}

/** The base every test service extends. */
service BaseService {
  string ping(),
  oneway void poke(1: Timestamp at),
} (service.owner = "shared")
