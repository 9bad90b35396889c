/**
 * A cross-language conformance service in the shape of Apache's own test
 * service: an echo method for every base type and container, nested
 * containers (map<i32, map<i32, i32>>), a struct of every base type,
 * nested structs, a struct with maps of enums and lists of structs,
 * versioned structs, declared exceptions, a oneway method, and a second
 * service that extends the first. All names are this corpus's own.
 */
namespace cpp corpus.conformance
namespace java org.vireo.corpus.conformance
namespace * corpus.conformance

/** Digits, with a gap (no FOUR) and implicit values. */
enum Digit {
  ONE = 1,
  TWO,
  THREE,
  FIVE = 5,
  SIX,
  EIGHT = 8,
}

typedef i64 AccountId

/** A struct with one field per base type. */
struct AllBase {
  1: bool aBool,
  2: byte aByte,
  3: i8 anI8,
  4: i16 anI16,
  5: i32 anI32,
  6: i64 anI64,
  7: double aDouble,
  8: string aString,
  9: binary aBinary,
}

/** A small struct used everywhere. */
struct Quad {
  1: string text,
  4: i8 small,
  9: i32 medium,
  11: i64 large,
}

/** A struct holding a struct. */
struct QuadPair {
  1: i8 small,
  2: Quad inner,
  3: i32 medium,
}

/** Same shape as Quad with other ids, for skipping tests. */
struct QuadVariant {
  1: string text,
  4: i8 small,
  9: i32 medium,
  11: i64 large,
  12: bool extra,
}

/** A struct with maps keyed by enums and lists of structs. */
struct Madness {
  1: map<Digit, AccountId> accounts,
  2: list<Quad> quads,
}

/** Containers nested as deep as real test suites nest them. */
struct DeepNesting {
  1: string label,
  2: optional set<Madness> madnessSet,
  3: required list<map<set<i32>, map<i32, set<list<map<Madness, string>>>>>> monster,
  4: map<i32, map<i32, i32>> mapMap,
  5: list<list<list<i64>>> cube,
  6: map<string, list<map<i32, set<string>>>> mixed,
}

/** No fields at all. */
struct Hollow {
}

/** One field. */
struct Single {
  1: i32 only,
}

/** A struct whose fields have ids far apart. */
struct SparseIds {
  1: i32 first,
  500: i32 middle,
  32767: i32 last,
}

/** Versioned struct, older. */
struct RecordV1 {
  1: i32 beginInBoth,
  3: string oldString,
  12: i32 endInBoth,
}

/** Versioned struct, newer: fields added in the middle. */
struct RecordV2 {
  1: i32 beginInBoth,
  2: i32 newInt,
  3: i8 newByte,
  4: i16 newShort,
  5: i64 newLong,
  6: double newDouble,
  7: QuadVariant newStruct,
  8: list<i32> newList,
  9: set<i32> newSet,
  10: map<i32, i32> newMap,
  11: string newString,
  12: i32 endInBoth,
}

struct ListRecordV1 {
  1: list<i32> numbers,
  2: string hello,
}

struct ListRecordV2 {
  1: list<string> strings,
  2: string hello,
}

/** Requiredness variants for codec tests. */
struct RequiredMix {
  1: required i16 req,
  2: optional i16 opt,
  3: i16 plain,
  4: required string reqText = "required",
  5: optional string optText = "optional",
  6: string plainText = "default",
}

/** Optional binary, with and without defaults. */
struct BinaryHolder {
  1: map<string, binary> byName = {},
  2: optional binary maybe = "",
  3: list<binary> many,
}

/** Lists of lists of i32. */
struct IntGrid {
  1: list<list<i32>> rows,
}

/** Bools with defaults of both spellings. */
struct Booleans {
  1: bool t = true,
  2: bool f = false,
  3: bool one = 1,
  4: bool zero = 0,
  5: optional bool maybe,
  6: list<bool> many = [true, false],
}

/** A union of every shape. */
union Anything {
  1: bool b,
  2: i32 i,
  3: string s,
  4: binary bin,
  5: Quad quad,
  6: list<Quad> quads,
  7: map<string, Digit> digits,
  8: set<i64> ids,
}

/** An exception with an error code and a message. */
exception Failure {
  1: i32 errorCode,
  2: string message,
}

/** An exception that carries a struct. */
exception NestedFailure {
  1: i32 errorCode,
  2: Quad payload,
}

const Digit DEFAULT_DIGIT = Digit.FIVE
const map<i32, map<i32, i32>> SAMPLE_MAP_MAP = {-4: {-4: -4, -3: -3}, 4: {4: 4, 1: 1}}
const Quad SAMPLE_QUAD = {"text": "sample", "small": 1, "medium": -3, "large": 0x7FFFFFFF}

/** Echoes back what it is given, for every type. */
service KitchenSink {
  void echoNothing(),
  string echoString(1: string thing),
  bool echoBool(1: bool thing),
  i8 echoByte(1: i8 thing),
  i16 echoShort(1: i16 thing),
  i32 echoInt(1: i32 thing),
  i64 echoLong(1: i64 thing),
  double echoDouble(1: double thing),
  binary echoBinary(1: binary thing),
  Quad echoStruct(1: Quad thing),
  QuadPair echoNested(1: QuadPair thing),
  AllBase echoAllBase(1: AllBase thing),
  map<i32, i32> echoMap(1: map<i32, i32> thing),
  map<string, string> echoStringMap(1: map<string, string> thing),
  set<i32> echoSet(1: set<i32> thing),
  list<i32> echoList(1: list<i32> thing),
  Digit echoEnum(1: Digit thing),
  AccountId echoTypedef(1: AccountId thing),
  map<i32, map<i32, i32>> echoMapMap(1: i32 hello),
  map<AccountId, map<Digit, Madness>> echoMadness(1: Madness argument),
  Quad echoMulti(1: i8 arg0, 2: i32 arg1, 3: i64 arg2, 4: map<i16, string> arg3,
                 5: Digit arg4, 6: AccountId arg5),
  Anything echoUnion(1: Anything thing),
  DeepNesting echoDeep(1: DeepNesting thing),
  void echoFailure(1: string arg) throws (1: Failure err1),
  Quad echoMultiFailure(1: string arg0, 2: string arg1)
    throws (1: Failure err1, 2: NestedFailure err2),
  oneway void sleepThenForget(1: i32 secondsToSleep),
}

/** A second service extending the first, with one method of its own. */
service KitchenSinkPlus extends KitchenSink {
  string secondaryMethod(1: string thing),
  Hollow empty(1: Hollow h, 2: Single s, 3: SparseIds sparse),
  RecordV2 upgrade(1: RecordV1 old),
}
