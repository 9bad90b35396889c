// Annotations everywhere Apache accepts them: definitions, fields, enum
// values, functions, services, arguments, throws and type expressions;
// with and without values, separated by `,` or `;`, repeated keys.
namespace cpp vireo.test.annotations

typedef list<i32> (cpp.template = "std::vector") IntList (typedef.note = "list")
typedef map<string, string> (cpp.template = "std::unordered_map", cpp.hash) Dict
typedef set<i64> (python.immutable = "") LongSet
typedef i32 (cpp.type = "int32_t") AnnotatedBase
typedef string Plain (flag)

enum Level {
  LOW = 1 (level.name = "low"),
  HIGH = 2 (level.name = "high"; level.extra = 'single quoted'),
  UNSET (unset)
} (enum.a = "1", enum.b)

struct Annotated {
  1: i32 a (field.a = "x"),
  2: optional string b (field.b = "y", field.c = "z",),
  3: list<i32> (elem.note = "inline") c (field.d),
  4: map<string, list<i32> (inner = "list")> (outer = "map") d,
  5: IntList e,
  6: Dict f = {"k": "v"},
  7: i64 (js.type = "Long") g,
  8: set<string> (cpp.template = "std::set") h (field.repeat = "first", field.repeat = "last"),
  9: LongSet i,
  10: AnnotatedBase j,
  11: required Plain k = "p" (field.k = "with default"),
} (
  struct.multi = "line",
  struct.flag,
  struct.quote = 'q"uote'
)

union AnnotatedUnion {
  1: i32 x (u.x = "1"),
} (union.flag)

exception AnnotatedError {
  1: string message (e.m = "msg"),
} (error.code = "42")

service AnnotatedService {
  list<i32> (ret.note = "r") get(
    1: i32 id (arg.id = "yes"),
    2: map<string, string> (arg.map = "m") opts,
  ) throws (1: AnnotatedError err (throw.note = "t")) (fn.a = "1", fn.b),
  oneway void fire() (fn.oneway),
  void plain(),
} (service.a = "s", service.b)

service AnnotatedEmpty {} (empty.service)
