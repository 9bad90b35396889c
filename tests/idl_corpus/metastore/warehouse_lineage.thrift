/**
 * Lineage records of the warehouse metastore, in the shape of a big
 * metastore where a struct reaches itself through other structs held by
 * value, with no reference marker: a table snapshot holds its layout, the
 * layout may name the view it was derived from, and the view holds the
 * snapshot of its base table (TableSnapshot -> LayoutInfo -> ViewSource ->
 * TableSnapshot). Apache's C++ generator accepts this (its fields are
 * plain members, so the generated code does not compile as C++ either
 * unless the generator breaks the cycle).
 *
 * Includes warehouse_types.thrift relative to this file.
 */
include "warehouse_types.thrift"

namespace cpp corpus.metastore.lineage

/** A table at one point of its history. */
struct TableSnapshot {
  1: required string dbName,
  2: required string tableName,
  3: i64 snapshotId,
  4: LayoutInfo layout,
  5: optional warehouse_types.TableDef definition,
}

/** How a snapshot's data is laid out, and where it came from. */
struct LayoutInfo {
  1: list<warehouse_types.ColumnSchema> columns,
  2: optional warehouse_types.StorageDescriptor storage,
  /** The view this layout was materialised from, by value. */
  3: optional ViewSource derivedFrom,
}

/** A view and the snapshot of the table it reads. */
struct ViewSource {
  1: string viewSql,
  2: TableSnapshot baseTable,
  3: list<string> referencedColumns,
}

/** A partition's history: each version holds the one it replaced, by value. */
struct PartitionVersion {
  1: list<string> values,
  2: i64 version,
  3: optional PartitionVersion replaced,
  4: optional warehouse_types.PartitionDef partition,
}

/** An edge of the lineage graph; the graph holds edges, edges hold the graph's root. */
struct LineageEdge {
  1: TableSnapshot upstream,
  2: TableSnapshot downstream,
  3: LineageGraph subgraph,
}

struct LineageGraph {
  1: list<LineageEdge> edges,
  2: optional LineageEdge strongest,
}

/** Asks for the lineage of a table. */
struct LineageRequest {
  1: required string dbName,
  2: required string tableName,
  3: i32 depth = 3,
}

service WarehouseLineage {
  LineageGraph getLineage(1: LineageRequest request)
    throws (1: warehouse_types.NoSuchObjectError missing, 2: warehouse_types.MetastoreError failed),
  list<PartitionVersion> getPartitionVersions(1: string dbName, 2: string tableName,
                                             3: list<string> values),
  TableSnapshot getSnapshot(1: string dbName, 2: string tableName, 3: i64 snapshotId),
}
