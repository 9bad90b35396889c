/**
 * Shared types of a search system. Same base name as ads/common.thrift,
 * different C++ namespace (three levels deep).
 */
namespace cpp corpus.search.shared
namespace go corpus.search.common

enum Vertical {
  WEB = 0,
  IMAGES = 1,
  NEWS = 2,
  VIDEO = 3,
}

/** A hit of the index. */
struct Hit {
  1: required string docId,
  2: double score,
  3: optional string snippet,
  4: map<string, string> fields,
}

/** Same name as a struct of ads/common.thrift, different fields. */
struct Money {
  1: double amount,
}

const list<Vertical> DEFAULT_VERTICALS = [Vertical.WEB, Vertical.NEWS]
