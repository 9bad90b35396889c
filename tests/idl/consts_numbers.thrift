// Numeric and boolean constants: decimal, hex, signs, 64-bit extremes,
// doubles with and without exponents, and integers where doubles go.
namespace cpp vireo.test.numbers

const i8 I8_MAX = 127
const i8 I8_MIN = -128
const byte BYTE_HEX = 0x7F
const i16 I16_MAX = 32767
const i16 I16_NEG = -32768
const i32 I32_HEX = 0x7fffffff
const i32 I32_NEG_HEX = -0x80000000
const i32 I32_PLUS = +12
const i64 I64_MAX = 9223372036854775807
const i64 I64_MIN = -9223372036854775808
const i64 I64_HEX = 0x1234ABCDef
const i64 ZERO = 0

const double PI = 3.141592653589793
const double TENTH = 0.1
const double HALF = .5
const double NEG = -2.25
const double PLUS = +1.5
const double EXP = 1e10
const double EXP_UPPER = 6.02E23
const double EXP_NEG = 1.5e-7
const double EXP_SIGNED = -2.5E+3
const double TINY = 4.9e-324
const double HUGE = 1.7976931348623157e308
const double FROM_INT = 42
const double FROM_NEG_INT = -7
const double FROM_HEX = 0x10
const double ONE_THIRD = 0.333333333333333333333

const bool YES = true
const bool NO = false
const bool ONE = 1
const bool NOUGHT = 0

const i32 REF = I32_PLUS
const double REF_DOUBLE = PI
const i64 REF_WIDENED = I16_MAX

const list<double> DOUBLES = [1, -1.5, 2e3, .25, PI]
const list<i64> LONGS = [0x10, -0x10, 9223372036854775807, REF]
const list<bool> BOOLS = [true, false, true]

struct Defaults {
  1: i8 a = -1,
  2: i16 b = 0x100,
  3: i32 c = -2147483648,
  4: i64 d = 1099511627776,
  5: double e = 2.5e-3,
  6: double f = 3,
  7: bool g = true,
  8: bool h = false,
  9: double i = PI,
  10: i64 j = I64_MIN,
}
