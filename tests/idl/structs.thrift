// Structs: explicit and implicit field ids, requiredness, defaults,
// recursive and mutually referring fields, separators.
namespace cpp vireo.test.structs

struct Empty {}

struct Ids {
  1: i32 one,
  2: i32 two,
  10: i32 ten,
  32767: i32 max_id,
  100: i32 hundred,
}

struct Implicit {
  i32 first,
  string second,
  5: i32 explicit_five,
  list<i32> third,
}

struct Requiredness {
  1: required i32 req,
  2: optional i32 opt,
  3: i32 plain,
  4: required string req_default = "r",
  5: optional string opt_default = "o",
  6: string plain_default = "p",
  7: required list<i32> req_list,
  8: optional map<string, string> opt_map = {},
}

struct Recursive {
  1: optional Recursive following,
  2: list<Recursive> children,
  3: map<string, Recursive> by_name,
}

struct Outer {
  1: Ids ids,
  2: optional Implicit implicit,
  3: required Requiredness req,
  4: list<map<i32, Ids>> deep,
  5: Empty empty = {},
}

struct Separators {
  1: i32 comma,
  2: i32 semicolon;
  3: i32 none
  4: i32 last_comma,
}

struct NoSeparators { 1: i32 a 2: i32 b 3: string c }

struct Keywordish {
  1: string type,
  2: string value,
  3: i32 int32,
  4: string service_name,
  5: bool structs,
}
