/**
 * Span intake and trace queries of a distributed tracer: oneway span
 * submission, lists of i64 trace ids, lists of lists of spans.
 *
 * Includes span_model.thrift relative to this file.
 */
include "span_model.thrift"

namespace cpp corpus.tracing.collector

/** How to order query results. */
enum Order {
  TIMESTAMP_DESC,
  TIMESTAMP_ASC,
  DURATION_ASC,
  DURATION_DESC,
  NONE,
}

struct SpanQuery {
  1: string serviceName,
  2: optional string spanName,
  3: list<string> events,
  4: map<string, string> tags,
  5: i64 endMicros,
  6: i32 limit = 10,
  7: Order order = Order.TIMESTAMP_DESC,
  8: optional i64 minDurationMicros,
  9: optional i64 maxDurationMicros,
}

exception TraceQueryError {
  1: string what,
}

enum ResultCode {
  OK,
  TRY_LATER,
}

/** Span intake. */
service SpanCollector {
  /** Takes spans without answering. */
  oneway void submit(1: list<span_model.Span> spans),
  /** Takes spans and says whether to back off. */
  ResultCode submitChecked(1: list<span_model.Span> spans),
  /** Takes spans encoded elsewhere, as opaque messages. */
  ResultCode submitEncoded(1: list<binary> messages),
  void storeDependencies(1: span_model.Dependencies deps),
}

/** Trace queries. */
service TraceQuery {
  span_model.QueryResult queryTraceIds(1: SpanQuery query) throws (1: TraceQueryError qe),
  list<i64> getTraceIdsBySpanName(1: string serviceName, 2: string spanName, 4: i64 endMicros,
                                  5: i32 limit, 6: Order order)
    throws (1: TraceQueryError qe),
  list<i64> getTraceIdsByServiceName(1: string serviceName, 3: i64 endMicros, 4: i32 limit,
                                     5: Order order)
    throws (1: TraceQueryError qe),
  list<i64> getTraceIdsByEvent(1: string serviceName, 2: string event, 3: binary value,
                               5: i64 endMicros, 6: i32 limit, 7: Order order)
    throws (1: TraceQueryError qe),
  set<i64> tracesExist(1: list<i64> traceIds) throws (1: TraceQueryError qe),
  list<span_model.Trace> getTracesByIds(1: list<i64> traceIds,
                                        2: list<span_model.Adjustment> adjust)
    throws (1: TraceQueryError qe),
  list<list<span_model.Span>> getRawSpansByIds(1: list<i64> traceIds)
    throws (1: TraceQueryError qe),
  list<span_model.TraceSummary> getTraceSummariesByIds(1: list<i64> traceIds,
                                                      2: list<span_model.Adjustment> adjust)
    throws (1: TraceQueryError qe),
  list<list<span_model.TimelineEntry>> getTimelinesByIds(1: list<i64> traceIds,
                                                        2: list<span_model.Adjustment> adjust)
    throws (1: TraceQueryError qe),
  set<string> getServiceNames() throws (1: TraceQueryError qe),
  set<string> getSpanNames(1: string serviceName) throws (1: TraceQueryError qe),
  void setTraceTimeToLive(1: i64 traceId, 2: i32 ttlSeconds) throws (1: TraceQueryError qe),
  i32 getTraceTimeToLive(1: i64 traceId) throws (1: TraceQueryError qe),
  i32 getDataTimeToLive() throws (1: TraceQueryError qe),
  span_model.Dependencies getDependencies(1: optional i64 startMicros, 2: optional i64 endMicros)
    throws (1: TraceQueryError qe),
  list<string> getTopEventValues(1: string serviceName) throws (1: TraceQueryError qe),
  map<i64, i64> getTraceDurations(1: list<i64> traceIds, 2: string serviceName)
    throws (1: TraceQueryError qe),
}
