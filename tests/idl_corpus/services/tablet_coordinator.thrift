/**
 * The client-facing services of a tablet store's coordinator and servers,
 * with the long method and argument lists such services grow. Three
 * services in one file, the third extending the second.
 *
 * Includes the tablets model through the -I dir tests/idl_corpus and the
 * common files through tests/idl_corpus/common.
 */
include "storage/tablets.thrift"
include "errors.thrift"
include "vitals.thrift"

namespace cpp corpus.services.tablets

/** The caller's identity on a tablet store. */
struct SessionCredentials {
  1: string principal,
  2: string tokenClassName,
  3: binary token,
  4: string instanceId,
}

struct TraceInfo {
  1: i64 traceId,
  2: i64 parentId,
}

enum TableOperation {
  CREATE,
  DELETE,
  RENAME,
  SET_PROPERTY,
  REMOVE_PROPERTY,
  OFFLINE,
  ONLINE,
  FLUSH,
  PERMISSION,
  CLONE,
  MERGE,
  DELETE_RANGE,
  BULK_IMPORT,
  COMPACT,
  IMPORT,
  EXPORT,
  COMPACT_CANCEL,
}

enum TableOperationFailure {
  EXISTS,
  NOTFOUND,
  OTHER,
}

exception TableOperationError {
  1: optional string tableId,
  2: string tableName,
  3: TableOperation op,
  4: TableOperationFailure kind,
  5: string description,
}

exception ThriftSecurityError {
  1: string user,
  2: i32 code,
}

exception ThriftNotActiveServiceError {
  1: string serv,
  2: string description,
}

/** The configuration scopes a client can read. */
enum ConfigurationScope {
  CURRENT,
  SITE,
  DEFAULT,
}

/** Services any client of a tablet store calls, on any server. */
service ClientFacingServiceForTabletStoreInstances extends vitals.VitalsService {
  string getRootTabletLocation(),
  string getInstanceId(),
  string getZooKeepers(),

  /** Bulk-imports files and returns those that failed. */
  list<string> bulkImportFiles(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                               3: i64 tid, 4: string tableId, 5: list<string> files,
                               6: string errorDir, 7: bool setTime)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  bool isActive(1: TraceInfo tinfo, 2: i64 tid),

  void pingWithCredentials(1: SessionCredentials credentials) throws (1: ThriftSecurityError sec),

  list<tablets.CellRange> getDiskUsage(1: set<string> tables, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec, 2: TableOperationError toe),

  set<string> listLocalUsers(1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec),

  void createLocalUser(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                       3: string principal, 4: binary password)
    throws (1: ThriftSecurityError sec),

  void dropLocalUser(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: string principal)
    throws (1: ThriftSecurityError sec),

  void changeLocalUserPassword(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                               3: string principal, 4: binary password)
    throws (1: ThriftSecurityError sec),

  bool authenticate(1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec),

  bool authenticateUser(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                        3: SessionCredentials toAuth)
    throws (1: ThriftSecurityError sec),

  void changeAuthorizations(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                            3: string principal, 4: list<binary> authorizations)
    throws (1: ThriftSecurityError sec),

  list<binary> getUserAuthorizations(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                                     3: string principal)
    throws (1: ThriftSecurityError sec),

  bool hasSystemPermission(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                           3: string principal, 4: i8 sysPerm)
    throws (1: ThriftSecurityError sec),

  bool hasTablePermission(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                          3: string principal, 4: string tableName, 5: i8 tblPerm)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void grantTablePermission(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                            3: string principal, 4: string tableName, 5: i8 permission)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void revokeTablePermission(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                             3: string principal, 4: string tableName, 5: i8 permission)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  map<string, string> getConfiguration(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                                       3: ConfigurationScope scope),

  map<string, string> getTableConfiguration(1: TraceInfo tinfo,
                                            3: SessionCredentials credentials, 2: string tableName)
    throws (1: TableOperationError tope),

  bool checkClass(1: TraceInfo tinfo, 4: SessionCredentials credentials, 2: string className,
                  3: string interfaceMatch),

  bool checkTableClass(1: TraceInfo tinfo, 5: SessionCredentials credentials, 2: string tableId,
                       3: string className, 4: string interfaceMatch)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),
}

/** The coordinator ("master"): table and namespace operations, status. */
service TabletCoordinatorClientService extends ClientFacingServiceForTabletStoreInstances {
  i64 initiateFlush(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: string tableName)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void waitForFlush(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: string tableName,
                    6: binary startRow, 7: binary endRow, 4: i64 flushId, 5: i64 maxLoops)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void setTableProperty(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                        3: string tableName, 4: string property, 5: string value)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void removeTableProperty(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                           3: string tableName, 4: string property)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope),

  void setCoordinatorGoalState(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                               3: tablets.CoordinatorGoal state)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  void shutdown(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: bool stopTabletServers)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  void shutdownTabletServer(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                            3: string tabletServer, 4: bool force)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  tablets.ClusterStatus getClusterStatus(1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  list<string> getActiveTservers(1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  /** Reports a tablet's split; no answer. */
  oneway void reportSplitExtent(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                                3: string serverName, 4: tablets.TabletExtent oldTablet,
                                5: tablets.TabletExtent newTabletA,
                                6: tablets.TabletExtent newTabletB),

  oneway void reportTabletStatus(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                                 3: string serverName, 4: i32 status,
                                 5: tablets.TabletExtent tablet),

  i64 beginFateOperation(1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  void executeFateOperation(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: i64 opid,
                            4: TableOperation op, 5: list<binary> arguments,
                            6: map<string, string> options, 7: bool autoClean)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope,
            3: ThriftNotActiveServiceError tnase),

  string waitForFateOperation(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: i64 opid)
    throws (1: ThriftSecurityError sec, 2: TableOperationError tope,
            3: ThriftNotActiveServiceError tnase),

  void finishFateOperation(1: TraceInfo tinfo, 2: SessionCredentials credentials, 3: i64 opid)
    throws (1: ThriftSecurityError sec, 2: ThriftNotActiveServiceError tnase),

  map<tablets.TabletExtent, list<tablets.TabletStats>> getTabletStatsForAllTablesOfTheInstance(
      1: TraceInfo tinfo, 2: SessionCredentials credentials)
    throws (1: ThriftSecurityError sec),
}

/** The tablet servers' scan side, reached directly by clients. */
service TabletScanClientService {
  tablets.ScanBatch startScan(11: TraceInfo tinfo, 1: SessionCredentials credentials,
                              2: tablets.TabletExtent extent, 3: tablets.CellRange range,
                              4: list<tablets.ColumnRef> columns, 5: i32 batchSize,
                              6: list<tablets.IteratorSpec> ssiList,
                              7: map<string, map<string, string>> ssio,
                              8: list<binary> authorizations, 9: bool waitForWrites,
                              10: bool isolated, 12: i64 readaheadThreshold,
                              13: i64 batchTimeOut, 14: string classLoaderContext)
    throws (1: ThriftSecurityError sec, 2: errors.NotFoundError nste,
            3: errors.UnavailableError tmfe, 4: errors.DeadlineExceededError tsnpe),

  tablets.ScanBatch continueScan(2: TraceInfo tinfo, 1: i64 scanID)
    throws (1: errors.NotFoundError nssi, 2: errors.NotFoundError nste,
            3: errors.UnavailableError tmfe, 4: errors.DeadlineExceededError tsnpe),

  oneway void closeScan(2: TraceInfo tinfo, 1: i64 scanID),

  tablets.MultiScanBatch startMultiScan(8: TraceInfo tinfo, 1: SessionCredentials credentials,
      2: map<tablets.TabletExtent, list<tablets.CellRange>> batch,
      3: list<tablets.ColumnRef> columns, 4: list<tablets.IteratorSpec> ssiList,
      5: map<string, map<string, string>> ssio, 6: list<binary> authorizations,
      7: bool waitForWrites, 9: i64 batchTimeOut, 10: string classLoaderContext)
    throws (1: ThriftSecurityError sec),

  oneway void closeMultiScan(2: TraceInfo tinfo, 1: i64 scanID),

  void applyUpdates(1: TraceInfo tinfo, 2: SessionCredentials credentials,
                    3: tablets.TabletExtent keyExtent, 4: list<tablets.RowChanges> mutations)
    throws (1: ThriftSecurityError sec, 2: errors.NotFoundError nste),

  list<tablets.TabletStats> getTabletStats(3: TraceInfo tinfo, 1: SessionCredentials credentials,
                                           2: string tableId)
    throws (1: ThriftSecurityError sec),
}
