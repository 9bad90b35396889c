/**
 * Shared types of an advertising system. Has the same base name as
 * search/common.thrift, with a different C++ namespace: the two must not
 * collide in one build.
 */
namespace cpp corpus.ads
namespace go corpus.ads.common

enum BidStrategy {
  MANUAL_CPC = 1,
  TARGET_CPA = 2,
  MAXIMIZE_CLICKS = 3,
}

/** Money in micros of a currency. */
struct Money {
  1: required i64 micros,
  2: required string currency = "USD",
}

struct Targeting {
  1: list<string> geos,
  2: list<string> languages,
  3: optional set<i32> ageBuckets,
  4: map<string, double> keywordBids,
}

const Money ZERO_BUDGET = {"micros": 0, "currency": "USD"}
const i32 MAX_KEYWORDS = 20000
