/**
 * Exceptions shared by the corpus's services. Many carry a field named
 * `what`, as C++ users like to write. Level 2: includes base.thrift.
 */
include "base.thrift"

namespace cpp corpus.common.errors

/** Kinds of failure, for metrics. */
enum FaultKind {
  UNKNOWN = 0,
  CALLER = 1,
  SERVER = 2,
  DEPENDENCY = 3,
  OVERLOAD = 4,
}

/** The thing asked for does not exist. */
exception NotFoundError {
  1: string what,
  2: optional string objectName,
}

/** The request is malformed. */
exception InvalidRequestError {
  1: required string what,
  2: optional list<string> badFields,
}

/** Not enough replicas are up to serve the request. */
exception UnavailableError {
  1: string what = "not enough replicas",
  2: i32 aliveReplicas,
  3: i32 requiredReplicas,
}

/** The request took longer than allowed. */
exception DeadlineExceededError {
  1: string what,
  2: optional i32 acknowledgedBy,
  3: optional i64 elapsedMs,
}

/** The caller could not prove who it is. */
exception AuthenticationError {
  1: required string what,
}

/** The caller may not do this. */
exception PermissionError {
  1: required string what,
  2: optional string principal,
  3: optional string privilege,
}

/** Too many requests from this caller. */
exception QuotaError {
  1: string what,
  2: i64 retryAfterMs = 1000,
  3: FaultKind kind = FaultKind.OVERLOAD,
  4: optional base.BaseResp resp,
}
