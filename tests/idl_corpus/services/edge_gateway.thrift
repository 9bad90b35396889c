/**
 * A gateway in front of the wide-row store that adds request envelopes and
 * routing. Level 5 of the include graph (base <- keys <- columnar <-
 * wide_row_service <- edge_gateway), and the fourth service of the chain
 * BaseService -> VitalsService -> WideRowService -> EdgeGatewayService.
 *
 * Includes wide_row_service.thrift relative to this file, the common files
 * by relative paths, and columnar.thrift through the -I dir tests/idl_corpus.
 */
include "wide_row_service.thrift"
include "../common/base.thrift"
include "../common/errors.thrift"
include "storage/columnar.thrift"

namespace cpp corpus.services.gateway

/** Where a request goes. */
struct Route {
  1: required string keyspace,
  2: required string family,
  3: optional list<string> preferredZones,
  4: optional i32 weight = 1,
}

struct GatewayReadRequest {
  1: required binary key,
  2: required Route route,
  3: optional columnar.CellSelector selector,
  255: optional base.Base Base,
}

struct GatewayReadResponse {
  1: list<columnar.CellOrGroup> cells,
  2: optional string servedBy,
  255: base.BaseResp BaseResp,
}

struct GatewayWriteRequest {
  1: required binary key,
  2: required Route route,
  3: required list<columnar.Change> changes,
  255: optional base.Base Base,
}

struct GatewayWriteResponse {
  255: base.BaseResp BaseResp,
}

service EdgeGatewayService extends wide_row_service.WideRowService {
  /** A read with envelopes. */
  GatewayReadResponse routedRead(1: GatewayReadRequest req)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.QuotaError qe),

  /** A write with envelopes. */
  GatewayWriteResponse routedWrite(1: GatewayWriteRequest req)
    throws (1: errors.InvalidRequestError ire, 2: errors.UnavailableError ue,
            3: errors.QuotaError qe, 4: errors.PermissionError pe),

  /** Every route the gateway knows, by keyspace. */
  map<string, list<Route>> listRoutes(),

  /** Replaces the routes of a keyspace. */
  void putRoutes(1: string keyspace, 2: list<Route> routes)
    throws (1: errors.PermissionError pe),
}
