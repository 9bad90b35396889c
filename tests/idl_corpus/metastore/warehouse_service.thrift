/**
 * The service of a data-warehouse metastore: databases, types, tables,
 * partitions (by values, names, filters, expressions), indexes, keys,
 * column statistics, functions, roles and privileges, tokens,
 * transactions and locks, compactions, notifications and file metadata;
 * well over a hundred methods, most throwing several exceptions. It
 * extends the status service (BaseService -> VitalsService ->
 * WarehouseMetastore).
 *
 * Includes warehouse_types.thrift relative to this file and vitals.thrift
 * through the -I dir tests/idl_corpus/common.
 */
include "warehouse_types.thrift"
include "vitals.thrift"

namespace cpp corpus.metastore.service
namespace java org.vireo.corpus.metastore

/** The metastore. Method names follow the data model's nouns. */
service WarehouseMetastore extends vitals.VitalsService {
  /** Instance-wide configuration value, or the default. */
  string getConfigValue(1: string name, 2: string defaultValue)
    throws (1: warehouse_types.ConfigSecurityError o1),

  void createDatabase(1: warehouse_types.DatabaseDef database)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3),
  warehouse_types.DatabaseDef getDatabase(1: string name)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  void dropDatabase(1: string name, 2: bool deleteData, 3: bool cascade)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.IllegalOperationError o2, 3: warehouse_types.MetastoreError o3),
  list<string> getDatabases(1: string pattern) throws (1: warehouse_types.MetastoreError o1),
  list<string> getAllDatabases() throws (1: warehouse_types.MetastoreError o1),
  void alterDatabase(1: string dbname, 2: warehouse_types.DatabaseDef db)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),

  warehouse_types.TypeDescriptor getType(1: string name)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  bool createType(1: warehouse_types.TypeDescriptor type)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3),
  bool dropType(1: string type)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  map<string, warehouse_types.TypeDescriptor> getTypeAll(1: string name)
    throws (1: warehouse_types.MetastoreError o2),

  list<warehouse_types.ColumnSchema> getFields(1: string dbName, 2: string tableName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.UnknownTableError o2, 3: warehouse_types.UnknownDbError o3),
  list<warehouse_types.ColumnSchema> getFieldsWithEnvironment(1: string dbName, 2: string tableName,
      3: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.UnknownTableError o2, 3: warehouse_types.UnknownDbError o3),
  list<warehouse_types.ColumnSchema> getSchema(1: string dbName, 2: string tableName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.UnknownTableError o2, 3: warehouse_types.UnknownDbError o3),
  list<warehouse_types.ColumnSchema> getSchemaWithEnvironment(1: string dbName, 2: string tableName,
      3: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.UnknownTableError o2, 3: warehouse_types.UnknownDbError o3),

  /** Creates a table; the table's descriptor must name its columns. */
  void createTable(1: warehouse_types.TableDef tbl)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2,
            3: warehouse_types.MetastoreError o3, 4: warehouse_types.NoSuchObjectError o4),
  void createTableWithEnvironment(1: warehouse_types.TableDef tbl, 2: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2,
            3: warehouse_types.MetastoreError o3, 4: warehouse_types.NoSuchObjectError o4),
  void createTableWithConstraints(1: warehouse_types.TableDef tbl, 2: list<warehouse_types.PrimaryKeyColumn> primaryKeys,
      3: list<warehouse_types.ForeignKeyColumn> foreignKeys)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2,
            3: warehouse_types.MetastoreError o3, 4: warehouse_types.NoSuchObjectError o4),
  void dropConstraint(1: string dbName, 2: string tableName, 3: string constraintName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o3),
  void addPrimaryKey(1: list<warehouse_types.PrimaryKeyColumn> primaryKeyCols)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  void addForeignKey(1: list<warehouse_types.ForeignKeyColumn> foreignKeyCols)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  void dropTable(1: string dbname, 2: string name, 3: bool deleteData)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o3),
  void dropTableWithEnvironment(1: string dbname, 2: string name, 3: bool deleteData,
      4: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o3),
  void truncateTable(1: string dbName, 2: string tableName, 3: list<string> partNames)
    throws (1: warehouse_types.MetastoreError o1),
  list<string> getTables(1: string dbName, 2: string pattern) throws (1: warehouse_types.MetastoreError o1),
  list<string> getTablesByType(1: string dbName, 2: string pattern, 3: string tableType)
    throws (1: warehouse_types.MetastoreError o1),
  list<warehouse_types.TableMeta> getTableMeta(1: string dbPatterns, 2: string tblPatterns, 3: list<string> tblTypes)
    throws (1: warehouse_types.MetastoreError o1),
  list<string> getAllTables(1: string dbName) throws (1: warehouse_types.MetastoreError o1),
  warehouse_types.TableDef getTable(1: string dbname, 2: string tblName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.TableDef> getTableObjectsByName(1: string dbname, 2: list<string> tblNames),
  warehouse_types.GetTablesResult getTablesByRequest(1: warehouse_types.GetTablesRequest req)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.UnknownDbError o3),
  list<string> getTableNamesByFilter(1: string dbname, 2: string filter, 3: i16 maxTables = -1)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.UnknownDbError o3),
  void alterTable(1: string dbname, 2: string tblName, 3: warehouse_types.TableDef newTbl)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  void alterTableWithEnvironment(1: string dbname, 2: string tblName, 3: warehouse_types.TableDef newTbl,
      4: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  void alterTableWithCascade(1: string dbname, 2: string tblName, 3: warehouse_types.TableDef newTbl,
      4: bool cascade)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),

  warehouse_types.PartitionDef addPartition(1: warehouse_types.PartitionDef newPart)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  warehouse_types.PartitionDef addPartitionWithEnvironment(1: warehouse_types.PartitionDef newPart,
      2: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  i32 addPartitions(1: list<warehouse_types.PartitionDef> newParts)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  i32 addPartitionsPspec(1: list<warehouse_types.PartitionSpec> newParts)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  warehouse_types.PartitionDef appendPartition(1: string dbName, 2: string tblName, 3: list<string> partVals)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  warehouse_types.AddPartitionsResult addPartitionsReq(1: warehouse_types.AddPartitionsRequest request)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  warehouse_types.PartitionDef appendPartitionByName(1: string dbName, 2: string tblName, 3: string partName)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  bool dropPartition(1: string dbName, 2: string tblName, 3: list<string> partVals, 4: bool deleteData)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  bool dropPartitionByName(1: string dbName, 2: string tblName, 3: string partName, 4: bool deleteData)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  warehouse_types.DropPartitionsResult dropPartitionsReq(1: warehouse_types.DropPartitionsRequest req)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  warehouse_types.PartitionDef getPartition(1: string dbName, 2: string tblName, 3: list<string> partVals)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  warehouse_types.PartitionDef exchangePartition(1: map<string, string> partitionSpecs, 2: string sourceDb,
      3: string sourceTableName, 4: string destDb, 5: string destTableName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2, 3: warehouse_types.MalformedObjectError o3,
            4: warehouse_types.InvalidInputError o4),
  list<warehouse_types.PartitionDef> exchangePartitions(1: map<string, string> partitionSpecs, 2: string sourceDb,
      3: string sourceTableName, 4: string destDb, 5: string destTableName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2, 3: warehouse_types.MalformedObjectError o3,
            4: warehouse_types.InvalidInputError o4),
  warehouse_types.PartitionDef getPartitionWithAuth(1: string dbName, 2: string tblName, 3: list<string> partVals,
      4: string userName, 5: list<string> groupNames)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  warehouse_types.PartitionDef getPartitionByName(1: string dbName, 2: string tblName, 3: string partName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.PartitionDef> getPartitions(1: string dbName, 2: string tblName, 3: i16 maxParts = -1)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<warehouse_types.PartitionDef> getPartitionsWithAuth(1: string dbName, 2: string tblName,
      3: i16 maxParts = -1, 4: string userName, 5: list<string> groupNames)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<warehouse_types.PartitionSpec> getPartitionsPspec(1: string dbName, 2: string tblName, 3: i32 maxParts = -1)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<string> getPartitionNames(1: string dbName, 2: string tblName, 3: i16 maxParts = -1)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<warehouse_types.PartitionDef> getPartitionsPs(1: string dbName, 2: string tblName, 3: list<string> partVals,
      4: i16 maxParts = -1)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.PartitionDef> getPartitionsPsWithAuth(1: string dbName, 2: string tblName,
      3: list<string> partVals, 4: i16 maxParts = -1, 5: string userName, 6: list<string> groupNames)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<string> getPartitionNamesPs(1: string dbName, 2: string tblName, 3: list<string> partVals,
      4: i16 maxParts = -1)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.PartitionDef> getPartitionsByFilter(1: string dbName, 2: string tblName, 3: string filter,
      4: i16 maxParts = -1)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.PartitionSpec> getPartSpecsByFilter(1: string dbName, 2: string tblName, 3: string filter,
      4: i32 maxParts = -1)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  warehouse_types.PartitionsByExprResult getPartitionsByExpr(1: warehouse_types.PartitionsByExprRequest req)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  i32 getNumPartitionsByFilter(1: string dbName, 2: string tblName, 3: string filter)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.PartitionDef> getPartitionsByNames(1: string dbName, 2: string tblName, 3: list<string> names)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  void alterPartition(1: string dbName, 2: string tblName, 3: warehouse_types.PartitionDef newPart)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  void alterPartitions(1: string dbName, 2: string tblName, 3: list<warehouse_types.PartitionDef> newParts)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  void alterPartitionsWithEnvironment(1: string dbName, 2: string tblName,
      3: list<warehouse_types.PartitionDef> newParts, 4: warehouse_types.CallEnvironment environmentContext)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  void renamePartition(1: string dbName, 2: string tblName, 3: list<string> partVals,
      4: warehouse_types.PartitionDef newPart)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  bool partitionNameHasValidCharacters(1: list<string> partVals, 2: bool throwException)
    throws (1: warehouse_types.MetastoreError o1),
  list<string> partitionNameToVals(1: string partName) throws (1: warehouse_types.MetastoreError o1),
  map<string, string> partitionNameToSpec(1: string partName) throws (1: warehouse_types.MetastoreError o1),
  void markPartitionForEvent(1: string dbName, 2: string tblName, 3: map<string, string> partVals,
      4: warehouse_types.PartitionEvent eventKind)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2, 3: warehouse_types.UnknownDbError o3,
            4: warehouse_types.UnknownTableError o4, 5: warehouse_types.UnknownPartitionError o5,
            6: warehouse_types.InvalidPartitionError o6),
  bool isPartitionMarkedForEvent(1: string dbName, 2: string tblName,
      3: map<string, string> partVals, 4: warehouse_types.PartitionEvent eventKind)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2, 3: warehouse_types.UnknownDbError o3,
            4: warehouse_types.UnknownTableError o4, 5: warehouse_types.UnknownPartitionError o5,
            6: warehouse_types.InvalidPartitionError o6),

  warehouse_types.IndexDef addIndex(1: warehouse_types.IndexDef newIndex, 2: warehouse_types.TableDef indexTable)
    throws (1: warehouse_types.MalformedObjectError o1, 2: warehouse_types.DuplicateObjectError o2, 3: warehouse_types.MetastoreError o3),
  void alterIndex(1: string dbname, 2: string baseTblName, 3: string idxName, 4: warehouse_types.IndexDef newIdx)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  bool dropIndexByName(1: string dbName, 2: string tblName, 3: string indexName, 4: bool deleteData)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  warehouse_types.IndexDef getIndexByName(1: string dbName, 2: string tblName, 3: string indexName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  list<warehouse_types.IndexDef> getIndexes(1: string dbName, 2: string tblName, 3: i16 maxIndexes = -1)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  list<string> getIndexNames(1: string dbName, 2: string tblName, 3: i16 maxIndexes = -1)
    throws (1: warehouse_types.MetastoreError o2),

  warehouse_types.PrimaryKeysResponse getPrimaryKeys(1: warehouse_types.PrimaryKeysRequest request)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),
  warehouse_types.ForeignKeysResponse getForeignKeys(1: warehouse_types.ForeignKeysRequest request)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),

  bool updateTableColumnStatistics(1: warehouse_types.ColumnStatistics statsObj)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3,
            4: warehouse_types.InvalidInputError o4),
  bool updatePartitionColumnStatistics(1: warehouse_types.ColumnStatistics statsObj)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3,
            4: warehouse_types.InvalidInputError o4),
  warehouse_types.ColumnStatistics getTableColumnStatistics(1: string dbName, 2: string tblName, 3: string colName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2, 3: warehouse_types.InvalidInputError o3,
            4: warehouse_types.MalformedObjectError o4),
  warehouse_types.ColumnStatistics getPartitionColumnStatistics(1: string dbName, 2: string tblName,
      3: string partName, 4: string colName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2, 3: warehouse_types.InvalidInputError o3,
            4: warehouse_types.MalformedObjectError o4),
  warehouse_types.TableStatsResult getTableStatisticsReq(1: warehouse_types.TableStatsRequest request)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  warehouse_types.PartitionsStatsResult getPartitionsStatisticsReq(1: warehouse_types.PartitionsStatsRequest request)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  warehouse_types.AggregatedStats getAggrStatsFor(1: warehouse_types.PartitionsStatsRequest request)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2),
  bool setAggrStatsFor(1: warehouse_types.SetPartitionsStatsRequest request)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3,
            4: warehouse_types.InvalidInputError o4),
  bool deletePartitionColumnStatistics(1: string dbName, 2: string tblName, 3: string partName,
      4: string colName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2, 3: warehouse_types.MalformedObjectError o3,
            4: warehouse_types.InvalidInputError o4),
  bool deleteTableColumnStatistics(1: string dbName, 2: string tblName, 3: string colName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o2, 3: warehouse_types.MalformedObjectError o3,
            4: warehouse_types.InvalidInputError o4),

  void createFunction(1: warehouse_types.FunctionDef func)
    throws (1: warehouse_types.DuplicateObjectError o1, 2: warehouse_types.MalformedObjectError o2, 3: warehouse_types.MetastoreError o3,
            4: warehouse_types.NoSuchObjectError o4),
  void dropFunction(1: string dbName, 2: string funcName)
    throws (1: warehouse_types.NoSuchObjectError o1, 2: warehouse_types.MetastoreError o3),
  void alterFunction(1: string dbName, 2: string funcName, 3: warehouse_types.FunctionDef newFunc)
    throws (1: warehouse_types.IllegalOperationError o1, 2: warehouse_types.MetastoreError o2),
  list<string> getFunctions(1: string dbName, 2: string pattern) throws (1: warehouse_types.MetastoreError o1),
  warehouse_types.FunctionDef getFunction(1: string dbName, 2: string funcName)
    throws (1: warehouse_types.MetastoreError o1, 2: warehouse_types.NoSuchObjectError o2),

  bool createRole(1: warehouse_types.RoleDef role) throws (1: warehouse_types.MetastoreError o1),
  bool dropRole(1: string roleName) throws (1: warehouse_types.MetastoreError o1),
  list<string> getRoleNames() throws (1: warehouse_types.MetastoreError o1),
  bool grantRole(1: string roleName, 2: string principalName, 3: warehouse_types.PrincipalKind principalType,
      4: string grantor, 5: warehouse_types.PrincipalKind grantorType, 6: bool mayRegrant)
    throws (1: warehouse_types.MetastoreError o1),
  bool revokeRole(1: string roleName, 2: string principalName, 3: warehouse_types.PrincipalKind principalType)
    throws (1: warehouse_types.MetastoreError o1),
  list<warehouse_types.RoleDef> listRoles(1: string principalName, 2: warehouse_types.PrincipalKind principalType)
    throws (1: warehouse_types.MetastoreError o1),
  warehouse_types.RolePrincipalsResponse getPrincipalsInRole(1: warehouse_types.RolePrincipalsRequest request)
    throws (1: warehouse_types.MetastoreError o1),
  warehouse_types.PrincipalPrivileges getPrivilegeSet(1: warehouse_types.SecurableRef objectRef, 2: string userName,
      3: list<string> groupNames)
    throws (1: warehouse_types.MetastoreError o1),
  list<warehouse_types.PrivilegeGrant> listPrivileges(1: string principalName, 2: warehouse_types.PrincipalKind principalType,
      3: warehouse_types.SecurableRef objectRef)
    throws (1: warehouse_types.MetastoreError o1),
  bool grantPrivileges(1: warehouse_types.PrivilegeBag privileges) throws (1: warehouse_types.MetastoreError o1),
  bool revokePrivileges(1: warehouse_types.PrivilegeBag privileges) throws (1: warehouse_types.MetastoreError o1),
  list<string> setUgi(1: string userName, 2: list<string> groupNames) throws (1: warehouse_types.MetastoreError o1),

  string getDelegationToken(1: string tokenOwner, 2: string renewerKerberosPrincipalName)
    throws (1: warehouse_types.MetastoreError o1),
  i64 renewDelegationToken(1: string tokenStrForm) throws (1: warehouse_types.MetastoreError o1),
  void cancelDelegationToken(1: string tokenStrForm) throws (1: warehouse_types.MetastoreError o1),

  warehouse_types.OpenTxnsInfo getOpenTxnsInfo(),
  warehouse_types.OpenTxns getOpenTxns(),
  warehouse_types.OpenTxnResponse openTxns(1: warehouse_types.OpenTxnRequest rqst),
  void abortTxn(1: warehouse_types.AbortTxnRequest rqst) throws (1: warehouse_types.NoSuchTxnError o1),
  void abortTxns(1: warehouse_types.AbortTxnsRequest rqst) throws (1: warehouse_types.NoSuchTxnError o1),
  void commitTxn(1: warehouse_types.CommitTxnRequest rqst)
    throws (1: warehouse_types.NoSuchTxnError o1, 2: warehouse_types.TxnAbortedError o2),
  warehouse_types.LockResponse acquireLock(1: warehouse_types.LockRequest rqst)
    throws (1: warehouse_types.NoSuchTxnError o1, 2: warehouse_types.TxnAbortedError o2),
  warehouse_types.LockResponse checkLock(1: warehouse_types.CheckLockRequest rqst)
    throws (1: warehouse_types.NoSuchTxnError o1, 2: warehouse_types.TxnAbortedError o2, 3: warehouse_types.NoSuchLockError o3),
  void unlock(1: warehouse_types.UnlockRequest rqst)
    throws (1: warehouse_types.NoSuchLockError o1, 2: warehouse_types.TxnOpenError o2),
  warehouse_types.ShowLocksResponse showLocks(1: warehouse_types.ShowLocksRequest rqst),
  void heartbeat(1: warehouse_types.HeartbeatRequest ids)
    throws (1: warehouse_types.NoSuchLockError o1, 2: warehouse_types.NoSuchTxnError o2, 3: warehouse_types.TxnAbortedError o3),
  warehouse_types.HeartbeatTxnRangeResponse heartbeatTxnRange(1: warehouse_types.HeartbeatTxnRangeRequest txns),
  void compact(1: warehouse_types.CompactionRequest rqst),
  warehouse_types.ShowCompactResponse showCompact(1: warehouse_types.ShowCompactRequest rqst),
  void addDynamicPartitions(1: warehouse_types.AddDynamicPartitions rqst)
    throws (1: warehouse_types.NoSuchTxnError o1, 2: warehouse_types.TxnAbortedError o2),

  warehouse_types.ChangeEventResponse getNextChangeEvents(1: warehouse_types.ChangeEventRequest rqst),
  warehouse_types.CurrentEventId getCurrentEventId(),
  warehouse_types.FireEventResponse fireListenerEvent(1: warehouse_types.FireEventRequest rqst),
  void flushCache(),
  warehouse_types.FileMetadataByExprResult getFileMetadataByExpr(1: warehouse_types.FileMetadataByExprRequest req),
  map<i64, binary> getFileMetadata(1: list<i64> fileKeys),
  void putFileMetadata(1: map<i64, binary> metadata),
  void clearFileMetadata(1: list<i64> fileKeys),
  /** Tells the metastore a client is going away; no answer. */
  oneway void clientGoodbye(1: string clientId),
}
