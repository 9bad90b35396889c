/**
 * Enums and constants spelled every way Apache Thrift 0.17 accepts them:
 * implicit, explicit, negative and hex enum values; enum constants by
 * qualified name and by number; an enum constant spelled through another
 * enum's name (0.17 resolves `Other.NAME` by looking NAME up in the
 * constant's own enum, whatever `Other` is); constants naming constants
 * (not for enums: 0.17 rejects an enum constant naming a constant, see
 * apache_rejects/enum_const_naming_const.thrift);
 * doubles with exponents; every string escape; bools as 0/1 and
 * true/false; integers with signs and in hex.
 */
namespace cpp corpus.consts
namespace * corpus.consts

/** Implicit values: 0, 1, 2. */
enum Implicit {
  ZERO,
  ONE,
  TWO,
}

/** Explicit values, not in order, with gaps, negative and hex. */
enum Explicit {
  NEGATIVE = -1,
  BIG_NEGATIVE = -2147483648,
  SMALL = 1,
  HEX = 0x10,
  AFTER_HEX,
  BIGGEST = 2147483647,
  BACK = 3,
  LOWERCASE_hex = 0x7fAB,
}

/** Implicit values continuing after explicit ones; separators of every kind. */
enum Mixed {
  A = 5; B, C = 10
  D
  E = +20,
}

/** Two enums with overlapping names, as IDLs versioned by copy have. */
enum FirstGeneration {
  FG_ALPHA = 1,
  FG_BETA = 2,
}

enum SecondGeneration {
  SG_ALPHA = 1,
  SG_BETA = 2,
  SG_GAMMA = 3,
}

/** An enum whose value names match another enum's. */
enum Color {
  RED = 1,
  GREEN = 2,
  BLUE = 3,
}

enum Light {
  RED = 10,
  GREEN = 20,
}

/** An empty enum. */
enum Nothing {
}

// Enum constants.
const Explicit BY_NAME = Explicit.HEX
const Explicit BY_NUMBER = 2147483647
const Explicit BY_NEGATIVE_NUMBER = -1
const Implicit IMPLICIT_BY_NUMBER = 2
const Mixed MIXED_IMPLICIT = Mixed.D
/** Spelled through another enum's name: 0.17 takes SG_GAMMA from SecondGeneration. */
const SecondGeneration THROUGH_OTHER_ENUM = FirstGeneration.SG_GAMMA
/** The same trick where both enums have the name: RED of Light, 10. */
const Light LIGHT_THROUGH_COLOR = Color.RED
const Color COLOR_PLAIN = Color.RED

// Integers.
const i8 TINY = -128
const i8 TINY_MAX = 127
const byte LEGACY_BYTE = 0x7f
const i16 SHORT_HEX = 0x7FFF
const i16 SHORT_NEG = -32768
const i32 PLUS_SIGN = +42
const i32 HEX_LOWER = 0xdeadbe
const i32 NEG_HEX = -0x10
const i64 I64_LARGEST = 9223372036854775807
const i64 I64_SMALLEST = -9223372036854775808
const i64 LONG_HEX = 0x7FFFFFFFFFFFFFFF
/** Integer constants naming integer constants. */
const i32 ALIAS_OF_PLUS = PLUS_SIGN
const i64 WIDENED = PLUS_SIGN

// Doubles.
const double PI = 3.14159265358979
const double AVOGADRO = 6.02214076e23
const double PLANCK = 6.62607015E-34
const double NEG_EXP = -1.5e-10
const double LEADING_DOT = .5
const double PLUS_EXP = 1e+3
const double FROM_INT = 42
const double FROM_NEG_INT = -7
const double TINY_DOUBLE = 4.9e-324
const double HUGE_DOUBLE = 1.7976931348623157e308
const double DOUBLE_ALIAS = PI

// Bools.
const bool YES = true
const bool NO = false
const bool ONE_IS_TRUE = 1
const bool ZERO_IS_FALSE = 0
const bool BOOL_ALIAS = YES

// Strings, with every escape and both quotes.
const string EMPTY = ""
const string ESCAPES = "tab\tnewline\ncr\rquote\"apos\'backslash\\"
const string SINGLE_QUOTED = 'single "quoted" text'
const string SINGLE_WITH_ESCAPE = 'it\'s'
const string UTF8 = "naïve café ✓ 中文"
const string HASH_AND_SLASHES = "not # a comment // nor /* this */"
const string STRING_ALIAS = ESCAPES
const binary BINARY_CONST = "raw bytes\t\n"

// Containers of constants.
const list<string> ALIASES = [ESCAPES, EMPTY, "literal"]
const map<Color, Light> COLOR_TO_LIGHT = {Color.RED: Light.RED, Color.GREEN: Light.GREEN}
const map<string, Explicit> BY_LABEL = {"hex": Explicit.HEX, "neg": -1}
const set<Implicit> IMPLICIT_SET = [Implicit.ZERO, 1, Implicit.TWO]

/** Defaults of every kind on fields. */
struct EnumDefaults {
  1: Explicit e1 = Explicit.HEX,
  2: Explicit e2 = 1,
  3: optional Explicit e3 = Explicit.NEGATIVE,
  4: SecondGeneration e4 = FirstGeneration.SG_BETA,
  5: Implicit e5,
  6: Color color = Color.BLUE,
  7: Light light = Light.GREEN,
  8: i32 fromConst = PLUS_SIGN,
  9: double ratio = AVOGADRO,
  10: string text = ESCAPES,
  11: bool flag = 1,
  12: list<Explicit> many = [Explicit.SMALL, 16, Explicit.BACK],
  13: Nothing nothing,
}

service EnumService {
  Explicit roundTrip(1: Explicit e = Explicit.BACK, 2: Mixed m = 11),
  map<Color, list<Light>> lights(1: set<Color> colors),
  EnumDefaults defaults(),
}
