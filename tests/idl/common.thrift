// Included by its folder neighbours without any search path.
namespace cpp vireo.test.common

enum Priority { LOW, MEDIUM, HIGH }

typedef string Label
typedef map<Label, Priority> PriorityMap

const Priority DEFAULT_PRIORITY = Priority.MEDIUM
const i64 LIMIT = 1000

struct Entry {
  1: required Label label,
  2: Priority priority = Priority.MEDIUM,
  3: optional list<Label> aliases,
}

exception CommonError {
  1: string reason,
}

service CommonService {
  Entry lookup(1: Label label) throws (1: CommonError error),
}
