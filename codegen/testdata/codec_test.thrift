// The codec test IDL: every wire type, nesting, requiredness, unions,
// enums, typedef'd and cpp.template containers, and the shapes that test
// unknown fields, type mismatches and limits.
namespace cpp vireo.codectest

enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 4,
}

typedef i64 UserId
typedef list<i32> IntList
typedef map<string, string> Labels
typedef list<i64> (cpp.template = "std::deque") IdDeque

struct Point {
  1: required double x,
  2: required double y,
}

/** Small enough to check byte by byte. */
struct Small {
  1: bool flag,
  2: i32 num,
  3: string text,
}

/** Field ids out of order and far apart (Compact's long field headers). */
struct Far {
  200: i16 b,
  1: i16 a,
  3: bool c,
}

struct Leaf {
  1: i64 id,
  2: string title,
  3: binary payload,
  4: list<Point> path,
  5: optional Labels labels,
}

union Choice {
  1: i64 int_value,
  2: string str_value,
  3: list<string> list_value,
  4: Leaf leaf,
}

exception Oops {
  1: string reason,
  2: i32 code = 500,
}

struct AllTypes {
  1: bool b,
  2: i8 i8v,
  3: i16 i16v,
  4: i32 i32v,
  5: i64 i64v,
  6: double dv,
  7: string s,
  8: binary bin,
  9: uuid u,
  10: Color color = Color.GREEN,
  11: UserId user,
  12: list<i64> ids,
  13: list<string> tags,
  14: set<i32> codes,
  15: set<string> names,
  16: map<string, i64> counters,
  17: map<i32, Leaf> by_id,
  18: list<Leaf> leaves,
  19: list<list<i32>> matrix,
  20: list<bool> bits,
  21: IntList typedef_list,
  22: Labels labels,
  23: optional string note,
  24: optional Choice choice,
  25: Choice plain_choice,
  26: list<Color> colors,
  27: map<Color, list<string>> by_color,
  28: list<i32> (cpp.template = "std::deque") deque_ints,
  29: map<string, i32> (cpp.template = "std::unordered_map") hashed,
  30: set<i64> (cpp.template = "std::unordered_set") hashed_set,
  31: string region = "cn-north",
  32: i32 with_default = 404,
  33: required i32 must,
  34: optional Point where,
  35: Point origin,
  36: IdDeque id_deque,
  37: map<binary, i32> bin_keys,
  38: set<uuid> uuids,
  39: Oops oops,
  40: list<double> doubles,
  41: map<i16, map<i16, bool>> nested_maps,
  42: list<set<string>> list_of_sets,
}

/** A newer version of Old: Old's decoder meets every field it lacks. */
struct New {
  1: i32 a,
  2: string added,
  3: list<Leaf> more,
  4: map<i32, list<string>> nested,
  5: Point pt,
  6: i32 b,
  7: bool flag2,
  8: double d,
  9: uuid u,
  10: set<i16> s16,
  11: i64 big,
  12: i8 tiny,
  13: Choice choice,
  14: map<string, Point> points,
}

struct Old {
  1: i32 a,
  6: i32 b,
}

/** The same ids as TypeB with other types. */
struct TypeA {
  1: i32 x,
  2: string keep,
  3: list<i32> xs,
  4: map<i32, i32> m,
}

struct TypeB {
  1: string x,
  2: string keep,
  3: list<string> xs,
  4: map<string, i32> m,
}

struct Empty {
}

struct Wrapper {
  1: Empty e,
  2: required Point p,
  3: optional Oops oops,
}

/** More fields than one 64-bit word of presence bits. */
struct Many {
  1: i32 f1,
  2: i32 f2,
  3: i32 f3,
  4: i32 f4,
  5: i32 f5,
  6: i32 f6,
  7: i32 f7,
  8: i32 f8,
  9: i32 f9,
  10: i32 f10,
  11: i32 f11,
  12: i32 f12,
  13: i32 f13,
  14: i32 f14,
  15: i32 f15,
  16: i32 f16,
  17: i32 f17,
  18: i32 f18,
  19: i32 f19,
  20: i32 f20,
  21: i32 f21,
  22: i32 f22,
  23: i32 f23,
  24: i32 f24,
  25: i32 f25,
  26: i32 f26,
  27: i32 f27,
  28: i32 f28,
  29: i32 f29,
  30: i32 f30,
  31: i32 f31,
  32: i32 f32,
  33: i32 f33,
  34: i32 f34,
  35: i32 f35,
  36: i32 f36,
  37: i32 f37,
  38: i32 f38,
  39: i32 f39,
  40: i32 f40,
  41: i32 f41,
  42: i32 f42,
  43: i32 f43,
  44: i32 f44,
  45: i32 f45,
  46: i32 f46,
  47: i32 f47,
  48: i32 f48,
  49: i32 f49,
  50: i32 f50,
  51: i32 f51,
  52: i32 f52,
  53: i32 f53,
  54: i32 f54,
  55: i32 f55,
  56: i32 f56,
  57: i32 f57,
  58: i32 f58,
  59: i32 f59,
  60: i32 f60,
  61: i32 f61,
  62: i32 f62,
  63: i32 f63,
  64: i32 f64,
  65: i32 f65,
  66: i32 f66,
  67: i32 f67,
  68: i32 f68,
  69: i32 f69,
  70: required i32 f70,
}
