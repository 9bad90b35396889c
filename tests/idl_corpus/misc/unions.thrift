/**
 * Unions in every position: of base types, of structs, of containers, of
 * other unions, with defaults, as map values and list elements, as method
 * arguments and results, and empty.
 */
namespace cpp corpus.misc.unions

struct Point {
  1: double x,
  2: double y,
}

/** A union of base types, one with a default. */
union Scalar {
  1: bool b,
  2: i8 i8v,
  3: i16 i16v,
  4: i32 i32v,
  5: i64 i64v,
  6: double d,
  7: string s = "default text",
  8: binary raw,
}

/** A union of containers. */
union Collection {
  1: list<Scalar> items,
  2: set<string> tags,
  3: map<string, Scalar> fields,
  4: list<list<i32>> matrix,
}

/** A union of a struct, a union and a container of unions. */
union Shape {
  1: Point point,
  2: list<Point> polygon,
  3: Scalar label,
  4: map<string, Collection> groups,
}

/** An empty union. */
union Void {
}

/** A union with one member. */
union OnlyOne {
  1: string value,
}

/** A struct that holds unions of every requiredness. */
struct Document {
  1: required Shape outline,
  2: optional Collection metadata,
  3: Scalar version,
  4: list<Shape> layers,
  5: map<string, Scalar> properties,
  6: optional Void nothing,
  7: OnlyOne single,
}

exception ShapeError {
  1: string what,
  2: optional Shape offending,
}

const Scalar DEFAULT_SCALAR = {"i32v": 7}
const Shape ORIGIN = {"point": {"x": 0.0, "y": 0.0}}
const list<Scalar> SCALARS = [{"b": true}, {"s": "text"}, {"d": 2.5}]

service DocumentService {
  Document render(1: Document doc) throws (1: ShapeError error),
  Shape transform(1: Shape shape, 2: Scalar factor = {"d": 2.0}),
  list<Collection> collect(1: map<string, Scalar> input),
  Void nothing(1: Void v),
}
