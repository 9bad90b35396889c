// Types and services for core/generic's tests: every Thrift type the JSON
// mapping covers, a service that extends another, an exception, void and
// oneway methods.
namespace cpp vireo.generictest

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 7,
}

struct Point {
  1: required i32 x,
  2: required i32 y,
}

union Shape {
  1: Point point,
  2: list<Point> polygon,
  3: string label,
}

typedef i64 ItemId

struct Item {
  1: ItemId id,
  2: string name,
  3: double price,
  4: binary blob,
  5: optional Color color,
  6: list<string> tags,
  7: set<i32> codes,
  8: map<i64, string> by_id,
  9: map<Color, Point> by_color,
  10: optional Shape shape,
  11: i32 count = 3,
  12: bool flag,
  13: i8 tiny,
  14: i16 small,
  15: map<string, list<Point>> paths,
  16: optional string note,
  17: map<bool, double> ratios,
}

// A map whose keys have no JSON form.
struct Odd {
  1: map<Point, string> by_point,
}

exception NotFound {
  1: string message,
  2: i64 id,
}

service Base {
  string ping(1: string text),
}

service Store extends Base {
  Item get(1: i64 id, 2: string region) throws (1: NotFound nf),
  list<Item> put(1: list<Item> items),
  void clear(),
  oneway void touch(1: i64 id),
}
