/**
 * Data types of a sorted, tablet-partitioned key-value store: keys with
 * column families, qualifiers and visibilities, ranges, tablet extents,
 * scan batches, and the statistics servers report to the coordinator.
 *
 * Includes ../common/units.thrift relative to this file.
 */
include "../common/units.thrift"

namespace cpp corpus.storage.tablets
namespace java org.vireo.corpus.tablets

/** A full key: row, column family, qualifier, visibility and time. */
struct CellKey {
  1: binary row,
  2: binary colFamily,
  3: binary colQualifier,
  4: binary colVisibility,
  5: i64 timestamp = 0x7FFFFFFFFFFFFFFF,
}

/** An update of one column, or its deletion. */
struct ColumnUpdate {
  1: binary colFamily,
  2: binary colQualifier,
  3: binary colVisibility,
  4: i64 timestamp,
  5: bool hasTimestamp,
  6: binary value,
  7: bool deleted,
}

/** The changes of one row. */
struct RowChanges {
  1: binary row,
  2: binary data,
  3: list<binary> values,
  4: list<ColumnUpdate> updates,
  5: list<string> sources,
}

/** A range of keys; either end may be open. */
struct CellRange {
  1: optional CellKey start,
  2: optional CellKey stop,
  3: bool startInclusive = true,
  4: bool stopInclusive = false,
  5: bool infiniteStartKey,
  6: bool infiniteStopKey,
}

struct CellKeyValue {
  1: CellKey key,
  2: binary value,
}

/** Which tablet: its table and the end of its previous and own rows. */
struct TabletExtent {
  1: binary table,
  2: optional binary endRow,
  3: optional binary prevEndRow,
}

/** One batch of a scan. */
struct ScanBatch {
  1: list<CellKeyValue> results,
  2: bool more,
}

/** One batch of a multi-range scan. */
struct MultiScanBatch {
  1: list<CellKeyValue> results,
  2: map<TabletExtent, list<CellRange>> failures,
  3: list<TabletExtent> fullScans,
  4: optional TabletExtent partScan,
  5: optional CellKey partNextKey,
  6: bool partNextKeyInclusive,
  7: bool more,
}

struct ColumnRef {
  1: binary columnFamily,
  2: binary columnQualifier,
  3: binary columnVisibility,
}

/** A server-side iterator and its options. */
struct IteratorSpec {
  1: i32 priority,
  2: string className,
  3: string iterName,
  4: map<string, string> options = {},
}

/** Counts of one kind of tablet activity. */
struct ActionStats {
  1: i32 status,
  2: double elapsed,
  3: i32 num,
  4: i64 count,
  5: double sumDev,
  6: i32 fail,
  7: double queueTime,
  8: double queueSumDev,
}

struct TabletStats {
  1: TabletExtent extent,
  2: ActionStats majors,
  3: ActionStats minors,
  4: ActionStats splits,
  5: i64 numEntries,
  6: double ingestRate,
  7: double queryRate,
  8: units.EventTime splitCreationTime,
}

/** The coordinator's view of its own state. */
enum CoordinatorState {
  INITIAL,
  HAVE_LOCK,
  SAFE_MODE,
  NORMAL,
  UNLOAD_METADATA_TABLETS,
  UNLOAD_ROOT_TABLET,
  STOP,
}

enum CoordinatorGoal {
  CLEAN_STOP,
  SAFE_MODE,
  NORMAL,
}

/** What a tablet server reports in each heartbeat. */
struct TableInfo {
  1: i64 recs,
  2: i64 recsInMemory,
  3: i32 tablets,
  4: i32 onlineTablets,
  5: double ingestRate,
  6: double ingestByteRate,
  7: double queryRate,
  8: double queryByteRate,
  9: optional CompactionCounts minors,
  10: optional CompactionCounts majors,
  11: optional CompactionCounts scans,
  12: double scanRate,
}

struct CompactionCounts {
  1: i32 running,
  2: i32 queued,
}

struct RecoveryStatus {
  2: string name,
  5: i32 runtime,
  6: double progress,
}

struct ServerStatus {
  1: map<string, TableInfo> tableMap,
  2: i64 lastContact,
  3: string name,
  5: double osLoad,
  7: i64 holdTime,
  8: i64 lookups,
  10: i64 indexCacheHits,
  11: i64 indexCacheRequest,
  12: i64 dataCacheHits,
  13: i64 dataCacheRequest,
  14: list<RecoveryStatus> logSorts,
  15: i64 flushs,
  16: i64 syncs,
  17: string version,
  18: i64 responseTime,
}

struct ClusterStatus {
  1: map<string, TableInfo> tableMap,
  2: list<ServerStatus> tServerInfo,
  3: map<string, i8> badTServers,
  6: CoordinatorState state,
  8: CoordinatorGoal goal,
  7: i32 unassignedTablets,
  9: set<string> serversShuttingDown,
  10: list<string> deadTabletServers,
  11: list<string> bulkImports,
}
