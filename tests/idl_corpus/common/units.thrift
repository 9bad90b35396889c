/**
 * Typedefs shared across the corpus, many of them typedefs of typedefs, and
 * constants typed through them. Level 1 of the include graph (no includes).
 */
namespace cpp corpus.common.units
namespace * corpus.units

/** Milliseconds since the Unix epoch. */
typedef i64 EpochMillis
/** When an event happened (a typedef of a typedef). */
typedef EpochMillis EventTime
/** When an event reached us (three levels of typedef). */
typedef EventTime IngestTime

typedef string Identifier
typedef Identifier TableName
typedef Identifier ColumnName
typedef list<TableName> TableNames
/** Which tables feed which: a map of typedefs of typedefs. */
typedef map<TableName, TableNames> Lineage
typedef set<ColumnName> ColumnSet

typedef binary Blob
/** A row key is opaque bytes. */
typedef Blob RowKey
typedef list<RowKey> RowKeys

typedef i32 Percent
typedef double Ratio
typedef Ratio Fraction

/** No time at all. */
const EpochMillis NEVER = 0
/** A day, in milliseconds. */
const EventTime ONE_DAY_MS = 86400000
const IngestTime ONE_WEEK_MS = 604800000
const TableName SYSTEM_TABLE = "__system"
const TableNames RESERVED_TABLES = ["__system", "__trash", "__audit"]
const Lineage EMPTY_LINEAGE = {}
const Lineage SAMPLE_LINEAGE = {"daily_rollup": ["events", "users"], "events": []}
const Percent FULL = 100
const Fraction HALF = 0.5
const Ratio TINY = 1.5e-9
