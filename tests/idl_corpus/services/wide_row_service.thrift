/**
 * The service of a wide-row store: reads by slice and range, batch writes,
 * counters, schema changes and ring discovery; most methods throw several
 * exceptions. It extends the status service (VitalsService extends
 * BaseService), so the chain is BaseService -> VitalsService ->
 * WideRowService -> EdgeGatewayService (edge_gateway.thrift).
 *
 * Level 4 of the include graph: includes "storage/columnar.thrift" through
 * the -I search dir tests/idl_corpus, and "vitals.thrift" through
 * tests/idl_corpus/common.
 */
include "storage/columnar.thrift"
include "storage/keys.thrift"
include "vitals.thrift"
include "errors.thrift"

namespace cpp corpus.services.widerow

/** A map of row key -> family -> changes, the shape of a batch write. */
typedef map<binary, map<string, list<columnar.Change>>> ChangeBatch

service WideRowService extends vitals.VitalsService {
  /** Authenticates the connection. */
  void login(1: required keys.Credentials credentials)
    throws (1: errors.AuthenticationError authnx, 2: errors.PermissionError authzx),

  /** Picks the keyspace later calls use. */
  void use_keyspace(1: required string keyspace)
    throws (1: errors.InvalidRequestError ire),

  /** Reads one cell or group. */
  columnar.CellOrGroup read_cell(1: required binary key,
                                 2: required columnar.CellPath path,
                                 3: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.NotFoundError nfe,
            3: errors.UnavailableError ue, 4: errors.DeadlineExceededError te),

  /** Reads a slice of one row. */
  list<columnar.CellOrGroup> read_slice(1: required binary key,
                                        2: required columnar.FamilyParent parent,
                                        3: required columnar.CellSelector selector,
                                        4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Counts the cells of a slice. */
  i32 count_slice(1: required binary key, 2: required columnar.FamilyParent parent,
                  3: required columnar.CellSelector selector,
                  4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** The same slice of many rows. */
  map<binary, list<columnar.CellOrGroup>> read_slice_of_many(1: required list<binary> keys,
      2: required columnar.FamilyParent parent, 3: required columnar.CellSelector selector,
      4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  map<binary, i32> count_slice_of_many(1: required list<binary> keys,
      2: required columnar.FamilyParent parent, 3: required columnar.CellSelector selector,
      4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** A slice of each row of a key or token range. */
  list<columnar.RowSlice> read_range(1: required columnar.FamilyParent parent,
                                     2: required columnar.CellSelector selector,
                                     3: required keys.KeyRange range,
                                     4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Pages through a family, row by row and cell by cell. */
  list<columnar.RowSlice> read_page(1: required string family, 2: required keys.KeyRange range,
                                    3: required binary startCell,
                                    4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Reads through a secondary index. */
  list<columnar.RowSlice> read_by_index(1: required columnar.FamilyParent parent,
                                        2: required columnar.FilterClause clause,
                                        3: required columnar.CellSelector selector,
                                        4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Writes one cell. */
  void write_cell(1: required binary key, 2: required columnar.FamilyParent parent,
                  3: required columnar.Cell cell,
                  4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Adds to a counter. */
  void add_to_tally(1: required binary key, 2: required columnar.FamilyParent parent,
                    3: required columnar.TallyCell delta,
                    4: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Compare-and-set of a row's cells. */
  columnar.QueryResult compare_and_set(1: binary key, 2: string family,
                                       3: list<columnar.Cell> expected,
                                       4: list<columnar.Cell> updates,
                                       5: keys.Consistency serialConsistency = keys.Consistency.SERIAL,
                                       6: keys.Consistency commitConsistency = keys.Consistency.QUORUM)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Removes a cell or a group, with the write time of the removal. */
  void erase(1: required binary key, 2: required columnar.CellPath path,
             3: required i64 writtenAt,
             4: keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  void erase_tally(1: required binary key, 2: required columnar.CellPath path,
                   3: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Applies a batch of changes, row by row. */
  void apply_batch(1: required ChangeBatch batch,
                   2: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Applies a batch of changes all or nothing. */
  void apply_batch_atomically(1: required map<binary, map<string, list<columnar.Change>>> batch,
                              2: required keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Drops every row of a family. */
  void empty_family(1: required string family)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te),

  /** Schema version of each node, grouped. */
  map<string, list<string>> list_schema_versions()
    throws (1: errors.InvalidRequestError ire),

  list<columnar.KeyspaceDef> list_keyspaces()
    throws (1: errors.InvalidRequestError ire),

  string get_cluster_name(),

  string get_interface_revision(),

  list<keys.TokenSpan> get_ring(1: required string keyspace)
    throws (1: errors.InvalidRequestError ire),

  list<keys.TokenSpan> get_local_ring(1: required string keyspace)
    throws (1: errors.InvalidRequestError ire),

  map<string, string> get_token_map()
    throws (1: errors.InvalidRequestError ire),

  string get_partitioner(),

  string get_snitch(),

  columnar.KeyspaceDef get_keyspace(1: required string keyspace)
    throws (1: errors.NotFoundError nfe, 2: errors.InvalidRequestError ire),

  list<string> get_splits(1: required string family, 2: required string startToken,
                          3: required string endToken, 4: required i32 keysPerSplit)
    throws (1: errors.InvalidRequestError ire),

  list<columnar.SplitHint> get_splits_with_sizes(1: required string family,
                                                 2: required string startToken,
                                                 3: required string endToken,
                                                 4: required i32 keysPerSplit)
    throws (1: errors.InvalidRequestError ire),

  /** Schema changes return the new schema version. */
  string add_family(1: required columnar.FamilyDef definition)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  string drop_family(1: required string family)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  string add_keyspace(1: required columnar.KeyspaceDef definition)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  string drop_keyspace(1: required string keyspace)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  string update_keyspace(1: required columnar.KeyspaceDef definition)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  string update_family(1: required columnar.FamilyDef definition)
    throws (1: errors.InvalidRequestError ire, 2: columnar.SchemaMismatchError sde),

  /** Runs a query string. */
  columnar.QueryResult run_query(1: required binary query,
                                 2: required columnar.QueryCompression compression)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te, 4: columnar.SchemaMismatchError sde),

  columnar.PreparedQuery prepare_query(1: required binary query,
                                       2: required columnar.QueryCompression compression)
    throws (1: errors.InvalidRequestError ire),

  columnar.QueryResult run_prepared(1: required i32 itemId, 2: required list<binary> values,
                                    3: keys.Consistency consistency = keys.Consistency.ONE)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.DeadlineExceededError te, 4: columnar.SchemaMismatchError sde),

  /** Sets the query language version of the connection. */
  void set_query_version(1: required string version)
    throws (1: errors.InvalidRequestError ire),

  /** Hints a node that it may drop its caches; no answer. */
  oneway void hint_cache_flush(1: string family, 2: list<binary> keys),
}
