/**
 * The data model of a wide-row ("column family") store: cells, groups of
 * cells, tallies, slices, selectors, changes and schema definitions.
 *
 * Level 3 of the include graph: includes keys.thrift from its own folder,
 * and errors.thrift and units.thrift through a -I search dir
 * (tests/idl_corpus/common).
 */
include "keys.thrift"
include "errors.thrift"
include "units.thrift"

namespace cpp corpus.storage.columnar
namespace java org.vireo.corpus.storage

/** The version of this interface, checked by clients at connect time. */
const string INTERFACE_REVISION = "20.1.0"

/** One named value with its write time and optional time to live. */
struct Cell {
  1: required binary name,
  2: optional binary value,
  3: optional i64 writtenAt,
  4: optional i32 ttlSeconds,
}

/** A named group of cells (a "super column"). */
struct CellGroup {
  1: required binary name,
  2: required list<Cell> cells,
}

/** A counter cell. */
struct TallyCell {
  1: required binary name,
  2: required i64 value,
}

/** A counter group. */
struct TallyGroup {
  1: required binary name,
  2: required list<TallyCell> cells,
}

/** Exactly one of the four is set: the shape of a read result. */
struct CellOrGroup {
  1: optional Cell cell,
  2: optional CellGroup group,
  3: optional TallyCell tally,
  4: optional TallyGroup tallyGroup,
}

/** Where to read or write: a family and, maybe, a group. */
struct FamilyParent {
  3: required string family,
  4: optional binary group,
}

/** The path to one cell or one group. */
struct CellPath {
  3: required string family,
  4: optional binary group,
  5: optional binary cell,
}

/** Bounds of a slice of cells, in comparator order. */
struct SliceBounds {
  1: required binary first,
  2: required binary last,
  3: required bool reversed = false,
  4: required i32 limit = 100,
}

/** Which cells to read: by name, or by bounds. */
struct CellSelector {
  1: optional list<binary> names,
  2: optional SliceBounds bounds,
}

enum FilterOp {
  EQ,
  GTE,
  GT,
  LTE,
  LT,
}

struct FilterTerm {
  1: required binary cellName,
  2: required FilterOp op,
  3: required binary operand,
}

/** Secondary-index query. */
struct FilterClause {
  1: required list<FilterTerm> terms,
  2: required binary startKey,
  3: required i32 limit = 100,
}

/** One row of a range read. */
struct RowSlice {
  1: required binary key,
  2: required list<CellOrGroup> cells,
}

struct RowTally {
  1: required binary key,
  2: required i32 count,
}

/** Removal of a cell, a group, or a slice of either. */
struct Erasure {
  1: optional i64 writtenAt,
  2: optional binary group,
  3: optional CellSelector selector,
}

/** One write of a batch: a value or an erasure. */
struct Change {
  1: optional CellOrGroup cellOrGroup,
  2: optional Erasure erasure,
}

enum IndexKind {
  KEYS,
  CUSTOM,
  COMPOSITES,
}

/** Schema of one cell. */
struct CellDef {
  1: required binary name,
  2: required string validationClass,
  3: optional IndexKind indexKind,
  4: optional string indexName,
  5: optional map<string, string> indexOptions,
}

/** Schema of one family; mostly optional knobs, as real stores grow them. */
struct FamilyDef {
  1: required string keyspace,
  2: required string name,
  3: optional string familyType = "Standard",
  5: optional string comparator = "BytesType",
  6: optional string subcomparator,
  8: optional string comment,
  12: optional double readRepairChance,
  13: optional list<CellDef> cellMetadata,
  14: optional i32 gcGraceSeconds,
  15: optional string defaultValidationClass,
  16: optional i32 id,
  17: optional i32 minCompactionThreshold,
  18: optional i32 maxCompactionThreshold,
  26: optional string keyValidationClass,
  28: optional binary keyAlias,
  29: optional string compactionStrategy,
  30: optional map<string, string> compactionStrategyOptions,
  32: optional map<string, string> compressionOptions,
  33: optional double bloomFilterFpChance,
  34: optional string caching = "keys_only",
  37: optional double dcLocalReadRepairChance = 0.0,
  38: optional bool populateIoCacheOnFlush,
  39: optional i32 memtableFlushPeriodMs,
  40: optional i32 defaultTtl,
  41: optional string speculativeRetry = "NONE",
  42: optional list<units.Identifier> triggers,
}

/** Schema of one keyspace. */
struct KeyspaceDef {
  1: required string name,
  2: required string strategyClass,
  3: optional map<string, string> strategyOptions,
  4: optional i32 replicationFactor,
  5: required list<FamilyDef> families,
  6: optional bool durableWrites = 1,
}

/** Compression of a query string. */
enum QueryCompression {
  GZIP = 1,
  NONE = 2,
}

enum QueryResultKind {
  ROWS = 1,
  VOID = 2,
  INT = 3,
}

struct QueryRow {
  1: required binary key,
  2: required list<Cell> cells,
}

struct QueryMetadata {
  1: required map<binary, string> nameTypes,
  2: required map<binary, string> valueTypes,
  3: required string defaultNameType,
  4: required string defaultValueType,
}

struct QueryResult {
  1: required QueryResultKind kind,
  2: optional list<QueryRow> rows,
  3: optional i32 num,
  4: optional QueryMetadata schema,
}

struct PreparedQuery {
  1: required i32 itemId,
  2: required i32 count,
  3: optional list<string> variableTypes,
  4: optional list<string> variableNames,
}

/** One split of a token range, for map-reduce jobs. */
struct SplitHint {
  1: required string startToken,
  2: required string endToken,
  3: required i64 rowCount,
}

/** The schema changed under the caller; retry. */
exception SchemaMismatchError {
  1: string what,
  2: optional map<string, list<string>> versions,
}
