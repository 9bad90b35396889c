// The interface of the RPC interoperability tests: served and called by
// Vireo (vireo-gen), Apache Thrift C++ (thrift --gen cpp) and Apache Thrift
// Python (thrift --gen py). Every handler answers as described here, so a
// client can check each reply exactly whichever side serves it.
namespace cpp interop
namespace py interop

enum Color { RED = 1, GREEN = 2, BLUE = 3 }

struct Point { 1: i32 x, 2: i32 y }

struct Item {
  1: i64 id,
  2: string name,
  3: list<string> tags,
  4: map<string, i32> counts,
  5: optional double score,
  6: binary blob,
  7: list<Point> path,
  8: set<i16> flags,
  9: Color color,
}

// Not named `what`: Apache's generated C++ cannot compile a field by that
// name (it clashes with std::exception::what()).
exception NotFound {
  1: string reason,
  2: i32 code,
}

service Store {
  // Returns `item` unchanged.
  Item echo(1: Item item),
  // id >= 0: Item{id, name = "item-<id>"}; id < 0: throws
  // NotFound{reason = "no item <id>", code = 404}.
  Item find(1: i64 id) throws (1: NotFound missing),
  // Does nothing; returns once the server has run it.
  void ping(),
  // Appends `s` to the server's record, which recorded() returns.
  oneway void record(1: string s),
  list<string> recorded(),
  // Returns "flag=<0|1> b=<tiny> s=<small> i=<medium> l=<large>
  // d=<real, %.3f> str=<text> nums=<a,b,..> color=<number> point=<x>,<y>".
  // (Apache's generated C++ uses `i` inside its methods: no parameter may
  // be named so.)
  string mixed(1: bool flag, 2: i8 tiny, 3: i16 small, 4: i32 medium,
               5: i64 large, 6: double real, 7: string text, 8: list<i32> nums,
               9: Color color, 10: Point point),
}

// A second service on the same server, for TMultiplexedProtocol names.
service Counter {
  // Adds `delta` to the server's total and returns the new total.
  i64 add(1: i64 delta),
}
