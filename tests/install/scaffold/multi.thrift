// The IDL of the scaffold test (tests/install/run_scaffold_test.cmake): two
// services, Catalog extending Inventory, which extends shared.Base from an
// included file; oneway methods, declared exceptions, and arguments and
// results of several kinds.
include "shared.thrift"

namespace cpp scaffold.multi

exception OutOfStock {
  1: string key,
  2: i32 available,
}

enum Kind {
  BOOK = 1,
  TOOL = 2,
}

struct Item {
  1: string key,
  2: Kind kind,
  3: i64 quantity,
  4: list<string> tags,
}

service Inventory extends shared.Base {
  Item get(1: string key) throws (1: shared.NotFound nf),
  void put(1: Item item),
  i32 take(1: string key, 2: i32 quantity) throws (1: shared.NotFound nf, 2: OutOfStock oos),
  oneway void touch(1: string key),
}

service Catalog extends Inventory {
  list<Item> search(1: string query, 2: i32 limit, 3: Kind kind),
  map<string, i64> counts(),
  oneway void reindex(),
}
