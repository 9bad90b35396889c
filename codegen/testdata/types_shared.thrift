// Types that types_test.thrift uses from another file.
namespace cpp vireo.gentest.shared

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
}

struct Coord {
  1: required i32 x,
  2: required i32 y,
}

typedef list<Coord> Path
