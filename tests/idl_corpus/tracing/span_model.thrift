/**
 * The data model of a distributed tracer: spans with timed events and
 * typed key/value tags, endpoints, dependency links; ids are i64 (and a
 * high half for 128-bit trace ids), timestamps in microseconds.
 */
namespace cpp corpus.tracing
namespace java org.vireo.corpus.tracing

/** Event names of the four points of an RPC, two letters each. */
const string CALL_SENT = "cs"
const string CALL_RECEIVED = "cr"
const string HANDLER_STARTED = "hs"
const string HANDLER_FINISHED = "hf"
const string WIRE_SEND = "ws"
const string WIRE_RECEIVE = "wr"
/** Tag keys for the two ends of a call. */
const string CALLER_ADDR = "ca"
const string CALLEE_ADDR = "sa"
const string ERROR_TAG = "error"

/** Where an event happened. */
struct Endpoint {
  /** IPv4 address packed in an i32. */
  1: i32 ipv4,
  /** Port, 0 when unknown. */
  2: i16 port,
  3: string serviceName,
  4: optional binary ipv6,
}

/** A timed event of a span. */
struct TimedEvent {
  1: i64 timestampMicros,
  2: string value,
  3: optional Endpoint host,
}

/** The type of a tag's value, kept as bytes. */
enum TagType {
  BOOL,
  BYTES,
  I16,
  I32,
  I64,
  DOUBLE,
  STRING,
}

/** A key with a typed binary value. */
struct TypedTag {
  1: string key,
  2: binary value,
  3: TagType tagType,
  4: optional Endpoint host,
}

/** One operation of a trace. */
struct Span {
  1: i64 traceId,
  3: string name,
  4: i64 id,
  5: optional i64 parentId,
  6: list<TimedEvent> events,
  8: list<TypedTag> tags,
  9: optional bool debug = 0,
  10: optional i64 timestampMicros,
  11: optional i64 durationMicros,
  12: optional i64 traceIdHigh,
}

/** A whole trace. */
struct Trace {
  1: list<Span> spans,
}

/** How many calls went from one service to another. */
struct ServiceLink {
  1: string caller,
  2: string callee,
  4: i64 callCount,
  5: optional i64 errorCount,
}

struct Dependencies {
  1: i64 startMicros,
  2: i64 endMicros,
  3: list<ServiceLink> links,
}

/** Summary of a trace, for listings. */
struct TraceSummary {
  1: i64 traceId,
  2: i64 startMicros,
  3: i64 endMicros,
  4: i32 durationMicros,
  5: map<string, i32> serviceCounts,
  6: list<Endpoint> endpoints,
}

/** How stored spans are fixed up before they are returned. */
enum Adjustment {
  NOTHING,
  CLOCK_SKEW,
}

/** A timeline entry: an event with the span it belongs to. */
struct TimelineEntry {
  1: i64 timestampMicros,
  2: string value,
  3: Endpoint host,
  4: i64 spanId,
  5: i64 parentId,
  6: string serviceName,
  7: string spanName,
}

/** Trace ids matching a query, with their durations. */
struct QueryResult {
  1: list<i64> traceIds,
  2: i64 startMicros,
  3: i64 endMicros,
}
