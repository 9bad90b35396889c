/**
 * The data model of a data-warehouse metastore: databases, tables,
 * partitions, storage descriptors, column statistics, privileges, roles,
 * locks, transactions, compactions and change notifications. Many structs,
 * deep nesting, optional fields everywhere, unions of statistics.
 *
 * Includes ../common/units.thrift relative to this file.
 */
include "../common/units.thrift"

namespace cpp corpus.metastore
namespace java org.vireo.corpus.metastore
namespace * corpus.metastore

const string LAST_SCHEMA_CHANGE_KEY = "wh.last_schema_change_ms"
const string ACID_TABLE_KEY = "wh.acid"
const string SKIP_AUTO_MERGE_KEY = "wh.skip_auto_merge"
const string HASH_COLUMN_KEY = "wh.hash_column"
const string HASH_BUCKETS_KEY = "wh.hash_buckets"
const string DIMENSION_MAP_KEY = "wh.dimension_of_column"
const string EXTERNAL_HANDLER_KEY = "wh.external_handler"
const i32 DEFAULT_BUCKETS = -1
const list<string> PARTITION_KEY_RESERVED = ["ds", "hr", "region"]

enum PrincipalKind {
  USER = 1,
  ROLE = 2,
  GROUP = 3,
}

enum ObjectKind {
  GLOBAL = 1,
  DATABASE = 2,
  TABLE = 3,
  PARTITION = 4,
  COLUMN = 5,
}

enum PartitionEvent {
  LOAD_DONE = 1,
}

enum LockLevel {
  SHARED_READ = 1,
  SHARED_WRITE = 2,
  EXCLUSIVE = 3,
}

enum LockState {
  ACQUIRED = 1,
  WAITING = 2,
  ABORT = 3,
  NOT_ACQUIRED = 4,
}

enum LockTarget {
  DB = 1,
  TABLE = 2,
  PARTITION = 3,
}

enum TxnState {
  COMMITTED = 1,
  ABORTED = 2,
  OPEN = 3,
}

enum CompactionKind {
  MINOR = 1,
  MAJOR = 2,
}

enum DataOperation {
  SELECT = 1,
  INSERT = 2,
  UPDATE = 3,
  DELETE = 4,
  UNSET = 5,
  NO_TXN = 6,
}

enum FunctionKind {
  JAVA = 1,
}

enum ResourceKind {
  JAR = 1,
  FILE = 2,
  ARCHIVE = 3,
}

/** A schema version with a comment. */
struct SchemaRevision {
  1: string version,
  2: string comments,
}

/** One column: name, type and comment. */
struct ColumnSchema {
  1: string name,
  2: string type,
  3: string comment,
}

/** A user-defined type. */
struct TypeDescriptor {
  1: string name,
  2: optional string type1,
  3: optional string type2,
  4: optional list<ColumnSchema> fields,
}

/** Names any securable object. */
struct SecurableRef {
  1: ObjectKind objectKind,
  2: string dbName,
  3: string objectName,
  4: list<string> partValues,
  5: string columnName,
}

struct GrantDetail {
  1: string privilege,
  2: i32 createTime,
  3: string grantor,
  4: PrincipalKind grantorType,
  5: bool mayRegrant,
}

struct PrivilegeGrant {
  1: SecurableRef objectRef,
  2: string principalName,
  3: PrincipalKind principalType,
  4: GrantDetail grantInfo,
}

struct PrivilegeBag {
  1: list<PrivilegeGrant> privileges,
}

/** Every privilege a principal holds, by scope. */
struct PrincipalPrivileges {
  1: map<string, list<GrantDetail>> byUser,
  2: map<string, list<GrantDetail>> byGroup,
  3: map<string, list<GrantDetail>> byRole,
}

struct RoleDef {
  1: string roleName,
  2: i32 createTime,
  3: string ownerName,
}

struct RoleGrant {
  1: string roleName,
  2: string principalName,
  3: PrincipalKind principalType,
  4: bool mayRegrant,
  5: i32 grantTime,
  6: string grantorName,
  7: PrincipalKind grantorPrincipalType,
}

struct RolePrincipalsRequest {
  1: required string roleName,
}

struct RolePrincipalsResponse {
  1: required list<RoleGrant> grants,
}

struct GrantRevokeRoleRequest {
  1: i32 action,
  2: string roleName,
  3: string principalName,
  4: PrincipalKind principalType,
  5: optional string grantor,
  6: optional PrincipalKind grantorType,
  7: optional bool mayRegrant,
}

/** A database: a name, a location and parameters. */
struct DatabaseDef {
  1: string name,
  2: string description,
  3: string rootUri,
  4: map<string, string> parameters,
  5: optional PrincipalPrivileges privileges,
  6: optional string ownerName,
  7: optional PrincipalKind ownerType,
}

/** How rows are turned into bytes. */
struct SerializerInfo {
  1: string name,
  2: string codecClass,
  3: map<string, string> parameters,
}

/** A sort column and its direction. */
struct SortOrder {
  1: string col,
  2: i32 order,
}

/** Columns whose values are skewed, and where those values live. */
struct SkewInfo {
  1: list<string> hotColumns,
  2: list<list<string>> hotValueTuples,
  3: map<list<string>, string> hotTupleDirectories,
}

/** Where and how a table's or partition's data is stored. */
struct StorageDescriptor {
  1: list<ColumnSchema> cols,
  2: string location,
  3: string readerClass,
  4: string writerClass,
  5: bool compressed,
  6: i32 numBuckets,
  7: SerializerInfo serdeInfo,
  8: list<string> bucketCols,
  9: list<SortOrder> sortCols,
  10: map<string, string> parameters,
  11: optional SkewInfo skewedInfo,
  12: optional bool hotTuplesInSubdirs,
}

/** A table. */
struct TableDef {
  1: string tableName,
  2: string dbName,
  3: string owner,
  4: i32 createTime,
  5: i32 lastAccessTime,
  6: i32 retention,
  7: StorageDescriptor sd,
  8: list<ColumnSchema> partitionKeys,
  9: map<string, string> parameters,
  10: string viewSqlAsWritten,
  11: string viewSqlResolved,
  12: string tableType,
  13: optional PrincipalPrivileges privileges,
  14: optional bool temporary = false,
  15: optional bool rewriteEnabled,
}

/** A partition of a table. */
struct PartitionDef {
  1: list<string> values,
  2: string dbName,
  3: string tableName,
  4: i32 createTime,
  5: i32 lastAccessTime,
  6: StorageDescriptor sd,
  7: map<string, string> parameters,
  8: optional PrincipalPrivileges privileges,
}

/** A partition sharing its table's descriptor. */
struct PartitionLite {
  1: list<string> values,
  2: i32 createTime,
  3: i32 lastAccessTime,
  4: string relativePath,
  5: map<string, string> parameters,
  6: optional PrincipalPrivileges privileges,
}

struct PartitionSpecShared {
  1: list<PartitionLite> partitions,
  2: list<ColumnSchema> cols,
  3: string rootPath,
  4: SerializerInfo serdeInfo,
}

struct PartitionList {
  1: list<PartitionDef> partitions,
}

/** Partitions of one table, in one of two forms. */
struct PartitionSpec {
  1: string dbName,
  2: string tableName,
  3: string rootPath,
  4: optional PartitionSpecShared sharedLayout,
  5: optional PartitionList partitionList,
}

/** A secondary index of a table. */
struct IndexDef {
  1: string indexName,
  2: string builderClass,
  3: string dbName,
  4: string baseTableName,
  5: i32 createTime,
  6: i32 lastAccessTime,
  7: string indexTableName,
  8: StorageDescriptor sd,
  9: map<string, string> parameters,
  10: bool buildLazily,
}

struct BooleanStats {
  1: required i64 trueCount,
  2: required i64 falseCount,
  3: required i64 nullCount,
  4: optional binary sketch,
}

struct DoubleStats {
  1: optional double lowValue,
  2: optional double highValue,
  3: required i64 nullCount,
  4: required i64 distinctEstimate,
  5: optional binary sketch,
}

struct LongStats {
  1: optional i64 lowValue,
  2: optional i64 highValue,
  3: required i64 nullCount,
  4: required i64 distinctEstimate,
  5: optional binary sketch,
}

struct StringStats {
  1: required i64 longestValue,
  2: required double meanLength,
  3: required i64 nullCount,
  4: required i64 distinctEstimate,
  5: optional binary sketch,
}

struct BinaryStats {
  1: required i64 longestValue,
  2: required double meanLength,
  3: required i64 nullCount,
  4: optional binary sketch,
}

/** A decimal as an unscaled big integer and a scale. */
struct DecimalValue {
  3: required i16 scale,
  1: required binary unscaled,
}

struct DecimalStats {
  1: optional DecimalValue lowValue,
  2: optional DecimalValue highValue,
  3: required i64 nullCount,
  4: required i64 distinctEstimate,
  5: optional binary sketch,
}

struct DateValue {
  1: required i64 daysSinceEpoch,
}

struct DateStats {
  1: optional DateValue lowValue,
  2: optional DateValue highValue,
  3: required i64 nullCount,
  4: required i64 distinctEstimate,
  5: optional binary sketch,
}

/** Statistics of one column: exactly one kind. */
union ColumnStatsData {
  1: BooleanStats booleanStats,
  2: LongStats longStats,
  3: DoubleStats doubleStats,
  4: StringStats stringStats,
  5: BinaryStats binaryStats,
  6: DecimalStats decimalStats,
  7: DateStats dateStats,
}

struct ColumnStatsObj {
  1: required string colName,
  2: required string colType,
  3: required ColumnStatsData statsData,
}

struct ColumnStatsDesc {
  1: required bool wholeTable,
  2: required string dbName,
  3: required string tableName,
  4: optional string partName,
  5: optional i64 analyzedAtMs,
}

struct ColumnStatistics {
  1: required ColumnStatsDesc statsDesc,
  2: required list<ColumnStatsObj> statsObj,
}

struct AggregatedStats {
  1: required list<ColumnStatsObj> colStats,
  2: required i64 partitionsSeen,
}

struct SetPartitionsStatsRequest {
  1: required list<ColumnStatistics> colStats,
  2: optional bool needMerge,
}

/** A table's schema with its properties. */
struct SchemaWithProps {
  1: list<ColumnSchema> columns,
  2: map<string, string> properties,
}

/** Free parameters passed along a call, for listeners. */
struct CallEnvironment {
  1: map<string, string> properties,
}

struct PrimaryKeyColumn {
  1: string ownerDb,
  2: string tableName,
  3: string columnName,
  4: i32 position,
  5: string parentKeyName,
  6: bool enforced,
  7: bool validated,
  8: bool trusted,
}

struct ForeignKeyColumn {
  1: string parentDb,
  2: string parentTable,
  3: string parentColumn,
  4: string childDb,
  5: string childTable,
  6: string childColumn,
  7: i32 position,
  8: i32 onUpdate,
  9: i32 onDelete,
  10: string childKeyName,
  11: string parentKeyName,
  12: bool enforced,
  13: bool validated,
  14: bool trusted,
}

struct PrimaryKeysRequest {
  1: required string dbName,
  2: required string tblName,
}

struct PrimaryKeysResponse {
  1: required list<PrimaryKeyColumn> primaryKeys,
}

struct ForeignKeysRequest {
  1: string parentDbName,
  2: string parentTblName,
  3: string foreignDbName,
  4: string foreignTblName,
}

struct ForeignKeysResponse {
  1: required list<ForeignKeyColumn> foreignKeys,
}

struct PartitionsByExprResult {
  1: required list<PartitionDef> partitions,
  2: required bool mayHaveMore,
}

struct PartitionsByExprRequest {
  1: required string dbName,
  2: required string tblName,
  3: required binary expr,
  4: optional string nullPartitionLabel,
  5: optional i16 maxParts = -1,
}

struct TableStatsResult {
  1: required list<ColumnStatsObj> tableStats,
}

struct PartitionsStatsResult {
  1: required map<string, list<ColumnStatsObj>> partStats,
}

struct TableStatsRequest {
  1: required string dbName,
  2: required string tblName,
  3: required list<string> colNames,
}

struct PartitionsStatsRequest {
  1: required string dbName,
  2: required string tblName,
  3: required list<string> colNames,
  4: required list<string> partNames,
}

struct AddPartitionsResult {
  1: optional list<PartitionDef> partitions,
}

struct AddPartitionsRequest {
  1: required string dbName,
  2: required string tblName,
  3: required list<PartitionDef> parts,
  4: required bool skipExisting,
  5: optional bool returnAffected = true,
}

struct DropPartitionsResult {
  1: optional list<PartitionDef> partitions,
}

struct DropPartitionsExpr {
  1: required binary expr,
  2: optional i32 archiveDepth,
}

/** Which partitions to drop: by name or by expressions. */
union RequestPartsSpec {
  1: list<string> names,
  2: list<DropPartitionsExpr> exprs,
}

struct DropPartitionsRequest {
  1: required string dbName,
  2: required string tblName,
  3: required RequestPartsSpec parts,
  4: optional bool deleteData,
  5: optional bool ifExists = true,
  6: optional bool overrideProtection,
  7: optional CallEnvironment environmentContext,
  8: optional bool returnAffected = true,
}

struct ResourceUri {
  1: ResourceKind resourceType,
  2: string uri,
}

/** A user-defined function. */
struct FunctionDef {
  1: string functionName,
  2: string dbName,
  3: string className,
  4: string ownerName,
  5: PrincipalKind ownerType,
  6: i32 createTime,
  7: FunctionKind functionType,
  8: list<ResourceUri> resources,
}

struct TxnInfo {
  1: required i64 id,
  2: required TxnState state,
  3: required string user,
  4: required string hostname,
  5: optional string clientTag = "Unknown",
  6: optional i32 pingCount = 0,
  7: optional string notes,
  8: optional i64 openedAtMs,
  9: optional i64 lastPingMs,
}

struct OpenTxnsInfo {
  1: required i64 highestAllocated,
  2: required list<TxnInfo> openTxns,
}

struct OpenTxns {
  1: required i64 highestAllocated,
  2: required set<i64> openTxns,
  3: optional i64 lowestOpen,
}

struct OpenTxnRequest {
  1: required i32 numTxns,
  2: required string user,
  3: required string hostname,
  4: optional string clientTag = "Unknown",
}

struct OpenTxnResponse {
  1: required list<i64> txnIds,
}

struct AbortTxnRequest {
  1: required i64 txnId,
}

struct AbortTxnsRequest {
  1: required list<i64> txnIds,
}

struct CommitTxnRequest {
  1: required i64 txnId,
}

struct LockComponent {
  1: required LockLevel type,
  2: required LockTarget level,
  3: required string databaseName,
  4: optional string tableName,
  5: optional string partitionName,
  6: optional DataOperation operationType = DataOperation.UNSET,
  7: optional bool transactional = false,
  8: optional bool writesNewPartitions = false,
}

struct LockRequest {
  1: required list<LockComponent> component,
  2: optional i64 txnId,
  3: required string user,
  4: required string hostname,
  5: optional string clientTag = "Unknown",
}

struct LockResponse {
  1: required i64 lockId,
  2: required LockState state,
}

struct CheckLockRequest {
  1: required i64 lockId,
  2: optional i64 txnId,
  3: optional i64 elapsedMs,
}

struct UnlockRequest {
  1: required i64 lockId,
}

struct ShowLocksRequest {
  1: optional string databaseName,
  2: optional string tableName,
  3: optional string partname,
  4: optional bool isExtended = false,
}

struct ShowLocksElement {
  1: required i64 lockId,
  2: required string databaseName,
  3: optional string tableName,
  4: optional string partname,
  5: required LockState state,
  6: required LockLevel type,
  7: optional i64 txnId,
  8: required i64 lastSeenMs,
  9: optional i64 acquiredAtMs,
  10: required string user,
  11: required string hostname,
  12: optional i32 pingCount = 0,
  13: optional string clientTag,
  14: optional i64 waitingOnLockId,
  15: optional i64 waitingOnComponentId,
  16: optional i64 componentId,
}

struct ShowLocksResponse {
  1: list<ShowLocksElement> locks,
}

struct HeartbeatRequest {
  1: optional i64 lockId,
  2: optional i64 txnId,
}

struct HeartbeatTxnRangeRequest {
  1: required i64 min,
  2: required i64 max,
}

struct HeartbeatTxnRangeResponse {
  1: required set<i64> aborted,
  2: required set<i64> unknown,
}

struct CompactionRequest {
  1: required string databaseName,
  2: required string tableName,
  3: optional string partitionName,
  4: required CompactionKind type,
  5: optional string runAsUserUser,
  6: optional map<string, string> properties,
}

struct ShowCompactRequest {
}

struct ShowCompactElement {
  1: required string databaseName,
  2: required string tableName,
  3: optional string partitionName,
  4: required CompactionKind type,
  5: required string state,
  6: optional string workerLabel,
  7: optional i64 start,
  8: optional string runAsUser,
  9: optional i64 highestTxnSeen,
  10: optional string notes,
  11: optional i64 endTime,
  12: optional string batchJobLabel = "none",
  13: optional i64 id,
}

struct ShowCompactResponse {
  1: required list<ShowCompactElement> compacts,
}

struct AddDynamicPartitions {
  1: required i64 txnId,
  2: required string databaseName,
  3: required string tableName,
  4: required list<string> partitionNames,
  5: optional DataOperation operationType = DataOperation.UNSET,
}

/** One change of the metastore, for listeners that poll. */
struct ChangeEvent {
  1: required i64 eventId,
  2: required i32 eventTime,
  3: required string eventKind,
  4: optional string dbName,
  5: optional string tableName,
  6: required string message,
  7: optional string encoding,
}

struct ChangeEventRequest {
  1: required i64 afterEventId,
  2: optional i32 limit,
}

struct ChangeEventResponse {
  1: required list<ChangeEvent> events,
}

struct CurrentEventId {
  1: required i64 eventId,
}

struct InsertEventData {
  1: optional bool replace,
  2: required list<string> addedFiles,
  3: optional list<string> addedFileDigests,
}

union FireEventRequestData {
  1: InsertEventData insertData,
}

struct FireEventRequest {
  1: required bool successful,
  2: required FireEventRequestData data,
  3: optional string dbName,
  4: optional string tableName,
  5: optional list<string> partitionValues,
}

struct FireEventResponse {
}

struct MetadataPpdResult {
  1: optional binary metadata,
  2: optional binary selectedStripes,
}

struct FileMetadataByExprResult {
  1: required map<i64, MetadataPpdResult> metadata,
  2: required bool exprSupported,
}

enum FileMetadataExprKind {
  ORC_SARG = 1,
}

struct FileMetadataByExprRequest {
  1: required list<i64> fileKeys,
  2: required binary expr,
  3: optional bool returnFooters = true,
  4: optional FileMetadataExprKind type,
}

struct TableMeta {
  1: required string dbName,
  2: required string tableName,
  3: required string tableType,
  4: optional string comments,
}

struct GetTablesRequest {
  1: required string dbName,
  2: optional list<string> tblNames,
}

struct GetTablesResult {
  1: required list<TableDef> tables,
}

/** Exceptions of the metastore. */
exception MetastoreError {
  1: string message,
}

exception UnknownTableError {
  1: string message,
}

exception UnknownDbError {
  1: string message,
}

exception DuplicateObjectError {
  1: string message,
}

exception InvalidPartitionError {
  1: string message,
}

exception UnknownPartitionError {
  1: string message,
}

exception MalformedObjectError {
  1: string message,
}

exception NoSuchObjectError {
  1: string message,
}

exception IllegalOperationError {
  1: string message,
}

exception ConfigSecurityError {
  1: string message,
}

exception InvalidInputError {
  1: string message,
}

exception NoSuchTxnError {
  1: string message,
}

exception TxnAbortedError {
  1: string message,
}

exception TxnOpenError {
  1: string message,
}

exception NoSuchLockError {
  1: string message,
}
