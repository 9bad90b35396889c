/**
 * Names that are legal Thrift but awkward in C++: C++ keywords that Apache
 * 0.17 lets through as field, argument, method and type names (`using`,
 * `template`, `operator`, `typename`, `auto`, `co_await`, ...), fields
 * named like their types (`1: TrafficEnv TrafficEnv`), exceptions with a
 * field named `what`, method arguments named like the parameters of
 * generated stubs (`ctx`, `options`, `done`, `out`), fields named like
 * standard names (`std`, `size_t`, `success`). Names Apache refuses
 * (`self`, `class`, `delete`, `new`, `next`, ...) are in
 * apache_rejects/reserved_names.thrift.
 */
include "base.thrift"

namespace cpp corpus.names

/** A local type with the same name as base's. */
struct TrafficEnv {
  1: bool enabled,
  2: string lane,
}

/** Fields named like their types, local and included. */
struct Envelope {
  1: TrafficEnv TrafficEnv,
  2: base.TrafficEnv RemoteEnv,
  3: base.Base Base,
  4: optional base.BaseResp BaseResp,
  5: Level Level,
  6: optional Envelope2 Envelope2,
  7: list<Level> Levels,
}

enum Level {
  LOW = 1,
  HIGH = 2,
}

struct Envelope2 {
  1: Level level = Level.LOW,
  2: string Level,
}

/** C++ keywords Apache accepts as field names. */
struct CppKeywords {
  1: string using,
  2: i32 template,
  3: string operator,
  4: bool typename,
  5: i64 auto,
  6: string co_await,
  7: string co_return,
  8: string co_yield,
  9: i32 requires,
  10: i32 concept,
  11: bool explicit,
  12: bool mutable,
  13: string friend,
  14: string noexcept,
  15: string nullptr,
  16: i32 constexpr,
  17: i32 decltype,
  18: string export,
  19: i16 int,
  20: i8 char,
  21: i32 long,
  22: i16 short,
  23: i32 signed,
  24: string typeid,
  25: string extern,
  26: string static_assert,
  27: string thread_local,
  28: string asm,
  29: string bitand,
  30: string compl,
  31: string alignas,
  32: string alignof,
  33: string static_cast,
  34: string reinterpret_cast,
  35: string char8_t,
  36: string consteval,
  37: string constinit,
  38: string wchar_t,
}

/** Standard-library and generated-code names as field names. */
struct StdNames {
  1: string std,
  2: i64 size_t,
  3: string int8_t,
  4: string std_string,
  5: string success,
  6: string value,
  7: i32 final,
  8: i32 override,
  9: string TException,
  10: string vector,
  11: string optional_,
  12: string kFields,
  13: string DebugString,
  14: string which,
  15: string None,
}

/** An exception with a field named `what` and others named like std::exception members. */
exception WhatError {
  1: string what,
  2: i32 code,
  3: string message,
}

/** An exception whose `what` is not a string. */
exception NumericWhat {
  1: i32 what,
}

/** A union with awkward member names. */
union KeywordUnion {
  1: string using,
  2: i32 template,
  3: string operator,
  4: CppKeywords auto,
}

/**
 * Enum values that are C++ keywords, and two that are macros of the C
 * library (NULL, EOF), as token enums of parsers have.
 */
enum KeywordEnum {
  using = 1,
  template = 2,
  operator = 3,
  auto = 4,
  NULL = 5,
  EOF = 6,
}

/** Types named like C++ keywords and standard names. */
struct typename {
  1: string name,
}

typedef string string_view

struct Context {
  1: string id,
}

/** Arguments named like the generated stubs' own parameters. */
service AwkwardService {
  string call(1: string ctx, 2: string options, 3: string done, 4: string out),
  void withContext(1: Context ctx, 2: map<string, string> options),
  Envelope echo(1: Envelope out, 2: i32 done) throws (1: WhatError what),
  CppKeywords keywords(1: CppKeywords using, 2: i32 template, 3: string operator),
  oneway void fire(1: string ctx, 2: string done),
  KeywordEnum pick(1: KeywordEnum auto, 2: typename typename),
  string_view view(1: string_view co_await),
  /** Methods named like C++ keywords. */
  void using(),
  i32 operator(1: i32 requires),
  string template(1: string out) throws (1: NumericWhat err),
}
