// Unions: plain, with defaults, annotated, nested, used in services.
namespace cpp vireo.test.unions

struct Leaf { 1: i32 v }

union Simple {
  1: i32 number,
  2: string text,
  3: Leaf leaf,
}

/** A union with a default on one member. */
union WithDefault {
  1: i64 id = 7,
  2: string name,
  3: optional binary raw,
} (union.kind = "choice")

union Nested {
  1: Simple simple,
  2: list<Simple> many,
  3: map<string, WithDefault> named,
  4: Nested self_ref,
}

union ImplicitIds {
  i32 a,
  string b,
}

union EmptyUnion {}

struct Holder {
  1: Simple simple = {"text": "t"},
  2: optional Nested nested,
  3: WithDefault with_default = {"name": "n"},
}

const Simple SIMPLE = {"number": 3}
const Nested NESTED = {"simple": {"leaf": {"v": 1}}}

service UnionService {
  Simple pick(1: Nested choice, 2: WithDefault extra),
}
