// The service of the bad-input battery (bad_input_test.cc): arguments with
// strings, every container kind and nesting, so that bad bytes reach each
// decoding path of generated code.
namespace cpp badinput

struct Item {
  1: i64 id,
  2: string name,
  3: list<i32> tags,
}

service BatteryService {
  i32 add(1: i32 a, 2: i32 b),
  string echo(1: string s),
  // The number of items, weights and ids given.
  i32 count(1: list<Item> items, 2: map<string, i64> weights, 3: set<i32> ids),
  // The number of innermost lists.
  i32 deep(1: list<list<list<list<i32>>>> nested),
  // Answers `ms` milliseconds later, from a timer: the loop is not held.
  i32 slow(1: i32 ms),
}
