/**
 * Keys, tokens and consistency levels of a wide-row store. Level 2 of the
 * include graph: includes two files of ../common by paths relative to this
 * file.
 */
include "../common/base.thrift"
include "../common/units.thrift"

namespace cpp corpus.storage.keys
namespace java org.vireo.corpus.storage

/** How many replicas must answer before a read or write returns. */
enum Consistency {
  ONE = 1,
  QUORUM = 2,
  LOCAL_QUORUM = 3,
  EACH_QUORUM = 4,
  ALL = 5,
  ANY = 6,
  TWO = 7,
  THREE = 8,
  SERIAL = 9,
  LOCAL_SERIAL = 10,
  LOCAL_ONE = 11,
}

/** A range of the token ring, as hex strings. */
struct TokenSpan {
  1: required string startToken,
  2: required string endToken,
  3: optional string startKey,
  4: optional string endKey,
  5: required list<string> endpoints,
  6: optional list<string> rpcEndpoints,
}

/** Either a key range or a token range, never both. */
struct KeyRange {
  1: optional units.RowKey startKey,
  2: optional units.RowKey endKey,
  3: optional string startToken,
  4: optional string endToken,
  5: required i32 count = 100,
  6: optional list<binary> rowFilter,
}

/** Who asks, and what they present. */
struct Credentials {
  1: required map<string, string> properties,
  2: optional base.Base base,
}

const Consistency DEFAULT_READ = Consistency.ONE
const Consistency DEFAULT_WRITE = Consistency.QUORUM
const i32 DEFAULT_PAGE = 100
const units.EventTime KEY_CACHE_TTL = units.ONE_DAY_MS
