// Scoped names `file.Name` in every position a type or value may appear.
// idl-test-include: include
namespace cpp vireo.test.scoped

include "shared.thrift"
include "common.thrift"

typedef shared.Point ScopedPoint
typedef list<shared.Color> ColorList
typedef map<common.Priority, shared.Tagged> TagsByPriority
typedef shared.Timestamp When
typedef common.PriorityMap Priorities

const shared.Color FAVORITE = shared.Color.RED
const shared.Timestamp NOW = 1700000000000
const ColorList SOME_COLORS = [shared.Color.GREEN]
const map<shared.Color, string> COLOR_NAMES = {shared.Color.RED: "red", shared.Color.BLUE: shared.GREETING}
const common.Label LABEL = "label"
const list<common.Label> LABELS = [LABEL, shared.GREETING]

struct Scoped {
  1: shared.Point point,
  2: ScopedPoint aliased,
  3: list<shared.Point> points,
  4: set<common.Label> labels,
  5: map<shared.Color, common.Entry> entries,
  6: map<common.Label, list<shared.Tagged>> tagged,
  7: optional shared.SharedError last_error,
  8: When at_time = NOW,
  9: shared.Color color = shared.Color.BLUE,
  10: Priorities priorities = {"a": common.Priority.HIGH},
  11: TagsByPriority tags,
  12: common.Priority priority = common.Priority.LOW,
}

exception ScopedError {
  1: common.Entry entry,
  2: shared.Level level = shared.MAX_SIZE,
}

service ScopedService extends shared.BaseService {
  shared.Tagged tag(1: shared.Point p, 2: common.Label l = LABEL) throws (1: shared.SharedError se, 2: common.CommonError ce, 3: ScopedError e),
  map<shared.Color, list<common.Entry>> group(1: set<shared.Color> colors),
  common.Priority priority(1: common.Priority p = common.Priority.MEDIUM),
}
