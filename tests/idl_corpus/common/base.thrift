/**
 * Request and response envelopes shared by every service of the corpus, in
 * the shape of a Kitex-style base.thrift: each request carries a `Base` as
 * its last field (id 255) and each response a `BaseResp`, both with a free
 * map of string extras that middleware reads and writes.
 *
 * This file is the bottom of the corpus's include graph (level 1).
 */
namespace cpp corpus.common
namespace go corpus.common
namespace java org.vireo.corpus.common
namespace py corpus_common

/** Marks a call as shadow traffic, routed to the named environment. */
struct TrafficEnv {
  1: bool Open = false,
  2: string Env = "",
}

/** Who is calling and from where; filled in by the client middleware. */
struct Base {
  1: string RequestID = "",
  2: string CallerService = "",
  3: string CallerAddr = "",
  4: string ClientVersion = "",
  /** Field named like its type, as Kitex's base does. */
  5: optional TrafficEnv TrafficEnv,
  6: optional map<string, string> Extra,
}

/** Outcome of a call, beside the payload. */
struct BaseResp {
  1: string StatusMessage = "",
  2: i32 StatusCode = 0,
  3: optional map<string, string> Extra,
}

/** Default deadline of a call, in milliseconds. */
const i32 DEFAULT_DEADLINE_MS = 1500
/** Tag every request of the corpus carries in Base.Extra. */
const string PLATFORM_TAG = "vireo-corpus"
/** Status codes below this one are successes. */
const i32 FIRST_ERROR_CODE = 1000
/** The extras a fresh BaseResp carries. */
const map<string, string> DEFAULT_EXTRAS = {"platform": PLATFORM_TAG, "version": "1"}

/** The smallest service: every other service of the corpus extends it, directly or not. */
service BaseService {
  /** Returns its argument's RequestID; for liveness probes. */
  string ping(1: Base base),
}
