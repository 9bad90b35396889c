// Enums: implicit values, explicit decimal/hex/negative values, implicit
// values continuing after explicit ones, docs and annotations.
namespace cpp vireo.test.enums

enum Implicit {
  ZERO,
  ONE,
  TWO,
}

/** Values as written, in every form. */
enum Explicit {
  A = 1,
  B = 0x10,
  C = -5,
  D = 2147483647,
  E = -2147483648,
  F = 0,
}

enum Mixed {
  FIRST = 10,
  SECOND,
  THIRD = 3;
  FOURTH;
  FIFTH = -1
  SIXTH
}

/**
 * An annotated enum with documented values.
 */
enum Annotated {
  /** The first one. */
  RED = 1 (color.hex = "ff0000"),
  /** The second one. */
  GREEN (color.hex = "00ff00", legacy),
  BLUE = 0x7f
} (cpp.enum_type = "uint8_t", deprecated)

enum Single { ONLY }

enum Empty {}

struct UsesEnums {
  1: Implicit i = Implicit.TWO,
  2: Explicit e = Explicit.C,
  3: Mixed m = 4,
  4: list<Annotated> colors = [Annotated.RED, Annotated.BLUE],
  5: map<Mixed, Implicit> by_mixed = {Mixed.SECOND: Implicit.ONE},
  6: set<Explicit> some = [Explicit.B],
  7: optional Single single,
}

const Mixed MIXED_DEFAULT = Mixed.SIXTH
const list<Explicit> ALL_EXPLICIT = [Explicit.A, Explicit.B, Explicit.C, Explicit.D, Explicit.E, Explicit.F]
const map<Annotated, string> COLOR_NAMES = {Annotated.RED: "red", Annotated.GREEN: "green"}
const i32 AS_INT = Explicit.B
