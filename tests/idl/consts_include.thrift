// Constants and defaults that reference constants, enum values and structs
// of included files, found through the search path.
// idl-test-include: include
namespace cpp vireo.test.constinc

include "shared.thrift"
include "common.thrift"

const i32 SIZE = shared.MAX_SIZE
const string HELLO = shared.GREETING
const shared.Color COLOR = shared.Color.BLUE
const list<shared.Color> COLORS = [shared.Color.RED, 4]
const list<i32> SIZES = [shared.MAX_SIZE, common.LIMIT]
const shared.Point ORIGIN = {"x": 0, "y": 0.5}
const shared.Tagged TAGGED = {
  "name": shared.GREETING,
  "color": shared.Color.GREEN,
  "where": {"x": 1, "y": -1},
  "bottom": {"layer": 1, "depth": 3},
}
const common.Priority PRIORITY = common.Priority.HIGH
const common.PriorityMap PRIORITIES = {"low": common.Priority.LOW, "high": 2}
const i64 LIMIT = common.LIMIT
const shared.Timestamp EPOCH = 0
const common.Entry ENTRY = {"label": "e", "priority": common.Priority.LOW}

struct UsesIncluded {
  1: shared.Color color = shared.Color.RED,
  2: shared.Point point = {"x": shared.MAX_SIZE, "y": 2.5},
  3: common.Label label = shared.GREETING,
  4: i32 size = shared.MAX_SIZE,
  5: list<common.Entry> entries = [{"label": shared.GREETING}, {"label": "f"}],
  6: shared.Level level = 2,
}
