/**
 * Constants and defaults that name constants and enum values of included
 * files (`base.PLATFORM_TAG`, `enums_and_consts.Explicit.HEX`), typedefs of
 * included files, and constants naming those constants in turn.
 *
 * Includes enums_and_consts.thrift relative to this file, and base.thrift
 * and units.thrift through the -I dir tests/idl_corpus/common.
 */
include "enums_and_consts.thrift"
include "base.thrift"
include "units.thrift"

namespace cpp corpus.consts.scoped

const i32 DEADLINE = base.DEFAULT_DEADLINE_MS
const i32 DOUBLE_DEADLINE = 3000
const string TAG = base.PLATFORM_TAG
const string TAG_AGAIN = TAG
const enums_and_consts.Explicit SCOPED_ENUM = enums_and_consts.Explicit.HEX
const enums_and_consts.Explicit SCOPED_ENUM_BY_NUMBER = 16
const enums_and_consts.Color SCOPED_COLOR = enums_and_consts.Color.GREEN
const units.EventTime LATER = units.ONE_WEEK_MS
const units.TableNames TABLES = [units.SYSTEM_TABLE, "user_table"]
const double SCOPED_PI = enums_and_consts.PI
const list<i32> DEADLINES = [base.DEFAULT_DEADLINE_MS, DOUBLE_DEADLINE, 0x100]
const map<string, enums_and_consts.Light> LIGHTS = {
  "red": enums_and_consts.Light.RED,
  "green": enums_and_consts.Light.GREEN,
}
const map<string, string> EXTRAS = {"tag": base.PLATFORM_TAG, "escaped": enums_and_consts.ESCAPES}

/** Field defaults from included constants and enums. */
struct ScopedDefaults {
  1: i32 deadlineMs = base.DEFAULT_DEADLINE_MS,
  2: string tag = base.PLATFORM_TAG,
  3: enums_and_consts.Explicit e = enums_and_consts.Explicit.BIGGEST,
  4: enums_and_consts.SecondGeneration gen = enums_and_consts.FirstGeneration.SG_GAMMA,
  5: units.EventTime since = units.ONE_DAY_MS,
  6: units.Fraction share = units.HALF,
  7: list<enums_and_consts.Color> palette = [enums_and_consts.Color.RED, 3],
  8: optional base.Base Base,
  9: map<string, string> extras = base.DEFAULT_EXTRAS,
}

service ScopedService extends base.BaseService {
  ScopedDefaults get(1: i32 deadline = base.DEFAULT_DEADLINE_MS,
                     2: enums_and_consts.Explicit e = enums_and_consts.Explicit.SMALL),
}
