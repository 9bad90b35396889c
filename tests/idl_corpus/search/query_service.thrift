/**
 * The query front end of a search system. Includes the search
 * common.thrift relative to this file, and base.thrift through -I.
 */
include "common.thrift"
include "base.thrift"

namespace cpp corpus.search.query

struct QueryRequest {
  1: required string text,
  2: list<common.Vertical> verticals = common.DEFAULT_VERTICALS,
  3: i32 offset = 0,
  4: i32 count = 10,
  5: optional map<string, string> filters,
  255: optional base.Base Base,
}

struct QueryResponse {
  1: list<common.Hit> hits,
  2: i64 totalEstimate,
  3: optional list<string> suggestions,
  4: optional common.Money adRevenueEstimate,
  255: base.BaseResp BaseResp,
}

exception QueryRejected {
  1: string what,
  2: optional string rewrittenQuery,
}

service QueryService extends base.BaseService {
  QueryResponse search(1: QueryRequest request) throws (1: QueryRejected rejected),
  list<string> suggest(1: string prefix, 2: i32 count = 8),
  map<common.Vertical, list<common.Hit>> searchAll(1: QueryRequest request)
    throws (1: QueryRejected rejected),
}
